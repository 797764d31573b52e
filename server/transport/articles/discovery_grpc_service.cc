#include "server/transport/articles/discovery_grpc_service.h"

#include <memory>
#include <string>

#include "server/transport/cached_call.h"
#include "server/transport/database_call.h"
#include "server/transport/lenient_request.h"

namespace news {

grpc::ServerUnaryReactor* DiscoveryGrpcService::ListRelatedArticles(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  auto parsed = std::make_shared<v1::ListRelatedArticlesRequest>();
  if (absl::Status status = ParseRequestLeniently(*request, *parsed); !status.ok()) {
    return FinishNow(context, status);
  }
  return ServeThroughCache(
      context, pool_, related_cache_, parsed->SerializeAsString(),
      [this, parsed](pqxx::connection& db) {
        return Serialized(catalog_.ListRelatedArticles(db, *parsed));
      },
      [] {}, response);
}

grpc::ServerUnaryReactor* DiscoveryGrpcService::SearchArticles(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  auto parsed = std::make_shared<v1::SearchArticlesRequest>();
  if (absl::Status status = ParseRequestLeniently(*request, *parsed); !status.ok()) {
    return FinishNow(context, status);
  }
  absl::StatusOr<std::string> key = catalog_.SearchCacheKey(*parsed);
  if (!key.ok()) return FinishNow(context, key.status());
  return ServeThroughCache(
      context, pool_, search_cache_, *std::move(key),
      [this, parsed](pqxx::connection& db) {
        return Serialized(catalog_.SearchArticles(db, *parsed));
      },
      [] {}, response);
}

grpc::ServerUnaryReactor* DiscoveryGrpcService::ListMostViewedArticles(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  auto parsed = std::make_shared<v1::ListMostViewedArticlesRequest>();
  if (absl::Status status = ParseRequestLeniently(*request, *parsed); !status.ok()) {
    return FinishNow(context, status);
  }
  // "Now" is taken when the list is read, not per call: a cached list's window is the one of its
  // read, which the cache's short TTL bounds (docs/caching.md).
  return ServeThroughCache(
      context, pool_, most_viewed_cache_, parsed->SerializeAsString(),
      [this, parsed](pqxx::connection& db) {
        return Serialized(catalog_.ListMostViewedArticles(db, *parsed, clock_()));
      },
      [] {}, response);
}

grpc::ServerUnaryReactor* DiscoveryGrpcService::GetSiteStats(
    grpc::CallbackServerContext* context, const v1::GetSiteStatsRequest* /*request*/,
    v1::SiteStats* response) {
  const absl::Time now = clock_();
  return RunOnDatabase(context, pool_, db::RetryPolicy::kRetryOnLostConnection, response,
                       [this, now](pqxx::connection& db) {
                         return catalog_.GetSiteStats(db, now);
                       });
}

}  // namespace news
