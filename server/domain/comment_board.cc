#include "server/domain/comment_board.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/domain/comment_validation.h"
#include "server/domain/status_details.h"
#include "server/storage/article_store.h"
#include "server/storage/ban_store.h"
#include "server/storage/comment_store.h"
#include "server/text/unicode_text.h"

namespace news {
namespace {

using google::protobuf::util::TimeUtil;

// Checks every request field that needs no database and returns the normalised text.
absl::StatusOr<CommentText> ValidateCreate(const v1::CreateCommentRequest& request) {
  FieldViolations violations;
  if (request.article_id() <= 0) violations.Add("article_id", "must be a positive article id");
  if (request.parent_id() < 0) violations.Add("parent_id", "must be 0 or a comment id");
  const std::string& request_id = request.request_id();
  if (request_id.empty() || request_id.size() > kMaxRequestIdBytes ||
      !text::IsValidUtf8(request_id) || text::HasControlCharacters(request_id, false)) {
    violations.Add("request_id", "must be 1 to 100 bytes of printable text, e.g. a UUID");
  }
  CommentText text = CheckCommentText(request.author_name(), request.body(), violations);
  if (!violations.empty()) return violations.ToStatus();
  return text;
}

int64_t ToSeconds(absl::Duration duration) { return absl::ToInt64Seconds(duration); }

// Every write of a banned client on the board is refused with this one status.
absl::Status BannedError() {
  return WithErrorReason(absl::PermissionDeniedError("this client is banned from commenting"),
                         "CLIENT_BANNED");
}

}  // namespace

absl::StatusOr<CommentModeration> ParseCommentModeration(absl::string_view name) {
  if (name == "pre") return CommentModeration::kPre;
  if (name == "post") return CommentModeration::kPost;
  return absl::InvalidArgumentError(
      absl::StrCat("comment moderation must be 'pre' or 'post', not '", name, "'"));
}

absl::StatusOr<v1::Comment> CommentBoard::CreateComment(
    pqxx::connection& db, const Commenter& commenter,
    const v1::CreateCommentRequest& request) const {
  absl::StatusOr<CommentText> text = ValidateCreate(request);
  if (!text.ok()) return text.status();

  storage::NewComment comment;
  comment.article_id = request.article_id();
  comment.parent_id = request.parent_id();
  comment.client_id = commenter.client_id;
  comment.request_id = request.request_id();
  comment.author_name = text->author_name;
  comment.body = text->body;
  comment.duplicate_key = DuplicateKey(text->body);
  comment.state = rules_.moderation == CommentModeration::kPost ? v1::COMMENT_STATE_APPROVED
                                                                : v1::COMMENT_STATE_PENDING;
  comment.duplicate_window_seconds = ToSeconds(rules_.duplicate_window);
  comment.flood_limit = rules_.flood_limit;
  comment.flood_window_seconds = ToSeconds(rules_.flood_window);
  if (commenter.address) {
    comment.client_address = commenter.address->ToString();
    comment.client_network = RateLimitNetwork(*commenter.address).ToString();
    comment.address_flood_limit = rules_.address_flood_limit;
  }
  // Autocommit: the single statement is the whole transaction, so no BEGIN and COMMIT round
  // trips; it is durable when it returns.
  pqxx::nontransaction autocommit(db);
  storage::CreateResult result = storage::CommentStore(autocommit).Create(comment);
  switch (result.outcome) {
    case storage::CreateOutcome::kCreated:
    case storage::CreateOutcome::kRepeated:
      return std::move(result.comment->comment);
    case storage::CreateOutcome::kBanned:
      return BannedError();
    case storage::CreateOutcome::kNoArticle:
      return absl::NotFoundError("no published article has this id");
    case storage::CreateOutcome::kCommentsClosed:
      return WithErrorReason(absl::FailedPreconditionError("comments are closed on this article"),
                             "COMMENTS_CLOSED");
    case storage::CreateOutcome::kBadParent:
      // A comment readers cannot see answers as one that does not exist (as for likes).
      return absl::NotFoundError("parent_id: no approved comment of this article has this id");
    case storage::CreateOutcome::kDuplicate:
      return WithErrorReason(
          absl::AlreadyExistsError("you posted the same comment on this article a moment ago"),
          "DUPLICATE_COMMENT");
    case storage::CreateOutcome::kRateLimited: {
      const absl::Duration wait =
          std::max(absl::Seconds(1), absl::FromUnixMicros(result.flood_oldest_micros) +
                                         rules_.flood_window - absl::Now());
      return WithErrorReason(
          RetryLaterError(absl::StrCat("at most ", rules_.flood_limit, " comments per ",
                                       absl::FormatDuration(rules_.flood_window)),
                          wait),
          "COMMENT_RATE_LIMITED");
    }
    case storage::CreateOutcome::kAddressRateLimited: {
      const absl::Duration wait =
          std::max(absl::Seconds(1), absl::FromUnixMicros(result.flood_oldest_micros) +
                                         rules_.flood_window - absl::Now());
      return WithErrorReason(
          RetryLaterError(absl::StrCat("at most ", rules_.address_flood_limit,
                                       " comments per ", absl::FormatDuration(rules_.flood_window),
                                       " from one network address"),
                          wait),
          "ADDRESS_RATE_LIMITED");
    }
    case storage::CreateOutcome::kConflict:
      return absl::AbortedError("the comment changed concurrently; retry");
  }
  return absl::InternalError("unknown create outcome");
}

absl::StatusOr<v1::ListCommentsResponse> CommentBoard::ListComments(
    pqxx::connection& db, const v1::ListCommentsRequest& request) const {
  FieldViolations violations;
  if (request.article_id() <= 0) violations.Add("article_id", "must be a positive article id");
  absl::StatusOr<int> page_size =
      ResolvePageSize(request.page_size(), kDefaultPageSize, kMaxPageSize);
  if (!page_size.ok()) violations.Add("page_size", "must not be negative");
  v1::CommentOrder order = request.order();
  if (!v1::CommentOrder_IsValid(order)) violations.Add("order", "unknown order");
  if (!violations.empty()) return violations.ToStatus();
  if (order == v1::COMMENT_ORDER_UNSPECIFIED) order = v1::COMMENT_ORDER_OLDEST;

  const PageScope scope = PageScope("ListComments").Add(request.article_id()).Add(order);
  std::optional<storage::CommentPosition> after;
  if (!request.page_token().empty()) {
    absl::StatusOr<std::vector<int64_t>> keys = tokens_.Decode(request.page_token(), scope, 2);
    if (!keys.ok()) return keys.status();
    after = storage::CommentPosition{(*keys)[0], (*keys)[1]};
  }

  // One snapshot for the threads and their replies.
  pqxx::read_transaction tx(db);
  if (!storage::ArticleStore(tx).FindCommentSettings(request.article_id())) {
    return absl::NotFoundError("no published article has this id");
  }
  storage::CommentStore comments(tx);
  std::vector<v1::Comment> threads =
      comments.ListTopLevel(request.article_id(), order, after, *page_size + 1);
  const bool more = static_cast<int>(threads.size()) > *page_size;
  if (more) threads.resize(*page_size);

  std::vector<int64_t> thread_ids;
  std::map<int64_t, size_t> index_of_thread;
  for (size_t i = 0; i < threads.size(); ++i) {
    thread_ids.push_back(threads[i].id());
    index_of_thread[threads[i].id()] = i;
  }
  for (v1::Comment& reply : comments.ListApprovedReplies(thread_ids)) {
    *threads[index_of_thread.at(reply.parent_id())].add_replies() = std::move(reply);
  }

  v1::ListCommentsResponse response;
  for (v1::Comment& thread : threads) *response.add_comments() = std::move(thread);
  if (more) {
    const v1::Comment& last = response.comments(response.comments_size() - 1);
    const int64_t sort_key = order == v1::COMMENT_ORDER_TOP
                                 ? last.like_count()
                                 : TimeUtil::TimestampToMicroseconds(last.create_time());
    response.set_next_page_token(tokens_.Encode(scope, {sort_key, last.id()}));
  }
  return response;
}

absl::StatusOr<v1::Comment> CommentBoard::SetLike(pqxx::connection& db,
                                                  const Commenter& commenter, int64_t comment_id,
                                                  bool like) const {
  if (comment_id <= 0) return InvalidFieldError("comment_id", "must be a positive comment id");
  const std::string& client_id = commenter.client_id;
  pqxx::work tx(db);
  storage::BanStore bans(tx);
  if (bans.InForce(client_id) ||
      (commenter.address && bans.AddressInForce(commenter.address->ToString()))) {
    return BannedError();
  }
  storage::CommentStore comments(tx);
  std::optional<storage::StoredComment> comment = comments.FindById(comment_id);
  if (!comment || comment->comment.state() != v1::COMMENT_STATE_APPROVED) {
    return absl::NotFoundError("no approved comment has this id");
  }
  const std::string network =
      commenter.address ? RateLimitNetwork(*commenter.address).ToString() : std::string();
  if (like && !network.empty() && rules_.address_like_limit > 0) {
    const storage::CommentStore::NetworkLikes likes =
        comments.LockNetworkLikes(comment_id, client_id, network);
    if (!likes.liked_by_client && likes.from_network >= rules_.address_like_limit) {
      return WithErrorReason(
          absl::ResourceExhaustedError(absl::StrCat("this comment has ",
                                                    rules_.address_like_limit,
                                                    " likes from your network address already")),
          "ADDRESS_LIKE_LIMIT");
    }
  }
  const bool changed = like ? comments.AddLike(comment_id, client_id, network)
                            : comments.RemoveLike(comment_id, client_id);
  if (changed) comment = comments.FindById(comment_id);
  tx.commit();
  return std::move(comment->comment);
}

}  // namespace news
