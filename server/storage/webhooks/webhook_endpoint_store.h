#ifndef NEWS_SERVER_STORAGE_WEBHOOK_ENDPOINT_STORE_H_
#define NEWS_SERVER_STORAGE_WEBHOOK_ENDPOINT_STORE_H_

// All SQL on the webhook_endpoints table (db/migrations/0044_webhooks.sql): the endpoints admins
// register for push hooks. Methods run in the caller's transaction and throw pqxx exceptions on
// database errors.

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "news/v1/webhook.pb.h"

namespace news::storage {

class WebhookEndpointStore {
 public:
  explicit WebhookEndpointStore(pqxx::transaction_base& tx) : tx_(tx) {}

  // Inserts `webhook` (url, events, description, secret) unless an endpoint was made with
  // `request_key`, and returns the endpoint made with that key, secret included.
  v1::Webhook InsertOnce(const v1::Webhook& webhook, const std::string& created_by,
                         const std::string& request_key);

  // Every endpoint, oldest first, secrets included.
  std::vector<v1::Webhook> List();

  // Whether any endpoint is registered.
  bool Any();

  // False when there is no endpoint `id`.
  bool Delete(int64_t id);

  // The endpoints that receive events of an article of `category_id` being published: those
  // that chose article_published for that category (or for all) or, when `breaking`,
  // breaking_news. Secrets included.
  std::vector<v1::Webhook> ListForPublished(int64_t category_id, bool breaking);

  // The endpoints that receive replies to comment `parent_id`.
  std::vector<v1::Webhook> ListForReplyTo(int64_t parent_id);

 private:
  std::vector<v1::Webhook> Select(const pqxx::result& result);

  pqxx::transaction_base& tx_;
};

}  // namespace news::storage

#endif  // NEWS_SERVER_STORAGE_WEBHOOK_ENDPOINT_STORE_H_
