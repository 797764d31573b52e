#ifndef NEWS_SERVER_TRANSPORT_CLIENT_GRPC_SERVICE_H_
#define NEWS_SERVER_TRANSPORT_CLIENT_GRPC_SERVICE_H_

#include "news/v1/client.grpc.pb.h"
#include "server/db/database_pool.h"
#include "server/domain/clients/client_registry.h"
#include "server/transport/client_identity.h"

namespace news {

// news.v1.ClientService over gRPC's callback API; the logic is in ClientRegistry.
class ClientGrpcService final : public v1::ClientService::CallbackService {
 public:
  // `registry`, `callers` and `writes` must outlive the service.
  ClientGrpcService(const ClientRegistry& registry, const CallerIdentifier& callers,
                    db::DatabasePool& writes)
      : registry_(registry), callers_(callers), writes_(writes) {}

  grpc::ServerUnaryReactor* RegisterClient(grpc::CallbackServerContext* context,
                                           const v1::RegisterClientRequest* request,
                                           v1::RegisterClientResponse* response) override;

 private:
  const ClientRegistry& registry_;
  const CallerIdentifier& callers_;
  db::DatabasePool& writes_;
};

}  // namespace news

#endif  // NEWS_SERVER_TRANSPORT_CLIENT_GRPC_SERVICE_H_
