#ifndef NEWS_SERVER_STORAGE_WEBHOOK_OUTBOX_STORE_H_
#define NEWS_SERVER_STORAGE_WEBHOOK_OUTBOX_STORE_H_

// All SQL on the webhook_outbox and webhook_cursor tables (db/migrations/0044_webhooks.sql):
// deliveries waiting, being attempted and given up, and the outbox writer's position in the
// change log. Methods run in the caller's transaction and throw pqxx exceptions on database
// errors.

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "news/v1/webhook.pb.h"

namespace news::storage {

// A delivery claimed for one attempt, with its endpoint's url and secret.
struct ClaimedDelivery {
  int64_t id = 0;
  int64_t endpoint_id = 0;
  std::string url;
  std::string secret;
  std::string payload;
  // Including this one.
  int attempts = 0;
};

class WebhookOutboxStore {
 public:
  explicit WebhookOutboxStore(pqxx::transaction_base& tx) : tx_(tx) {}

  // The last change-log position written to the outbox, locked until the transaction ends.
  int64_t LockCursor();
  void SetCursor(int64_t position);

  // Queues a delivery; a second insert of the same (endpoint, position, type) is ignored.
  void Insert(int64_t endpoint_id, const std::string& event_type, int64_t change_position,
              const std::string& payload);

  // Claims up to `limit` due deliveries (not dead, next attempt time passed) that no other
  // transaction holds (FOR UPDATE SKIP LOCKED), oldest due first: counts the attempt and moves
  // their next attempt time `lease` ahead, so that a sender that dies mid-attempt leaves them to
  // be claimed again after the lease.
  std::vector<ClaimedDelivery> Claim(int limit, absl::Duration lease);

  // The attempt succeeded: the delivery leaves the outbox.
  void Delete(int64_t id);

  // The attempt failed with HTTP `status` (0: no response) and `error`. The delivery is retried
  // `retry_after` from now unless that is past `give_up_age` from its age_from; then it is dead.
  // Returns true when it is dead.
  bool RecordFailure(int64_t id, int status, const std::string& error, absl::Duration retry_after,
                     absl::Duration give_up_age);

  // Dead deliveries with ids above `after_id` (of endpoint `endpoint_id`, or of any when 0),
  // by id, at most `limit`.
  std::vector<v1::DeadLetter> ListDead(int64_t endpoint_id, int64_t after_id, int limit);

  // Queues dead delivery `id` again now, with a fresh give-up age; the dead letter as it was, or
  // nullopt when `id` is not a dead delivery.
  std::optional<v1::DeadLetter> Revive(int64_t id);

  struct Counts {
    int64_t pending = 0;
    int64_t dead = 0;
  };
  Counts Count();

 private:
  pqxx::transaction_base& tx_;
};

}  // namespace news::storage

#endif  // NEWS_SERVER_STORAGE_WEBHOOK_OUTBOX_STORE_H_
