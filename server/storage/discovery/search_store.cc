#include "server/storage/discovery/search_store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "server/db/text_array.h"
#include "server/storage/articles/article_store.h"
#include "server/text/search_document.h"

namespace news::storage {
void SearchStore::Prepare(pqxx::connection& connection) {
  connection.prepare("search_set_document",
                     "UPDATE articles SET search_document = $2::tsvector WHERE id = $1");
  connection.prepare(
      "search_take_queued_for_rebuild",
      "WITH batch AS (DELETE FROM search_documents_to_rebuild WHERE article_id IN ("
      " SELECT article_id FROM search_documents_to_rebuild ORDER BY article_id LIMIT $1"
      " FOR UPDATE SKIP LOCKED) RETURNING article_id)"
      " SELECT batch.article_id, a.id IS NOT NULL, a.title, a.summary, a.body_paragraphs,"
      " (extract(epoch FROM a.publish_time) * 1000000)::bigint"
      " FROM batch LEFT JOIN articles a ON a.id = batch.article_id ORDER BY batch.article_id");
  connection.prepare("search_newest_publish_micros",
                     "SELECT (extract(epoch FROM publish_time) * 1000000)::bigint FROM articles"
                     " WHERE status = 'published' ORDER BY publish_time DESC, id DESC LIMIT 1");
  // The materialised CTE keeps the planner on the GIN index: with the ORDER BY ... LIMIT next to
  // it, it may instead walk the feed index and read every article's tsvector until enough match,
  // which costs far more than the index lookup when matches are not dense among recent articles.
  connection.prepare(
      "search_candidates",
      absl::StrCat("WITH matches AS MATERIALIZED ("
                   " SELECT a.id, a.publish_time FROM articles a WHERE a.status = 'published'"
                   " AND a.search_document @@ $1::tsquery"
                   " AND ($2::bigint = 0 OR a.category_id = $2)"
                   " AND ($3::bigint = 0 OR a.source_id = $3)"
                   ") SELECT id FROM matches ORDER BY publish_time DESC, id DESC LIMIT ",
                   kMaxScoredMatches));
  // Scores each candidate once (materialised, so the keyset condition is not pushed into the
  // scoring), and joins only the page's rows for their summaries.
  connection.prepare(
      "search_rank",
      absl::StrCat(
          "WITH scored AS MATERIALIZED ("
          " SELECT a.id, ((CASE WHEN a.search_document @@ $4::tsquery THEN 2 ELSE 0 END"
          "  + CASE WHEN a.search_document @@ $3::tsquery THEN 1 ELSE 0 END"
          "  + ts_rank_cd(a.search_document, $2::tsquery, 32)) * 1000000)::bigint AS score_key"
          " FROM articles a WHERE a.id = ANY($1::bigint[])"
          "), page AS ("
          " SELECT id, score_key FROM scored WHERE (score_key, id) < ($5, $6)"
          " ORDER BY score_key DESC, id DESC LIMIT $7"
          ") SELECT m.score_key, a.body_paragraphs, ",
          kArticleSummaryColumns, " FROM page m JOIN ", kArticleSummaryFrom,
          " ON a.id = m.id ORDER BY m.score_key DESC, m.id DESC"));
}

void SearchStore::SetDocument(int64_t article_id, const std::string& document) {
  tx_.exec_prepared("search_set_document", article_id, document);
}

std::vector<QueuedSearchText> SearchStore::TakeQueuedForRebuild(int limit) {
  std::vector<QueuedSearchText> queue;
  for (const auto& row : tx_.exec_prepared("search_take_queued_for_rebuild", limit)) {
    QueuedSearchText& entry = queue.emplace_back(QueuedSearchText{row[0].as<int64_t>(), {}});
    if (!row[1].as<bool>()) continue;
    entry.article = ArticleSearchText{entry.article_id, row[2].as<std::string>(),
                                      row[3].as<std::string>(), db::ParseTextArray(row[4]),
                                      row[5].as<int64_t>()};
  }
  return queue;
}

std::vector<int64_t> SearchStore::NewestMatches(const SearchQuery& query) {
  const pqxx::result newest_row = tx_.exec_prepared("search_newest_publish_micros");
  if (newest_row.empty()) return {};
  const absl::Time newest = absl::FromUnixMicros(newest_row[0][0].as<int64_t>());
  std::vector<int64_t> ids;
  auto find = [&](const std::string& tsquery) {
    ids.clear();
    for (const auto& row :
         tx_.exec_prepared("search_candidates", tsquery, query.category_id, query.source_id)) {
      ids.push_back(row[0].as<int64_t>());
    }
    // A window with kMaxScoredMatches matches holds the newest of them all.
    return ids.size() == static_cast<size_t>(kMaxScoredMatches);
  };
  // Each window is one lexeme, which the GIN index intersects with the words' entries cheaply
  // (a disjunction of several would make it visit every document of each). Each is 4 times the
  // one before, so it is tried only when the smaller one held too few matches, and the heap rows
  // a search reads stay near kMaxScoredMatches for common and rare words alike.
  for (const int block_days : text::kPublishBlockDays) {
    if (find(absl::StrCat("(", query.all_words, ") & '",
                          text::RecentPublishBlockLexeme(newest, block_days), "'"))) {
      return ids;
    }
  }
  find(query.all_words);
  return ids;
}

std::vector<SearchHit> SearchStore::Search(const SearchQuery& query, int64_t after_score_key,
                                           int64_t after_id, int limit) {
  const std::vector<int64_t> candidates = NewestMatches(query);
  std::vector<SearchHit> hits;
  if (candidates.empty()) return hits;
  for (const auto& row : tx_.exec_prepared(
           "search_rank", absl::StrCat("{", absl::StrJoin(candidates, ","), "}"), query.all_words,
           query.phrase, query.all_words_in_title, after_score_key, after_id, limit)) {
    hits.push_back(
        SearchHit{ReadArticleSummary(row, 2), db::ParseTextArray(row[1]), row[0].as<int64_t>()});
  }
  return hits;
}

}  // namespace news::storage
