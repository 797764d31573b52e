#ifndef NEWS_SERVER_STORAGE_RELATED_STORE_H_
#define NEWS_SERVER_STORAGE_RELATED_STORE_H_

// All SQL on the related-news tables: article_terms (each article's strongest terms),
// term_document_frequencies, indexed_document_count and related_articles. Methods run in the
// caller's transaction and throw pqxx exceptions on database errors.

#include <cstdint>
#include <pqxx/pqxx>
#include <string>
#include <unordered_map>
#include <vector>

#include "news/v1/discovery.pb.h"

namespace news::storage {

struct WeightedTerm {
  std::string term;
  double weight;
};

struct ScoredArticle {
  int64_t article_id;
  double score;
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

  // Replaces the stored terms of `article_id`.
  void ReplaceTerms(int64_t article_id, const std::vector<WeightedTerm>& terms);

  // Adds `documents[i]` to the frequency of `terms[i]`.
  void AddDocumentFrequencies(const std::vector<std::string>& terms,
                              const std::vector<int64_t>& documents);

  // The document frequency of each of `terms` that has one.
  std::unordered_map<std::string, int64_t> DocumentFrequencies(
      const std::vector<std::string>& terms);

  // Adds `delta` to the number of indexed articles and returns the new number.
  int64_t AddToDocumentCount(int64_t delta);

  // Published articles other than `article_id` sharing at least one of `terms` whose document
  // frequency is at most `max_documents`, scored by the dot product of `terms`' weights with
  // their stored weights; best first, at most `limit`.
  std::vector<ScoredArticle> ScoreCandidates(int64_t article_id,
                                             const std::vector<WeightedTerm>& terms,
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

  // Bulk loads for the corpus generator (COPY), for articles that have no rows yet.
  void CopyTerms(const std::vector<std::pair<int64_t, WeightedTerm>>& rows);
  void CopyRelated(const std::vector<RelatedPair>& rows);

  // The stored list of `article_id`, best first, published articles only, at most `limit`;
  // empty when `article_id` itself is not published.
  std::vector<v1::RelatedArticle> ListRelated(int64_t article_id, int limit);

 private:
  pqxx::transaction_base& tx_;
};

}  // namespace news::storage

#endif  // NEWS_SERVER_STORAGE_RELATED_STORE_H_
