#ifndef NEWS_SERVER_TRANSPORT_ARTICLE_GRPC_SERVICE_H_
#define NEWS_SERVER_TRANSPORT_ARTICLE_GRPC_SERVICE_H_

#include <functional>

#include "absl/time/time.h"
#include "news/v1/article.grpc.pb.h"
#include "server/db/database_pool.h"
#include "server/domain/article_cache.h"
#include "server/domain/article_catalog.h"
#include "server/domain/view_counter.h"

namespace news {

// news.v1.ArticleService over gRPC's callback API; the logic is in ArticleCatalog. GetArticle
// counts a view in `views` for the calling client (transport/client_identity.h). GetArticle by id
// and first feed pages are answered from `articles_cache` and `feed_cache` when they hold them
// (filled from the database).
class ArticleGrpcService final : public v1::ArticleService::CallbackService {
 public:
  // `catalog`, `pool`, `views` and the caches must outlive the service; `clock` gives the time of
  // a view.
  ArticleGrpcService(const ArticleCatalog& catalog, db::DatabasePool& pool, ViewCounter& views,
                     ArticleCache& article_cache, FeedPageCache& feed_cache,
                     std::function<absl::Time()> clock)
      : catalog_(catalog),
        pool_(pool),
        views_(views),
        article_cache_(article_cache),
        feed_cache_(feed_cache),
        clock_(std::move(clock)) {}

  grpc::ServerUnaryReactor* GetArticle(grpc::CallbackServerContext* context,
                                       const v1::GetArticleRequest* request,
                                       v1::Article* response) override;
  grpc::ServerUnaryReactor* ListArticles(grpc::CallbackServerContext* context,
                                         const v1::ListArticlesRequest* request,
                                         v1::ListArticlesResponse* response) override;
  grpc::ServerUnaryReactor* ListCategories(grpc::CallbackServerContext* context,
                                           const v1::ListCategoriesRequest* request,
                                           v1::ListCategoriesResponse* response) override;
  grpc::ServerUnaryReactor* ListSources(grpc::CallbackServerContext* context,
                                        const v1::ListSourcesRequest* request,
                                        v1::ListSourcesResponse* response) override;

 private:
  const ArticleCatalog& catalog_;
  db::DatabasePool& pool_;
  ViewCounter& views_;
  ArticleCache& article_cache_;
  FeedPageCache& feed_cache_;
  std::function<absl::Time()> clock_;
};

}  // namespace news

#endif  // NEWS_SERVER_TRANSPORT_ARTICLE_GRPC_SERVICE_H_
