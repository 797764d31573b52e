#ifndef NEWS_SERVER_STORAGE_SEARCH_STORE_H_
#define NEWS_SERVER_STORAGE_SEARCH_STORE_H_

// All SQL on articles.search_document, the full-text index of search (docs/discovery.md).
// Methods run in the caller's transaction and throw pqxx exceptions on database errors.

#include <cstdint>
#include <pqxx/pqxx>
#include <optional>
#include <string>
#include <vector>

#include "news/v1/article.pb.h"

namespace news::storage {

// Where a result stands in the order of search results: its tier (SearchStore::Search), then
// its publish time and id, both descending.
struct SearchPosition {
  int tier;
  int64_t publish_time_micros;
  int64_t id;
  // Before every result.
  static SearchPosition Start();
};

// A search hit: the article, the texts a snippet may come from, and its place in the order.
struct SearchHit {
  v1::ArticleSummary article;
  std::vector<std::string> body_paragraphs;
  SearchPosition position;
};

struct SearchQuery {
  // tsquery literals over folded words (text/search_document.h): every word, and the exact
  // phrase (empty for a query of one word, whose phrase is the word).
  std::string all_words;
  std::string phrase;
  int64_t category_id = 0;  // 0: any
  int64_t source_id = 0;    // 0: any
};

// The text an article's search document is built from.
struct ArticleSearchText {
  int64_t id;
  std::string title;
  std::string summary;
  std::vector<std::string> body_paragraphs;
  int64_t publish_time_micros;
};

// An entry of the queue of documents to rebuild: the article's text, unset when the article no
// longer exists.
struct QueuedSearchText {
  int64_t article_id;
  std::optional<ArticleSearchText> article;
};

// How many of the newest matches a search ranks when their titles do not hold every word; see
// SearchStore::Search.
inline constexpr int kMaxScoredMatches = 1000;

class SearchStore {
 public:
  explicit SearchStore(pqxx::transaction_base& tx) : tx_(tx) {}

  static void Prepare(pqxx::connection& connection);

  // Stores `document` (a tsvector literal) as the search document of article `article_id`.
  void SetDocument(int64_t article_id, const std::string& document);

  // Removes up to `limit` entries from the queue of documents to rebuild
  // (search_documents_to_rebuild, db/migrations/0007) and returns them, lowest id first; empty
  // when the queue is. Entries another transaction holds are skipped, so rebuilds may run side
  // by side; the caller stores the new documents in the same transaction.
  std::vector<QueuedSearchText> TakeQueuedForRebuild(int limit);

  // Up to `limit` published articles matching `query.all_words`, after `after`, in tiers:
  //   3: the title holds the exact phrase;
  //   2: the title holds every word;
  //   1: the exact phrase is elsewhere (summary or body);
  //   0: every word is somewhere;
  // newest first within a tier (then by id). Tiers 3 and 2 are read newest first from the
  // title index (migration 0047) over the whole archive, a page at a time. Tiers 1 and 0 are
  // looked for only once those are exhausted, among the newest kMaxScoredMatches matches, so a
  // query on very common words finds the recent stories rather than reading every match.
  std::vector<SearchHit> Search(const SearchQuery& query, const SearchPosition& after, int limit);

 private:
  // The publish time of the newest published article, in microseconds; unset when there is none.
  std::optional<int64_t> NewestPublishMicros();

  // Ids of the newest kMaxScoredMatches matches, newest first. Looks in growing windows of
  // recent days (documents mark their publish time, text::PublishBlockLexemes) before the whole
  // archive, so that common words cost a few thousand rows rather than every match.
  std::vector<int64_t> NewestMatches(const SearchQuery& query, int64_t newest);

  // Up to `limit` positions of title tier `tier` (3 or 2) after `after`, in order; `newest` is
  // NewestPublishMicros(). Looks in growing windows of days before the keyset position, as
  // NewestMatches does.
  std::vector<SearchPosition> TitleTier(const SearchQuery& query, int tier,
                                        const SearchPosition& after, int64_t newest, int limit);

  // Up to `limit` positions of tiers 1 and 0 after `after`, in order.
  std::vector<SearchPosition> BodyTiers(const SearchQuery& query, const SearchPosition& after,
                                        int64_t newest, int limit);

  pqxx::transaction_base& tx_;
};

}  // namespace news::storage

#endif  // NEWS_SERVER_STORAGE_SEARCH_STORE_H_
