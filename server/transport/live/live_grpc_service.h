#ifndef NEWS_SERVER_TRANSPORT_LIVE_LIVE_GRPC_SERVICE_H_
#define NEWS_SERVER_TRANSPORT_LIVE_LIVE_GRPC_SERVICE_H_

#include "news/v1/live.grpc.pb.h"
#include "server/db/database_pool.h"
#include "server/domain/live/live_events.h"
#include "server/domain/live/live_hub.h"

namespace news {

// news.v1.LiveService over gRPC's callback API (docs/live.md): each call is a WatchReactor
// (live_watch_reactor.h) registered with the hub; replays read the change log on `reads`.
class LiveGrpcService final : public v1::LiveService::CallbackService {
 public:
  // Everything must outlive the service.
  LiveGrpcService(LiveHub& hub, const LiveTokens& tokens, db::DatabasePool& reads)
      : hub_(hub), tokens_(tokens), reads_(reads) {}

  grpc::ServerWriteReactor<v1::CommentEvent>* WatchComments(
      grpc::CallbackServerContext* context, const v1::WatchCommentsRequest* request) override;
  grpc::ServerWriteReactor<v1::ArticleEvent>* WatchArticles(
      grpc::CallbackServerContext* context, const v1::WatchArticlesRequest* request) override;

 private:
  LiveHub& hub_;
  const LiveTokens& tokens_;
  db::DatabasePool& reads_;
};

}  // namespace news

#endif  // NEWS_SERVER_TRANSPORT_LIVE_LIVE_GRPC_SERVICE_H_
