#include "server/transport/article_grpc_service.h"

#include "server/transport/database_call.h"

namespace news {

grpc::ServerUnaryReactor* ArticleGrpcService::GetArticle(grpc::CallbackServerContext* context,
                                                         const v1::GetArticleRequest* request,
                                                         v1::Article* response) {
  return RunOnDatabase(context, pool_, response, [this, request](pqxx::connection& db) {
    return catalog_.GetArticle(db, *request);
  });
}

grpc::ServerUnaryReactor* ArticleGrpcService::ListArticles(
    grpc::CallbackServerContext* context, const v1::ListArticlesRequest* request,
    v1::ListArticlesResponse* response) {
  return RunOnDatabase(context, pool_, response, [this, request](pqxx::connection& db) {
    return catalog_.ListArticles(db, *request);
  });
}

grpc::ServerUnaryReactor* ArticleGrpcService::ListCategories(
    grpc::CallbackServerContext* context, const v1::ListCategoriesRequest* /*request*/,
    v1::ListCategoriesResponse* response) {
  return RunOnDatabase(context, pool_, response,
                       [this](pqxx::connection& db) { return catalog_.ListCategories(db); });
}

grpc::ServerUnaryReactor* ArticleGrpcService::ListSources(grpc::CallbackServerContext* context,
                                                          const v1::ListSourcesRequest* /*request*/,
                                                          v1::ListSourcesResponse* response) {
  return RunOnDatabase(context, pool_, response,
                       [this](pqxx::connection& db) { return catalog_.ListSources(db); });
}

}  // namespace news
