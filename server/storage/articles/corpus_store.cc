#include "server/storage/articles/corpus_store.h"

#include "absl/time/time.h"
#include "server/db/text_array.h"

namespace news::storage {
namespace {

// COPY reads timestamptz text; UTC with microseconds keeps it exact.
std::string TimestampText(int64_t micros) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E6S+00", absl::FromUnixMicros(micros),
                          absl::UTCTimeZone());
}

}  // namespace

std::vector<int64_t> CorpusStore::ReserveArticleIds(int64_t count) {
  std::vector<int64_t> ids;
  ids.reserve(count);
  for (const auto& row : tx_.exec_params(
           "SELECT nextval(pg_get_serial_sequence('articles', 'id')) FROM generate_series(1, $1)",
           count)) {
    ids.push_back(row[0].as<int64_t>());
  }
  return ids;
}

bool CorpusStore::ImportKeyExists(const std::string& import_key) {
  return !tx_.exec_params("SELECT 1 FROM articles WHERE import_key = $1", import_key).empty();
}

bool CorpusStore::HasCommentsTable() {
  return tx_.exec("SELECT to_regclass('comments') IS NOT NULL")[0][0].as<bool>();
}

void CorpusStore::CopyArticles(const std::vector<GeneratedArticle>& articles) {
  pqxx::stream_to stream(
      tx_, "articles",
      std::vector<std::string>{"id", "slug", "import_key", "title", "summary", "body_paragraphs",
                               "author", "source_id", "category_id", "tags", "publish_time",
                               "update_time", "search_document", "status"});
  for (const GeneratedArticle& a : articles) {
    const std::string publish_time = TimestampText(a.publish_time_micros);
    stream << std::make_tuple(a.id, a.slug, a.import_key, a.title, a.summary,
                              db::ToTextArrayLiteral(a.body_paragraphs), a.author, a.source_id,
                              a.category_id, db::ToTextArrayLiteral(a.tags), publish_time,
                              publish_time, a.search_document,
                              std::string(ArticleStateName(a.state)));
  }
  stream.complete();
}

void CorpusStore::CopyComments(const std::vector<GeneratedComment>& comments) {
  pqxx::stream_to stream(
      tx_, "comments",
      std::vector<std::string>{"article_id", "client_id", "request_id", "author_name", "body",
                               "body_key_sha256", "state", "create_time", "update_time"});
  for (const GeneratedComment& c : comments) {
    const std::string create_time = TimestampText(c.create_time_micros);
    stream << std::make_tuple(c.article_id, c.client_id, c.request_id, c.author_name, c.body,
                              c.body_key_sha256, std::string("approved"), create_time, create_time);
  }
  stream.complete();
}

}  // namespace news::storage
