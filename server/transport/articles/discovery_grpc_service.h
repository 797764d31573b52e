#ifndef NEWS_SERVER_TRANSPORT_DISCOVERY_GRPC_SERVICE_H_
#define NEWS_SERVER_TRANSPORT_DISCOVERY_GRPC_SERVICE_H_

#include <functional>

#include "absl/time/time.h"
#include "news/v1/discovery.grpc.pb.h"
#include "server/db/database_pool.h"
#include "server/domain/discovery/discovery_catalog.h"
#include "server/domain/discovery/search_cache.h"

namespace news {

// news.v1.DiscoveryService over gRPC's callback API; the logic is in DiscoveryCatalog.
class DiscoveryGrpcService final : public v1::DiscoveryService::CallbackService {
 public:
  // `catalog`, `pool` and `search_cache` must outlive the service; `clock` gives "now" for
  // windows and stats. SearchArticles is served through `search_cache` unless it is off.
  DiscoveryGrpcService(const DiscoveryCatalog& catalog, db::DatabasePool& pool,
                       SearchCache& search_cache, std::function<absl::Time()> clock)
      : catalog_(catalog), pool_(pool), search_cache_(search_cache), clock_(std::move(clock)) {}

  grpc::ServerUnaryReactor* ListRelatedArticles(grpc::CallbackServerContext* context,
                                                const v1::ListRelatedArticlesRequest* request,
                                                v1::ListRelatedArticlesResponse* response) override;
  grpc::ServerUnaryReactor* SearchArticles(grpc::CallbackServerContext* context,
                                           const v1::SearchArticlesRequest* request,
                                           v1::SearchArticlesResponse* response) override;
  grpc::ServerUnaryReactor* ListMostViewedArticles(
      grpc::CallbackServerContext* context, const v1::ListMostViewedArticlesRequest* request,
      v1::ListMostViewedArticlesResponse* response) override;
  grpc::ServerUnaryReactor* GetSiteStats(grpc::CallbackServerContext* context,
                                         const v1::GetSiteStatsRequest* request,
                                         v1::SiteStats* response) override;

 private:
  const DiscoveryCatalog& catalog_;
  db::DatabasePool& pool_;
  SearchCache& search_cache_;
  std::function<absl::Time()> clock_;
};

}  // namespace news

#endif  // NEWS_SERVER_TRANSPORT_DISCOVERY_GRPC_SERVICE_H_
