#include "server/storage/discovery/search_store.h"

#include <algorithm>
#include <limits>
#include <optional>

#include "absl/container/flat_hash_map.h"
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
  // Title tier matches after a keyset position, newest first; $1 holds a publish block, so the
  // GIN index hands over a bounded number of rows (materialised, so that the planner does not
  // walk the feed index instead).
  connection.prepare(
      "search_title_tier",
      "WITH matches AS MATERIALIZED ("
      " SELECT a.id, a.publish_time FROM articles a WHERE a.status = 'published'"
      " AND a.search_title @@ $1::tsquery"
      " AND ($2::bigint = 0 OR a.category_id = $2) AND ($3::bigint = 0 OR a.source_id = $3)"
      ") SELECT id, micros FROM ("
      " SELECT id, (extract(epoch FROM publish_time) * 1000000)::bigint AS micros FROM matches"
      ") m WHERE (micros, id) < ($4, $5) ORDER BY micros DESC, id DESC LIMIT $6");
  // Tiers 1 and 0 among the candidates (materialised, so the keyset condition is not pushed into
  // the phrase test); title matches are in tiers 3 and 2 already.
  connection.prepare(
      "search_body_tiers",
      "WITH tiered AS MATERIALIZED ("
      " SELECT a.id, (extract(epoch FROM a.publish_time) * 1000000)::bigint AS micros,"
      " CASE WHEN $2::text = '' OR a.search_document @@ NULLIF($2::text, '')::tsquery THEN 1"
      " ELSE 0 END AS tier FROM articles a WHERE a.id = ANY($1::bigint[])"
      " AND a.status = 'published' AND NOT coalesce(a.search_title @@ $3::tsquery, false)"
      ") SELECT id, micros, tier FROM tiered WHERE (tier, micros, id) < ($4, $5, $6)"
      " ORDER BY tier DESC, micros DESC, id DESC LIMIT $7");
  connection.prepare("search_hits",
                     absl::StrCat("SELECT a.body_paragraphs, ", kArticleSummaryColumns, " FROM ",
                                  kArticleSummaryFrom, " WHERE a.id = ANY($1::bigint[])"));
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

std::vector<int64_t> SearchStore::NewestMatches(const SearchQuery& query, int64_t newest_micros) {
  const absl::Time newest = absl::FromUnixMicros(newest_micros);
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

namespace {

// Publish times are compared in microseconds since the epoch; this is after any of them.
constexpr int64_t kAfterEveryPublishTime = 7258118400000000;  // 2200-01-01 UTC

}  // namespace

SearchPosition SearchPosition::Start() {
  return SearchPosition{4, std::numeric_limits<int64_t>::max(),
                        std::numeric_limits<int64_t>::max()};
}

std::optional<int64_t> SearchStore::NewestPublishMicros() {
  const pqxx::result row = tx_.exec_prepared("search_newest_publish_micros");
  if (row.empty()) return std::nullopt;
  return row[0][0].as<int64_t>();
}

std::vector<SearchPosition> SearchStore::TitleTier(const SearchQuery& query, int tier,
                                                   const SearchPosition& after, int64_t newest,
                                                   int limit) {
  std::string words = absl::StrCat("(", query.all_words, ")");
  if (tier == 3 && !query.phrase.empty()) words = absl::StrCat("(", query.phrase, ")");
  if (tier == 2) absl::StrAppend(&words, " & !(", query.phrase, ")");
  int64_t before_micros = kAfterEveryPublishTime;
  int64_t before_id = std::numeric_limits<int64_t>::max();
  if (after.tier == tier) {
    before_micros = after.publish_time_micros;
    before_id = after.id;
  }
  std::vector<SearchPosition> positions;
  auto find = [&](const std::string& tsquery) {
    positions.clear();
    for (const auto& row :
         tx_.exec_prepared("search_title_tier", tsquery, query.category_id, query.source_id,
                           before_micros, before_id, limit)) {
      positions.push_back(SearchPosition{tier, row[1].as<int64_t>(), row[0].as<int64_t>()});
    }
    return positions.size() == static_cast<size_t>(limit);
  };
  // As NewestMatches does: a block that reaches back from the keyset position (or the newest
  // article) and holds `limit` matches holds the first `limit` of them all.
  const absl::Time anchor = absl::FromUnixMicros(std::min(before_micros, newest));
  for (const int block_days : text::kPublishBlockDays) {
    if (find(absl::StrCat(words, " & '", text::RecentPublishBlockLexeme(anchor, block_days),
                          "'"))) {
      return positions;
    }
  }
  find(words);
  return positions;
}

std::vector<SearchPosition> SearchStore::BodyTiers(const SearchQuery& query,
                                                   const SearchPosition& after, int64_t newest,
                                                   int limit) {
  const std::vector<int64_t> candidates = NewestMatches(query, newest);
  std::vector<SearchPosition> positions;
  if (candidates.empty()) return positions;
  for (const auto& row : tx_.exec_prepared(
           "search_body_tiers", absl::StrCat("{", absl::StrJoin(candidates, ","), "}"),
           query.phrase, query.all_words, after.tier, after.publish_time_micros,
           after.id, limit)) {
    positions.push_back(
        SearchPosition{row[2].as<int>(), row[1].as<int64_t>(), row[0].as<int64_t>()});
  }
  return positions;
}

std::vector<SearchHit> SearchStore::Search(const SearchQuery& query, const SearchPosition& after,
                                           int limit) {
  std::vector<SearchHit> hits;
  const std::optional<int64_t> newest = NewestPublishMicros();
  if (!newest) return hits;
  std::vector<SearchPosition> positions;
  // A query of one word has no tier 2: its phrase is the word.
  for (const int tier : {3, 2}) {
    if (after.tier < tier || (tier == 2 && query.phrase.empty())) continue;
    const int wanted = limit - static_cast<int>(positions.size());
    if (wanted <= 0) break;
    for (const SearchPosition& p : TitleTier(query, tier, after, *newest, wanted)) {
      positions.push_back(p);
    }
  }
  if (static_cast<int>(positions.size()) < limit) {
    const SearchPosition body_after = after.tier >= 2 ? SearchPosition::Start() : after;
    for (const SearchPosition& p :
         BodyTiers(query, body_after, *newest, limit - static_cast<int>(positions.size()))) {
      positions.push_back(p);
    }
  }
  if (positions.empty()) return hits;

  std::vector<int64_t> ids;
  for (const SearchPosition& p : positions) ids.push_back(p.id);
  absl::flat_hash_map<int64_t, size_t> index_of;
  for (size_t i = 0; i < positions.size(); ++i) index_of[positions[i].id] = i;
  std::vector<std::optional<SearchHit>> ordered(positions.size());
  for (const auto& row :
       tx_.exec_prepared("search_hits", absl::StrCat("{", absl::StrJoin(ids, ","), "}"))) {
    v1::ArticleSummary article = ReadArticleSummary(row, 1);
    const size_t i = index_of.at(article.id());
    ordered[i] = SearchHit{std::move(article), db::ParseTextArray(row[0]), positions[i]};
  }
  for (auto& hit : ordered) {
    if (hit) hits.push_back(*std::move(hit));
  }
  return hits;
}

}  // namespace news::storage
