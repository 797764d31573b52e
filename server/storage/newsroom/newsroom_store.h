#ifndef NEWS_SERVER_STORAGE_NEWSROOM_STORE_H_
#define NEWS_SERVER_STORAGE_NEWSROOM_STORE_H_

// The newsroom's background SQL (db/migrations/0012_article_lifecycle.sql, docs/newsroom.md):
// stamping and reading the change log, advancing the article lifecycle, pruning. Methods run in
// the caller's transaction (the background work runs them in autocommit, so that each call
// commits on its own) and throw pqxx exceptions on database errors.

#include <cstdint>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace news::storage {

// One change readers can see.
struct Change {
  int64_t position;
  absl::Time change_time;
  // "article.published", "article.updated", "article.expired", "article.retracted",
  // "article.deleted", "comment.approved", "comment.edited", "comment.removed".
  std::string kind;
  int64_t article_id;
  // 0 for article.* kinds.
  int64_t comment_id;
};

class NewsroomStore {
 public:
  explicit NewsroomStore(pqxx::transaction_base& tx) : tx_(tx) {}

  // Gives positions to up to `limit` committed changes, in transaction-id order, and returns
  // how many (stamp_change_log()).
  int64_t StampChanges(int limit);

  // Up to `limit` stamped changes after `position`, in position order.
  std::vector<Change> ListChangesAfter(int64_t position, int limit);

  // The last stamped position (0 before any).
  int64_t LastPosition();

  // Up to `limit` stamped article.* changes after `position`, in position order (offline sync,
  // docs/sync.md; comment changes are skipped through an index of their own).
  std::vector<Change> ListArticleChangesAfter(int64_t position, int limit);

  // What the log holds, read in one statement: the last stamped position (0 before any) and the
  // oldest position retention kept (last + 1 when it kept none). Positions from `first_kept` to
  // `last` are all there: retention removes a prefix.
  struct Extent {
    int64_t first_kept;
    int64_t last;
  };
  Extent KeptExtent();

  struct Advance {
    int64_t published = 0;
    int64_t expired = 0;
  };
  // Publishes due scheduled articles and expires published ones past their expire_time.
  Advance AdvanceLifecycle();

  struct Pruned {
    int64_t changes = 0;
    int64_t articles = 0;
  };
  // Removes changes and soft-deleted articles older than `retention`.
  Pruned Prune(absl::Duration retention);

  // Live streams (docs/live.md): the smallest position the log still holds, or the last
  // stamped position + 1 when retention emptied it.
  int64_t OldestPosition();
  // Up to `limit` comment.* changes of `article_id` with a position in (after, upto], in
  // position order.
  std::vector<Change> ListCommentChanges(int64_t article_id, int64_t after, int64_t upto,
                                         int limit);
  // Up to `limit` article.* changes with a position in (after, upto], in position order, of
  // articles now in `category_id` (0: of every article).
  std::vector<Change> ListArticleChanges(int64_t category_id, int64_t after, int64_t upto,
                                         int limit);

 private:
  pqxx::transaction_base& tx_;
};

}  // namespace news::storage

#endif  // NEWS_SERVER_STORAGE_NEWSROOM_STORE_H_
