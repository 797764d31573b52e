#include "server/transport/live/live_grpc_service.h"

#include "server/domain/status_details.h"
#include "server/transport/grpc_status.h"
#include "server/transport/live/live_watch_reactor.h"

namespace news {
namespace {

// A call refused before it became a stream.
class RefusedWatch final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  explicit RefusedWatch(const absl::Status& status) { Finish(ToGrpcStatus(status)); }
  void OnDone() override { delete this; }
};

bool Parse(const grpc::ByteBuffer& request, google::protobuf::Message& message) {
  grpc::Slice bytes;
  return request.DumpToSingleSlice(&bytes).ok() &&
         message.ParseFromArray(bytes.begin(), static_cast<int>(bytes.size()));
}

}  // namespace

grpc::ServerWriteReactor<grpc::ByteBuffer>* LiveGrpcService::WatchComments(
    grpc::CallbackServerContext* /*context*/, const grpc::ByteBuffer* request) {
  v1::WatchCommentsRequest parsed;
  if (!Parse(*request, parsed)) return new RefusedWatch(MalformedRequestError());
  if (parsed.article_id() <= 0) {
    return new RefusedWatch(InvalidFieldError("article_id", "must be a positive article id"));
  }
  return WatchReactor::Start(hub_, tokens_, reads_,
                             LiveScope{LiveScope::Topic::kComments, parsed.article_id()},
                             parsed.resume_token());
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* LiveGrpcService::WatchArticles(
    grpc::CallbackServerContext* /*context*/, const grpc::ByteBuffer* request) {
  v1::WatchArticlesRequest parsed;
  if (!Parse(*request, parsed)) return new RefusedWatch(MalformedRequestError());
  if (parsed.category_id() < 0) {
    return new RefusedWatch(
        InvalidFieldError("category_id", "must be 0 (every category) or a category id"));
  }
  return WatchReactor::Start(hub_, tokens_, reads_,
                             LiveScope{LiveScope::Topic::kArticles, parsed.category_id()},
                             parsed.resume_token());
}

}  // namespace news
