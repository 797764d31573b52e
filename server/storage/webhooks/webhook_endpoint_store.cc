#include "server/storage/webhooks/webhook_endpoint_store.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace news::storage {
namespace {

using google::protobuf::util::TimeUtil;

constexpr char kColumns[] =
    "id, url, secret, description, article_published, array_to_string(category_ids, ','),"
    " breaking_news, array_to_string(reply_to_comment_ids, ','), created_by,"
    " (extract(epoch FROM create_time) * 1000000)::bigint";

// Ids travel as comma-separated text: libpqxx 6.4 has no bigint[] conversion.
template <typename Ids>
std::string JoinIds(const Ids& ids) {
  return absl::StrJoin(ids, ",");
}

template <typename Repeated>
void SplitIds(const std::string& text, Repeated& ids) {
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    int64_t id = 0;
    if (absl::SimpleAtoi(part, &id)) ids.Add(id);
  }
}

}  // namespace

std::vector<v1::Webhook> WebhookEndpointStore::Select(const pqxx::result& result) {
  std::vector<v1::Webhook> webhooks;
  for (const pqxx::row& row : result) {
    v1::Webhook& w = webhooks.emplace_back();
    w.set_id(row[0].as<int64_t>());
    w.set_url(row[1].as<std::string>());
    w.set_secret(row[2].as<std::string>());
    w.set_description(row[3].as<std::string>());
    w.mutable_events()->set_article_published(row[4].as<bool>());
    SplitIds(row[5].as<std::string>(), *w.mutable_events()->mutable_category_ids());
    w.mutable_events()->set_breaking_news(row[6].as<bool>());
    SplitIds(row[7].as<std::string>(), *w.mutable_events()->mutable_reply_to_comment_ids());
    w.set_created_by(row[8].as<std::string>());
    *w.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row[9].as<int64_t>());
  }
  return webhooks;
}

v1::Webhook WebhookEndpointStore::InsertOnce(const v1::Webhook& webhook,
                                             const std::string& created_by,
                                             const std::string& request_key) {
  // A concurrent create with the same key waits on the unique index and then inserts nothing.
  tx_.exec_params(
      "INSERT INTO webhook_endpoints (url, secret, description, article_published, category_ids,"
      " breaking_news, reply_to_comment_ids, created_by, create_request_key)"
      " VALUES ($1, $2, $3, $4, string_to_array($5, ',')::bigint[], $6,"
      " string_to_array($7, ',')::bigint[], $8, $9)"
      " ON CONFLICT (create_request_key) DO NOTHING",
      webhook.url(), webhook.secret(), webhook.description(), webhook.events().article_published(),
      JoinIds(webhook.events().category_ids()), webhook.events().breaking_news(),
      JoinIds(webhook.events().reply_to_comment_ids()), created_by, request_key);
  return Select(tx_.exec_params(
      absl::StrCat("SELECT ", kColumns, " FROM webhook_endpoints WHERE create_request_key = $1"),
      request_key))[0];
}

std::vector<v1::Webhook> WebhookEndpointStore::List() {
  return Select(tx_.exec(absl::StrCat("SELECT ", kColumns, " FROM webhook_endpoints ORDER BY id")));
}

bool WebhookEndpointStore::Any() {
  return tx_.exec1("SELECT EXISTS (SELECT 1 FROM webhook_endpoints)")[0].as<bool>();
}

bool WebhookEndpointStore::Delete(int64_t id) {
  return tx_.exec_params("DELETE FROM webhook_endpoints WHERE id = $1", id).affected_rows() > 0;
}

std::vector<v1::Webhook> WebhookEndpointStore::ListForPublished(int64_t category_id,
                                                                bool breaking) {
  return Select(tx_.exec_params(
      absl::StrCat("SELECT ", kColumns,
                   " FROM webhook_endpoints WHERE (article_published AND (category_ids = '{}'"
                   " OR $1 = ANY (category_ids))) OR (breaking_news AND $2) ORDER BY id"),
      category_id, breaking));
}

std::vector<v1::Webhook> WebhookEndpointStore::ListForReplyTo(int64_t parent_id) {
  return Select(tx_.exec_params(
      absl::StrCat("SELECT ", kColumns,
                   " FROM webhook_endpoints WHERE $1 = ANY (reply_to_comment_ids) ORDER BY id"),
      parent_id));
}

}  // namespace news::storage
