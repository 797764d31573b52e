#ifndef NEWS_SERVER_TRANSPORT_ARTICLE_GRPC_SERVICE_H_
#define NEWS_SERVER_TRANSPORT_ARTICLE_GRPC_SERVICE_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "news/v1/article.grpc.pb.h"
#include "server/db/database_pool.h"
#include "server/domain/articles/article_catalog.h"
#include "server/domain/articles/article_sync.h"
#include "server/domain/articles/counter_overlay.h"
#include "server/domain/articles/view_counter.h"
#include "server/domain/response_cache.h"

namespace news {

// Every method takes and returns raw bytes: cached responses are kept serialized and handed to
// gRPC as they are, and requests are parsed leniently (lenient_request.h), so invalid UTF-8 is
// answered with INVALID_ARGUMENT naming the field.
using ArticleServiceBase = v1::ArticleService::WithRawCallbackMethod_GetArticle<
    v1::ArticleService::WithRawCallbackMethod_ListArticles<
        v1::ArticleService::WithRawCallbackMethod_ListCategories<
            v1::ArticleService::WithRawCallbackMethod_ListSources<
                v1::ArticleService::WithRawCallbackMethod_ListArticleChanges<
                    v1::ArticleService::Service>>>>>;

// news.v1.ArticleService over gRPC's callback API; the logic is in ArticleCatalog, and
// ListArticleChanges' in ArticleSync (docs/sync.md). GetArticle counts a view in `views` for the
// calling client (transport/client_identity.h). GetArticle by id, first feed pages, and the
// category and source lists go through `article_cache`, `feed_cache` and `lookup_cache`
// (ServeThroughCache, transport/cached_call.h); GetArticle by id answers with the counters of
// `counters` on top of the cached bytes, and records there those it reads.
class ArticleGrpcService final : public ArticleServiceBase {
 public:
  // `catalog`, `sync`, `views`, `counters` and the caches must outlive the service, and `pool`
  // must be shut down before any of them is destroyed (a background refresh may finish after the
  // call that started it); `clock` gives the time of a view.
  ArticleGrpcService(const ArticleCatalog& catalog, const ArticleSync& sync,
                     db::DatabasePool& pool, ViewCounter& views, ArticleCache& article_cache,
                     CounterOverlay& counters,
                     FeedPageCache& feed_cache, LookupListCache& lookup_cache,
                     std::function<absl::Time()> clock)
      : catalog_(catalog),
        sync_(sync),
        pool_(pool),
        views_(views),
        article_cache_(article_cache),
        counters_(counters),
        feed_cache_(feed_cache),
        lookup_cache_(lookup_cache),
        clock_(std::move(clock)) {}
  grpc::ServerUnaryReactor* GetArticle(grpc::CallbackServerContext* context,
                                       const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListArticles(grpc::CallbackServerContext* context,
                                         const grpc::ByteBuffer* request,
                                         grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListCategories(grpc::CallbackServerContext* context,
                                           const grpc::ByteBuffer* request,
                                           grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListSources(grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer* request,
                                        grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListArticleChanges(grpc::CallbackServerContext* context,
                                               const grpc::ByteBuffer* request,
                                               grpc::ByteBuffer* response) override;

 private:
  const ArticleCatalog& catalog_;
  const ArticleSync& sync_;
  db::DatabasePool& pool_;
  ViewCounter& views_;
  ArticleCache& article_cache_;
  CounterOverlay& counters_;
  FeedPageCache& feed_cache_;
  LookupListCache& lookup_cache_;
  std::function<absl::Time()> clock_;
};

}  // namespace news

#endif  // NEWS_SERVER_TRANSPORT_ARTICLE_GRPC_SERVICE_H_
