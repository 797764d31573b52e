#include "server/domain/live/live_events.h"

#include <google/protobuf/util/time_util.h>

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "server/domain/status_details.h"
#include "server/storage/articles/article_store.h"
#include "server/storage/comments/comment_store.h"

namespace news {
namespace {

using google::protobuf::util::TimeUtil;


google::protobuf::Timestamp ChangeTime(const storage::Change& change) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(change.change_time));
}

bool IsCommentChange(const storage::Change& change) { return change.comment_id != 0; }

// Nullptr when the comment no longer shows what the change made visible: pending text never
// goes out.
LiveEventPtr CommentEventOf(const storage::Change& change, const v1::Comment* comment) {
  auto event = std::make_shared<LiveEvent>();
  event->position = change.position;
  event->article_id = change.article_id;
  v1::CommentEvent& out = event->comment;
  *out.mutable_change_time() = ChangeTime(change);
  if (change.kind == "comment.removed") {
    out.set_type(v1::COMMENT_EVENT_TYPE_REMOVED);
    v1::Comment& removed = *out.mutable_comment();
    removed.set_id(change.comment_id);
    removed.set_article_id(change.article_id);
    if (comment != nullptr) removed.set_parent_id(comment->parent_id());
    return event;
  }
  if (comment == nullptr || comment->state() != v1::COMMENT_STATE_APPROVED) return nullptr;
  out.set_type(change.kind == "comment.edited" ? v1::COMMENT_EVENT_TYPE_EDITED
                                               : v1::COMMENT_EVENT_TYPE_APPROVED);
  *out.mutable_comment() = *comment;
  return event;
}

LiveEventPtr ArticleEventOf(const storage::Change& change,
                            const storage::ArticleStore::AnyStateArticle* article) {
  // A purged article: no category to route it by, and nothing left to show.
  if (article == nullptr) return nullptr;
  const bool visible =
      article->state == ArticleState::kPublished || article->state == ArticleState::kExpired;
  auto event = std::make_shared<LiveEvent>();
  event->position = change.position;
  event->article_id = change.article_id;
  event->category_id = article->category_id;
  v1::ArticleEvent& out = event->article;
  *out.mutable_change_time() = ChangeTime(change);
  out.set_breaking(article->breaking);
  if (change.kind == "article.published" || change.kind == "article.updated") {
    if (!visible) return nullptr;
    if (change.kind == "article.updated") {
      out.set_type(v1::ARTICLE_EVENT_TYPE_UPDATED);
    } else {
      out.set_type(article->breaking ? v1::ARTICLE_EVENT_TYPE_BREAKING
                                     : v1::ARTICLE_EVENT_TYPE_PUBLISHED);
    }
    *out.mutable_article() = article->summary;
    return event;
  }
  if (change.kind == "article.expired" && article->state == ArticleState::kExpired) {
    out.set_type(v1::ARTICLE_EVENT_TYPE_EXPIRED);
    *out.mutable_article() = article->summary;
    return event;
  }
  // Retracted and deleted, and an expiry undone before it was read: readers lost the article.
  out.set_type(change.kind == "article.expired" ? v1::ARTICLE_EVENT_TYPE_EXPIRED
                                                : v1::ARTICLE_EVENT_TYPE_RETRACTED);
  out.mutable_article()->set_id(change.article_id);
  *out.mutable_article()->mutable_category() = article->summary.category();
  return event;
}

}  // namespace

bool LiveEvent::Matches(const LiveScope& scope) const {
  if (scope.topic == LiveScope::Topic::kComments) {
    return comment.type() != v1::COMMENT_EVENT_TYPE_UNSPECIFIED && article_id == scope.id;
  }
  return article.type() != v1::ARTICLE_EVENT_TYPE_UNSPECIFIED &&
         (scope.id == 0 || category_id == scope.id);
}

std::vector<LiveEventPtr> BuildLiveEvents(pqxx::transaction_base& tx,
                                          absl::Span<const storage::Change> changes) {
  absl::flat_hash_map<int64_t, v1::Comment> comments;
  std::vector<int64_t> article_ids;
  storage::CommentStore comment_store(tx);
  for (const storage::Change& change : changes) {
    if (!IsCommentChange(change)) {
      article_ids.push_back(change.article_id);
    } else if (!comments.contains(change.comment_id)) {
      if (auto stored = comment_store.FindById(change.comment_id)) {
        comments[change.comment_id] = std::move(stored->comment);
      }
    }
  }
  absl::flat_hash_map<int64_t, storage::ArticleStore::AnyStateArticle> articles;
  for (auto& article : storage::ArticleStore(tx).FindAnyState(article_ids)) {
    const int64_t id = article.summary.id();
    articles[id] = std::move(article);
  }
  std::vector<LiveEventPtr> events;
  events.reserve(changes.size());
  for (const storage::Change& change : changes) {
    LiveEventPtr event;
    if (IsCommentChange(change)) {
      auto found = comments.find(change.comment_id);
      event = CommentEventOf(change, found == comments.end() ? nullptr : &found->second);
    } else {
      auto found = articles.find(change.article_id);
      event = ArticleEventOf(change, found == articles.end() ? nullptr : &found->second);
    }
    if (event != nullptr) events.push_back(std::move(event));
  }
  return events;
}

namespace {

PageScope TokenScope(const LiveScope& scope) {
  return PageScope(scope.topic == LiveScope::Topic::kComments ? "WatchComments" : "WatchArticles")
      .Add(scope.id);
}

}  // namespace

std::string LiveTokens::Encode(const LiveScope& scope, int64_t position) const {
  const int64_t keys[] = {position};
  return codec_.Encode(TokenScope(scope), keys);
}

absl::StatusOr<int64_t> LiveTokens::Decode(const LiveScope& scope,
                                           absl::string_view token) const {
  absl::StatusOr<std::vector<int64_t>> keys = codec_.Decode(token, TokenScope(scope), 1);
  if (!keys.ok() || (*keys)[0] < 0) {
    return InvalidFieldError("resume_token",
                             "is not a resume token of this stream (altered, or of another "
                             "article or category)");
  }
  return (*keys)[0];
}

LiveFramePtr EncodeLiveFrame(const LiveTokens& tokens, const LiveScope& scope, LiveEventPtr event,
                             int64_t token_position) {
  auto frame = std::make_shared<LiveFrame>();
  if (scope.topic == LiveScope::Topic::kComments) {
    v1::CommentEvent message = event->comment;
    message.set_resume_token(tokens.Encode(scope, token_position));
    message.SerializeToString(&frame->bytes);
  } else {
    v1::ArticleEvent message = event->article;
    message.set_resume_token(tokens.Encode(scope, token_position));
    message.SerializeToString(&frame->bytes);
  }
  frame->event = std::move(event);
  frame->token_position = token_position;
  return frame;
}

}  // namespace news
