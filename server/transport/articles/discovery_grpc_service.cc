#include "server/transport/articles/discovery_grpc_service.h"

#include <algorithm>
#include <memory>
#include <string>

#include "server/transport/database_call.h"

namespace news {

grpc::ServerUnaryReactor* DiscoveryGrpcService::ListRelatedArticles(
    grpc::CallbackServerContext* context, const v1::ListRelatedArticlesRequest* request,
    v1::ListRelatedArticlesResponse* response) {
  return RunOnDatabase(context, pool_, db::RetryPolicy::kRetryOnLostConnection, response,
                       [this, request](pqxx::connection& db) {
                         return catalog_.ListRelatedArticles(db, *request);
                       });
}

grpc::ServerUnaryReactor* DiscoveryGrpcService::SearchArticles(
    grpc::CallbackServerContext* context, const v1::SearchArticlesRequest* request,
    v1::SearchArticlesResponse* response) {
  if (!search_cache_.enabled()) {
    return RunOnDatabase(context, pool_, db::RetryPolicy::kRetryOnLostConnection, response,
                         [this, request](pqxx::connection& db) {
                           return catalog_.SearchArticles(db, *request);
                         });
  }
  absl::StatusOr<std::string> key = catalog_.SearchCacheKey(*request);
  if (!key.ok()) return FinishNow(context, key.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  // A waiter is finished when the read it waits for completes, even when its own call was
  // cancelled meanwhile: gRPC keeps the call's reactor and response until Finish.
  auto waiter = [&] {
    return SearchCache::Waiter([reactor, response](const SearchCache::Result& result) {
      if (result.ok()) *response = **result;
      reactor->Finish(ToGrpcStatus(result.status()));
    });
  };
  // A refresh may outlive the call that started it, so the read keeps its own request, and gets
  // at least a second even when the call's deadline is nearer.
  auto load = [&](SearchCache::LoadDone done) {
    CallDatabase<v1::SearchArticlesResponse>(
        pool_, std::max(CallDeadline(*context), absl::Now() + absl::Seconds(1)),
        db::RetryPolicy::kRetryOnLostConnection,
        [this, copy = *request](pqxx::connection& db) { return catalog_.SearchArticles(db, copy); },
        std::move(done));
  };
  if (std::shared_ptr<const v1::SearchArticlesResponse> cached =
          search_cache_.Get(*key, waiter, load)) {
    *response = *cached;
    reactor->Finish(grpc::Status::OK);
  }
  return reactor;
}

grpc::ServerUnaryReactor* DiscoveryGrpcService::ListMostViewedArticles(
    grpc::CallbackServerContext* context, const v1::ListMostViewedArticlesRequest* request,
    v1::ListMostViewedArticlesResponse* response) {
  const absl::Time now = clock_();
  return RunOnDatabase(context, pool_, db::RetryPolicy::kRetryOnLostConnection, response,
                       [this, request, now](pqxx::connection& db) {
                         return catalog_.ListMostViewedArticles(db, *request, now);
                       });
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
