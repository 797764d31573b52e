#include "server/transport/article_grpc_service.h"

#include "server/transport/client_identity.h"
#include "server/transport/database_call.h"

namespace news {
namespace {

// Finishes a call whose response came from a cache, without the database.
grpc::ServerUnaryReactor* FinishFromCache(grpc::CallbackServerContext* context) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace

grpc::ServerUnaryReactor* ArticleGrpcService::GetArticle(grpc::CallbackServerContext* context,
                                                         const v1::GetArticleRequest* request,
                                                         v1::Article* response) {
  std::string client = ClientIdentity(context->client_metadata(), context->peer());
  if (request->article_case() == v1::GetArticleRequest::kId) {
    if (std::shared_ptr<const v1::Article> cached = article_cache_.Find(request->id())) {
      *response = *cached;
      views_.RecordView(client, cached->id(), clock_());
      return FinishFromCache(context);
    }
  }
  return RunOnDatabase(context, pool_, response,
                       [this, request, client = std::move(client)](pqxx::connection& db) {
                         absl::StatusOr<v1::Article> article = catalog_.GetArticle(db, *request);
                         if (article.ok()) {
                           article_cache_.Insert(article->id(), *article);
                           views_.RecordView(client, article->id(), clock_());
                         }
                         return article;
                       });
}

grpc::ServerUnaryReactor* ArticleGrpcService::ListArticles(grpc::CallbackServerContext* context,
                                                           const v1::ListArticlesRequest* request,
                                                           v1::ListArticlesResponse* response) {
  // Only first pages: they take most feed reads, and deeper pages rarely repeat.
  std::string cache_key;
  const bool cacheable = feed_cache_.enabled() && request->page_token().empty();
  if (cacheable) {
    cache_key = request->SerializeAsString();
    if (std::shared_ptr<const v1::ListArticlesResponse> cached = feed_cache_.Find(cache_key)) {
      *response = *cached;
      return FinishFromCache(context);
    }
  }
  return RunOnDatabase(
      context, pool_, response,
      [this, request, cacheable, cache_key = std::move(cache_key)](pqxx::connection& db) {
        absl::StatusOr<v1::ListArticlesResponse> page = catalog_.ListArticles(db, *request);
        if (page.ok() && cacheable) feed_cache_.Insert(cache_key, *page);
        return page;
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
