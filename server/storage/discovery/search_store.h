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

// A search hit: the article, the texts a snippet may come from, and its rank key.
struct SearchHit {
  v1::ArticleSummary article;
  std::vector<std::string> body_paragraphs;
  // The score times 1e6, rounded: the keyset position together with the id.
  int64_t score_key;
};

struct SearchQuery {
  // tsquery literals over folded words (text/search_document.h).
  std::string all_words;
  std::string phrase;
  std::string all_words_in_title;
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

// How many of the newest matches a search ranks; see SearchStore::Search.
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

  // Up to `limit` published articles matching `query.all_words`, ranked by: all words in the
  // title (+2), the exact phrase anywhere (+1), then ts_rank_cd normalised into [0, 1); after
  // the keyset position (`after_score_key`, `after_id`), best first. Only the newest
  // kMaxScoredMatches matches are ranked, so a query on very common words finds the best of the
  // recent stories rather than of the whole archive.
  std::vector<SearchHit> Search(const SearchQuery& query, int64_t after_score_key, int64_t after_id,
                                int limit);

 private:
  // Ids of the newest kMaxScoredMatches matches, newest first. Looks in growing windows of
  // recent days (documents mark their publish time, text::PublishBlockLexemes) before the whole
  // archive, so that common words cost a few thousand rows rather than every match.
  std::vector<int64_t> NewestMatches(const SearchQuery& query);

  pqxx::transaction_base& tx_;
};

}  // namespace news::storage

#endif  // NEWS_SERVER_STORAGE_SEARCH_STORE_H_
