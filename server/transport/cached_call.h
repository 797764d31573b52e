#ifndef NEWS_SERVER_TRANSPORT_CACHED_CALL_H_
#define NEWS_SERVER_TRANSPORT_CACHED_CALL_H_

// The one path of a cached read RPC (docs/caching.md): raw-callback methods answer from a
// ResponseCache of serialized responses (server/domain/response_cache.h) when it holds the key,
// else through CallDatabase, by one database read per key shared by every concurrent caller; a
// failed read fails every call waiting for it with its status.

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/slice.h>

#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/db/database_pool.h"
#include "server/domain/response_cache.h"
#include "server/transport/database_call.h"
#include "server/transport/grpc_status.h"

namespace news {

// A cache read serves every call that joins it, so one call with a very short deadline must not
// fail the others: the read gets at least this long.
inline constexpr absl::Duration kMinimumCacheReadTime = absl::Seconds(1);

// A response of `bytes` that shares them instead of copying (the slice keeps them alive until
// gRPC has sent it), followed by `suffix` when not empty: serialized fields that a parser merges
// into the message, later scalar fields replacing earlier ones.
inline grpc::ByteBuffer SharedResponse(std::shared_ptr<const std::string> bytes,
                                       std::string suffix = {}) {
  using Owner = std::shared_ptr<const std::string>;
  auto* owner = new Owner(std::move(bytes));
  grpc::Slice slices[2] = {
      grpc::Slice(
          const_cast<char*>((*owner)->data()), (*owner)->size(),
          [](void* user_data) { delete static_cast<Owner*>(user_data); }, owner),
      grpc::Slice(std::move(suffix))};
  return grpc::ByteBuffer(slices, slices[1].size() > 0 ? 2 : 1);
}

// The suffix of responses that have none.
struct NoSuffix {
  std::string operator()() const { return {}; }
};

// The serialized `message`, or its error.
template <typename Message>
absl::StatusOr<std::string> Serialized(const absl::StatusOr<Message>& message) {
  if (!message.ok()) return message.status();
  std::string bytes;
  if (!message->SerializeToString(&bytes)) return absl::InternalError("unserializable response");
  return bytes;
}

// Answers the call with the response under `key` in `cache`, reading it with `read` (a copyable
// `absl::StatusOr<std::string>(pqxx::connection&)`, through CallDatabase on `pool`) when the
// cache cannot; `on_served()` runs for the call once it has a response, and the response is
// followed by `suffix()` (a copyable `std::string()`, see SharedResponse: GetArticle's current
// counters). `pool` and `cache` must outlive the call; a refresh may outlive the call that
// started it, not the pool (the pool finishes its jobs before it stops).
template <typename Key, typename ReadFn, typename OnServed, typename Suffix = NoSuffix>
grpc::ServerUnaryReactor* ServeThroughCache(grpc::CallbackServerContext* context,
                                            db::DatabasePool& pool,
                                            ResponseCache<Key, std::string>& cache, const Key& key,
                                            const ReadFn& read, const OnServed& on_served,
                                            grpc::ByteBuffer* response,
                                            const Suffix& suffix = Suffix()) {
  using Cache = ResponseCache<Key, std::string>;
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  // A waiter is finished when the read it waits for completes, even when its own call was
  // cancelled meanwhile: gRPC keeps the call's reactor and response until Finish.
  auto waiter = [&] {
    return typename Cache::Waiter(
        [reactor, response, on_served, suffix](const typename Cache::Result& result) {
          if (!result.ok()) {
            reactor->Finish(ToGrpcStatus(result.status()));
            return;
          }
          *response = SharedResponse(*result, suffix());
          on_served();
          reactor->Finish(grpc::Status::OK);
        });
  };
  // Misses and refreshes take the same path as uncached calls.
  auto load = [&](typename Cache::LoadDone done) {
    CallDatabase<std::string>(pool,
                              std::max(CallDeadline(*context), absl::Now() + kMinimumCacheReadTime),
                              db::RetryPolicy::kRetryOnLostConnection, read, std::move(done));
  };
  if (std::shared_ptr<const std::string> cached = cache.Get(key, waiter, load)) {
    *response = SharedResponse(std::move(cached), suffix());
    on_served();
    reactor->Finish(grpc::Status::OK);
  }
  return reactor;
}

}  // namespace news

#endif  // NEWS_SERVER_TRANSPORT_CACHED_CALL_H_
