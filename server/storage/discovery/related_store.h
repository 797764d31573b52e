#ifndef NEWS_SERVER_STORAGE_RELATED_STORE_H_
#define NEWS_SERVER_STORAGE_RELATED_STORE_H_

// All SQL on the related-news tables: article_terms (each article's most frequent terms),
// term_document_frequencies, indexed_document_count, related_articles and
// related_list_freshness. Methods run in the caller's transaction and throw pqxx exceptions on
// database errors.

#include <cstdint>
#include <pqxx/pqxx>
#include <string>
#include <unordered_map>
#include <vector>

#include "news/v1/discovery.pb.h"

namespace news::storage {

// A term with its frequency in one article, weighted by place (title 3, summary 2, body 1).
struct TermFrequency {
  std::string term;
  double frequency;
};

// A term with its weight in an article's tf-idf vector.
struct WeightedTerm {
  std::string term;
  double weight;
};

struct ScoredArticle {
  int64_t article_id;
  double score;
};

// What related-news indexing needs of an article.
struct IndexedArticle {
  int64_t id;
  int64_t category_id;
  std::vector<std::string> tags;
  std::string title;
  std::string summary;
  std::vector<std::string> body_paragraphs;
};

// One row of related_articles.
struct RelatedPair {
  int64_t article_id;
  int64_t related_id;
  double score;
};

class RelatedStore {
 public:
  explicit RelatedStore(pqxx::transaction_base& tx) : tx_(tx) {}

  static void Prepare(pqxx::connection& connection);

  // Takes the transaction-level advisory lock (namespace 7305) that serialises the writers of the
  // related-news index; see LockRelatedIndex.
  void LockIndex();

  // Replaces the stored terms of `article_id`.
  void ReplaceTerms(int64_t article_id, const std::vector<TermFrequency>& terms);

  // The stored terms of each of `article_ids` that has any.
  std::unordered_map<int64_t, std::vector<TermFrequency>> TermsOf(
      const std::vector<int64_t>& article_ids);

  // Adds `documents[i]` to the frequency of `terms[i]`.
  void AddDocumentFrequencies(const std::vector<std::string>& terms,
                              const std::vector<int64_t>& documents);

  // The document frequency of each of `terms` that has one.
  std::unordered_map<std::string, int64_t> DocumentFrequencies(
      const std::vector<std::string>& terms);

  // Adds `delta` to the number of indexed articles and returns the new number.
  int64_t AddToDocumentCount(int64_t delta);
  // The number of indexed articles.
  int64_t DocumentCount();

  // Published articles other than `article_id` sharing at least one of `terms` whose document
  // frequency is at most `max_documents`, best first by the dot product of `terms`' weights with
  // their stored frequencies' (1 + ln tf) (an approximation of the cosine, for picking
  // candidates); at most `limit`.
  std::vector<int64_t> CandidateArticles(int64_t article_id, const std::vector<WeightedTerm>& terms,
                                         int64_t max_documents, int limit);

  // Newest published articles other than `article_id` sharing a tag with `tags`, then of
  // category `category_id`; at most `limit`.
  std::vector<int64_t> SameTagOrCategory(int64_t article_id, const std::vector<std::string>& tags,
                                         int64_t category_id, int limit);

  // Replaces the related list of `article_id`.
  void ReplaceList(int64_t article_id, const std::vector<ScoredArticle>& related);

  // Puts `related_id` with each candidate's score into that candidate's list, then trims each
  // of those lists to its best `list_size` entries (so it stays only where it beat the weakest).
  void OfferToLists(int64_t related_id, const std::vector<ScoredArticle>& candidates,
                    int list_size);

  // Records that the list of `article_id` was computed when `corpus_documents` articles were
  // indexed.
  void MarkFresh(int64_t article_id, int64_t corpus_documents);

  // Up to `limit` articles (without their text) whose list was computed when at most
  // `max_corpus_documents` articles were indexed, stalest first, their freshness rows locked (rows locked by another
  // transaction are skipped, so concurrent refreshers share the work). Freshness rows of
  // deleted articles are removed instead.
  std::vector<IndexedArticle> LockStaleLists(int64_t max_corpus_documents, int limit);

  // Up to `limit` articles with id greater than `after_id` that have no related-news terms (all
  // of them after migration 0009), by id, with their text.
  std::vector<IndexedArticle> ArticlesAfter(int64_t after_id, int limit);

  // Bulk loads (COPY), for articles that have no rows yet.
  void CopyTerms(const std::vector<std::pair<int64_t, TermFrequency>>& rows);
  void CopyRelated(const std::vector<RelatedPair>& rows);
  void CopyFreshness(const std::vector<int64_t>& article_ids, int64_t corpus_documents);

  // The stored list of `article_id`, best first, published articles only, at most `limit`;
  // empty when `article_id` itself is not published.
  std::vector<v1::RelatedArticle> ListRelated(int64_t article_id, int limit);

 private:
  pqxx::transaction_base& tx_;
};

}  // namespace news::storage

#endif  // NEWS_SERVER_STORAGE_RELATED_STORE_H_
