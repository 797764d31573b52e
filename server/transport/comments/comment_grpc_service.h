#ifndef NEWS_SERVER_TRANSPORT_COMMENT_GRPC_SERVICE_H_
#define NEWS_SERVER_TRANSPORT_COMMENT_GRPC_SERVICE_H_

#include "news/v1/comment.grpc.pb.h"
#include "server/db/database_pool.h"
#include "server/domain/comments/comment_board.h"
#include "server/transport/client_identity.h"

namespace news {

// CreateComment, ReportComment and UpdateComment take raw bytes (see lenient_request.h) so that
// invalid UTF-8 in the user's text is answered with INVALID_ARGUMENT naming the field; the other
// methods are generated.
using CommentServiceBase = v1::CommentService::WithCallbackMethod_ListComments<
    v1::CommentService::WithRawCallbackMethod_CreateComment<
        v1::CommentService::WithCallbackMethod_LikeComment<
            v1::CommentService::WithCallbackMethod_UnlikeComment<
                v1::CommentService::WithRawCallbackMethod_ReportComment<
                    v1::CommentService::WithRawCallbackMethod_UpdateComment<
                        v1::CommentService::WithCallbackMethod_DeleteComment<
                            v1::CommentService::Service>>>>>>>;

// news.v1.CommentService over gRPC's callback API; the logic is in CommentBoard.
class CommentGrpcService final : public CommentServiceBase {
 public:
  // `board`, `callers` and the pools must outlive the service. Reads run on `reads`, creates
  // and likes on `writes`; `callers` identifies the writer of each write.
  CommentGrpcService(const CommentBoard& board, const CallerIdentifier& callers,
                     db::DatabasePool& reads, db::DatabasePool& writes)
      : board_(board), callers_(callers), reads_(reads), writes_(writes) {}

  grpc::ServerUnaryReactor* ListComments(grpc::CallbackServerContext* context,
                                         const v1::ListCommentsRequest* request,
                                         v1::ListCommentsResponse* response) override;
  grpc::ServerUnaryReactor* CreateComment(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* LikeComment(grpc::CallbackServerContext* context,
                                        const v1::LikeCommentRequest* request,
                                        v1::Comment* response) override;
  grpc::ServerUnaryReactor* UnlikeComment(grpc::CallbackServerContext* context,
                                          const v1::UnlikeCommentRequest* request,
                                          v1::Comment* response) override;
  grpc::ServerUnaryReactor* ReportComment(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* UpdateComment(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* DeleteComment(grpc::CallbackServerContext* context,
                                          const v1::DeleteCommentRequest* request,
                                          google::protobuf::Empty* response) override;

 private:
  const CommentBoard& board_;
  const CallerIdentifier& callers_;
  db::DatabasePool& reads_;
  db::DatabasePool& writes_;
};

}  // namespace news

#endif  // NEWS_SERVER_TRANSPORT_COMMENT_GRPC_SERVICE_H_
