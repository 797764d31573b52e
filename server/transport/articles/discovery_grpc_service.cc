#include "server/transport/articles/discovery_grpc_service.h"

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
  return RunOnDatabase(context, pool_, db::RetryPolicy::kRetryOnLostConnection, response,
                       [this, request](pqxx::connection& db) {
                         return catalog_.SearchArticles(db, *request);
                       });
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
