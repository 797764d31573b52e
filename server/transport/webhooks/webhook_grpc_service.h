#ifndef NEWS_SERVER_TRANSPORT_WEBHOOK_GRPC_SERVICE_H_
#define NEWS_SERVER_TRANSPORT_WEBHOOK_GRPC_SERVICE_H_

#include "news/v1/webhook.grpc.pb.h"
#include "server/db/database_pool.h"
#include "server/domain/webhooks/webhook_desk.h"

namespace news {

// news.v1.WebhookService over gRPC's callback API. Each RPC hands the `authorization` metadata
// to WebhookDesk, which authenticates (role admin) before anything else; all calls run on the
// write pool, as the admin services' calls do.
class WebhookGrpcService final : public v1::WebhookService::CallbackService {
 public:
  // `desk` and `pool` must outlive the service.
  WebhookGrpcService(const WebhookDesk& desk, db::DatabasePool& pool) : desk_(desk), pool_(pool) {}

  grpc::ServerUnaryReactor* CreateWebhook(grpc::CallbackServerContext* context,
                                          const v1::CreateWebhookRequest* request,
                                          v1::Webhook* response) override;
  grpc::ServerUnaryReactor* ListWebhooks(grpc::CallbackServerContext* context,
                                         const v1::ListWebhooksRequest* request,
                                         v1::ListWebhooksResponse* response) override;
  grpc::ServerUnaryReactor* DeleteWebhook(grpc::CallbackServerContext* context,
                                          const v1::DeleteWebhookRequest* request,
                                          v1::DeleteWebhookResponse* response) override;
  grpc::ServerUnaryReactor* ListDeadLetters(grpc::CallbackServerContext* context,
                                            const v1::ListDeadLettersRequest* request,
                                            v1::ListDeadLettersResponse* response) override;
  grpc::ServerUnaryReactor* ReplayDeadLetter(grpc::CallbackServerContext* context,
                                             const v1::ReplayDeadLetterRequest* request,
                                             v1::DeadLetter* response) override;

 private:
  const WebhookDesk& desk_;
  db::DatabasePool& pool_;
};

}  // namespace news

#endif  // NEWS_SERVER_TRANSPORT_WEBHOOK_GRPC_SERVICE_H_
