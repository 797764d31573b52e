#ifndef NEWS_SERVER_TRANSPORT_EDITORIAL_GRPC_SERVICE_H_
#define NEWS_SERVER_TRANSPORT_EDITORIAL_GRPC_SERVICE_H_

#include "news/v1/editorial.grpc.pb.h"
#include "server/db/database_pool.h"
#include "server/domain/newsroom/editorial_desk.h"

namespace news {

// news.v1.EditorialService over gRPC's callback API. Each RPC hands the `authorization`
// metadata to EditorialDesk, which authenticates before anything else. Every call writes (the
// audit log at least), so all of them run on the write pool.
class EditorialGrpcService final : public v1::EditorialService::CallbackService {
 public:
  // `desk` and `pool` must outlive the service.
  EditorialGrpcService(const EditorialDesk& desk, db::DatabasePool& pool)
      : desk_(desk), pool_(pool) {}

  grpc::ServerUnaryReactor* CreateArticle(grpc::CallbackServerContext* context,
                                          const v1::CreateArticleRequest* request,
                                          v1::EditorialArticle* response) override;
  grpc::ServerUnaryReactor* GetArticle(grpc::CallbackServerContext* context,
                                       const v1::GetEditorialArticleRequest* request,
                                       v1::EditorialArticle* response) override;
  grpc::ServerUnaryReactor* ListArticles(grpc::CallbackServerContext* context,
                                         const v1::ListEditorialArticlesRequest* request,
                                         v1::ListEditorialArticlesResponse* response) override;
  grpc::ServerUnaryReactor* UpdateArticle(grpc::CallbackServerContext* context,
                                          const v1::UpdateArticleRequest* request,
                                          v1::EditorialArticle* response) override;
  grpc::ServerUnaryReactor* PublishArticle(grpc::CallbackServerContext* context,
                                           const v1::PublishArticleRequest* request,
                                           v1::EditorialArticle* response) override;
  grpc::ServerUnaryReactor* UnpublishArticle(grpc::CallbackServerContext* context,
                                             const v1::UnpublishArticleRequest* request,
                                             v1::EditorialArticle* response) override;
  grpc::ServerUnaryReactor* DeleteArticle(grpc::CallbackServerContext* context,
                                          const v1::DeleteArticleRequest* request,
                                          v1::EditorialArticle* response) override;

 private:
  const EditorialDesk& desk_;
  db::DatabasePool& pool_;
};

}  // namespace news

#endif  // NEWS_SERVER_TRANSPORT_EDITORIAL_GRPC_SERVICE_H_
