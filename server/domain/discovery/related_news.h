#ifndef NEWS_SERVER_DOMAIN_RELATED_NEWS_H_
#define NEWS_SERVER_DOMAIN_RELATED_NEWS_H_

// Related news ("Tin liên quan", docs/discovery.md): each article is described by its folded
// syllable unigrams and bigrams, weighted by where they occur (title 3, summary 2, body 1) and by
// how rare they are in the corpus as it is now (idf). Its list of most similar articles is
// computed when it is indexed and stored, so that reading it is one indexed query; the new
// article enters the lists of the articles it matches, and lists computed when the corpus was
// less than half its present size are recomputed in the background (RefreshStaleRelatedLists).

#include <cstdint>
#include <functional>
#include <pqxx/pqxx>
#include <string>
#include <unordered_map>
#include <vector>

#include "server/storage/discovery/related_store.h"
#include "server/text/search_document.h"

namespace news {

// Stored related entries per article.
inline constexpr int kRelatedListSize = 20;
// Terms kept per article in the inverted index.
inline constexpr size_t kStoredTermsPerArticle = 32;
// Below this cosine-like score a shared term or two are coincidence, not relatedness.
inline constexpr double kMinRelatedScore = 0.03;
// A list is stale once the corpus has grown this many times since it was computed.
inline constexpr int64_t kStaleListGrowth = 2;

// term -> frequency weighted by part: unigrams of syllables that are not stop-syllables, and
// bigrams of adjacent syllables neither of which is a function word ("doi ngoai", "nhan dan").
std::unordered_map<std::string, double> ExtractTerms(const text::ArticleWords& words);

// The terms an article is stored with: its `limit` most frequent terms, the rarer first among
// equally frequent ones (`document_frequency(term)`), then by name. Chosen by frequency rather
// than by tf-idf, so that which terms an article keeps hardly depends on the corpus of the
// moment.
std::vector<storage::TermFrequency> MostFrequentTerms(
    const std::unordered_map<std::string, double>& term_counts,
    const std::function<int64_t(const std::string&)>& document_frequency, size_t limit);

// The L2-normalised tf-idf vector of stored `terms`, sorted by term: weight
// (1 + ln tf) × (ln((N + 1) / (df + 1)) + 1), where `document_frequency(term)` counts the
// articles containing the term (at least 1) and N = `documents` all indexed articles.
std::vector<storage::WeightedTerm> TfIdfVector(
    const std::vector<storage::TermFrequency>& terms,
    const std::function<int64_t(const std::string&)>& document_frequency, int64_t documents);

// Dot product of two vectors from TfIdfVector (their cosine): the related-news score.
double Cosine(const std::vector<storage::WeightedTerm>& a,
              const std::vector<storage::WeightedTerm>& b);

// Terms in more articles than this are too common to look candidates up by (as Lucene's
// MoreLikeThis maxDocFreq), which keeps the lookup cheap at 1M articles.
int64_t MaxCandidateDocumentFrequency(int64_t documents);

struct ArticleText {
  int64_t id = 0;
  text::ArticleWords words;
  int64_t category_id = 0;
  std::vector<std::string> tags;
};

// Serialises the writers of the related-news index (document frequencies, the document count,
// stored terms, lists and their freshness) until the caller's transaction ends. Their writes
// touch rows shared among articles (hot terms, other articles' lists), so concurrent writers
// would lock them in differing orders and deadlock; a transaction that writes the index takes
// this lock before any other lock (row or advisory) it takes. Taking it again is a no-op.
// Throws pqxx exceptions on database errors.
void LockRelatedIndex(pqxx::transaction_base& tx);

// Indexes `article` (already stored) in the caller's transaction, under LockRelatedIndex (which
// the caller takes before its other locks): stores its most frequent terms, counts it into the
// document frequencies when `first_time`, stores its related list (falling back to same-tag and
// same-category articles when fewer than 5 articles match its text) and when it was computed,
// and enters it into the lists of the articles it matches where it beats their weakest entry.
// Throws pqxx exceptions on database errors.
void IndexRelatedNews(pqxx::transaction_base& tx, const ArticleText& article, bool first_time);

// Recomputes, with the current document frequencies, up to `limit` lists that were computed
// when the corpus had at most 1/kStaleListGrowth of its present size, stalest first, in the
// caller's transaction, under LockRelatedIndex (taken here, so call it before other locks);
// returns how many it recomputed (0: none is stale). Throws pqxx exceptions on database errors.
int RefreshStaleRelatedLists(pqxx::transaction_base& tx, int limit);

// Extracts the terms of up to `limit` articles with id greater than `after_id` (by id) that have
// none and marks their lists stale, for databases indexed before migration 0009 (`newsctl
// reindex`) under LockRelatedIndex (taken here); returns the last id reindexed, or 0 when none
// is left. Document frequencies are kept as they are. Throws pqxx exceptions on database errors.
int64_t ReindexRelatedTerms(pqxx::transaction_base& tx, int64_t after_id, int limit);

// Related-news indexing of many new articles at once, for the corpus generator: the same terms
// and scores as IndexRelatedNews, computed in memory among the batch and written with COPY.
// Articles already in the database count in the document frequencies, but the lists of the
// batch and of older articles are not merged until they are refreshed as stale
// (docs/discovery.md).
class RelatedNewsBatch {
 public:
  void Add(ArticleText article, int64_t publish_time_micros);

  // Writes terms, document frequencies, related lists and their freshness of everything added,
  // under LockRelatedIndex (taken here). Throws pqxx exceptions on database errors.
  void Write(pqxx::transaction_base& tx);

 private:
  struct Entry {
    ArticleText text;
    int64_t publish_time_micros;
    std::unordered_map<std::string, double> term_counts;
  };
  std::vector<Entry> entries_;
};

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_RELATED_NEWS_H_
