#ifndef NEWS_SERVER_TRANSPORT_MODERATION_GRPC_SERVICE_H_
#define NEWS_SERVER_TRANSPORT_MODERATION_GRPC_SERVICE_H_

#include "news/v1/moderation.grpc.pb.h"
#include "server/db/database_pool.h"
#include "server/domain/comments/moderation_desk.h"
#include "server/domain/comments/word_list_desk.h"

namespace news {

// news.v1.ModerationService over gRPC's callback API. Each RPC hands the `authorization`
// metadata to ModerationDesk, which authenticates before anything else.
class ModerationGrpcService final : public v1::ModerationService::CallbackService {
 public:
  // `desk`, `word_lists` and `pool` must outlive the service.
  ModerationGrpcService(const ModerationDesk& desk, const WordListDesk& word_lists,
                        db::DatabasePool& pool)
      : desk_(desk), word_lists_(word_lists), pool_(pool) {}

  grpc::ServerUnaryReactor* ListModerationQueue(grpc::CallbackServerContext* context,
                                                const v1::ListModerationQueueRequest* request,
                                                v1::ListModerationQueueResponse* response) override;
  grpc::ServerUnaryReactor* ModerateComments(grpc::CallbackServerContext* context,
                                             const v1::ModerateCommentsRequest* request,
                                             v1::ModerateCommentsResponse* response) override;
  grpc::ServerUnaryReactor* BanClient(grpc::CallbackServerContext* context,
                                      const v1::BanClientRequest* request,
                                      v1::Ban* response) override;
  grpc::ServerUnaryReactor* ListBans(grpc::CallbackServerContext* context,
                                     const v1::ListBansRequest* request,
                                     v1::ListBansResponse* response) override;
  grpc::ServerUnaryReactor* LiftBan(grpc::CallbackServerContext* context,
                                    const v1::LiftBanRequest* request,
                                    v1::LiftBanResponse* response) override;
  grpc::ServerUnaryReactor* ListModerationEvents(
      grpc::CallbackServerContext* context, const v1::ListModerationEventsRequest* request,
      v1::ListModerationEventsResponse* response) override;
  grpc::ServerUnaryReactor* SetCommentsOpen(grpc::CallbackServerContext* context,
                                            const v1::SetCommentsOpenRequest* request,
                                            v1::SetCommentsOpenResponse* response) override;
  grpc::ServerUnaryReactor* AddWordListTerm(grpc::CallbackServerContext* context,
                                            const v1::AddWordListTermRequest* request,
                                            v1::WordListTerm* response) override;
  grpc::ServerUnaryReactor* RemoveWordListTerm(grpc::CallbackServerContext* context,
                                               const v1::RemoveWordListTermRequest* request,
                                               v1::RemoveWordListTermResponse* response) override;
  grpc::ServerUnaryReactor* ListWordListTerms(grpc::CallbackServerContext* context,
                                              const v1::ListWordListTermsRequest* request,
                                              v1::ListWordListTermsResponse* response) override;
  grpc::ServerUnaryReactor* SetCommentFeatured(grpc::CallbackServerContext* context,
                                               const v1::SetCommentFeaturedRequest* request,
                                               v1::Comment* response) override;
  grpc::ServerUnaryReactor* RemoveClientComments(
      grpc::CallbackServerContext* context, const v1::RemoveClientCommentsRequest* request,
      v1::RemoveClientCommentsResponse* response) override;

 private:
  const ModerationDesk& desk_;
  const WordListDesk& word_lists_;
  db::DatabasePool& pool_;
};

}  // namespace news

#endif  // NEWS_SERVER_TRANSPORT_MODERATION_GRPC_SERVICE_H_
