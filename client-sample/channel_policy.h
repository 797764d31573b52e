#ifndef NEWS_CLIENT_SAMPLE_CHANNEL_POLICY_H_
#define NEWS_CLIENT_SAMPLE_CHANNEL_POLICY_H_

// How an app's channel rides through a server restart, a lost mobile network and a database
// failover (docs/scaling.md, "Clients"): gRPC retries UNAVAILABLE with exponential backoff for
// the reads and for CreateComment (safe: a retry carries the same request_id, so the comment is
// stored once), spreads calls over every address the name resolves to, and pings only while
// calls are in flight. news-load uses the same policy in the cluster drills.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/time/time.h"

namespace news::client {

// The gRPC service config (https://github.com/grpc/grpc/blob/master/doc/service_config.md):
// round_robin over the resolved addresses; for the methods listed, up to 5 attempts on
// UNAVAILABLE, waiting a random time up to 0.2 s, 0.4 s, 0.8 s, 1.6 s between them (at most 2 s).
// Every attempt counts against the one deadline the caller set on the call.
extern const char kServiceConfigJson[];

// Channel arguments: the service config above, keepalive pings every 30 s while a call is in
// flight (a dead connection on a switched mobile network is noticed in 30 to 40 s rather than
// at the deadline; idle connections are not pinged, which saves battery and respects the
// server's ping policy), and reconnection backoff capped at 10 s.
grpc::ChannelArguments MobileChannelArguments();

// A plaintext channel to `target` ("HOST:PORT", "dns:///news.example.com:443" or
// "ipv4:127.0.0.1:15461,127.0.0.1:15462") with MobileChannelArguments().
std::shared_ptr<grpc::Channel> NewMobileChannel(const std::string& target);

// Whether a failed create (a call carrying a request_id) should be sent again, unchanged, with
// a fresh deadline: its outcome is unknown (DEADLINE_EXCEEDED, UNAVAILABLE after the policy's
// attempts) or it may succeed later (ABORTED, RESOURCE_EXHAUSTED). Any other code is an answer.
bool ShouldResendCreate(grpc::StatusCode code);

// How long to wait before resending a create for the `attempt`-th time (1, 2, ...):
// exponential from 0.5 s, capped at 8 s, with full jitter so that many clients coming back
// from the same outage do not arrive together.
absl::Duration CreateResendDelay(int attempt);

}  // namespace news::client

#endif  // NEWS_CLIENT_SAMPLE_CHANNEL_POLICY_H_
