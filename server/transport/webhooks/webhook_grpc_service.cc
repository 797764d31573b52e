#include "server/transport/webhooks/webhook_grpc_service.h"

#include "server/transport/client_identity.h"
#include "server/transport/database_call.h"

namespace news {

// CreateWebhook is keyed by its required request_id, so a second run after a lost connection
// returns the first one's endpoint; the others are reads, or idempotent by id.
grpc::ServerUnaryReactor* WebhookGrpcService::CreateWebhook(grpc::CallbackServerContext* context,
                                                            const v1::CreateWebhookRequest* request,
                                                            v1::Webhook* response) {
  return RunOnDatabase(
      context, pool_, db::RetryPolicy::kRetryOnLostConnection, response,
      [this, request, authorization = Authorization(*context)](pqxx::connection& db) {
        return desk_.CreateWebhook(db, authorization, *request);
      });
}

grpc::ServerUnaryReactor* WebhookGrpcService::ListWebhooks(grpc::CallbackServerContext* context,
                                                           const v1::ListWebhooksRequest* request,
                                                           v1::ListWebhooksResponse* response) {
  return RunOnDatabase(
      context, pool_, db::RetryPolicy::kRetryOnLostConnection, response,
      [this, request, authorization = Authorization(*context)](pqxx::connection& db) {
        return desk_.ListWebhooks(db, authorization, *request);
      });
}

grpc::ServerUnaryReactor* WebhookGrpcService::DeleteWebhook(grpc::CallbackServerContext* context,
                                                            const v1::DeleteWebhookRequest* request,
                                                            v1::DeleteWebhookResponse* response) {
  return RunOnDatabase(
      context, pool_, db::RetryPolicy::kNoRetry, response,
      [this, request, authorization = Authorization(*context)](pqxx::connection& db) {
        return desk_.DeleteWebhook(db, authorization, *request);
      });
}

grpc::ServerUnaryReactor* WebhookGrpcService::ListDeadLetters(
    grpc::CallbackServerContext* context, const v1::ListDeadLettersRequest* request,
    v1::ListDeadLettersResponse* response) {
  return RunOnDatabase(
      context, pool_, db::RetryPolicy::kRetryOnLostConnection, response,
      [this, request, authorization = Authorization(*context)](pqxx::connection& db) {
        return desk_.ListDeadLetters(db, authorization, *request);
      });
}

grpc::ServerUnaryReactor* WebhookGrpcService::ReplayDeadLetter(
    grpc::CallbackServerContext* context, const v1::ReplayDeadLetterRequest* request,
    v1::DeadLetter* response) {
  return RunOnDatabase(
      context, pool_, db::RetryPolicy::kNoRetry, response,
      [this, request, authorization = Authorization(*context)](pqxx::connection& db) {
        return desk_.ReplayDeadLetter(db, authorization, *request);
      });
}

}  // namespace news
