#ifndef NEWS_SERVER_TRANSPORT_ARTICLE_GRPC_SERVICE_H_
#define NEWS_SERVER_TRANSPORT_ARTICLE_GRPC_SERVICE_H_

#include "news/v1/article.grpc.pb.h"
#include "server/db/database_pool.h"
#include "server/domain/article_catalog.h"

namespace news {

// news.v1.ArticleService over gRPC's callback API; the logic is in ArticleCatalog.
class ArticleGrpcService final : public v1::ArticleService::CallbackService {
 public:
  // `catalog` and `pool` must outlive the service.
  ArticleGrpcService(const ArticleCatalog& catalog, db::DatabasePool& pool)
      : catalog_(catalog), pool_(pool) {}

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
};

}  // namespace news

#endif  // NEWS_SERVER_TRANSPORT_ARTICLE_GRPC_SERVICE_H_
