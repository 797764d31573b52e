#ifndef NEWS_SERVER_STORAGE_COMMENT_STORE_H_
#define NEWS_SERVER_STORAGE_COMMENT_STORE_H_

// All SQL on the comments and comment_likes tables. Each method runs prepared statements in the
// caller's transaction and throws pqxx exceptions on database errors. Creating a comment also
// reads client_bans and articles and bumps articles.comment_count, inside the create_comment()
// database function, so that it is one round trip.

#include <cstdint>
#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <string>
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
};

// Position in the moderation queue (oldest first).
struct QueuePosition {
  int64_t create_time_micros;
  int64_t id;
};

struct QueueEntry {
  StoredComment stored;
  std::string article_title;
};

class CommentStore {
 public:
  explicit CommentStore(pqxx::transaction_base& tx) : tx_(tx) {}

  static void Prepare(pqxx::connection& connection);

  std::optional<StoredComment> FindById(int64_t id);

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
  std::vector<v1::Comment> ListTopLevel(int64_t article_id, v1::CommentOrder order,
                                        const std::optional<CommentPosition>& after, int limit);

  // Approved replies to any of `parent_ids`, oldest first.
  std::vector<v1::Comment> ListApprovedReplies(const std::vector<int64_t>& parent_ids);

  // Moves comment `id` from state `from` to `to`. The comment's article id when it was in
  // `from` (and is now in `to`), nullopt when it was not in `from`. Waits for concurrent
  // transitions of the same comment to finish first.
  std::optional<int64_t> Transition(int64_t id, v1::CommentState from, v1::CommentState to);

  // Up to `limit` comments in `state` (of `article_id`, unless 0) after `after`, oldest first.
  std::vector<QueueEntry> ListQueue(v1::CommentState state, int64_t article_id,
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

 private:
  pqxx::transaction_base& tx_;
};

}  // namespace news::storage

#endif  // NEWS_SERVER_STORAGE_COMMENT_STORE_H_
