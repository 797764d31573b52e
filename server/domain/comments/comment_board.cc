#include "server/domain/comments/comment_board.h"

#include <google/protobuf/util/time_util.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <map>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "server/domain/comments/comment_policy.h"
#include "server/domain/comments/comment_validation.h"
#include "server/domain/status_details.h"
#include "server/storage/articles/article_counter_store.h"
#include "server/storage/articles/article_store.h"
#include "server/storage/comments/ban_store.h"
#include "server/storage/comments/comment_policy_store.h"
#include "server/storage/comments/comment_store.h"
#include "server/storage/comments/moderation_event_store.h"
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

storage::CreateResult CreateInAutocommit(pqxx::connection& db, const storage::NewComment& comment) {
  // Autocommit: the single statement is the whole transaction, so no BEGIN and COMMIT round
  // trips; it is durable when it returns.
  pqxx::nontransaction autocommit(db);
  return storage::CommentStore(autocommit).Create(comment);
}

// A held comment commits together with why it was held, so that the queue never shows it
// without its reason. Held comments are rare, so their extra round trips do not matter.
storage::CreateResult CreateHeld(pqxx::connection& db, const storage::NewComment& comment,
                                 const v1::CommentHold& hold) {
  pqxx::work tx(db);
  storage::CreateResult result = storage::CommentStore(tx).Create(comment);
  if (result.outcome == storage::CreateOutcome::kCreated) {
    storage::CommentPolicyStore(tx).AddHold(result.comment->comment.id(), hold);
  }
  tx.commit();
  return result;
}

absl::Status CommentsClosedError() {
  return WithErrorReason(absl::FailedPreconditionError("comments are closed on this article"),
                         "COMMENTS_CLOSED");
}

// comment_reports.reason of a valid, specified reason.
std::string ReportReasonName(v1::ReportReason reason) {
  switch (reason) {
    case v1::REPORT_REASON_SPAM:
      return "spam";
    case v1::REPORT_REASON_ABUSE:
      return "abuse";
    case v1::REPORT_REASON_OFF_TOPIC:
      return "off_topic";
    case v1::REPORT_REASON_OTHER:
      return "other";
    default:
      return "";
  }
}

// Audit events of readers' own actions name the reader as the actor.
void AppendReaderEvent(pqxx::transaction_base& tx, const std::string& actor_client_id,
                       absl::string_view action, const storage::StoredComment& comment,
                       v1::CommentState after, const std::string& detail) {
  v1::ModerationEvent event;
  event.set_actor(absl::StrCat("reader:", actor_client_id));
  event.set_action(std::string(action));
  event.set_comment_id(comment.comment.id());
  event.set_article_id(comment.comment.article_id());
  event.set_client_id(comment.client_id);
  event.set_state_before(comment.comment.state());
  event.set_state_after(after);
  event.set_detail(detail);
  storage::ModerationEventStore(tx).Append(event);
}

// Whether the commenter's client id or address has a ban in force: every write on the board
// checks both.
bool Banned(pqxx::transaction_base& tx, const Commenter& commenter) {
  storage::BanStore bans(tx);
  return bans.InForce(commenter.client_id) ||
         (commenter.address && bans.AddressInForce(commenter.address->ToString()));
}

absl::Status EditTokenError() {
  return WithErrorReason(absl::PermissionDeniedError("edit_token is not the token of this comment"),
                         "INVALID_EDIT_TOKEN");
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
  absl::StatusOr<Screening> screening = PolicyState(db, *text);
  if (!screening.ok()) return screening.status();

  storage::NewComment comment;
  comment.article_id = request.article_id();
  comment.parent_id = request.parent_id();
  comment.client_id = commenter.client_id;
  comment.request_id = request.request_id();
  comment.author_name = text->author_name;
  comment.body = text->body;
  comment.duplicate_key = DuplicateKey(text->body);
  comment.state = screening->state;
  comment.duplicate_window_seconds = ToSeconds(rules_.duplicate_window);
  comment.flood_limit = rules_.flood_limit;
  comment.flood_window_seconds = ToSeconds(rules_.flood_window);
  if (commenter.address) {
    comment.client_address = commenter.address->ToString();
    comment.client_network = RateLimitNetwork(*commenter.address).ToString();
    comment.address_flood_limit = rules_.address_flood_limit;
  }
  if (screening->approve_if_trusted) {
    comment.trust_after = rules_.trust_after;
    comment.trust_clean_days = CommentPolicy::kTrustCleanDays;
  }
  if (rules_.close_after > absl::ZeroDuration()) {
    // Closing by age costs one more read, only when it is configured. A retry of a request
    // accepted before the article aged out still gets its comment, as create_comment() answers
    // retries before every rule.
    pqxx::nontransaction autocommit(db);
    std::optional<storage::ArticleStore::CommentSettings> settings =
        storage::ArticleStore(autocommit).FindCommentSettings(request.article_id());
    if (settings &&
        absl::FromUnixMicros(settings->publish_time_micros) + rules_.close_after < absl::Now()) {
      std::optional<storage::StoredComment> earlier =
          storage::CommentStore(autocommit).FindByRequest(commenter.client_id,
                                                          request.request_id());
      if (!earlier) return CommentsClosedError();
      return ForAuthor(*std::move(earlier));
    }
  }
  storage::CreateResult result = screening->hold ? CreateHeld(db, comment, *screening->hold)
                                                 : CreateInAutocommit(db, comment);
  switch (result.outcome) {
    case storage::CreateOutcome::kCreated:
    case storage::CreateOutcome::kRepeated:
      return ForAuthor(*std::move(result.comment));
    case storage::CreateOutcome::kBanned:
      return BannedError();
    case storage::CreateOutcome::kNoArticle:
      return absl::NotFoundError("no published article has this id");
    case storage::CreateOutcome::kCommentsClosed:
      return CommentsClosedError();
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

  PageScope scope = PageScope("ListComments").Add(request.article_id()).Add(order);
  // Featured-first tokens carry a third key, the featured flag of the last comment shown.
  const size_t key_count = request.featured_first() ? 3 : 2;
  if (request.featured_first()) scope.Add("featured_first");
  std::optional<storage::CommentPosition> after;
  if (!request.page_token().empty()) {
    absl::StatusOr<std::vector<int64_t>> keys =
        tokens_.Decode(request.page_token(), scope, key_count);
    if (!keys.ok()) return keys.status();
    after = storage::CommentPosition{(*keys)[0], (*keys)[1], key_count == 3 && (*keys)[2] != 0};
  }

  // One snapshot for the threads and their replies.
  pqxx::read_transaction tx(db);
  if (!storage::ArticleStore(tx).FindCommentSettings(request.article_id())) {
    return absl::NotFoundError("no published article has this id");
  }
  storage::CommentStore comments(tx);
  std::vector<v1::Comment> threads = comments.ListTopLevel(
      request.article_id(), order, request.featured_first(), after, *page_size + 1);
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
    if (request.featured_first()) {
      response.set_next_page_token(
          tokens_.Encode(scope, {sort_key, last.id(), last.featured() ? 1 : 0}));
    } else {
      response.set_next_page_token(tokens_.Encode(scope, {sort_key, last.id()}));
    }
  }
  return response;
}

absl::StatusOr<v1::Comment> CommentBoard::SetLike(pqxx::connection& db,
                                                  const Commenter& commenter, int64_t comment_id,
                                                  bool like) const {
  if (comment_id <= 0) return InvalidFieldError("comment_id", "must be a positive comment id");
  const std::string& client_id = commenter.client_id;
  pqxx::work tx(db);
  if (Banned(tx, commenter)) return BannedError();
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

absl::StatusOr<v1::ReportCommentResponse> CommentBoard::ReportComment(
    pqxx::connection& db, const Commenter& commenter,
    const v1::ReportCommentRequest& request) const {
  FieldViolations violations;
  if (request.comment_id() <= 0) violations.Add("comment_id", "must be a positive comment id");
  if (ReportReasonName(request.reason()).empty()) {
    violations.Add("reason", "must be SPAM, ABUSE, OFF_TOPIC or OTHER");
  }
  const std::string note = CheckReportNote(request.note(), violations);
  if (!violations.empty()) return violations.ToStatus();

  const std::string& client_id = commenter.client_id;
  pqxx::work tx(db);
  if (Banned(tx, commenter)) return BannedError();
  storage::CommentStore comments(tx);
  // The row lock orders concurrent reports, so exactly one of them crosses the threshold.
  std::optional<storage::StoredComment> comment = comments.FindByIdForUpdate(request.comment_id());
  if (!comment || comment->comment.state() != v1::COMMENT_STATE_APPROVED) {
    return absl::NotFoundError("no approved comment has this id");
  }
  const std::optional<int64_t> count =
      comments.AddReport(request.comment_id(), client_id, ReportReasonName(request.reason()), note);
  if (count && rules_.report_threshold > 0 && *count >= rules_.report_threshold &&
      !comment->reports_overruled) {
    if (std::optional<int64_t> article_id = comments.HideReported(request.comment_id())) {
      storage::ArticleCounterStore(tx).AddToCommentCount(*article_id, -1);
      AppendReaderEvent(tx, client_id, "REPORT_HIDE", *comment, v1::COMMENT_STATE_PENDING,
                        absl::StrCat(*count, " reports"));
    }
  }
  tx.commit();
  v1::ReportCommentResponse response;
  response.set_comment_id(request.comment_id());
  response.set_recorded(count.has_value());
  return response;
}

absl::StatusOr<v1::Comment> CommentBoard::UpdateComment(
    pqxx::connection& db, const Commenter& commenter,
    const v1::UpdateCommentRequest& request) const {
  FieldViolations violations;
  if (request.comment_id() <= 0) violations.Add("comment_id", "must be a positive comment id");
  const std::string body = CheckCommentBody(request.body(), violations);
  if (!violations.empty()) return violations.ToStatus();
  if (request.edit_token().empty()) return EditTokenError();
  // Screened before the transaction, as the policy reads on the connection. Only the body is
  // new: the author name was screened when the comment was created.
  const std::string& client_id = commenter.client_id;
  absl::StatusOr<Screening> screening = PolicyState(db, CommentText{"", body});
  if (!screening.ok()) return screening.status();
  if (screening->approve_if_trusted && policy_.Trusted(db, client_id)) {
    screening->state = v1::COMMENT_STATE_APPROVED;
  }

  pqxx::work tx(db);
  absl::StatusOr<storage::StoredComment> own =
      LockOwnComment(tx, commenter, request.comment_id(), request.edit_token());
  if (!own.ok()) return own.status();
  const v1::CommentState state = own->comment.state();
  if (state != v1::COMMENT_STATE_APPROVED && state != v1::COMMENT_STATE_PENDING) {
    return absl::NotFoundError("this comment was removed and cannot be edited");
  }
  if (absl::Now() >
      absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(own->comment.create_time())) +
          rules_.edit_window) {
    return WithErrorReason(absl::FailedPreconditionError(absl::StrCat(
                               "comments can be edited for ",
                               absl::FormatDuration(rules_.edit_window), " after posting")),
                           "EDIT_WINDOW_CLOSED");
  }
  storage::CommentStore comments(tx);
  comments.ReplaceBody(request.comment_id(), body, DuplicateKey(body));
  // An edit never approves: a held comment stays held, and an approved one whose new text the
  // policy holds leaves public view.
  bool pending = state == v1::COMMENT_STATE_PENDING;
  if (state == v1::COMMENT_STATE_APPROVED && screening->state == v1::COMMENT_STATE_PENDING) {
    if (comments.Transition(request.comment_id(), state, v1::COMMENT_STATE_PENDING)) {
      pending = true;
      storage::ArticleCounterStore(tx).AddToCommentCount(own->comment.article_id(), -1);
      AppendReaderEvent(tx, client_id, "EDIT", *own, v1::COMMENT_STATE_PENDING,
                        "held for moderation after an edit");
    }
  }
  // The queue shows why the edited text is held, as for a new comment.
  if (pending && screening->hold) {
    storage::CommentPolicyStore(tx).AddHold(request.comment_id(), *screening->hold);
  }
  std::optional<storage::StoredComment> edited = comments.FindById(request.comment_id());
  tx.commit();
  return std::move(edited->comment);
}

absl::Status CommentBoard::DeleteComment(pqxx::connection& db, const Commenter& commenter,
                                         const v1::DeleteCommentRequest& request) const {
  const std::string& client_id = commenter.client_id;
  if (request.comment_id() <= 0) {
    return InvalidFieldError("comment_id", "must be a positive comment id");
  }
  if (request.edit_token().empty()) return EditTokenError();
  pqxx::work tx(db);
  absl::StatusOr<storage::StoredComment> own =
      LockOwnComment(tx, commenter, request.comment_id(), request.edit_token());
  if (!own.ok()) return own.status();
  const v1::CommentState state = own->comment.state();
  if (state == v1::COMMENT_STATE_DELETED) return absl::OkStatus();
  if (state != v1::COMMENT_STATE_APPROVED && state != v1::COMMENT_STATE_PENDING) {
    return absl::NotFoundError("this comment was removed");
  }
  if (storage::CommentStore(tx).Transition(request.comment_id(), state,
                                           v1::COMMENT_STATE_DELETED)) {
    if (state == v1::COMMENT_STATE_APPROVED) {
      storage::ArticleCounterStore(tx).AddToCommentCount(own->comment.article_id(), -1);
    }
    AppendReaderEvent(tx, client_id, "WITHDRAW", *own, v1::COMMENT_STATE_DELETED, "");
  }
  tx.commit();
  return absl::OkStatus();
}

absl::StatusOr<Screening> CommentBoard::PolicyState(pqxx::connection& db,
                                                   const CommentText& text) const {
  return policy_.Screen(db, text);
}

v1::Comment CommentBoard::ForAuthor(storage::StoredComment stored) const {
  stored.comment.set_edit_token(
      EditToken(stored.comment.id(), stored.client_id, stored.request_id));
  return std::move(stored.comment);
}

std::string CommentBoard::EditToken(int64_t comment_id, const std::string& client_id,
                                    const std::string& request_id) const {
  // Length prefixes keep (client, request) pairs from running into one another.
  const std::string message = absl::StrCat("comment-edit-token:", comment_id, ":", client_id.size(),
                                           ":", client_id, request_id);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  HMAC(EVP_sha256(), rules_.edit_token_secret.data(),
       static_cast<int>(rules_.edit_token_secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &mac_size);
  return absl::StrCat("cet_", absl::BytesToHexString(
                                  absl::string_view(reinterpret_cast<const char*>(mac), mac_size)));
}

absl::StatusOr<storage::StoredComment> CommentBoard::LockOwnComment(
    pqxx::work& tx, const Commenter& commenter, int64_t comment_id,
    const std::string& edit_token) const {
  if (Banned(tx, commenter)) return BannedError();
  std::optional<storage::StoredComment> comment =
      storage::CommentStore(tx).FindByIdForUpdate(comment_id);
  if (!comment) return absl::NotFoundError("no comment has this id");
  const std::string expected = EditToken(comment_id, comment->client_id, comment->request_id);
  if (edit_token.size() != expected.size() ||
      CRYPTO_memcmp(edit_token.data(), expected.data(), expected.size()) != 0) {
    return EditTokenError();
  }
  // The token may travel to another install; the author's ban still holds.
  if (comment->client_id != commenter.client_id &&
      storage::BanStore(tx).InForce(comment->client_id)) {
    return BannedError();
  }
  return *std::move(comment);
}

}  // namespace news
