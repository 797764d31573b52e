#include "server/storage/search_store.h"

#include "absl/strings/str_cat.h"
#include "server/db/text_array.h"
#include "server/storage/article_store.h"

namespace news::storage {

void SearchStore::Prepare(pqxx::connection& connection) {
  connection.prepare("search_set_document",
                     "UPDATE articles SET search_document = $2::tsvector WHERE id = $1");
  // Scoring reads each match's whole tsvector, so a query on common words would score a large
  // part of the corpus: only the newest kMaxScoredMatches matches are scored (news readers want
  // recent stories; rarer queries are scored in full). Each candidate is scored exactly once
  // (the materialised CTEs stop the planner from pushing the keyset condition into the scan,
  // which would score every row twice), and only the page's rows are joined for their
  // summaries.
  connection.prepare(
      "search_articles",
      absl::StrCat(
          "WITH candidates AS MATERIALIZED ("
          " SELECT a.id FROM articles a WHERE a.status = 'published'"
          " AND a.search_document @@ $1::tsquery"
          " AND ($4::bigint = 0 OR a.category_id = $4) AND ($5::bigint = 0 OR a.source_id = $5)"
          " ORDER BY a.publish_time DESC LIMIT ",
          kMaxScoredMatches,
          "), scored AS MATERIALIZED ("
          " SELECT a.id, ((CASE WHEN a.search_document @@ $3::tsquery THEN 2 ELSE 0 END"
          "  + CASE WHEN a.search_document @@ $2::tsquery THEN 1 ELSE 0 END"
          "  + ts_rank_cd(a.search_document, $1::tsquery, 32)) * 1000000)::bigint AS score_key"
          " FROM candidates c JOIN articles a ON a.id = c.id"
          "), page AS ("
          " SELECT id, score_key FROM scored WHERE (score_key, id) < ($6, $7)"
          " ORDER BY score_key DESC, id DESC LIMIT $8"
          ") SELECT m.score_key, a.body_paragraphs, ",
          kArticleSummaryColumns, " FROM page m JOIN ", kArticleSummaryFrom,
          " ON a.id = m.id ORDER BY m.score_key DESC, m.id DESC"));
}

void SearchStore::SetDocument(int64_t article_id, const std::string& document) {
  tx_.exec_prepared("search_set_document", article_id, document);
}

std::vector<SearchHit> SearchStore::Search(const SearchQuery& query, int64_t after_score_key,
                                           int64_t after_id, int limit) {
  std::vector<SearchHit> hits;
  for (const auto& row :
       tx_.exec_prepared("search_articles", query.all_words, query.phrase, query.all_words_in_title,
                         query.category_id, query.source_id, after_score_key, after_id, limit)) {
    hits.push_back(
        SearchHit{ReadArticleSummary(row, 2), db::ParseTextArray(row[1]), row[0].as<int64_t>()});
  }
  return hits;
}

}  // namespace news::storage
