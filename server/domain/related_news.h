#ifndef NEWS_SERVER_DOMAIN_RELATED_NEWS_H_
#define NEWS_SERVER_DOMAIN_RELATED_NEWS_H_

// Related news ("Tin liên quan", docs/discovery.md): each article is described by its folded
// syllable unigrams and bigrams, weighted by where they occur (title 3, summary 2, body 1) and by
// how rare they are (idf), and its list of most similar articles is computed when it is indexed
// and stored, so that reading it is one indexed query.

#include <cstdint>
#include <functional>
#include <pqxx/pqxx>
#include <string>
#include <unordered_map>
#include <vector>

#include "server/storage/related_store.h"
#include "server/text/search_document.h"

namespace news {

// Stored related entries per article.
inline constexpr int kRelatedListSize = 20;
// Terms kept per article in the inverted index.
inline constexpr size_t kStoredTermsPerArticle = 24;
// Below this cosine-like score a shared term or two are coincidence, not relatedness.
inline constexpr double kMinRelatedScore = 0.03;

// term -> frequency weighted by part: unigrams of syllables that are not stop-syllables, and
// bigrams of adjacent syllables neither of which is a function word ("doi ngoai", "nhan dan").
std::unordered_map<std::string, double> ExtractTerms(const text::ArticleWords& words);

// The `limit` strongest terms of an article's L2-normalised tf-idf vector, strongest first.
// `document_frequency(term)` counts the articles containing the term, this one included;
// `documents` counts all articles, this one included.
std::vector<storage::WeightedTerm> StrongestTerms(
    const std::unordered_map<std::string, double>& term_counts,
    const std::function<int64_t(const std::string&)>& document_frequency, int64_t documents,
    size_t limit);

// Terms in more articles than this are too common to look candidates up by (as Lucene's
// MoreLikeThis maxDocFreq), which keeps the lookup cheap at 1M articles.
int64_t MaxCandidateDocumentFrequency(int64_t documents);

struct ArticleText {
  int64_t id = 0;
  text::ArticleWords words;
  int64_t category_id = 0;
  std::vector<std::string> tags;
};

// Indexes `article` (already stored) in the caller's transaction: stores its strongest terms,
// counts it into the document frequencies when `first_time`, stores its related list (falling
// back to same-tag and same-category articles when fewer than 5 articles match its text), and
// enters it into the lists of the articles it matches where it beats their weakest entry.
// Throws pqxx exceptions on database errors.
void IndexRelatedNews(pqxx::transaction_base& tx, const ArticleText& article, bool first_time);

// Related-news indexing of many new articles at once, for the corpus generator: the same terms
// and scores as IndexRelatedNews, computed in memory among the batch and written with COPY.
// Articles already in the database count in the document frequencies, but the lists of the
// batch and of older articles are not merged (docs/discovery.md).
class RelatedNewsBatch {
 public:
  void Add(ArticleText article, int64_t publish_time_micros);

  // Writes terms, document frequencies and related lists of everything added. Throws pqxx
  // exceptions on database errors.
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
