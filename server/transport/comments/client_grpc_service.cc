#include "server/transport/comments/client_grpc_service.h"

#include "server/transport/database_call.h"

namespace news {

// A rerun after a lost connection may count one registration twice against the address; the
// caller gets one id either way.
grpc::ServerUnaryReactor* ClientGrpcService::RegisterClient(
    grpc::CallbackServerContext* context, const v1::RegisterClientRequest* /*request*/,
    v1::RegisterClientResponse* response) {
  return RunOnDatabase(context, writes_, db::RetryPolicy::kRetryOnLostConnection, response,
                       [this, address = callers_.Address(*context)](pqxx::connection& db) {
                         return registry_.Register(db, address);
                       });
}

}  // namespace news
