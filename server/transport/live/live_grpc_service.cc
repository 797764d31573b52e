#include "server/transport/live/live_grpc_service.h"

#include "server/domain/status_details.h"
#include "server/transport/grpc_status.h"
#include "server/transport/live/live_watch_reactor.h"

namespace news {
namespace {

// A call refused before it became a stream.
template <typename Event>
class RefusedWatch final : public grpc::ServerWriteReactor<Event> {
 public:
  explicit RefusedWatch(const absl::Status& status) { this->Finish(ToGrpcStatus(status)); }
  void OnDone() override { delete this; }
};

}  // namespace

grpc::ServerWriteReactor<v1::CommentEvent>* LiveGrpcService::WatchComments(
    grpc::CallbackServerContext* /*context*/, const v1::WatchCommentsRequest* request) {
  if (request->article_id() <= 0) {
    return new RefusedWatch<v1::CommentEvent>(
        InvalidFieldError("article_id", "must be a positive article id"));
  }
  return WatchReactor<v1::CommentEvent>::Start(
      hub_, tokens_, reads_, LiveScope{LiveScope::Topic::kComments, request->article_id()},
      request->resume_token());
}

grpc::ServerWriteReactor<v1::ArticleEvent>* LiveGrpcService::WatchArticles(
    grpc::CallbackServerContext* /*context*/, const v1::WatchArticlesRequest* request) {
  if (request->category_id() < 0) {
    return new RefusedWatch<v1::ArticleEvent>(
        InvalidFieldError("category_id", "must be 0 (every category) or a category id"));
  }
  return WatchReactor<v1::ArticleEvent>::Start(
      hub_, tokens_, reads_, LiveScope{LiveScope::Topic::kArticles, request->category_id()},
      request->resume_token());
}

}  // namespace news
