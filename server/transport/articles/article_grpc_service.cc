#include "server/transport/articles/article_grpc_service.h"

#include <grpcpp/support/slice.h>

#include <algorithm>
#include <memory>
#include <utility>

#include "server/transport/client_identity.h"
#include "server/transport/database_call.h"
#include "server/transport/grpc_status.h"
#include "server/transport/lenient_request.h"

namespace news {
namespace {

// A cache read serves every call that joins it, so one call with a very short deadline must not
// fail the others: the read gets at least this long.
constexpr absl::Duration kMinimumCacheReadTime = absl::Seconds(1);

// The deadline of a cache read started by `context`'s call.
absl::Time CacheReadDeadline(const grpc::CallbackServerContext& context) {
  return std::max(CallDeadline(context), absl::Now() + kMinimumCacheReadTime);
}

// A response of `bytes` that shares them instead of copying: the slice keeps them alive until
// gRPC has sent it.
grpc::ByteBuffer SharedResponse(std::shared_ptr<const std::string> bytes) {
  using Owner = std::shared_ptr<const std::string>;
  auto* owner = new Owner(std::move(bytes));
  grpc::Slice slice(
      const_cast<char*>((*owner)->data()), (*owner)->size(),
      [](void* user_data) { delete static_cast<Owner*>(user_data); }, owner);
  return grpc::ByteBuffer(&slice, 1);
}

template <typename Message>
absl::StatusOr<std::string> Serialized(const absl::StatusOr<Message>& message) {
  if (!message.ok()) return message.status();
  std::string bytes;
  if (!message->SerializeToString(&bytes)) return absl::InternalError("unserializable response");
  return bytes;
}

// The response of an uncached read: the bytes move into the buffer.
absl::StatusOr<grpc::ByteBuffer> AsByteBuffer(absl::StatusOr<std::string> bytes) {
  if (!bytes.ok()) return bytes.status();
  grpc::Slice slice(*std::move(bytes));
  return grpc::ByteBuffer(&slice, 1);
}

}  // namespace

grpc::ServerUnaryReactor* ArticleGrpcService::GetArticle(grpc::CallbackServerContext* context,
                                                         const grpc::ByteBuffer* request,
                                                         grpc::ByteBuffer* response) {
  v1::GetArticleRequest parsed;
  if (absl::Status status = ParseRequestLeniently(*request, parsed); !status.ok()) {
    return FinishNow(context, status);
  }
  std::string client = ClientIdentity(*context);
  if (parsed.article_case() != v1::GetArticleRequest::kId) {
    return RunOnDatabase(context, pool_, db::RetryPolicy::kRetryOnLostConnection, response,
                         [this, parsed = std::move(parsed), client = std::move(client)](
                             pqxx::connection& db) -> absl::StatusOr<grpc::ByteBuffer> {
                           absl::StatusOr<v1::Article> article = catalog_.GetArticle(db, parsed);
                           if (article.ok()) views_.RecordView(client, article->id(), clock_());
                           return AsByteBuffer(Serialized(article));
                         });
  }
  const int64_t id = parsed.id();
  return ServeThroughCache(
      context, article_cache_, id,
      [this, id](pqxx::connection& db) {
        v1::GetArticleRequest by_id;
        by_id.set_id(id);
        return Serialized(catalog_.GetArticle(db, by_id));
      },
      [this, id, client = std::move(client)] { views_.RecordView(client, id, clock_()); },
      response);
}

grpc::ServerUnaryReactor* ArticleGrpcService::ListArticles(grpc::CallbackServerContext* context,
                                                           const grpc::ByteBuffer* request,
                                                           grpc::ByteBuffer* response) {
  auto parsed = std::make_shared<v1::ListArticlesRequest>();
  if (absl::Status status = ParseRequestLeniently(*request, *parsed); !status.ok()) {
    return FinishNow(context, status);
  }
  auto read = [this, parsed](pqxx::connection& db) {
    return Serialized(catalog_.ListArticles(db, *parsed));
  };
  // Only first pages: they take most feed reads, and deeper pages rarely repeat.
  if (!parsed->page_token().empty()) {
    return RunOnDatabase(context, pool_, db::RetryPolicy::kRetryOnLostConnection, response,
                         [read](pqxx::connection& db) { return AsByteBuffer(read(db)); });
  }
  return ServeThroughCache(
      context, feed_cache_, parsed->SerializeAsString(), read, [] {}, response);
}

grpc::ServerUnaryReactor* ArticleGrpcService::ListCategories(
    grpc::CallbackServerContext* context, const v1::ListCategoriesRequest* /*request*/,
    v1::ListCategoriesResponse* response) {
  return RunOnDatabase(context, pool_, db::RetryPolicy::kRetryOnLostConnection, response,
                       [this](pqxx::connection& db) { return catalog_.ListCategories(db); });
}

grpc::ServerUnaryReactor* ArticleGrpcService::ListSources(grpc::CallbackServerContext* context,
                                                          const v1::ListSourcesRequest* /*request*/,
                                                          v1::ListSourcesResponse* response) {
  return RunOnDatabase(context, pool_, db::RetryPolicy::kRetryOnLostConnection, response,
                       [this](pqxx::connection& db) { return catalog_.ListSources(db); });
}

grpc::ServerUnaryReactor* ArticleGrpcService::ListArticleChanges(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  auto parsed = std::make_shared<v1::ListArticleChangesRequest>();
  if (absl::Status status = ParseRequestLeniently(*request, *parsed); !status.ok()) {
    return FinishNow(context, status);
  }
  return RunOnDatabase(context, pool_, db::RetryPolicy::kRetryOnLostConnection, response,
                       [this, parsed](pqxx::connection& db) {
                         return AsByteBuffer(Serialized(sync_.ListArticleChanges(db, *parsed)));
                       });
}

template <typename Key, typename ReadFn, typename OnServed>
grpc::ServerUnaryReactor* ArticleGrpcService::ServeThroughCache(
    grpc::CallbackServerContext* context, ResponseCache<Key, std::string>& cache, const Key& key,
    const ReadFn& read, const OnServed& on_served, grpc::ByteBuffer* response) {
  using Cache = ResponseCache<Key, std::string>;
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  // A waiter is finished when the read it waits for completes, even when its own call was
  // cancelled meanwhile: gRPC keeps the call's reactor and response until Finish.
  auto waiter = [&] {
    return typename Cache::Waiter(
        [reactor, response, on_served](const typename Cache::Result& result) {
          if (!result.ok()) {
            reactor->Finish(ToGrpcStatus(result.status()));
            return;
          }
          *response = SharedResponse(*result);
          on_served();
          reactor->Finish(grpc::Status::OK);
        });
  };
  // Misses and refreshes take the same path as uncached calls. A refresh may outlive the call
  // that started it, not the pool: the pool finishes its jobs before it stops.
  auto load = [&](typename Cache::LoadDone done) {
    CallDatabase<std::string>(pool_, CacheReadDeadline(*context),
                              db::RetryPolicy::kRetryOnLostConnection, read, std::move(done));
  };
  if (std::shared_ptr<const std::string> cached = cache.Get(key, waiter, load)) {
    *response = SharedResponse(std::move(cached));
    on_served();
    reactor->Finish(grpc::Status::OK);
  }
  return reactor;
}

}  // namespace news
