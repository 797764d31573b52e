#ifndef NEWS_SERVER_DOMAIN_COMMENT_BOARD_H_
#define NEWS_SERVER_DOMAIN_COMMENT_BOARD_H_

// The reader side of comments (CommentService): posting with validation, idempotency, flood
// control, duplicate and ban checks; listing threads; likes. Plain C++; every method runs on a
// database pool worker. Rules and their reasons: docs/comments.md.

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "news/v1/comment.pb.h"
#include "server/domain/clients/network_address.h"
#include "server/domain/comments/comment_validation.h"
#include "server/domain/pagination.h"
#include "server/storage/comments/comment_store.h"

namespace news {

enum class CommentModeration {
  // New comments wait in the moderation queue (the default, as on the portals).
  kPre,
  // New comments are visible at once; moderators remove bad ones afterwards.
  kPost,
};

// "pre" / "post" -> mode; InvalidArgument otherwise.
absl::StatusOr<CommentModeration> ParseCommentModeration(absl::string_view name);

struct CommentRules {
  CommentModeration moderation = CommentModeration::kPre;
  // Flood control: at most `flood_limit` comments per client per `flood_window`.
  int flood_limit = 5;
  absl::Duration flood_window = absl::Minutes(1);
  // The same text from the same client on the same article within this window is a duplicate.
  absl::Duration duplicate_window = absl::Minutes(10);
  // Link hold: a comment with more links than this waits for a moderator (CommentPolicy).
  int max_links = 1;
  // Trusted readers: under pre-moderation, a client with at least this many approved comments
  // and none rejected or marked spam in the last 30 days is approved at once. 0 turns it off
  // (the default here, so that tests see plain pre-moderation; news-server's
  // --comment_trust_after defaults to 3).
  int trust_after = 0;
  // Reader reports that take an approved comment out of public view (ReportComment).
  int report_threshold = 3;
  // How long after creating it the author may edit a comment (UpdateComment).
  absl::Duration edit_window = absl::Minutes(10);
  // Key of the edit tokens (HMAC-SHA256); the same on every server instance.
  std::string edit_token_secret = "news-backend-default-comment-edit-secret";
  // Comments close on articles published longer ago than this; zero: never.
  absl::Duration close_after = absl::ZeroDuration();
  // Per network (an IPv4 address, an IPv6 /64; see RateLimitNetwork), whatever client ids it
  // uses: at most `address_flood_limit` comments per `flood_window`, and the duplicate rule on
  // the network's comments; 0 turns both off. At most `address_like_limit` likes on one comment;
  // 0 is no limit. Off here (tests post from one loopback address); news-server turns them on.
  int address_flood_limit = 0;
  int address_like_limit = 0;
};

// Who writes on the board: the client identity (see ClientIdentity) and, when the call came
// over IP, the caller's address (the trusted proxy's report of it behind a proxy).
struct Commenter {
  std::string client_id;
  std::optional<IpAddress> address;
};

class CommentPolicy;
struct Screening;

class CommentBoard {
 public:
  static constexpr int kDefaultPageSize = 20;
  static constexpr int kMaxPageSize = 100;

  // `tokens` and `policy` must outlive the board.
  CommentBoard(const CommentRules& rules, const PageTokenCodec& tokens,
               const CommentPolicy& policy)
      : rules_(rules), tokens_(tokens), policy_(policy) {}

  // Posts a comment for `commenter` (see CommentService.CreateComment for the error codes).
  // A request_id seen before for this client returns that comment, whatever the other fields.
  // The comment carries its edit_token, the same for every retry.
  absl::StatusOr<v1::Comment> CreateComment(pqxx::connection& db, const Commenter& commenter,
                                            const v1::CreateCommentRequest& request) const;

  // One page of an article's readable threads. NotFound for an unknown article;
  // InvalidArgument for a bad article_id, page_size, order or page_token.
  absl::StatusOr<v1::ListCommentsResponse> ListComments(
      pqxx::connection& db, const v1::ListCommentsRequest& request) const;

  // Adds (`like`) or removes the like of the commenter's client; repeating is a no-op. Returns
  // the comment with its like count. PermissionDenied (reason CLIENT_BANNED) while the client or
  // its address has a ban in force, as for CreateComment; NotFound unless the comment is
  // approved; ResourceExhausted (reason ADDRESS_LIKE_LIMIT) for a new like when the comment has
  // address_like_limit likes from the caller's network.
  absl::StatusOr<v1::Comment> SetLike(pqxx::connection& db, const Commenter& commenter,
                                      int64_t comment_id, bool like) const;

  // Records the report of the commenter's client; hides the comment when it reaches the
  // threshold (see CommentService.ReportComment for the rules and codes). PermissionDenied
  // (CLIENT_BANNED) while the client or its address has a ban in force, as for every write.
  absl::StatusOr<v1::ReportCommentResponse> ReportComment(
      pqxx::connection& db, const Commenter& commenter,
      const v1::ReportCommentRequest& request) const;

  // The author's edit (CommentService.UpdateComment). Returns the comment as changed.
  absl::StatusOr<v1::Comment> UpdateComment(pqxx::connection& db, const Commenter& commenter,
                                            const v1::UpdateCommentRequest& request) const;

  // The author's withdrawal (CommentService.DeleteComment).
  absl::Status DeleteComment(pqxx::connection& db, const Commenter& commenter,
                             const v1::DeleteCommentRequest& request) const;

 private:
  // The moderation policy for new text, the one decision CreateComment and UpdateComment share
  // (CommentPolicy::Screen: word lists, links, the moderation mode): the state a comment with
  // this text enters (PENDING: held for a moderator, unless Screening::approve_if_trusted and
  // its client is a trusted reader) and why it is held; InvalidArgument when a field holds a
  // banned term. Reads on `db`, so no transaction may be open on it.
  absl::StatusOr<Screening> PolicyState(pqxx::connection& db, const CommentText& text) const;

  // The comment as its author receives it from CreateComment: with its edit token.
  v1::Comment ForAuthor(storage::StoredComment stored) const;

  // The edit token of a stored comment: HMAC-SHA256 under rules_.edit_token_secret of its id,
  // author and request_id, so a retried create gets the same token and nothing is stored.
  std::string EditToken(int64_t comment_id, const std::string& client_id,
                        const std::string& request_id) const;

  // The comment `comment_id`, locked, when `edit_token` is its token and the commenter's client
  // and address have no ban; PermissionDenied otherwise, NotFound for an unknown comment.
  absl::StatusOr<storage::StoredComment> LockOwnComment(pqxx::work& tx,
                                                        const Commenter& commenter,
                                                        int64_t comment_id,
                                                        const std::string& edit_token) const;

  const CommentRules rules_;
  const PageTokenCodec& tokens_;
  const CommentPolicy& policy_;
};

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_COMMENT_BOARD_H_
