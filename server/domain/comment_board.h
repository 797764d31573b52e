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
#include "server/domain/network_address.h"
#include "server/domain/pagination.h"

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

class CommentBoard {
 public:
  static constexpr int kDefaultPageSize = 20;
  static constexpr int kMaxPageSize = 100;

  // `tokens` must outlive the board.
  CommentBoard(const CommentRules& rules, const PageTokenCodec& tokens)
      : rules_(rules), tokens_(tokens) {}

  // Posts a comment for `commenter` (see CommentService.CreateComment for the error codes).
  // A request_id seen before for this client returns that comment, whatever the other fields.
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

 private:
  const CommentRules rules_;
  const PageTokenCodec& tokens_;
};

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_COMMENT_BOARD_H_
