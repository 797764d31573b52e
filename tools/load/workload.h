#ifndef NEWS_TOOLS_LOAD_WORKLOAD_H_
#define NEWS_TOOLS_LOAD_WORKLOAD_H_

// What news-load sends: the table of RPCs it can call (one entry per RPC; add new ones in
// workload.cc), the weighted mix parsed from --mix, and the ids and page tokens discovered from
// the server before the run, from which each call picks its request.

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "news/v1/article.grpc.pb.h"
#include "news/v1/comment.grpc.pb.h"
#include "news/v1/discovery.grpc.pb.h"

namespace news::load {

// The stubs of every service news-load calls, on one channel.
struct ChannelStubs {
  explicit ChannelStubs(std::shared_ptr<grpc::Channel> channel);

  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::ArticleService::Stub> articles;
  std::unique_ptr<v1::DiscoveryService::Stub> discovery;
  std::unique_ptr<v1::CommentService::Stub> comments;
};

// Picks article ids: uniformly, or Zipf-distributed over the discovery order (newest first), so
// that the newest stories take most reads as on a news front page.
class ArticlePicker {
 public:
  // `zipf_exponent` 0 means uniform; otherwise P(rank k) is proportional to 1 / k^exponent.
  ArticlePicker(std::vector<int64_t> ids, double zipf_exponent);

  bool empty() const { return ids_.empty(); }
  size_t size() const { return ids_.size(); }
  // Requires !empty().
  int64_t Pick(std::mt19937_64& rng) const;

 private:
  std::vector<int64_t> ids_;
  // Cumulative probabilities by rank; empty for uniform.
  std::vector<double> cumulative_;
};

// Server data the requests are made of, discovered before the run.
struct DiscoveredData {
  // The feed filters (category_id, source_id, tag) of list, list_deep and the discovery walk.
  v1::ListArticlesRequest feed;
  std::vector<int64_t> article_ids;
  // The first two words of discovered titles (at most 1000), for search.
  std::vector<std::string> search_queries;
  // A ListArticles token of `feed` that many items deep, for list_deep.
  std::string deep_page_token;
  int64_t deep_page_offset = 0;
};

// How one call ended.
struct CallOutcome {
  grpc::Status status;
  size_t response_bytes = 0;
  // create_comment: how many times the request was sent (more than 1 with resend_creates), its
  // request_id and x-client-id, and the id of the comment when acknowledged.
  int sends = 1;
  std::string request_id;
  std::string client_id;
  int64_t comment_id = 0;
};

// Called once per call with its outcome.
using CallCompletion = std::function<void(const CallOutcome&)>;

// Everything one call needs to build and send its request.
// Who a call claims to come from. news-load sends every call as a different reader, as on a busy
// site, so per-client limits and view de-duplication do not throttle the load. Each reader also
// has its own address in the benchmark range 198.18.0.0/15 (RFC 2544), named in x-forwarded-for
// as a proxy would, so a server that trusts the load generator's address as a proxy
// (--trusted_proxies) applies its per-network rules (comment floods, likes) as it would to many
// readers, not to one machine. A call sent again keeps its reader.
struct ReaderIdentity {
  explicit ReaderIdentity(uint64_t seed);
  // Adds x-client-id and x-forwarded-for to `context`.
  void Identify(grpc::ClientContext& context) const;

  std::string client_id;
  std::string forwarded_for;
};

struct CallSetup {
  ChannelStubs& stubs;
  const ArticlePicker& articles;
  const DiscoveredData& data;
  int page_size;
  std::mt19937_64& rng;
  std::chrono::system_clock::time_point deadline;
  // create_comment: while above zero, a create whose outcome is unknown (ShouldResendCreate in
  // client-sample/channel_policy.h) is sent again, unchanged, after CreateResendDelay, with a
  // fresh deadline, until acknowledged or this long after its first send.
  absl::Duration resend_creates;
  CallCompletion done;
};

struct RpcKind {
  // The name used in --mix.
  const char* name;
  const char* description;
  bool needs_article_ids;
  bool needs_deep_page;
  // Starts one asynchronous call; setup.done runs exactly once, on a gRPC thread.
  void (*start)(CallSetup setup);
};

// Every RPC news-load can send.
absl::Span<const RpcKind> AllRpcKinds();

struct MixEntry {
  const RpcKind* rpc;
  int weight;
};

// Parses "get=70,list=20,categories" (a missing weight means 1) into entries with positive
// weights, in the order given. InvalidArgument names an unknown RPC, a bad or non-positive
// weight, or a repeated RPC.
absl::StatusOr<std::vector<MixEntry>> ParseMix(absl::string_view mix);

// Pages through ListArticles with the filters of `feed` (newest first, 100 per page) until it
// has `max_ids` ids and has passed `deep_page_offset` items (when non-zero), or the feed ends.
// Fails with the first non-OK status; FailedPrecondition when the feed is shorter than
// `deep_page_offset`.
absl::StatusOr<DiscoveredData> Discover(ChannelStubs& stubs, const v1::ListArticlesRequest& feed,
                                        size_t max_ids, int64_t deep_page_offset,
                                        absl::Duration deadline);

}  // namespace news::load

#endif  // NEWS_TOOLS_LOAD_WORKLOAD_H_
