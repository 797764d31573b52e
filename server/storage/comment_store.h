#ifndef NEWS_SERVER_STORAGE_COMMENT_STORE_H_
#define NEWS_SERVER_STORAGE_COMMENT_STORE_H_

// All SQL on the comments and comment_likes tables. Each method runs prepared statements in the
// caller's transaction and throws pqxx exceptions on database errors.

#include <cstdint>
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

struct NewComment {
  int64_t article_id = 0;
  int64_t parent_id = 0;  // 0: top level
  std::string client_id;
  std::string request_id;
  std::string author_name;
  std::string body;
  std::string duplicate_key;
  v1::CommentState state = v1::COMMENT_STATE_PENDING;
};

// Comments one client posted within a time window.
struct RecentComments {
  int64_t count = 0;
  // Create time of the oldest of them (microseconds since the epoch); 0 when count is 0.
  int64_t oldest_micros = 0;
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

  // Serialises the transactions of one client until this transaction ends, so that the flood
  // and duplicate checks see every earlier comment of that client, on any server instance.
  void LockClient(const std::string& client_id);

  std::optional<StoredComment> FindById(int64_t id);
  std::optional<StoredComment> FindByRequest(const std::string& client_id,
                                             const std::string& request_id);

  // Inserts `comment` unless its (client_id, request_id) exists; nullopt in that case.
  std::optional<StoredComment> Insert(const NewComment& comment);

  // Comments of `client_id` created in the last `window_seconds`.
  RecentComments CountRecent(const std::string& client_id, int64_t window_seconds);

  // True when `client_id` posted a comment with this duplicate key's hash on `article_id` in the
  // last `window_seconds`.
  bool HasRecentDuplicate(const std::string& client_id, int64_t article_id,
                          const std::string& duplicate_key, int64_t window_seconds);

  // Up to `limit` readable top-level comments of `article_id` after `after` in `order`
  // (UNSPECIFIED is OLDEST): approved ones, and deleted ones that have approved replies (as
  // tombstones, with author and body cleared).
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
  bool AddLike(int64_t comment_id, const std::string& client_id);
  bool RemoveLike(int64_t comment_id, const std::string& client_id);

 private:
  pqxx::transaction_base& tx_;
};

}  // namespace news::storage

#endif  // NEWS_SERVER_STORAGE_COMMENT_STORE_H_
