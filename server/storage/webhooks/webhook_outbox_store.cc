#include "server/storage/webhooks/webhook_outbox_store.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"

namespace news::storage {
namespace {

using google::protobuf::util::TimeUtil;

constexpr char kDeadColumns[] =
    "id, endpoint_id, event_type, payload, attempts, last_status, last_error,"
    " (extract(epoch FROM create_time) * 1000000)::bigint,"
    " (extract(epoch FROM dead_time) * 1000000)::bigint";

v1::DeadLetter ReadDead(const pqxx::row& row) {
  v1::DeadLetter dead;
  dead.set_id(row[0].as<int64_t>());
  dead.set_webhook_id(row[1].as<int64_t>());
  dead.set_event_type(row[2].as<std::string>());
  dead.set_payload(row[3].as<std::string>());
  dead.set_attempts(row[4].as<int>());
  dead.set_last_status(row[5].as<int>());
  dead.set_last_error(row[6].as<std::string>());
  *dead.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row[7].as<int64_t>());
  *dead.mutable_dead_time() = TimeUtil::MicrosecondsToTimestamp(row[8].as<int64_t>());
  return dead;
}

}  // namespace

int64_t WebhookOutboxStore::LockCursor() {
  return tx_.exec("SELECT position FROM webhook_cursor FOR UPDATE")[0][0].as<int64_t>();
}

void WebhookOutboxStore::SetCursor(int64_t position) {
  tx_.exec_params("UPDATE webhook_cursor SET position = $1", position);
}

void WebhookOutboxStore::Insert(int64_t endpoint_id, const std::string& event_type,
                                int64_t change_position, const std::string& payload) {
  tx_.exec_params(
      "INSERT INTO webhook_outbox (endpoint_id, event_type, change_position, payload)"
      " VALUES ($1, $2, $3, $4) ON CONFLICT (endpoint_id, change_position, event_type) DO NOTHING",
      endpoint_id, event_type, change_position, payload);
}

std::vector<ClaimedDelivery> WebhookOutboxStore::Claim(int limit, absl::Duration lease) {
  std::vector<ClaimedDelivery> claimed;
  for (const pqxx::row& row : tx_.exec_params(
           "WITH due AS (SELECT id FROM webhook_outbox WHERE dead_time IS NULL"
           " AND next_attempt_time <= now() ORDER BY next_attempt_time, id LIMIT $1"
           " FOR UPDATE SKIP LOCKED)"
           " UPDATE webhook_outbox o SET attempts = o.attempts + 1, last_attempt_time = now(),"
           " next_attempt_time = now() + make_interval(secs => $2)"
           " FROM due, webhook_endpoints e WHERE o.id = due.id AND e.id = o.endpoint_id"
           " RETURNING o.id, o.endpoint_id, e.url, e.secret, o.payload, o.attempts",
           limit, absl::ToDoubleSeconds(lease))) {
    claimed.push_back(ClaimedDelivery{row[0].as<int64_t>(), row[1].as<int64_t>(),
                                      row[2].as<std::string>(), row[3].as<std::string>(),
                                      row[4].as<std::string>(), row[5].as<int>()});
  }
  return claimed;
}

void WebhookOutboxStore::Delete(int64_t id) {
  tx_.exec_params("DELETE FROM webhook_outbox WHERE id = $1", id);
}

bool WebhookOutboxStore::RecordFailure(int64_t id, int status, const std::string& error,
                                       absl::Duration retry_after, absl::Duration give_up_age) {
  const pqxx::result result = tx_.exec_params(
      "UPDATE webhook_outbox SET last_status = $2, last_error = $3,"
      " next_attempt_time = now() + make_interval(secs => $4),"
      " dead_time = CASE WHEN now() + make_interval(secs => $4)"
      "   > age_from + make_interval(secs => $5) THEN now() END"
      " WHERE id = $1 AND dead_time IS NULL RETURNING dead_time IS NOT NULL",
      id, status, error, absl::ToDoubleSeconds(retry_after), absl::ToDoubleSeconds(give_up_age));
  return !result.empty() && result[0][0].as<bool>();
}

std::vector<v1::DeadLetter> WebhookOutboxStore::ListDead(int64_t endpoint_id, int64_t after_id,
                                                         int limit) {
  std::vector<v1::DeadLetter> dead;
  for (const pqxx::row& row : tx_.exec_params(
           absl::StrCat("SELECT ", kDeadColumns,
                        " FROM webhook_outbox WHERE dead_time IS NOT NULL AND id > $1"
                        " AND ($2::bigint = 0 OR endpoint_id = $2::bigint) ORDER BY id LIMIT $3"),
           after_id, endpoint_id, limit)) {
    dead.push_back(ReadDead(row));
  }
  return dead;
}

std::optional<v1::DeadLetter> WebhookOutboxStore::Revive(int64_t id) {
  const pqxx::result dead = tx_.exec_params(
      absl::StrCat("SELECT ", kDeadColumns,
                   " FROM webhook_outbox WHERE id = $1 AND dead_time IS NOT NULL FOR UPDATE"),
      id);
  if (dead.empty()) return std::nullopt;
  tx_.exec_params(
      "UPDATE webhook_outbox SET dead_time = NULL, age_from = now(), next_attempt_time = now()"
      " WHERE id = $1",
      id);
  return ReadDead(dead[0]);
}

WebhookOutboxStore::Counts WebhookOutboxStore::Count() {
  const pqxx::row row = tx_.exec1(
      "SELECT count(*) FILTER (WHERE dead_time IS NULL), count(*) FILTER (WHERE dead_time IS NOT"
      " NULL) FROM webhook_outbox");
  return Counts{row[0].as<int64_t>(), row[1].as<int64_t>()};
}

}  // namespace news::storage
