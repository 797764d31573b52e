#include "server/storage/related_store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/db/text_array.h"
#include "server/storage/article_store.h"

namespace news::storage {
namespace {

template <typename Number>
std::string NumberArrayLiteral(const std::vector<Number>& values) {
  return absl::StrCat("{", absl::StrJoin(values, ","), "}");
}

std::string TermsLiteral(const std::vector<WeightedTerm>& terms) {
  std::vector<std::string> names;
  names.reserve(terms.size());
  for (const WeightedTerm& term : terms) names.push_back(term.term);
  return db::ToTextArrayLiteral(names);
}

std::string WeightsLiteral(const std::vector<WeightedTerm>& terms) {
  std::vector<double> weights;
  weights.reserve(terms.size());
  for (const WeightedTerm& term : terms) weights.push_back(term.weight);
  return NumberArrayLiteral(weights);
}

std::vector<ScoredArticle> ReadScored(const pqxx::result& result) {
  std::vector<ScoredArticle> scored;
  scored.reserve(result.size());
  for (const auto& row : result) {
    scored.push_back(ScoredArticle{row[0].as<int64_t>(), row[1].as<double>()});
  }
  return scored;
}

}  // namespace

void RelatedStore::Prepare(pqxx::connection& connection) {
  connection.prepare("related_delete_terms", "DELETE FROM article_terms WHERE article_id = $1");
  connection.prepare(
      "related_insert_terms",
      "INSERT INTO article_terms (article_id, term, weight) "
      "SELECT $1, term, weight FROM unnest($2::text[], $3::float8[]) AS t(term, weight)");
  connection.prepare(
      "related_add_frequencies",
      "INSERT INTO term_document_frequencies AS f (term, documents) "
      "SELECT term, delta FROM unnest($1::text[], $2::bigint[]) AS t(term, delta) "
      "ON CONFLICT (term) DO UPDATE SET documents = greatest(0, f.documents + EXCLUDED.documents)");
  connection.prepare("related_frequencies",
                     "SELECT term, documents FROM term_document_frequencies "
                     "WHERE term = ANY($1::text[])");
  connection.prepare("related_add_document_count",
                     "UPDATE indexed_document_count SET documents = documents + $1 "
                     "RETURNING documents");
  connection.prepare("related_score_candidates",
                     "SELECT t.article_id, sum(q.weight * t.weight) AS score "
                     "FROM unnest($2::text[], $3::float8[]) AS q(term, weight) "
                     "JOIN term_document_frequencies f ON f.term = q.term AND f.documents <= $4 "
                     "JOIN article_terms t ON t.term = q.term "
                     "JOIN articles a ON a.id = t.article_id AND a.status = 'published' "
                     "WHERE t.article_id <> $1 GROUP BY t.article_id "
                     "ORDER BY score DESC, t.article_id LIMIT $5");
  connection.prepare("related_same_tag_or_category",
                     "SELECT id FROM articles WHERE status = 'published' AND id <> $1 "
                     "AND (tags && $2::text[] OR category_id = $3) "
                     "ORDER BY (tags && $2::text[]) DESC, publish_time DESC, id DESC LIMIT $4");
  connection.prepare("related_delete_list", "DELETE FROM related_articles WHERE article_id = $1");
  connection.prepare("related_insert_list",
                     "INSERT INTO related_articles (article_id, related_id, score) "
                     "SELECT $1, related_id, score "
                     "FROM unnest($2::bigint[], $3::float8[]) AS r(related_id, score)");
  connection.prepare("related_offer",
                     "INSERT INTO related_articles (article_id, related_id, score) "
                     "SELECT article_id, $1, score "
                     "FROM unnest($2::bigint[], $3::float8[]) AS r(article_id, score) "
                     "ON CONFLICT (article_id, related_id) DO UPDATE SET score = EXCLUDED.score");
  connection.prepare("related_trim",
                     "DELETE FROM related_articles r USING ("
                     " SELECT article_id, related_id, row_number() OVER ("
                     "  PARTITION BY article_id ORDER BY score DESC, related_id) AS rank"
                     " FROM related_articles WHERE article_id = ANY($1::bigint[])) ranked "
                     "WHERE ranked.rank > $2 AND r.article_id = ranked.article_id"
                     " AND r.related_id = ranked.related_id");
  connection.prepare("related_list",
                     absl::StrCat("SELECT r.score, ", kArticleSummaryColumns,
                                  " FROM related_articles r JOIN ", kArticleSummaryFrom,
                                  " ON a.id = r.related_id WHERE r.article_id = $1"
                                  " AND a.status = 'published' AND EXISTS (SELECT 1 FROM"
                                  " articles source WHERE source.id = $1"
                                  " AND source.status = 'published')"
                                  " ORDER BY r.score DESC, r.related_id LIMIT $2"));
}

void RelatedStore::ReplaceTerms(int64_t article_id, const std::vector<WeightedTerm>& terms) {
  tx_.exec_prepared("related_delete_terms", article_id);
  if (terms.empty()) return;
  tx_.exec_prepared("related_insert_terms", article_id, TermsLiteral(terms), WeightsLiteral(terms));
}

void RelatedStore::AddDocumentFrequencies(const std::vector<std::string>& terms,
                                          const std::vector<int64_t>& documents) {
  if (terms.empty()) return;
  tx_.exec_prepared("related_add_frequencies", db::ToTextArrayLiteral(terms),
                    NumberArrayLiteral(documents));
}

std::unordered_map<std::string, int64_t> RelatedStore::DocumentFrequencies(
    const std::vector<std::string>& terms) {
  std::unordered_map<std::string, int64_t> frequencies;
  if (terms.empty()) return frequencies;
  for (const auto& row : tx_.exec_prepared("related_frequencies", db::ToTextArrayLiteral(terms))) {
    frequencies[row[0].as<std::string>()] = row[1].as<int64_t>();
  }
  return frequencies;
}

int64_t RelatedStore::AddToDocumentCount(int64_t delta) {
  return tx_.exec_prepared1("related_add_document_count", delta)[0].as<int64_t>();
}

std::vector<ScoredArticle> RelatedStore::ScoreCandidates(int64_t article_id,
                                                         const std::vector<WeightedTerm>& terms,
                                                         int64_t max_documents, int limit) {
  if (terms.empty()) return {};
  return ReadScored(tx_.exec_prepared("related_score_candidates", article_id, TermsLiteral(terms),
                                      WeightsLiteral(terms), max_documents, limit));
}

std::vector<int64_t> RelatedStore::SameTagOrCategory(int64_t article_id,
                                                     const std::vector<std::string>& tags,
                                                     int64_t category_id, int limit) {
  std::vector<int64_t> ids;
  for (const auto& row : tx_.exec_prepared("related_same_tag_or_category", article_id,
                                           db::ToTextArrayLiteral(tags), category_id, limit)) {
    ids.push_back(row[0].as<int64_t>());
  }
  return ids;
}

void RelatedStore::ReplaceList(int64_t article_id, const std::vector<ScoredArticle>& related) {
  tx_.exec_prepared("related_delete_list", article_id);
  if (related.empty()) return;
  std::vector<int64_t> ids;
  std::vector<double> scores;
  for (const ScoredArticle& entry : related) {
    ids.push_back(entry.article_id);
    scores.push_back(entry.score);
  }
  tx_.exec_prepared("related_insert_list", article_id, NumberArrayLiteral(ids),
                    NumberArrayLiteral(scores));
}

void RelatedStore::OfferToLists(int64_t related_id, const std::vector<ScoredArticle>& candidates,
                                int list_size) {
  if (candidates.empty()) return;
  std::vector<int64_t> ids;
  std::vector<double> scores;
  for (const ScoredArticle& candidate : candidates) {
    ids.push_back(candidate.article_id);
    scores.push_back(candidate.score);
  }
  const std::string ids_literal = NumberArrayLiteral(ids);
  tx_.exec_prepared("related_offer", related_id, ids_literal, NumberArrayLiteral(scores));
  tx_.exec_prepared("related_trim", ids_literal, list_size);
}

void RelatedStore::CopyTerms(const std::vector<std::pair<int64_t, WeightedTerm>>& rows) {
  pqxx::stream_to stream(tx_, "article_terms",
                         std::vector<std::string>{"article_id", "term", "weight"});
  for (const auto& [article_id, term] : rows) {
    // pqxx formats doubles through iostreams, which dominates a large COPY.
    stream << std::make_tuple(article_id, term.term, absl::StrCat(term.weight));
  }
  stream.complete();
}

void RelatedStore::CopyRelated(const std::vector<RelatedPair>& rows) {
  pqxx::stream_to stream(tx_, "related_articles",
                         std::vector<std::string>{"article_id", "related_id", "score"});
  for (const RelatedPair& row : rows) {
    stream << std::make_tuple(row.article_id, row.related_id, absl::StrCat(row.score));
  }
  stream.complete();
}

std::vector<v1::RelatedArticle> RelatedStore::ListRelated(int64_t article_id, int limit) {
  std::vector<v1::RelatedArticle> related;
  for (const auto& row : tx_.exec_prepared("related_list", article_id, limit)) {
    v1::RelatedArticle entry;
    entry.set_score(row[0].as<double>());
    *entry.mutable_article() = ReadArticleSummary(row, 1);
    related.push_back(std::move(entry));
  }
  return related;
}

}  // namespace news::storage
