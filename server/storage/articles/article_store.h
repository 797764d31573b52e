#ifndef NEWS_SERVER_STORAGE_ARTICLE_STORE_H_
#define NEWS_SERVER_STORAGE_ARTICLE_STORE_H_

// All SQL on the articles table. Each method runs one prepared statement in the caller's
// transaction and throws pqxx exceptions on database errors.

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "news/v1/article.pb.h"
#include "server/storage/articles/article_state.h"

namespace news::storage {

// The select list and FROM clause that produce an ArticleSummary; other stores (search,
// related news, most viewed) select articles through these so that a summary means one thing.
// Articles are aliased "a", with their counters "ac" (article_counter_store.h, one row per
// article), category "c" and source "s".
inline constexpr char kArticleSummaryColumns[] =
    "a.id, a.slug, a.title, a.summary, a.author, a.source_id, s.slug, s.name, a.category_id, "
    "c.slug, c.name, a.tags, a.cover_image_url, a.cover_image_caption, "
    "(extract(epoch FROM a.publish_time) * 1000000)::bigint, ac.view_count, ac.comment_count";
inline constexpr int kArticleSummaryColumnCount = 17;
inline constexpr char kArticleSummaryFrom[] =
    "articles a JOIN article_counters ac ON ac.article_id = a.id "
    "JOIN categories c ON c.id = a.category_id LEFT JOIN sources s ON s.id = a.source_id";

// Reads the kArticleSummaryColumns that start at column `first` of `row`.
v1::ArticleSummary ReadArticleSummary(const pqxx::row& row, int first = 0);

// Position in a newest-first feed: the (publish time, id) of the last article already shown.
struct FeedPosition {
  int64_t publish_time_micros;
  int64_t id;
  // Before every article.
  static FeedPosition Start();
};

// Feed filters; 0 / empty means "any". Any combination may be set: the feed holds the articles
// that match all of them.
struct FeedFilter {
  int64_t category_id = 0;
  int64_t source_id = 0;
  std::string tag;
};

// An article as the importer writes it.
struct ImportedArticle {
  std::string import_key;
  std::string slug;
  std::string title;
  std::string summary;
  std::vector<std::string> body_paragraphs;
  std::string author;
  int64_t source_id = 0;  // 0: none
  int64_t category_id = 0;
  std::vector<std::string> tags;
  std::string cover_image_caption;
  // Absent: keep the stored publish time, or use the import time for a new article.
  std::optional<int64_t> publish_time_micros;
  // The state a new article gets, and a published or scheduled one takes when the page has a
  // date; others keep theirs (domain/newsroom/article_lifecycle.h).
  ArticleState state = ArticleState::kPublished;
  std::vector<v1::ArticleBlock> blocks;
};

struct UpsertResult {
  int64_t id;
  bool created;
  int64_t publish_time_micros;  // as stored: the page's, or the first import's time
  ArticleState state;           // as stored
};

class ArticleStore {
 public:
  explicit ArticleStore(pqxx::transaction_base& tx) : tx_(tx) {}

  // Registers this store's prepared statements on a new connection.
  static void Prepare(pqxx::connection& connection);

  // A published (or expired) article with body and its `newer` / `older` neighbours (the
  // adjacent published articles of its category, by publish time then id), in one statement;
  // nullopt when no published or expired article has this key.
  std::optional<v1::Article> FindPublishedById(int64_t id);
  std::optional<v1::Article> FindPublishedBySlug(const std::string& slug);

  // Offline sync (docs/sync.md): up to `limit` whole published articles (of category
  // `category_id` unless 0) after `after`, newest first, without neighbours.
  std::vector<v1::Article> ListPublishedForSync(int64_t category_id, const FeedPosition& after,
                                                int limit);
  // The articles with these ids in any state (status set), without neighbours, in no order; ids
  // without a row are left out.
  std::vector<v1::Article> FindByIds(const std::vector<int64_t>& ids);

  // Up to `limit` published articles matching `filter` after `after`, newest first.
  std::vector<v1::ArticleSummary> ListFeed(const FeedFilter& filter, const FeedPosition& after,
                                           int limit);

  // The import key of the article using `slug`, or nullopt when the slug is free.
  std::optional<std::string> ImportKeyOfSlug(const std::string& slug);

  // Inserts, or updates the article with the same import key (keeping its slug; its counters
  // are ArticleCounterStore's).
  UpsertResult UpsertImported(const ImportedArticle& article);

  // Comments (see docs/comments.md): whether a published article takes comments, and its title.
  struct CommentSettings {
    std::string title;
    bool comments_open = true;
    int64_t publish_time_micros = 0;
  };
  // Nullopt when no published article has this id.
  std::optional<CommentSettings> FindCommentSettings(int64_t id);
  // Opens or closes comments on article `id`; false when there is no such article.
  bool SetCommentsOpen(int64_t id, bool open);

  // Live streams (docs/live.md): the articles `ids` that exist, whatever their state.
  struct AnyStateArticle {
    v1::ArticleSummary summary;
    int64_t category_id = 0;
    ArticleState state = ArticleState::kPublished;
    bool breaking = false;
  };
  std::vector<AnyStateArticle> FindAnyState(const std::vector<int64_t>& ids);

 private:
  // An article from a row that starts with ArticleColumns (article_store.cc), with its
  // neighbours when the row has them.
  static v1::Article ReadArticle(const pqxx::row& row);

  pqxx::transaction_base& tx_;
};

}  // namespace news::storage

#endif  // NEWS_SERVER_STORAGE_ARTICLE_STORE_H_
