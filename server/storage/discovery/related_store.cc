#include "server/storage/discovery/related_store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/db/text_array.h"
#include "server/storage/articles/article_store.h"

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

std::string TermsLiteral(const std::vector<TermFrequency>& terms) {
  std::vector<std::string> names;
  names.reserve(terms.size());
  for (const TermFrequency& term : terms) names.push_back(term.term);
  return db::ToTextArrayLiteral(names);
}

std::string FrequenciesLiteral(const std::vector<TermFrequency>& terms) {
  std::vector<double> frequencies;
  frequencies.reserve(terms.size());
  for (const TermFrequency& term : terms) frequencies.push_back(term.frequency);
  return NumberArrayLiteral(frequencies);
}

std::string WeightsLiteral(const std::vector<WeightedTerm>& terms) {
  std::vector<double> weights;
  weights.reserve(terms.size());
  for (const WeightedTerm& term : terms) weights.push_back(term.weight);
  return NumberArrayLiteral(weights);
}


}  // namespace

void RelatedStore::Prepare(pqxx::connection& connection) {
  connection.prepare("related_lock_index", "SELECT pg_advisory_xact_lock(7305, 0)");
  connection.prepare("related_delete_terms", "DELETE FROM article_terms WHERE article_id = $1");
  connection.prepare(
      "related_insert_terms",
      "INSERT INTO article_terms (article_id, term, frequency) "
      "SELECT $1, term, frequency FROM unnest($2::text[], $3::float8[]) AS t(term, frequency)");
  connection.prepare("related_terms_of",
                     "SELECT article_id, term, frequency FROM article_terms "
                     "WHERE article_id = ANY($1::bigint[])");
  connection.prepare(
      "related_add_frequencies",
      "INSERT INTO term_document_frequencies AS f (term, documents) "
      "SELECT term, delta FROM unnest($1::text[], $2::bigint[]) AS t(term, delta) "
      // Rows are locked in term order, whatever order the caller's terms are in.
      "ORDER BY term "
      "ON CONFLICT (term) DO UPDATE SET documents = greatest(0, f.documents + EXCLUDED.documents)");
  connection.prepare("related_frequencies",
                     "SELECT term, documents FROM term_document_frequencies "
                     "WHERE term = ANY($1::text[])");
  connection.prepare("related_add_document_count",
                     "UPDATE indexed_document_count SET documents = documents + $1 "
                     "RETURNING documents");
  connection.prepare("related_document_count", "SELECT documents FROM indexed_document_count");
  connection.prepare("related_candidates",
                     "SELECT t.article_id "
                     "FROM unnest($2::text[], $3::float8[]) AS q(term, weight) "
                     "JOIN term_document_frequencies f ON f.term = q.term AND f.documents <= $4 "
                     "JOIN article_terms t ON t.term = q.term "
                     "JOIN articles a ON a.id = t.article_id AND a.status = 'published' "
                     "WHERE t.article_id <> $1 GROUP BY t.article_id "
                     "ORDER BY sum(q.weight * (1 + ln(t.frequency))) DESC, t.article_id "
                     "LIMIT $5");
  connection.prepare("related_same_tag_or_category",
                     "SELECT id FROM articles WHERE status = 'published' AND id <> $1 "
                     "AND (tags && $2::text[] OR category_id = $3) "
                     "ORDER BY (tags && $2::text[]) DESC, publish_time DESC, id DESC LIMIT $4");
  connection.prepare("related_delete_list", "DELETE FROM related_articles WHERE article_id = $1");
  connection.prepare("related_insert_list",
                     "INSERT INTO related_articles (article_id, related_id, score) "
                     "SELECT $1, related_id, score "
                     "FROM unnest($2::bigint[], $3::float8[]) AS r(related_id, score) "
                     // An article indexed meanwhile may have entered the list already.
                     "ON CONFLICT (article_id, related_id) DO UPDATE SET score = EXCLUDED.score");
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
  connection.prepare("related_mark_fresh",
                     "INSERT INTO related_list_freshness (article_id, corpus_documents) "
                     "VALUES ($1, $2) ON CONFLICT (article_id) DO UPDATE "
                     "SET corpus_documents = EXCLUDED.corpus_documents");
  connection.prepare("related_lock_stale",
                     "SELECT f.article_id, a.category_id, a.tags FROM related_list_freshness f "
                     "LEFT JOIN articles a ON a.id = f.article_id WHERE f.corpus_documents <= $1 "
                     "ORDER BY f.corpus_documents, f.article_id LIMIT $2 "
                     "FOR UPDATE OF f SKIP LOCKED");
  connection.prepare("related_forget_freshness",
                     "DELETE FROM related_list_freshness WHERE article_id = $1");
  connection.prepare("related_articles_after",
                     "SELECT id, category_id, tags, title, summary, body_paragraphs FROM articles a "
                     "WHERE id > $1 AND NOT EXISTS (SELECT 1 FROM article_terms t"
                     " WHERE t.article_id = a.id) ORDER BY id LIMIT $2");
  connection.prepare("related_list",
                     absl::StrCat("SELECT r.score, ", kArticleSummaryColumns,
                                  " FROM related_articles r JOIN ", kArticleSummaryFrom,
                                  " ON a.id = r.related_id WHERE r.article_id = $1"
                                  " AND a.status = 'published' AND EXISTS (SELECT 1 FROM"
                                  " articles source WHERE source.id = $1"
                                  " AND source.status = 'published')"
                                  " ORDER BY r.score DESC, r.related_id LIMIT $2"));
}

void RelatedStore::LockIndex() { tx_.exec_prepared("related_lock_index"); }

void RelatedStore::ReplaceTerms(int64_t article_id, const std::vector<TermFrequency>& terms) {
  tx_.exec_prepared("related_delete_terms", article_id);
  if (terms.empty()) return;
  tx_.exec_prepared("related_insert_terms", article_id, TermsLiteral(terms),
                    FrequenciesLiteral(terms));
}

std::unordered_map<int64_t, std::vector<TermFrequency>> RelatedStore::TermsOf(
    const std::vector<int64_t>& article_ids) {
  std::unordered_map<int64_t, std::vector<TermFrequency>> terms;
  if (article_ids.empty()) return terms;
  for (const auto& row : tx_.exec_prepared("related_terms_of", NumberArrayLiteral(article_ids))) {
    terms[row[0].as<int64_t>()].push_back(
        TermFrequency{row[1].as<std::string>(), row[2].as<double>()});
  }
  return terms;
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

int64_t RelatedStore::DocumentCount() {
  return tx_.exec_prepared1("related_document_count")[0].as<int64_t>();
}

std::vector<int64_t> RelatedStore::CandidateArticles(int64_t article_id,
                                                     const std::vector<WeightedTerm>& terms,
                                                     int64_t max_documents, int limit) {
  std::vector<int64_t> ids;
  if (terms.empty()) return ids;
  for (const auto& row : tx_.exec_prepared("related_candidates", article_id, TermsLiteral(terms),
                                           WeightsLiteral(terms), max_documents, limit)) {
    ids.push_back(row[0].as<int64_t>());
  }
  return ids;
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

void RelatedStore::MarkFresh(int64_t article_id, int64_t corpus_documents) {
  tx_.exec_prepared("related_mark_fresh", article_id, corpus_documents);
}

std::vector<IndexedArticle> RelatedStore::LockStaleLists(int64_t max_corpus_documents, int limit) {
  const pqxx::result rows = tx_.exec_prepared("related_lock_stale", max_corpus_documents, limit);
  std::vector<IndexedArticle> stale;
  for (const auto& row : rows) {
    if (row[1].is_null()) {
      tx_.exec_prepared("related_forget_freshness", row[0].as<int64_t>());
      continue;
    }
    stale.push_back(IndexedArticle{row[0].as<int64_t>(), row[1].as<int64_t>(),
                                   db::ParseTextArray(row[2]), "", "", {}});
  }
  return stale;
}

std::vector<IndexedArticle> RelatedStore::ArticlesAfter(int64_t after_id, int limit) {
  std::vector<IndexedArticle> articles;
  for (const auto& row : tx_.exec_prepared("related_articles_after", after_id, limit)) {
    articles.push_back(IndexedArticle{row[0].as<int64_t>(), row[1].as<int64_t>(),
                                      db::ParseTextArray(row[2]), row[3].as<std::string>(),
                                      row[4].as<std::string>(), db::ParseTextArray(row[5])});
  }
  return articles;
}

void RelatedStore::CopyTerms(const std::vector<std::pair<int64_t, TermFrequency>>& rows) {
  pqxx::stream_to stream(tx_, "article_terms",
                         std::vector<std::string>{"article_id", "term", "frequency"});
  for (const auto& [article_id, term] : rows) {
    // pqxx formats doubles through iostreams, which dominates a large COPY.
    stream << std::make_tuple(article_id, term.term, absl::StrCat(term.frequency));
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

void RelatedStore::CopyFreshness(const std::vector<int64_t>& article_ids,
                                 int64_t corpus_documents) {
  pqxx::stream_to stream(tx_, "related_list_freshness",
                         std::vector<std::string>{"article_id", "corpus_documents"});
  for (int64_t article_id : article_ids) stream << std::make_tuple(article_id, corpus_documents);
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
