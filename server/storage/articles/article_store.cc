#include "server/storage/articles/article_store.h"

#include <google/protobuf/util/time_util.h>

#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/db/text_array.h"
#include "server/storage/articles/article_blocks.h"
#include "server/storage/articles/article_state.h"

namespace news::storage {
namespace {

using google::protobuf::util::TimeUtil;

// Timestamps cross the wire as int64 microseconds since the epoch, which keeps keyset cursors
// exact (timestamptz has microsecond resolution).
std::string MicrosParam(int n) {
  return absl::StrCat("('epoch'::timestamptz + $", n, "::bigint * interval '1 microsecond')");
}

// The columns ReadArticle reads (from kArticleSummaryFrom): an ArticleSummary's, then the rest
// of the article. cur_* name the keys its neighbour joins need.
std::string ArticleColumns() {
  return absl::StrCat(kArticleSummaryColumns,
                      ", a.body_paragraphs, (extract(epoch FROM a.update_time) * 1000000)::bigint,"
                      " a.status::text, a.category_id AS cur_category_id,"
                      " a.publish_time AS cur_publish_time, a.id AS cur_id, ",
                      BlocksColumn("a"),
                      ", a.breaking, a.cover_image_credit,"
                      " (extract(epoch FROM a.expire_time) * 1000000)::bigint");
}

// One statement for GetArticle: the article, and through two LATERAL joins on the category feed
// index its newer and older neighbours (NULL columns when there is none). `key_condition`
// selects the article, e.g. "a.id = $1".
std::string ArticleWithNeighboursQuery(absl::string_view key_condition) {
  const std::string neighbour =
      absl::StrCat("SELECT ", kArticleSummaryColumns, " FROM ", kArticleSummaryFrom,
                   " WHERE a.status = 'published' AND a.category_id = cur.cur_category_id"
                   " AND (a.publish_time, a.id) ");
  return absl::StrCat(
      "SELECT * FROM (SELECT ", ArticleColumns(), " FROM ",
      // Expired articles stay readable by id and slug (docs/newsroom.md), in no list.
      kArticleSummaryFrom, " WHERE a.status IN ('published', 'expired') AND ", key_condition,
      ") cur LEFT JOIN LATERAL (", neighbour,
      "> (cur.cur_publish_time, cur.cur_id) ORDER BY a.publish_time, a.id LIMIT 1) newer ON true"
      " LEFT JOIN LATERAL (",
      neighbour,
      "< (cur.cur_publish_time, cur.cur_id) ORDER BY a.publish_time DESC, a.id DESC LIMIT 1)"
      " older ON true");
}

// Whole published articles for a full sync, newest first after the position ($1 micros, $2 id),
// $3 at most, of category $4 when `by_category`: a keyset scan of the feed's partial indexes
// (articles_feed_idx, articles_category_feed_idx), like the feed's.
std::string SyncPageQuery(bool by_category) {
  return absl::StrCat("SELECT ", ArticleColumns(), " FROM ", kArticleSummaryFrom,
                      " WHERE a.status = 'published'",
                      by_category ? " AND a.category_id = $4" : "",
                      " AND (a.publish_time, a.id) < (", MicrosParam(1),
                      ", $2) ORDER BY a.publish_time DESC, a.id DESC LIMIT $3");
}

// Column positions in ArticleColumns' rows, and ArticleWithNeighboursQuery's.
constexpr int kBodyColumn = kArticleSummaryColumnCount;
constexpr int kBlocksColumn = kArticleSummaryColumnCount + 6;
constexpr int kNewerColumn = kArticleSummaryColumnCount + 10;
constexpr int kOlderColumn = kNewerColumn + kArticleSummaryColumnCount;

// The feed has one statement per combination of filters, a set of these bits, named
// FeedStatement(filters). Parameters: $1 and $2 the position (micros, id), $3 the limit, then the
// value of each filter in the set, in bit order.
constexpr int kFeedByCategory = 1;
constexpr int kFeedBySource = 2;
constexpr int kFeedByTag = 4;
constexpr int kFeedFilterCombinations = 8;

std::string FeedStatement(int filters) { return absl::StrCat("feed_", filters); }

// Every combination is a keyset scan of one index whose leading columns are the filters' and
// whose last are (publish_time DESC, id DESC) (migrations 0001 and 0010), so a page deep in the
// feed reads as many rows as the first. With a tag, the rows come from published_article_tags,
// which holds those columns per (article, tag); without, from the partial indexes on articles.
std::string FeedQuery(int filters) {
  const bool by_tag = (filters & kFeedByTag) != 0;
  const absl::string_view keyed = by_tag ? "t." : "a.";
  const absl::string_view id = by_tag ? "t.article_id" : "a.id";
  // published_article_tags holds published articles only.
  const std::string from =
      by_tag ? absl::StrCat("published_article_tags t JOIN (", kArticleSummaryFrom,
                            ") ON a.id = t.article_id")
             : std::string(kArticleSummaryFrom);
  std::vector<std::string> conditions;
  if (!by_tag) conditions.push_back("a.status = 'published'");
  int param = 4;
  if (filters & kFeedByCategory) {
    conditions.push_back(absl::StrCat(keyed, "category_id = $", param++));
  }
  if (filters & kFeedBySource) conditions.push_back(absl::StrCat(keyed, "source_id = $", param++));
  if (by_tag) conditions.push_back(absl::StrCat("t.tag = $", param++));
  conditions.push_back(
      absl::StrCat("(", keyed, "publish_time, ", id, ") < (", MicrosParam(1), ", $2)"));
  return absl::StrCat("SELECT ", kArticleSummaryColumns, " FROM ", from, " WHERE ",
                      absl::StrJoin(conditions, " AND "), " ORDER BY ", keyed,
                      "publish_time DESC, ", id, " DESC LIMIT $3");
}

}  // namespace

FeedPosition FeedPosition::Start() {
  // Year 9999: after any real publish time, and still exact in the microsecond arithmetic.
  return FeedPosition{253402300799000000, std::numeric_limits<int64_t>::max()};
}

v1::ArticleSummary ReadArticleSummary(const pqxx::row& row, int first) {
  v1::ArticleSummary summary;
  int i = first;
  summary.set_id(row[i++].as<int64_t>());
  summary.set_slug(row[i++].as<std::string>());
  summary.set_title(row[i++].as<std::string>());
  summary.set_summary(row[i++].as<std::string>());
  summary.set_author(row[i++].as<std::string>());
  if (!row[i].is_null()) {
    auto* source = summary.mutable_source();
    source->set_id(row[i].as<int64_t>());
    source->set_slug(row[i + 1].as<std::string>());
    source->set_name(row[i + 2].as<std::string>());
  }
  i += 3;
  auto* category = summary.mutable_category();
  category->set_id(row[i++].as<int64_t>());
  category->set_slug(row[i++].as<std::string>());
  category->set_name(row[i++].as<std::string>());
  for (auto& tag : db::ParseTextArray(row[i++])) summary.add_tags(std::move(tag));
  const std::string image_url = row[i++].as<std::string>();
  const std::string image_caption = row[i++].as<std::string>();
  if (!image_url.empty() || !image_caption.empty()) {
    summary.mutable_cover_image()->set_url(image_url);
    summary.mutable_cover_image()->set_caption(image_caption);
  }
  *summary.mutable_publish_time() = TimeUtil::MicrosecondsToTimestamp(row[i++].as<int64_t>());
  summary.set_view_count(row[i++].as<int64_t>());
  summary.set_comment_count(row[i++].as<int64_t>());
  return summary;
}

void ArticleStore::Prepare(pqxx::connection& connection) {
  connection.prepare("article_by_id", ArticleWithNeighboursQuery("a.id = $1"));
  connection.prepare("article_by_slug", ArticleWithNeighboursQuery("a.slug = $1"));
  // One statement per filter, so that each gets a plan on its own index.
  for (int filters = 0; filters < kFeedFilterCombinations; ++filters) {
    connection.prepare(FeedStatement(filters), FeedQuery(filters));
  }
  connection.prepare("article_sync_page", SyncPageQuery(false));
  connection.prepare("article_sync_page_by_category", SyncPageQuery(true));
  connection.prepare("articles_by_ids",
                     absl::StrCat("SELECT ", ArticleColumns(), " FROM ", kArticleSummaryFrom,
                                  " WHERE a.id = ANY($1::bigint[])"));
  connection.prepare("article_import_key_of_slug",
                     "SELECT coalesce(import_key, '') FROM articles WHERE slug = $1");
  connection.prepare(
      "article_upsert_imported",
      absl::StrCat(
          "INSERT INTO articles (import_key, slug, title, summary, body_paragraphs, author,"
          " source_id, category_id, tags, cover_image_caption, publish_time, status,"
          " body_blocks) VALUES ($1, $2, $3, $4, $5::text[], $6,"
          " NULLIF($7::bigint, 0), $8, $9::text[], $10, CASE WHEN $11 THEN ",
          MicrosParam(12), " ELSE now() END, $13::article_status, ", BlocksFromParam(14),
          ")"
          " ON CONFLICT (import_key) DO UPDATE SET title = EXCLUDED.title,"
          " summary = EXCLUDED.summary, body_paragraphs = EXCLUDED.body_paragraphs,"
          " author = EXCLUDED.author, source_id = EXCLUDED.source_id,"
          " category_id = EXCLUDED.category_id, tags = EXCLUDED.tags,"
          " cover_image_caption = EXCLUDED.cover_image_caption,"
          " publish_time = CASE WHEN $11 THEN EXCLUDED.publish_time ELSE articles.publish_time END,"
          " body_blocks = EXCLUDED.body_blocks,"
          // Only the lifecycle's automatic states follow the page's date: re-importing never
          // brings back a retracted, deleted, expired or draft article.
          " status = CASE WHEN $11 AND articles.status IN ('published', 'scheduled')"
          " THEN EXCLUDED.status ELSE articles.status END,"
          " revision = articles.revision + 1, update_time = now()"
          " RETURNING id, (xmax = 0), (extract(epoch FROM publish_time) * 1000000)::bigint,"
          " status::text"));
  connection.prepare("article_comment_settings",
                     "SELECT title, comments_open,"
                     " (extract(epoch FROM publish_time) * 1000000)::bigint FROM articles"
                     " WHERE id = $1 AND status = 'published'");
  connection.prepare("article_set_comments_open",
                     "UPDATE articles SET comments_open = $2 WHERE id = $1 RETURNING id");
}

v1::Article ArticleStore::ReadArticle(const pqxx::row& row) {
  const v1::ArticleSummary summary = ReadArticleSummary(row);
  v1::Article article;
  article.set_id(summary.id());
  article.set_slug(summary.slug());
  article.set_title(summary.title());
  article.set_summary(summary.summary());
  article.set_author(summary.author());
  if (summary.has_source()) *article.mutable_source() = summary.source();
  *article.mutable_category() = summary.category();
  *article.mutable_tags() = summary.tags();
  if (summary.has_cover_image()) *article.mutable_cover_image() = summary.cover_image();
  *article.mutable_publish_time() = summary.publish_time();
  article.set_view_count(summary.view_count());
  article.set_comment_count(summary.comment_count());
  int i = kBodyColumn;
  for (auto& paragraph : db::ParseTextArray(row[i++])) {
    article.add_body_paragraphs(std::move(paragraph));
  }
  *article.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(row[i++].as<int64_t>());
  const std::optional<ArticleState> state = ParseArticleState(row[i++].as<std::string>());
  article.set_status(state ? ToProto(*state) : v1::ARTICLE_STATUS_UNSPECIFIED);
  i = kBlocksColumn;
  std::vector<v1::ArticleBlock> blocks = ReadBlocks(row[i++]);
  if (blocks.empty()) {
    blocks = ParagraphBlocks({article.body_paragraphs().begin(), article.body_paragraphs().end()});
  }
  for (auto& block : blocks) *article.add_blocks() = std::move(block);
  article.set_breaking(row[i++].as<bool>());
  const std::string image_credit = row[i++].as<std::string>();
  if (!image_credit.empty()) article.mutable_cover_image()->set_credit(image_credit);
  if (!row[i].is_null()) {
    *article.mutable_expire_time() = TimeUtil::MicrosecondsToTimestamp(row[i].as<int64_t>());
  }
  // Rows of ArticleColumns alone end before the neighbours.
  if (row.size() <= kNewerColumn) return article;
  if (!row[kNewerColumn].is_null()) {
    *article.mutable_newer() = ReadArticleSummary(row, kNewerColumn);
  }
  if (!row[kOlderColumn].is_null()) {
    *article.mutable_older() = ReadArticleSummary(row, kOlderColumn);
  }
  return article;
}

std::optional<v1::Article> ArticleStore::FindPublishedById(int64_t id) {
  const pqxx::result result = tx_.exec_prepared("article_by_id", id);
  if (result.empty()) return std::nullopt;
  return ReadArticle(result[0]);
}

std::optional<v1::Article> ArticleStore::FindPublishedBySlug(const std::string& slug) {
  const pqxx::result result = tx_.exec_prepared("article_by_slug", slug);
  if (result.empty()) return std::nullopt;
  return ReadArticle(result[0]);
}

std::vector<v1::Article> ArticleStore::ListPublishedForSync(int64_t category_id,
                                                            const FeedPosition& after, int limit) {
  const pqxx::result result =
      category_id == 0 ? tx_.exec_prepared("article_sync_page", after.publish_time_micros,
                                           after.id, limit)
                       : tx_.exec_prepared("article_sync_page_by_category",
                                           after.publish_time_micros, after.id, limit, category_id);
  std::vector<v1::Article> articles;
  articles.reserve(result.size());
  for (const auto& row : result) articles.push_back(ReadArticle(row));
  return articles;
}

std::vector<v1::Article> ArticleStore::FindByIds(const std::vector<int64_t>& ids) {
  const pqxx::result result =
      tx_.exec_prepared("articles_by_ids", absl::StrCat("{", absl::StrJoin(ids, ","), "}"));
  std::vector<v1::Article> articles;
  articles.reserve(result.size());
  for (const auto& row : result) articles.push_back(ReadArticle(row));
  return articles;
}

std::vector<v1::ArticleSummary> ArticleStore::ListFeed(const FeedFilter& filter,
                                                       const FeedPosition& after, int limit) {
  // Parameters in text form: the statement gives each its type.
  std::vector<std::string> params = {absl::StrCat(after.publish_time_micros),
                                     absl::StrCat(after.id), absl::StrCat(limit)};
  int filters = 0;
  if (filter.category_id != 0) {
    filters |= kFeedByCategory;
    params.push_back(absl::StrCat(filter.category_id));
  }
  if (filter.source_id != 0) {
    filters |= kFeedBySource;
    params.push_back(absl::StrCat(filter.source_id));
  }
  if (!filter.tag.empty()) {
    filters |= kFeedByTag;
    params.push_back(filter.tag);
  }
  const pqxx::result result =
      tx_.exec_prepared(FeedStatement(filters), pqxx::prepare::make_dynamic_params(params));
  std::vector<v1::ArticleSummary> summaries;
  summaries.reserve(result.size());
  for (const auto& row : result) summaries.push_back(ReadArticleSummary(row));
  return summaries;
}

std::optional<std::string> ArticleStore::ImportKeyOfSlug(const std::string& slug) {
  const pqxx::result result = tx_.exec_prepared("article_import_key_of_slug", slug);
  if (result.empty()) return std::nullopt;
  return result[0][0].as<std::string>();
}

UpsertResult ArticleStore::UpsertImported(const ImportedArticle& article) {
  const pqxx::row row = tx_.exec_prepared1(
      "article_upsert_imported", article.import_key, article.slug, article.title, article.summary,
      db::ToTextArrayLiteral(article.body_paragraphs), article.author, article.source_id,
      article.category_id, db::ToTextArrayLiteral(article.tags), article.cover_image_caption,
      article.publish_time_micros.has_value(), article.publish_time_micros.value_or(0),
      std::string(ArticleStateName(article.state)),
      BlocksArrayLiteral(article.blocks));
  return UpsertResult{row[0].as<int64_t>(), row[1].as<bool>(), row[2].as<int64_t>(),
                      ParseArticleState(row[3].as<std::string>()).value_or(article.state)};
}

std::optional<ArticleStore::CommentSettings> ArticleStore::FindCommentSettings(int64_t id) {
  const pqxx::result result = tx_.exec_prepared("article_comment_settings", id);
  if (result.empty()) return std::nullopt;
  return CommentSettings{result[0][0].as<std::string>(), result[0][1].as<bool>(),
                         result[0][2].as<int64_t>()};
}

bool ArticleStore::SetCommentsOpen(int64_t id, bool open) {
  return !tx_.exec_prepared("article_set_comments_open", id, open).empty();
}

std::vector<ArticleStore::AnyStateArticle> ArticleStore::FindAnyState(
    const std::vector<int64_t>& ids) {
  std::vector<AnyStateArticle> articles;
  if (ids.empty()) return articles;
  const pqxx::result result = tx_.exec_params(
      absl::StrCat("SELECT ", kArticleSummaryColumns, ", a.status::text, a.breaking FROM ",
                   kArticleSummaryFrom, " WHERE a.id = ANY($1::bigint[])"),
      absl::StrCat("{", absl::StrJoin(ids, ","), "}"));
  for (const auto& row : result) {
    AnyStateArticle article;
    article.summary = ReadArticleSummary(row);
    article.category_id = article.summary.category().id();
    article.state = ParseArticleState(row[kArticleSummaryColumnCount].as<std::string>())
                        .value_or(ArticleState::kDeleted);
    article.breaking = row[kArticleSummaryColumnCount + 1].as<bool>();
    articles.push_back(std::move(article));
  }
  return articles;
}

}  // namespace news::storage
