#include "server/transport/articles/editorial_grpc_service.h"

#include <string>

#include "server/transport/client_identity.h"
#include "server/transport/database_call.h"

namespace news {
grpc::ServerUnaryReactor* EditorialGrpcService::CreateArticle(
    grpc::CallbackServerContext* context, const v1::CreateArticleRequest* request,
    v1::EditorialArticle* response) {
  return RunOnDatabase(
      context, pool_, db::RetryPolicy::kRetryOnLostConnection, response,
      [this, request, authorization = Authorization(*context)](pqxx::connection& db) {
        return desk_.CreateArticle(db, authorization, *request);
      });
}

grpc::ServerUnaryReactor* EditorialGrpcService::GetArticle(
    grpc::CallbackServerContext* context, const v1::GetEditorialArticleRequest* request,
    v1::EditorialArticle* response) {
  return RunOnDatabase(
      context, pool_, db::RetryPolicy::kRetryOnLostConnection, response,
      [this, request, authorization = Authorization(*context)](pqxx::connection& db) {
        return desk_.GetArticle(db, authorization, *request);
      });
}

grpc::ServerUnaryReactor* EditorialGrpcService::ListArticles(
    grpc::CallbackServerContext* context, const v1::ListEditorialArticlesRequest* request,
    v1::ListEditorialArticlesResponse* response) {
  return RunOnDatabase(
      context, pool_, db::RetryPolicy::kRetryOnLostConnection, response,
      [this, request, authorization = Authorization(*context)](pqxx::connection& db) {
        return desk_.ListArticles(db, authorization, *request);
      });
}

grpc::ServerUnaryReactor* EditorialGrpcService::UpdateArticle(
    grpc::CallbackServerContext* context, const v1::UpdateArticleRequest* request,
    v1::EditorialArticle* response) {
  return RunOnDatabase(
      context, pool_, db::RetryPolicy::kNoRetry, response,
      [this, request, authorization = Authorization(*context)](pqxx::connection& db) {
        return desk_.UpdateArticle(db, authorization, *request);
      });
}

grpc::ServerUnaryReactor* EditorialGrpcService::PublishArticle(
    grpc::CallbackServerContext* context, const v1::PublishArticleRequest* request,
    v1::EditorialArticle* response) {
  return RunOnDatabase(
      context, pool_, db::RetryPolicy::kNoRetry, response,
      [this, request, authorization = Authorization(*context)](pqxx::connection& db) {
        return desk_.PublishArticle(db, authorization, *request);
      });
}

grpc::ServerUnaryReactor* EditorialGrpcService::UnpublishArticle(
    grpc::CallbackServerContext* context, const v1::UnpublishArticleRequest* request,
    v1::EditorialArticle* response) {
  return RunOnDatabase(
      context, pool_, db::RetryPolicy::kNoRetry, response,
      [this, request, authorization = Authorization(*context)](pqxx::connection& db) {
        return desk_.UnpublishArticle(db, authorization, *request);
      });
}

grpc::ServerUnaryReactor* EditorialGrpcService::DeleteArticle(
    grpc::CallbackServerContext* context, const v1::DeleteArticleRequest* request,
    v1::EditorialArticle* response) {
  return RunOnDatabase(
      context, pool_, db::RetryPolicy::kNoRetry, response,
      [this, request, authorization = Authorization(*context)](pqxx::connection& db) {
        return desk_.DeleteArticle(db, authorization, *request);
      });
}

}  // namespace news
