#ifndef NEWS_SERVER_DOMAIN_WEBHOOK_DESK_H_
#define NEWS_SERVER_DOMAIN_WEBHOOK_DESK_H_

// WebhookService's logic (proto/news/v1/webhook.proto, docs/live.md "Push hooks"): registering,
// listing and deleting webhook endpoints, and the dead-letter list, for tokens of role admin,
// each call in one transaction with its audit event. newsctl calls the same functions with its
// own actor. Errors are the RPCs' statuses; database errors throw pqxx exceptions.

#include <cstdint>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "news/v1/webhook.pb.h"
#include "server/domain/pagination.h"
#include "server/domain/webhooks/webhook_url.h"

namespace news {

// Registers `webhook` (url, events, description) for `actor`, once per `request_key` (a retry
// with the same key returns the endpoint first made, secret included), and records
// WEBHOOK_CREATE. InvalidArgument naming the field (prefixed with `field_prefix`, e.g.
// "webhook.") for a bad url (WebhookUrlProblem), no event chosen, a non-positive category or
// comment id, more than 100 of either, or a description over 200 characters.
absl::StatusOr<v1::Webhook> RegisterWebhook(pqxx::transaction_base& tx, v1::Webhook webhook,
                                            const std::string& request_key,
                                            absl::string_view actor, const OwnListeners& own,
                                            absl::string_view field_prefix);

// Deletes endpoint `id` and its deliveries and records WEBHOOK_DELETE. NotFound for an unknown
// id.
absl::Status RemoveWebhook(pqxx::transaction_base& tx, int64_t id, absl::string_view actor);

// Queues dead delivery `id` again (same event id and body, a fresh give-up age) and records
// DEAD_LETTER_REPLAY. NotFound when `id` is not a dead delivery.
absl::StatusOr<v1::DeadLetter> ReplayDeadDelivery(pqxx::transaction_base& tx, int64_t id,
                                                  absl::string_view actor);

// Every endpoint, oldest first, without secrets.
std::vector<v1::Webhook> ListWebhookEndpoints(pqxx::transaction_base& tx);

class WebhookDesk {
 public:
  static constexpr int kDefaultPageSize = 50;
  static constexpr int kMaxPageSize = 200;

  // `tokens` and `own` must outlive the desk.
  WebhookDesk(const PageTokenCodec& tokens, const OwnListeners& own) : tokens_(tokens), own_(own) {}

  absl::StatusOr<v1::Webhook> CreateWebhook(pqxx::connection& db, absl::string_view authorization,
                                            const v1::CreateWebhookRequest& request) const;
  absl::StatusOr<v1::ListWebhooksResponse> ListWebhooks(
      pqxx::connection& db, absl::string_view authorization,
      const v1::ListWebhooksRequest& request) const;
  absl::StatusOr<v1::DeleteWebhookResponse> DeleteWebhook(
      pqxx::connection& db, absl::string_view authorization,
      const v1::DeleteWebhookRequest& request) const;
  absl::StatusOr<v1::ListDeadLettersResponse> ListDeadLetters(
      pqxx::connection& db, absl::string_view authorization,
      const v1::ListDeadLettersRequest& request) const;
  absl::StatusOr<v1::DeadLetter> ReplayDeadLetter(pqxx::connection& db,
                                                  absl::string_view authorization,
                                                  const v1::ReplayDeadLetterRequest& request) const;

 private:
  const PageTokenCodec& tokens_;
  const OwnListeners& own_;
};

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_WEBHOOK_DESK_H_
