#include "server/transport/article_grpc_service.h"

#include "server/transport/client_identity.h"
#include "server/transport/database_call.h"

namespace news {

grpc::ServerUnaryReactor* ArticleGrpcService::GetArticle(grpc::CallbackServerContext* context,
                                                         const v1::GetArticleRequest* request,
                                                         v1::Article* response) {
  std::string client = ClientIdentity(context->client_metadata(), context->peer());
  return RunOnDatabase(context, pool_, response,
                       [this, request, client = std::move(client)](pqxx::connection& db) {
                         absl::StatusOr<v1::Article> article = catalog_.GetArticle(db, *request);
                         if (article.ok()) views_.RecordView(client, article->id(), clock_());
                         return article;
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
