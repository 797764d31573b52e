#include "server/transport/comments/comment_grpc_service.h"

#include <memory>

#include "server/transport/client_identity.h"
#include "server/transport/database_call.h"
#include "server/transport/lenient_request.h"

namespace news {
namespace {

// A raw-bytes method (see comment_grpc_service.h): parses leniently, then runs `call`
// (`absl::StatusOr<Response>(pqxx::connection&, const Request&)`) on `pool` and serialises its
// result.
template <typename Request, typename Call>
grpc::ServerUnaryReactor* RunLenient(grpc::CallbackServerContext* context,
                                     const grpc::ByteBuffer* request, grpc::ByteBuffer* response,
                                     db::DatabasePool& pool, db::RetryPolicy retry, Call call) {
  auto parsed = std::make_shared<Request>();
  absl::Status status = ParseRequestLeniently(*request, *parsed);
  if (!status.ok()) return FinishNow(context, status);
  return RunOnDatabase(
      context, pool, retry, response,
      [parsed, call = std::move(call)](pqxx::connection& db) -> absl::StatusOr<grpc::ByteBuffer> {
        auto result = call(db, *parsed);
        if (!result.ok()) return result.status();
        grpc::ByteBuffer buffer;
        absl::Status serialized = SerializeResponse(*result, buffer);
        if (!serialized.ok()) return serialized;
        return buffer;
      });
}

}  // namespace

grpc::ServerUnaryReactor* CommentGrpcService::ListComments(grpc::CallbackServerContext* context,
                                                           const v1::ListCommentsRequest* request,
                                                           v1::ListCommentsResponse* response) {
  return RunOnDatabase(context, reads_, db::RetryPolicy::kRetryOnLostConnection, response,
                       [this, request](pqxx::connection& db) {
                         return board_.ListComments(db, *request);
                       });
}

grpc::ServerUnaryReactor* CommentGrpcService::CreateComment(grpc::CallbackServerContext* context,
                                                            const grpc::ByteBuffer* request,
                                                            grpc::ByteBuffer* response) {
  auto parsed = std::make_shared<v1::CreateCommentRequest>();
  absl::Status status = ParseRequestLeniently(*request, *parsed);
  if (!status.ok()) return FinishNow(context, status);
  absl::StatusOr<Commenter> writer = callers_.Writer(*context);
  if (!writer.ok()) return FinishNow(context, writer.status());
  // request_id is required, and a rerun with it returns the first run's comment.
  return RunOnDatabase(context, writes_, db::RetryPolicy::kRetryOnLostConnection, response,
                       [this, parsed, writer = *std::move(writer)](
                           pqxx::connection& db) -> absl::StatusOr<grpc::ByteBuffer> {
                         absl::StatusOr<v1::Comment> comment =
                             board_.CreateComment(db, writer, *parsed);
                         if (!comment.ok()) return comment.status();
                         grpc::ByteBuffer buffer;
                         absl::Status serialized = SerializeResponse(*comment, buffer);
                         if (!serialized.ok()) return serialized;
                         return buffer;
                       });
}

// Liking and unliking set whether a like exists, so a rerun changes nothing.
grpc::ServerUnaryReactor* CommentGrpcService::LikeComment(grpc::CallbackServerContext* context,
                                                          const v1::LikeCommentRequest* request,
                                                          v1::Comment* response) {
  absl::StatusOr<Commenter> writer = callers_.Writer(*context);
  if (!writer.ok()) return FinishNow(context, writer.status());
  return RunOnDatabase(
      context, writes_, db::RetryPolicy::kRetryOnLostConnection, response,
      [this, id = request->comment_id(), writer = *std::move(writer)](pqxx::connection& db) {
        return board_.SetLike(db, writer, id, true);
      });
}

grpc::ServerUnaryReactor* CommentGrpcService::UnlikeComment(grpc::CallbackServerContext* context,
                                                            const v1::UnlikeCommentRequest* request,
                                                            v1::Comment* response) {
  absl::StatusOr<Commenter> writer = callers_.Writer(*context);
  if (!writer.ok()) return FinishNow(context, writer.status());
  return RunOnDatabase(
      context, writes_, db::RetryPolicy::kRetryOnLostConnection, response,
      [this, id = request->comment_id(), writer = *std::move(writer)](pqxx::connection& db) {
        return board_.SetLike(db, writer, id, false);
      });
}

// A repeated report is a no-op, so a rerun changes nothing.
grpc::ServerUnaryReactor* CommentGrpcService::ReportComment(grpc::CallbackServerContext* context,
                                                            const grpc::ByteBuffer* request,
                                                            grpc::ByteBuffer* response) {
  absl::StatusOr<Commenter> writer = callers_.Writer(*context);
  if (!writer.ok()) return FinishNow(context, writer.status());
  return RunLenient<v1::ReportCommentRequest>(
      context, request, response, writes_, db::RetryPolicy::kRetryOnLostConnection,
      [this, writer = *std::move(writer)](pqxx::connection& db,
                                          const v1::ReportCommentRequest& parsed) {
        return board_.ReportComment(db, writer, parsed);
      });
}

// Not rerun: a committed edit run again would keep its own text as a previous version.
grpc::ServerUnaryReactor* CommentGrpcService::UpdateComment(grpc::CallbackServerContext* context,
                                                            const grpc::ByteBuffer* request,
                                                            grpc::ByteBuffer* response) {
  absl::StatusOr<Commenter> writer = callers_.Writer(*context);
  if (!writer.ok()) return FinishNow(context, writer.status());
  return RunLenient<v1::UpdateCommentRequest>(
      context, request, response, writes_, db::RetryPolicy::kNoRetry,
      [this, writer = *std::move(writer)](pqxx::connection& db,
                                          const v1::UpdateCommentRequest& parsed) {
        return board_.UpdateComment(db, writer, parsed);
      });
}

// Withdrawing a withdrawn comment is a no-op, so a rerun changes nothing.
grpc::ServerUnaryReactor* CommentGrpcService::DeleteComment(grpc::CallbackServerContext* context,
                                                            const v1::DeleteCommentRequest* request,
                                                            google::protobuf::Empty* response) {
  absl::StatusOr<Commenter> writer = callers_.Writer(*context);
  if (!writer.ok()) return FinishNow(context, writer.status());
  return RunOnDatabase(context, writes_, db::RetryPolicy::kRetryOnLostConnection, response,
                       [this, request, writer = *std::move(writer)](
                           pqxx::connection& db) -> absl::StatusOr<google::protobuf::Empty> {
                         absl::Status status = board_.DeleteComment(db, writer, *request);
                         if (!status.ok()) return status;
                         return google::protobuf::Empty();
                       });
}

}  // namespace news
