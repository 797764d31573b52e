#ifndef NEWS_SERVER_DOMAIN_MODERATION_DESK_H_
#define NEWS_SERVER_DOMAIN_MODERATION_DESK_H_

// The admin side of comments (ModerationService). Every method first authenticates the
// `authorization` metadata value (see admin_auth.h) and fails with Unauthenticated or
// PermissionDenied before looking at the request; every change is written to the audit log in
// the transaction that makes it. Plain C++; methods run on a database pool worker.

#include <optional>
#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "news/v1/moderation.pb.h"
#include "server/domain/clients/network_address.h"
#include "server/domain/pagination.h"

namespace news {

class ModerationDesk {
 public:
  static constexpr int kDefaultPageSize = 50;
  static constexpr int kMaxPageSize = 200;
  static constexpr int kMaxCommentsPerAction = 100;

  // `tokens` must outlive the desk.
  explicit ModerationDesk(const PageTokenCodec& tokens) : tokens_(tokens) {}

  // Role moderator. InvalidArgument for a bad state, article_id, order, page_size or page_token.
  absl::StatusOr<v1::ListModerationQueueResponse> ListQueue(
      pqxx::connection& db, absl::string_view authorization,
      const v1::ListModerationQueueRequest& request) const;

  // Role moderator. InvalidArgument for no ids, more than 100, repeated or non-positive ids, an
  // unspecified action, or a bad reason; per-item outcomes are in the response (see the proto).
  // Each item changes in its own transaction together with its article's comment_count and its
  // audit event.
  absl::StatusOr<v1::ModerateCommentsResponse> ModerateComments(
      pqxx::connection& db, absl::string_view authorization,
      const v1::ModerateCommentsRequest& request) const;

  // Role moderator. InvalidArgument for a bad client_id, duration or reason.
  absl::StatusOr<v1::Ban> BanClient(pqxx::connection& db, absl::string_view authorization,
                                    const v1::BanClientRequest& request) const;

  // Role moderator.
  absl::StatusOr<v1::ListBansResponse> ListBans(pqxx::connection& db,
                                                absl::string_view authorization,
                                                const v1::ListBansRequest& request) const;

  // Role moderator. NotFound when the client has no ban.
  absl::StatusOr<v1::LiftBanResponse> LiftBan(pqxx::connection& db, absl::string_view authorization,
                                              const v1::LiftBanRequest& request) const;

  // Role moderator.
  absl::StatusOr<v1::ListModerationEventsResponse> ListEvents(
      pqxx::connection& db, absl::string_view authorization,
      const v1::ListModerationEventsRequest& request) const;

  // Role admin. NotFound for an unknown article.
  absl::StatusOr<v1::SetCommentsOpenResponse> SetCommentsOpen(
      pqxx::connection& db, absl::string_view authorization,
      const v1::SetCommentsOpenRequest& request) const;

  // Role moderator. NotFound for an unknown comment; FailedPrecondition when featuring a
  // comment that is not approved. Returns the comment.
  absl::StatusOr<v1::Comment> SetCommentFeatured(
      pqxx::connection& db, absl::string_view authorization,
      const v1::SetCommentFeaturedRequest& request) const;

  // Role moderator. Bans the client (as BanClient, in its own transaction), then removes each
  // of its pending and approved comments as ModerateComments would, one transaction each.
  // InvalidArgument as for BanClient, or for an action other than REJECT, MARK_SPAM, DELETE.
  absl::StatusOr<v1::RemoveClientCommentsResponse> RemoveClientComments(
      pqxx::connection& db, absl::string_view authorization,
      const v1::RemoveClientCommentsRequest& request) const;

 private:
  // Writes the ban and its audit event in `tx` (validated input): of `range` when set, else of
  // `client_id`.
  v1::Ban WriteBan(pqxx::transaction_base& tx, const std::string& actor,
                   const std::string& client_id, const std::optional<IpRange>& range,
                   int64_t seconds, const std::string& reason) const;

  // One item of ModerateComments, in its own transaction.
  v1::ModerationResult ModerateOne(pqxx::connection& db, int64_t comment_id,
                                   const v1::ModerateCommentsRequest& request,
                                   const std::string& actor) const;

  const PageTokenCodec& tokens_;
};

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_MODERATION_DESK_H_
