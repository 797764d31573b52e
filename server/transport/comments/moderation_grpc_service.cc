#include "server/transport/comments/moderation_grpc_service.h"

#include <string>

#include "server/transport/client_identity.h"
#include "server/transport/database_call.h"

namespace news {
// Reads may rerun after a lost connection; writes may not: a committed ModerateComments run again
// would fail its expected_state check, a BanClient would add a second ban, and each writes an
// audit event.
grpc::ServerUnaryReactor* ModerationGrpcService::ListModerationQueue(
    grpc::CallbackServerContext* context, const v1::ListModerationQueueRequest* request,
    v1::ListModerationQueueResponse* response) {
  return RunOnDatabase(
      context, pool_, db::RetryPolicy::kRetryOnLostConnection, response,
      [this, request, authorization = Authorization(*context)](pqxx::connection& db) {
        return desk_.ListQueue(db, authorization, *request);
      });
}

grpc::ServerUnaryReactor* ModerationGrpcService::ModerateComments(
    grpc::CallbackServerContext* context, const v1::ModerateCommentsRequest* request,
    v1::ModerateCommentsResponse* response) {
  return RunOnDatabase(
      context, pool_, db::RetryPolicy::kNoRetry, response,
      [this, request, authorization = Authorization(*context)](pqxx::connection& db) {
        return desk_.ModerateComments(db, authorization, *request);
      });
}

grpc::ServerUnaryReactor* ModerationGrpcService::BanClient(grpc::CallbackServerContext* context,
                                                           const v1::BanClientRequest* request,
                                                           v1::Ban* response) {
  return RunOnDatabase(
      context, pool_, db::RetryPolicy::kNoRetry, response,
      [this, request, authorization = Authorization(*context)](pqxx::connection& db) {
        return desk_.BanClient(db, authorization, *request);
      });
}

grpc::ServerUnaryReactor* ModerationGrpcService::ListBans(grpc::CallbackServerContext* context,
                                                          const v1::ListBansRequest* request,
                                                          v1::ListBansResponse* response) {
  return RunOnDatabase(
      context, pool_, db::RetryPolicy::kRetryOnLostConnection, response,
      [this, request, authorization = Authorization(*context)](pqxx::connection& db) {
        return desk_.ListBans(db, authorization, *request);
      });
}

grpc::ServerUnaryReactor* ModerationGrpcService::LiftBan(grpc::CallbackServerContext* context,
                                                         const v1::LiftBanRequest* request,
                                                         v1::LiftBanResponse* response) {
  return RunOnDatabase(
      context, pool_, db::RetryPolicy::kNoRetry, response,
      [this, request, authorization = Authorization(*context)](pqxx::connection& db) {
        return desk_.LiftBan(db, authorization, *request);
      });
}

grpc::ServerUnaryReactor* ModerationGrpcService::ListModerationEvents(
    grpc::CallbackServerContext* context, const v1::ListModerationEventsRequest* request,
    v1::ListModerationEventsResponse* response) {
  return RunOnDatabase(
      context, pool_, db::RetryPolicy::kRetryOnLostConnection, response,
      [this, request, authorization = Authorization(*context)](pqxx::connection& db) {
        return desk_.ListEvents(db, authorization, *request);
      });
}

grpc::ServerUnaryReactor* ModerationGrpcService::SetCommentsOpen(
    grpc::CallbackServerContext* context, const v1::SetCommentsOpenRequest* request,
    v1::SetCommentsOpenResponse* response) {
  return RunOnDatabase(
      context, pool_, db::RetryPolicy::kNoRetry, response,
      [this, request, authorization = Authorization(*context)](pqxx::connection& db) {
        return desk_.SetCommentsOpen(db, authorization, *request);
      });
}

grpc::ServerUnaryReactor* ModerationGrpcService::AddWordListTerm(
    grpc::CallbackServerContext* context, const v1::AddWordListTermRequest* request,
    v1::WordListTerm* response) {
  return RunOnDatabase(
      context, pool_, db::RetryPolicy::kNoRetry, response,
      [this, request, authorization = Authorization(*context)](pqxx::connection& db) {
        return word_lists_.AddTerm(db, authorization, *request);
      });
}

grpc::ServerUnaryReactor* ModerationGrpcService::RemoveWordListTerm(
    grpc::CallbackServerContext* context, const v1::RemoveWordListTermRequest* request,
    v1::RemoveWordListTermResponse* response) {
  return RunOnDatabase(
      context, pool_, db::RetryPolicy::kNoRetry, response,
      [this, request, authorization = Authorization(*context)](pqxx::connection& db) {
        return word_lists_.RemoveTerm(db, authorization, *request);
      });
}

grpc::ServerUnaryReactor* ModerationGrpcService::ListWordListTerms(
    grpc::CallbackServerContext* context, const v1::ListWordListTermsRequest* request,
    v1::ListWordListTermsResponse* response) {
  return RunOnDatabase(
      context, pool_, db::RetryPolicy::kRetryOnLostConnection, response,
      [this, request, authorization = Authorization(*context)](pqxx::connection& db) {
        return word_lists_.ListTerms(db, authorization, *request);
      });
}

grpc::ServerUnaryReactor* ModerationGrpcService::SetCommentFeatured(
    grpc::CallbackServerContext* context, const v1::SetCommentFeaturedRequest* request,
    v1::Comment* response) {
  return RunOnDatabase(
      context, pool_, db::RetryPolicy::kNoRetry, response,
      [this, request, authorization = Authorization(*context)](pqxx::connection& db) {
        return desk_.SetCommentFeatured(db, authorization, *request);
      });
}

grpc::ServerUnaryReactor* ModerationGrpcService::RemoveClientComments(
    grpc::CallbackServerContext* context, const v1::RemoveClientCommentsRequest* request,
    v1::RemoveClientCommentsResponse* response) {
  return RunOnDatabase(
      context, pool_, db::RetryPolicy::kNoRetry, response,
      [this, request, authorization = Authorization(*context)](pqxx::connection& db) {
        return desk_.RemoveClientComments(db, authorization, *request);
      });
}

}  // namespace news
