#include "client-sample/channel_policy.h"

#include <algorithm>
#include <random>

namespace news::client {

// ListComments is a read; CreateComment is idempotent through its request_id. The other comment
// writes (likes, reports, edits) are not listed: a retry of one whose answer was lost could
// count twice or fail confusingly, so the app decides about those itself.
const char kServiceConfigJson[] = R"json({
  "loadBalancingConfig": [{"round_robin": {}}],
  "methodConfig": [{
    "name": [
      {"service": "news.v1.ArticleService"},
      {"service": "news.v1.DiscoveryService"},
      {"service": "news.v1.CommentService", "method": "ListComments"},
      {"service": "news.v1.CommentService", "method": "CreateComment"},
      {"service": "grpc.health.v1.Health"}
    ],
    "retryPolicy": {
      "maxAttempts": 5,
      "initialBackoff": "0.2s",
      "maxBackoff": "2s",
      "backoffMultiplier": 2,
      "retryableStatusCodes": ["UNAVAILABLE"]
    }
  }]
})json";

grpc::ChannelArguments MobileChannelArguments() {
  grpc::ChannelArguments arguments;
  arguments.SetServiceConfigJSON(kServiceConfigJson);
  arguments.SetInt(GRPC_ARG_ENABLE_RETRIES, 1);
  // The server accepts a ping every 10 s at most (more is a "ping strike"); 30 s stays clear.
  arguments.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30 * 1000);
  arguments.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10 * 1000);
  arguments.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 0);
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 500);
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 10 * 1000);
  return arguments;
}

std::shared_ptr<grpc::Channel> NewMobileChannel(const std::string& target) {
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(),
                                   MobileChannelArguments());
}

bool ShouldResendCreate(grpc::StatusCode code) {
  return code == grpc::StatusCode::DEADLINE_EXCEEDED || code == grpc::StatusCode::UNAVAILABLE ||
         code == grpc::StatusCode::ABORTED || code == grpc::StatusCode::RESOURCE_EXHAUSTED;
}

absl::Duration CreateResendDelay(int attempt) {
  const absl::Duration cap =
      std::min(absl::Seconds(8), absl::Milliseconds(500) * (1 << std::min(attempt - 1, 5)));
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return cap * std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

}  // namespace news::client
