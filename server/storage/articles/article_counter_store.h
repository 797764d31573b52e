#ifndef NEWS_SERVER_STORAGE_ARTICLE_COUNTER_STORE_H_
#define NEWS_SERVER_STORAGE_ARTICLE_COUNTER_STORE_H_

// All SQL that writes article_counters (db/migrations/0050_article_counters.sql): the lifetime
// view count and the approved-comment count of every article, one narrow row per article, so
// that counting never rewrites the wide articles row. The row is made when the article is
// inserted (by a trigger), so every method updates and none inserts; readers join the table
// through kArticleSummaryFrom (article_store.h). Methods run in the caller's transaction and
// throw pqxx exceptions on database errors.

#include <cstdint>
#include <pqxx/pqxx>
#include <vector>

namespace news::storage {

// The counters of one article that move without a change-log row (docs/caching.md).
struct ArticleCounters {
  int64_t id = 0;
  int64_t view_count = 0;
  int64_t comment_count = 0;
};

// Views to add to one article's lifetime count.
struct ArticleViews {
  int64_t article_id = 0;
  int64_t views = 0;
};

class ArticleCounterStore {
 public:
  explicit ArticleCounterStore(pqxx::transaction_base& tx) : tx_(tx) {}

  // Registers this store's prepared statements on a new connection.
  static void Prepare(pqxx::connection& connection);

  // Adds the views to the articles' lifetime counts, locking the rows in id order (so that two
  // instances flushing at once cannot deadlock; FOR NO KEY UPDATE, so the foreign key checks of
  // new daily view rows are not blocked). Views of articles that no longer exist are
  // dropped; an id may appear more than once.
  void AddViews(const std::vector<ArticleViews>& views);
  // Raises the lifetime view count of article `id` to `views` when it is lower (an import of a
  // page that shows its own count).
  void RaiseViewCount(int64_t id, int64_t views);
  // Adds `delta` to the approved-comment count of article `id`, in the caller's transaction, so
  // the count changes atomically with the comment's state.
  void AddToCommentCount(int64_t id, int delta);
  // Sets both counters of the given articles (the corpus generator's new articles).
  void Set(const std::vector<ArticleCounters>& counters);

  // The counters of those of `ids` that exist (any status), in no particular order; one
  // statement.
  std::vector<ArticleCounters> Read(const std::vector<int64_t>& ids);

 private:
  pqxx::transaction_base& tx_;
};

}  // namespace news::storage

#endif  // NEWS_SERVER_STORAGE_ARTICLE_COUNTER_STORE_H_
