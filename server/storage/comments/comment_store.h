#ifndef NEWS_SERVER_STORAGE_COMMENT_STORE_H_
#define NEWS_SERVER_STORAGE_COMMENT_STORE_H_

// All SQL on the comments and comment_likes tables. Each method runs prepared statements in the
// caller's transaction and throws pqxx exceptions on database errors. Creating a comment also
// reads client_bans and articles and bumps article_counters.comment_count, inside the
// create_comment() database function, so that it is one round trip.

#include <cstdint>
#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "news/v1/comment.pb.h"

namespace news::storage {

// The comment_state enum value of `state` ("pending", ...); "" for UNSPECIFIED.
std::string CommentStateName(v1::CommentState state);
// The inverse of CommentStateName; UNSPECIFIED for anything else.
v1::CommentState CommentStateFromName(absl::string_view name);

// A comment with the identity of its author, which readers never see.
struct StoredComment {
  v1::Comment comment;
  std::string client_id;
  std::string request_id;
  int64_t report_count = 0;
  // Out of public view because reports reached the threshold, until a moderator decides.
  bool reported = false;
  // A moderator approved the comment after reports: further reports only count.
  bool reports_overruled = false;
};

// A comment to create, with the rules create_comment() checks it against.
struct NewComment {
  int64_t article_id = 0;
  int64_t parent_id = 0;  // 0: top level; else the comment replied to
  std::string client_id;
  std::string request_id;
  std::string author_name;
  std::string body;
  std::string duplicate_key;
  v1::CommentState state = v1::COMMENT_STATE_PENDING;
  int64_t duplicate_window_seconds = 0;
  int flood_limit = 0;
  int64_t flood_window_seconds = 0;
  // The caller's IP address ("198.51.100.7") and its rate-limit network ("198.51.100.7/32",
  // "2001:db8:1:2::/64"); both empty when the caller has none, which skips the per-network rules.
  std::string client_address;
  std::string client_network;
  // Comments per network per flood window; 0 turns the per-network flood and duplicate rules off
  // (an address ban still applies).
  int address_flood_limit = 0;
  // When > 0 and `state` is PENDING: stored APPROVED instead if the client is a trusted reader,
  // with this many approved comments and none rejected or spam in `trust_clean_days` days
  // (client_is_trusted(), db/migrations/0049_create_comment_one_round_trip.sql).
  int trust_after = 0;
  int trust_clean_days = 0;
};

// What CommentStore::Create decided; see db/migrations/0005_create_comment.sql.
enum class CreateOutcome {
  kCreated,
  kRepeated,  // the request_id was seen before; `comment` is the first comment
  kBanned,
  kNoArticle,
  kCommentsClosed,
  kBadParent,
  kDuplicate,
  kRateLimited,
  kAddressRateLimited,  // the caller's network reached address_flood_limit
  kConflict,  // the request_id was taken and is gone again
};

struct CreateResult {
  CreateOutcome outcome = CreateOutcome::kConflict;
  // Set for kCreated and kRepeated.
  std::optional<StoredComment> comment;
  // kRateLimited, kAddressRateLimited: create time of the oldest comment in the flood window (microseconds since the
  // epoch).
  int64_t flood_oldest_micros = 0;
};

// Position in a list of top-level comments: the sort key and id of the last comment shown.
// The sort key is the create time in microseconds (OLDEST, NEWEST) or the like count (TOP).
struct CommentPosition {
  int64_t sort_key;
  int64_t id;
  // Only with featured_first: whether the last comment shown was featured.
  bool featured = false;
};

// Position in the moderation queue: the sort key (create time in microseconds for OLDEST and
// NEWEST, report count for MOST_REPORTED) and id of the last comment shown.
struct QueuePosition {
  int64_t sort_key;
  int64_t id;
};

// Which comments the moderation queue lists; 0 / false means any.
struct QueueFilter {
  v1::CommentState state = v1::COMMENT_STATE_PENDING;
  int64_t article_id = 0;
  bool reported_only = false;
  // Only comments held by this suspect term (comment_holds.matched_term, as entered); "" for any.
  std::string matched_term;
};

// Queue orders, as ModerationService's QueueOrder.
enum class QueueOrder { kOldest, kNewest, kMostReported };

struct QueueEntry {
  StoredComment stored;
  std::string article_title;
  // Bodies replaced by the author, oldest first.
  std::vector<std::string> previous_bodies;
};

class CommentStore {
 public:
  explicit CommentStore(pqxx::transaction_base& tx) : tx_(tx) {}

  static void Prepare(pqxx::connection& connection);

  std::optional<StoredComment> FindById(int64_t id);
  // The comment `client_id` created with `request_id`, if any.
  std::optional<StoredComment> FindByRequest(const std::string& client_id,
                                             const std::string& request_id);
  // As FindById, and locks the row until the transaction ends (reports, edits, withdrawals).
  std::optional<StoredComment> FindByIdForUpdate(int64_t id);

  // Runs every database check of a create and inserts `comment` if they pass, in one statement
  // (create_comment_from_address(), db/migrations/0030_address_limits.sql, around
  // create_comment(), 0005_create_comment.sql), serialised per network and per client across
  // server instances. Call it in a pqxx::nontransaction: the statement is its own transaction,
  // durable when this returns. Throws pqxx exceptions on database errors and std::runtime_error
  // on an outcome this build does not know.
  CreateResult Create(const NewComment& comment);

  // Up to `limit` listed top-level comments of `article_id` after `after` in `order`
  // (UNSPECIFIED is OLDEST): approved ones, and the others (rejected, spam, deleted) that have
  // approved replies, as tombstones: state DELETED, author and body cleared.
  // With `featured_first`, approved featured comments come before the others (positions then
  // carry the featured flag as `featured`).
  std::vector<v1::Comment> ListTopLevel(int64_t article_id, v1::CommentOrder order,
                                        bool featured_first,
                                        const std::optional<CommentPosition>& after, int limit);

  // Approved replies to any of `parent_ids`, oldest first.
  std::vector<v1::Comment> ListApprovedReplies(const std::vector<int64_t>& parent_ids);

  // Moves comment `id` from state `from` to `to`, and ends its reported hold (a decision was
  // made); moving to approved a comment with reports makes further reports only count. The
  // comment's article id when it was in `from` (and is now in `to`), nullopt when it was not in
  // `from`. Waits for concurrent transitions of the same comment to finish first.
  std::optional<int64_t> Transition(int64_t id, v1::CommentState from, v1::CommentState to);

  // Moves approved comment `id` to pending and marks it reported. The article id, or nullopt
  // when the comment was not approved.
  std::optional<int64_t> HideReported(int64_t id);

  // Records the report of `client_id` (reason as comment_reports.reason, e.g. "off_topic") and
  // bumps the report count. The new count, or nullopt when the client had reported it before.
  std::optional<int64_t> AddReport(int64_t comment_id, const std::string& client_id,
                                   const std::string& reason, const std::string& note);

  // Replaces the body (keeping the old one in comment_revisions) and sets edit_time to now. A
  // moderator's overruling of reports was about the old text, so it ends. `duplicate_key` as
  // NewComment's.
  void ReplaceBody(int64_t id, const std::string& body, const std::string& duplicate_key);

  // Sets the featured flag; false when it already had that value (or no such comment).
  bool SetFeatured(int64_t id, bool featured);

  // Id and state of each comment of `client_id` that is pending or approved, oldest first.
  std::vector<std::pair<int64_t, v1::CommentState>> ListOpenOfClient(const std::string& client_id);

  // Up to `limit` comments matching `filter` after `after`, in `order`.
  std::vector<QueueEntry> ListQueue(const QueueFilter& filter, QueueOrder order,
                                    const std::optional<QueuePosition>& after, int limit);

  // How many comments wait in the moderation queue (state pending), by the queue index. Not a
  // prepared statement, so it runs on any connection, e.g. in a plain pqxx::nontransaction.
  int64_t CountPending();

  // Adds / removes the like of `client_id` on comment `comment_id` and adjusts its like count.
  // True when something changed.
  // `client_network` (cidr text, "" for none) is recorded with the like.
  bool AddLike(int64_t comment_id, const std::string& client_id,
               const std::string& client_network);
  bool RemoveLike(int64_t comment_id, const std::string& client_id);

  // The IP address each of `comment_ids` was posted from ("198.51.100.7", "2001:db8::1"), for
  // the comments that have one recorded (db/migrations/0030_address_limits.sql).
  std::map<int64_t, std::string> Addresses(const std::vector<int64_t>& comment_ids);

  // Serialises the likes of one network on one comment until the transaction ends, then returns
  // whether `client_id` already likes the comment and how many likes it has from `client_network`.
  struct NetworkLikes {
    bool liked_by_client;
    int64_t from_network;
  };
  NetworkLikes LockNetworkLikes(int64_t comment_id, const std::string& client_id,
                                const std::string& client_network);

  // Live streams (docs/live.md): the approved comments of `article_ids` with their like counts
  // (id, article_id, parent_id and like_count set), by comments_article_approved_idx.
  std::vector<v1::Comment> ListApprovedLikeCounts(const std::vector<int64_t>& article_ids);

 private:
  pqxx::transaction_base& tx_;
};

}  // namespace news::storage

#endif  // NEWS_SERVER_STORAGE_COMMENT_STORE_H_
