#ifndef NEWS_SERVER_TRANSPORT_DATABASE_CALL_H_
#define NEWS_SERVER_TRANSPORT_DATABASE_CALL_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "server/db/database_pool.h"
#include "server/transport/grpc_status.h"

namespace news {

// The deadline of the call, InfiniteFuture when it has none.
inline absl::Time CallDeadline(const grpc::ServerContextBase& context) {
  const auto deadline = context.deadline();
  return deadline == std::chrono::system_clock::time_point::max() ? absl::InfiniteFuture()
                                                                  : absl::FromChrono(deadline);
}

// Finishes the call at once with `status` (a request refused before any database work).
inline grpc::ServerUnaryReactor* FinishNow(grpc::CallbackServerContext* context,
                                           const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

// The path of every unary RPC that needs the database: the callback thread only queues `fn` on
// the pool and returns; a pool worker runs it, stores its result in `*response` and finishes the
// call. `fn` is `absl::StatusOr<Response>(pqxx::connection&)` and must capture what it needs
// from the request by value or by pointer (request and response outlive the call).
template <typename Response, typename Fn>
grpc::ServerUnaryReactor* RunOnDatabase(grpc::CallbackServerContext* context,
                                        db::DatabasePool& pool, Response* response, Fn fn) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  pool.Submit(
      CallDeadline(*context),
      [fn = std::move(fn), response](pqxx::connection& connection) -> absl::Status {
        absl::StatusOr<Response> result = fn(connection);
        if (!result.ok()) return result.status();
        *response = *std::move(result);
        return absl::OkStatus();
      },
      [reactor](absl::Status status) { reactor->Finish(ToGrpcStatus(status)); });
  return reactor;
}

}  // namespace news

#endif  // NEWS_SERVER_TRANSPORT_DATABASE_CALL_H_
