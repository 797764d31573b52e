#include "server/storage/search_store.h"

#include "absl/strings/str_cat.h"
#include "server/db/text_array.h"
#include "server/storage/article_store.h"

namespace news::storage {

void SearchStore::Prepare(pqxx::connection& connection) {
  connection.prepare("search_set_document",
                     "UPDATE articles SET search_document = $2::tsvector WHERE id = $1");
  // The inner query only touches the GIN index and the matching rows; the summary columns are
  // read for the page alone.
  connection.prepare(
      "search_articles",
      absl::StrCat(
          "SELECT m.score_key, a.body_paragraphs, ", kArticleSummaryColumns, " FROM (",
          " SELECT a.id, ((CASE WHEN a.search_document @@ $3::tsquery THEN 2 ELSE 0 END"
          "  + CASE WHEN a.search_document @@ $2::tsquery THEN 1 ELSE 0 END"
          "  + ts_rank_cd(a.search_document, $1::tsquery, 32)) * 1000000)::bigint AS score_key"
          " FROM articles a WHERE a.status = 'published' AND a.search_document @@ $1::tsquery"
          " AND ($4::bigint = 0 OR a.category_id = $4) AND ($5::bigint = 0 OR a.source_id = $5)"
          ") m JOIN ",
          kArticleSummaryFrom,
          " ON a.id = m.id WHERE (m.score_key, m.id) < ($6, $7)"
          " ORDER BY m.score_key DESC, m.id DESC LIMIT $8"));
}

void SearchStore::SetDocument(int64_t article_id, const std::string& document) {
  tx_.exec_prepared("search_set_document", article_id, document);
}

std::vector<SearchHit> SearchStore::Search(const SearchQuery& query, int64_t after_score_key,
                                           int64_t after_id, int limit) {
  std::vector<SearchHit> hits;
  for (const auto& row :
       tx_.exec_prepared("search_articles", query.all_words, query.phrase,
                         query.all_words_in_title, query.category_id, query.source_id,
                         after_score_key, after_id, limit)) {
    hits.push_back(SearchHit{ReadArticleSummary(row, 2), db::ParseTextArray(row[1]),
                             row[0].as<int64_t>()});
  }
  return hits;
}

}  // namespace news::storage
