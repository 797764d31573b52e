#ifndef NEWS_SERVER_TRANSPORT_DATABASE_CALL_H_
#define NEWS_SERVER_TRANSPORT_DATABASE_CALL_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <utility>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "server/db/database_pool.h"
#include "server/transport/client_identity.h"
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

// The metadata key of read your writes (docs/read-routing.md): with replicas, every call on the
// write pool returns in its trailer the WAL position after it, an opaque token; a client that
// sends it back on a read is served by a host that has replayed that far.
inline constexpr char kMinLsnMetadata[] = "x-news-min-lsn";

// With replicas, what a call on `pool` must see (db::Consistency): the caller's identity and
// the token it sent back, if any; nothing for a single-host database.
inline db::Consistency CallConsistency(const grpc::ServerContextBase& context,
                                       const db::DatabasePool& pool) {
  if (pool.routing() == nullptr) return {};
  db::Consistency consistency{.client = ClientIdentity(context)};
  const auto& metadata = context.client_metadata();
  if (const auto token = metadata.find(kMinLsnMetadata); token != metadata.end()) {
    consistency.min_lsn =
        db::ParseLsn(absl::string_view(token->second.data(), token->second.size())).value_or(0);
  }
  return consistency;
}

// The one path from an RPC to the database (docs/architecture.md), cached or not: runs `fn`
// (`absl::StatusOr<T>(pqxx::connection&)`) on a worker of `pool` by `deadline` under `retry`
// (db::DatabasePool::Submit: deadlines, retries after a lost connection, pool metrics, and with
// replicas where it runs, under `consistency`), and hands its result to `done`, on the worker, or
// at once when the pool refuses the job. `fn` may run twice (RetryPolicy), so it must capture
// what it needs by value or by pointer and not consume it.
template <typename T, typename Fn>
void CallDatabase(db::DatabasePool& pool, absl::Time deadline, db::RetryPolicy retry, Fn fn,
                  absl::AnyInvocable<void(absl::StatusOr<T>)> done,
                  db::Consistency consistency = {}) {
  auto result = std::make_shared<absl::StatusOr<T>>(absl::UnknownError("not run"));
  pool.Submit(
      deadline, retry,
      [fn = std::move(fn), result](pqxx::connection& connection) -> absl::Status {
        *result = fn(connection);
        return result->status();
      },
      [result, done = std::move(done)](absl::Status status) mutable {
        if (status.ok()) {
          done(std::move(*result));
        } else {
          done(std::move(status));
        }
      },
      std::move(consistency));
}

// An uncached unary RPC: the callback thread only queues `fn` (see CallDatabase) and returns; the
// worker stores its result in `*response` and finishes the call (request and response outlive
// the call). Cached reads go through the same CallDatabase from their cache's loads
// (ArticleGrpcService). With replicas, a call on the write pool gets its read-your-writes token
// in the trailer (kMinLsnMetadata).
template <typename Response, typename Fn>
grpc::ServerUnaryReactor* RunOnDatabase(grpc::CallbackServerContext* context,
                                        db::DatabasePool& pool, db::RetryPolicy retry,
                                        Response* response, Fn fn) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  db::Consistency consistency = CallConsistency(*context, pool);
  db::ReadRouting* written = pool.records_writes() ? pool.routing() : nullptr;
  std::string client = written != nullptr ? consistency.client : std::string();
  CallDatabase<Response>(
      pool, CallDeadline(*context), retry, std::move(fn),
      [reactor, response, context, written, client = std::move(client)](
          absl::StatusOr<Response> result) {
        if (result.ok()) *response = *std::move(result);
        if (written != nullptr) {
          if (const db::Lsn lsn = written->WrittenBy(client); lsn != 0) {
            context->AddTrailingMetadata(kMinLsnMetadata, db::FormatLsn(lsn));
          }
        }
        reactor->Finish(ToGrpcStatus(result.status()));
      },
      std::move(consistency));
  return reactor;
}

}  // namespace news

#endif  // NEWS_SERVER_TRANSPORT_DATABASE_CALL_H_
