#ifndef NEWS_SERVER_TRANSPORT_LIVE_LIVE_GRPC_SERVICE_H_
#define NEWS_SERVER_TRANSPORT_LIVE_LIVE_GRPC_SERVICE_H_

#include "news/v1/live.grpc.pb.h"
#include "server/db/database_pool.h"
#include "server/domain/live/live_events.h"
#include "server/domain/live/live_hub.h"

namespace news {

// news.v1.LiveService over gRPC's raw callback API (docs/live.md): requests arrive as bytes and
// are parsed here; each call is a WatchReactor (live_watch_reactor.h) registered with the hub,
// which writes the events as bytes encoded once per scope. Replays read the change log on
// `reads`. Reflection describes the service as the proto declares it.
class LiveGrpcService final
    : public v1::LiveService::WithRawCallbackMethod_WatchComments<
          v1::LiveService::WithRawCallbackMethod_WatchArticles<v1::LiveService::Service>> {
 public:
  // Everything must outlive the service.
  LiveGrpcService(LiveHub& hub, const LiveTokens& tokens, db::DatabasePool& reads)
      : hub_(hub), tokens_(tokens), reads_(reads) {}

  // A serialized v1::WatchCommentsRequest in, serialized v1::CommentEvent messages out.
  grpc::ServerWriteReactor<grpc::ByteBuffer>* WatchComments(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) override;
  // A serialized v1::WatchArticlesRequest in, serialized v1::ArticleEvent messages out.
  grpc::ServerWriteReactor<grpc::ByteBuffer>* WatchArticles(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) override;

 private:
  LiveHub& hub_;
  const LiveTokens& tokens_;
  db::DatabasePool& reads_;
};

}  // namespace news

#endif  // NEWS_SERVER_TRANSPORT_LIVE_LIVE_GRPC_SERVICE_H_
