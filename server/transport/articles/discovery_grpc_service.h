#ifndef NEWS_SERVER_TRANSPORT_DISCOVERY_GRPC_SERVICE_H_
#define NEWS_SERVER_TRANSPORT_DISCOVERY_GRPC_SERVICE_H_

#include <functional>

#include "absl/time/time.h"
#include "news/v1/discovery.grpc.pb.h"
#include "server/db/database_pool.h"
#include "server/domain/discovery/discovery_catalog.h"
#include "server/domain/response_cache.h"

namespace news {

// ListRelatedArticles, SearchArticles and ListMostViewedArticles take and return raw bytes, so
// that their cached responses are handed to gRPC as they are (see ArticleServiceBase), and
// requests are parsed leniently (lenient_request.h); GetSiteStats is generated.
using DiscoveryServiceBase = v1::DiscoveryService::WithRawCallbackMethod_ListRelatedArticles<
    v1::DiscoveryService::WithRawCallbackMethod_SearchArticles<
        v1::DiscoveryService::WithRawCallbackMethod_ListMostViewedArticles<
            v1::DiscoveryService::WithCallbackMethod_GetSiteStats<
                v1::DiscoveryService::Service>>>>;

// news.v1.DiscoveryService over gRPC's callback API; the logic is in DiscoveryCatalog. Related
// lists, search results and most viewed lists go through `related_cache`, `search_cache` and
// `most_viewed_cache` (ServeThroughCache, transport/cached_call.h).
class DiscoveryGrpcService final : public DiscoveryServiceBase {
 public:
  // `catalog` and the caches must outlive the service, and `pool` must be shut down before any of
  // them is destroyed (a background refresh may finish after the call that started it); `clock`
  // gives "now" for windows and stats.
  DiscoveryGrpcService(const DiscoveryCatalog& catalog, db::DatabasePool& pool,
                       RelatedListCache& related_cache, MostViewedCache& most_viewed_cache,
                       SearchCache& search_cache, std::function<absl::Time()> clock)
      : catalog_(catalog),
        pool_(pool),
        related_cache_(related_cache),
        most_viewed_cache_(most_viewed_cache),
        search_cache_(search_cache),
        clock_(std::move(clock)) {}

  grpc::ServerUnaryReactor* ListRelatedArticles(grpc::CallbackServerContext* context,
                                                const grpc::ByteBuffer* request,
                                                grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* SearchArticles(grpc::CallbackServerContext* context,
                                           const grpc::ByteBuffer* request,
                                           grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListMostViewedArticles(grpc::CallbackServerContext* context,
                                                   const grpc::ByteBuffer* request,
                                                   grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetSiteStats(grpc::CallbackServerContext* context,
                                         const v1::GetSiteStatsRequest* request,
                                         v1::SiteStats* response) override;

 private:
  const DiscoveryCatalog& catalog_;
  db::DatabasePool& pool_;
  RelatedListCache& related_cache_;
  MostViewedCache& most_viewed_cache_;
  SearchCache& search_cache_;
  std::function<absl::Time()> clock_;
};

}  // namespace news

#endif  // NEWS_SERVER_TRANSPORT_DISCOVERY_GRPC_SERVICE_H_
