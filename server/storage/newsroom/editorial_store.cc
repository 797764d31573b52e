#include "server/storage/newsroom/editorial_store.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"
#include "server/db/text_array.h"
#include "server/storage/articles/article_blocks.h"

namespace news::storage {
namespace {

using google::protobuf::util::TimeUtil;

std::string MicrosParam(int n) {
  return absl::StrCat("('epoch'::timestamptz + $", n, "::bigint * interval '1 microsecond')");
}

std::string Micros(const std::string& column) {
  return absl::StrCat("(extract(epoch FROM ", column, ") * 1000000)::bigint");
}

const std::string& SelectColumns() {
  static const auto* columns = new std::string(absl::StrCat(
      "SELECT a.id, a.slug, a.title, a.summary, a.author, a.category_id,"
      " coalesce(a.source_id, 0), a.tags, a.cover_image_url, a.cover_image_caption,"
      " a.cover_image_credit, ",
      BlocksColumn("a"), ", a.body_paragraphs, a.breaking, ", Micros("a.publish_time"), ", ",
      Micros("a.expire_time"), ", a.status::text, a.retract_reason, ", Micros("a.create_time"),
      ", ", Micros("a.update_time"), ", a.revision FROM articles a "));
  return *columns;
}

EditorialRecord ReadRecord(const pqxx::row& row) {
  EditorialRecord record;
  v1::EditorialArticle& a = record.article;
  int i = 0;
  a.set_id(row[i++].as<int64_t>());
  a.set_slug(row[i++].as<std::string>());
  a.set_title(row[i++].as<std::string>());
  a.set_summary(row[i++].as<std::string>());
  a.set_author(row[i++].as<std::string>());
  a.set_category_id(row[i++].as<int64_t>());
  a.set_source_id(row[i++].as<int64_t>());
  for (auto& tag : db::ParseTextArray(row[i++])) a.add_tags(std::move(tag));
  const std::string url = row[i++].as<std::string>();
  const std::string caption = row[i++].as<std::string>();
  const std::string credit = row[i++].as<std::string>();
  if (!url.empty() || !caption.empty() || !credit.empty()) {
    a.mutable_cover_image()->set_url(url);
    a.mutable_cover_image()->set_caption(caption);
    a.mutable_cover_image()->set_credit(credit);
  }
  std::vector<v1::ArticleBlock> blocks = ReadBlocks(row[i++]);
  // Imported articles store paragraphs only.
  if (blocks.empty()) blocks = ParagraphBlocks(db::ParseTextArray(row[i]));
  ++i;
  for (auto& block : blocks) *a.add_blocks() = std::move(block);
  a.set_breaking(row[i++].as<bool>());
  *a.mutable_publish_time() = TimeUtil::MicrosecondsToTimestamp(row[i++].as<int64_t>());
  if (!row[i].is_null()) {
    *a.mutable_expire_time() = TimeUtil::MicrosecondsToTimestamp(row[i].as<int64_t>());
  }
  ++i;
  record.state = ParseArticleState(row[i++].as<std::string>()).value_or(ArticleState::kDraft);
  a.set_status(ToProto(record.state));
  a.set_retract_reason(row[i++].as<std::string>());
  *a.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row[i++].as<int64_t>());
  *a.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(row[i++].as<int64_t>());
  record.revision = row[i++].as<int64_t>();
  return record;
}

std::vector<std::string> Tags(const v1::EditorialArticle& article) {
  return {article.tags().begin(), article.tags().end()};
}

std::vector<v1::ArticleBlock> Blocks(const v1::EditorialArticle& article) {
  return {article.blocks().begin(), article.blocks().end()};
}

}  // namespace

void EditorialStore::Prepare(pqxx::connection& connection) {
  connection.prepare("editorial_find", SelectColumns() + "WHERE a.id = $1");
  connection.prepare("editorial_find_for_update", SelectColumns() + "WHERE a.id = $1 FOR UPDATE");
  connection.prepare("editorial_find_by_request_key",
                     "SELECT id FROM articles WHERE create_request_key = $1");
  connection.prepare("editorial_slug_taken", "SELECT 1 FROM articles WHERE slug = $1 AND id <> $2");
  connection.prepare("editorial_slugs_like",
                     "SELECT slug FROM articles WHERE slug = $1 OR slug LIKE $1 || '-%'");
  connection.prepare(
      "editorial_insert_draft",
      absl::StrCat("INSERT INTO articles (slug, title, summary, author, category_id, source_id,"
                   " tags, cover_image_url, cover_image_caption, cover_image_credit, body_blocks,"
                   " body_paragraphs, breaking, expire_time, status, publish_time,"
                   " create_request_key) VALUES ($1, $2, $3, $4, $5, NULLIF($6::bigint, 0),"
                   " $7::text[], $8, $9, $10, ",
                   BlocksFromParam(11), ", $12::text[], $13, CASE WHEN $14 THEN ", MicrosParam(15),
                   " END, 'draft', now(), $16) RETURNING id"));
  connection.prepare(
      "editorial_write_fields",
      absl::StrCat("UPDATE articles SET slug = $2, title = $3, summary = $4, author = $5,"
                   " category_id = $6, source_id = NULLIF($7::bigint, 0), tags = $8::text[],"
                   " cover_image_url = $9, cover_image_caption = $10, cover_image_credit = $11,"
                   " body_blocks = ",
                   BlocksFromParam(12),
                   ", body_paragraphs = $13::text[], breaking = $14,"
                   " publish_time = ",
                   MicrosParam(15), ", expire_time = CASE WHEN $16 THEN ", MicrosParam(17),
                   " END, revision = revision + 1, update_time = now() WHERE id = $1"));
  connection.prepare("editorial_set_state",
                     absl::StrCat("UPDATE articles SET status = $2::article_status,"
                                  " publish_time = CASE WHEN $3 THEN ",
                                  MicrosParam(4),
                                  " ELSE publish_time END, retract_reason = $5,"
                                  " delete_time = CASE WHEN $2 = 'deleted' THEN now() END,"
                                  " revision = revision + 1, update_time = now() WHERE id = $1"));
  connection.prepare("editorial_list_all",
                     SelectColumns() + "WHERE a.id < $1 ORDER BY a.id DESC LIMIT $2");
  connection.prepare("editorial_list_state", SelectColumns() +
                                                 "WHERE a.status = $3::article_status AND a.id < $1"
                                                 " ORDER BY a.id DESC LIMIT $2");
}

std::optional<EditorialRecord> EditorialStore::Find(int64_t id, bool for_update) {
  const pqxx::result result =
      tx_.exec_prepared(for_update ? "editorial_find_for_update" : "editorial_find", id);
  if (result.empty()) return std::nullopt;
  return ReadRecord(result[0]);
}

std::optional<int64_t> EditorialStore::FindByRequestKey(const std::string& request_key) {
  const pqxx::result result = tx_.exec_prepared("editorial_find_by_request_key", request_key);
  if (result.empty()) return std::nullopt;
  return result[0][0].as<int64_t>();
}

bool EditorialStore::SlugTaken(const std::string& slug, int64_t except_id) {
  return !tx_.exec_prepared("editorial_slug_taken", slug, except_id).empty();
}

std::vector<std::string> EditorialStore::SlugsLike(const std::string& base) {
  std::vector<std::string> slugs;
  for (const auto& row : tx_.exec_prepared("editorial_slugs_like", base)) {
    slugs.push_back(row[0].as<std::string>());
  }
  return slugs;
}

int64_t EditorialStore::InsertDraft(const v1::EditorialArticle& a, const std::string& request_key) {
  const std::vector<v1::ArticleBlock> blocks = Blocks(a);
  return tx_
      .exec_prepared1("editorial_insert_draft", a.slug(), a.title(), a.summary(), a.author(),
                      a.category_id(), a.source_id(), db::ToTextArrayLiteral(Tags(a)),
                      a.cover_image().url(), a.cover_image().caption(), a.cover_image().credit(),
                      BlocksArrayLiteral(blocks), db::ToTextArrayLiteral(BlockParagraphs(blocks)),
                      a.breaking(), a.has_expire_time(),
                      TimeUtil::TimestampToMicroseconds(a.expire_time()), request_key)[0]
      .as<int64_t>();
}

void EditorialStore::WriteFields(const v1::EditorialArticle& a) {
  const std::vector<v1::ArticleBlock> blocks = Blocks(a);
  tx_.exec_prepared("editorial_write_fields", a.id(), a.slug(), a.title(), a.summary(), a.author(),
                    a.category_id(), a.source_id(), db::ToTextArrayLiteral(Tags(a)),
                    a.cover_image().url(), a.cover_image().caption(), a.cover_image().credit(),
                    BlocksArrayLiteral(blocks), db::ToTextArrayLiteral(BlockParagraphs(blocks)),
                    a.breaking(), TimeUtil::TimestampToMicroseconds(a.publish_time()),
                    a.has_expire_time(), TimeUtil::TimestampToMicroseconds(a.expire_time()));
}

void EditorialStore::SetState(int64_t id, ArticleState state,
                              std::optional<int64_t> publish_time_micros,
                              const std::string& retract_reason) {
  tx_.exec_prepared("editorial_set_state", id, std::string(ArticleStateName(state)),
                    publish_time_micros.has_value(), publish_time_micros.value_or(0),
                    retract_reason);
}

std::vector<EditorialRecord> EditorialStore::List(std::optional<ArticleState> state,
                                                  int64_t before_id, int limit) {
  const pqxx::result result = state ? tx_.exec_prepared("editorial_list_state", before_id, limit,
                                                        std::string(ArticleStateName(*state)))
                                    : tx_.exec_prepared("editorial_list_all", before_id, limit);
  std::vector<EditorialRecord> records;
  records.reserve(result.size());
  for (const auto& row : result) records.push_back(ReadRecord(row));
  return records;
}

}  // namespace news::storage
