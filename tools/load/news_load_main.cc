// news-load: a load generator for the news.v1 API. See README.md ("Load testing and
// benchmarks") and `news-load --help`.

#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "client-sample/channel_policy.h"
#include "tools/load/load_report.h"
#include "tools/load/stream_load.h"
#include "tools/load/workload.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051",
          "HOST:PORT of the server, or any gRPC target, e.g. ipv4:127.0.0.1:15461,127.0.0.1:15462 "
          "for several servers (with --retry_policy, calls go round robin over them)");
ABSL_FLAG(std::string, mix, "get",
          "RPCs and weights, e.g. get=70,list=20,categories=10 (a missing weight is 1); "
          "RPCs: get, list, list_deep, categories, sources, related, search, most_viewed, "
          "comments, create_comment");
ABSL_FLAG(double, zipf, 0,
          "0: pick article ids uniformly; >0: Zipf exponent over the discovered ids, newest "
          "first (1.1 is a typical front page)");
ABSL_FLAG(int, concurrency, 16, "closed loop: calls kept in flight (ignored with --rps)");
ABSL_FLAG(double, rps, 0,
          "open loop: calls per second on a fixed schedule; latency counts from each call's "
          "scheduled send time, so a stalled server shows in the tail");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(10), "measured time, after the warm-up");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(1), "load before measuring; not reported");
ABSL_FLAG(int, connections, 1, "gRPC channels, each its own TCP connection; calls rotate");
ABSL_FLAG(absl::Duration, deadline, absl::Seconds(5), "per-call deadline");
ABSL_FLAG(int64_t, max_requests, 0,
          "stop after sending this many calls after the warm-up (0: no limit)");
ABSL_FLAG(int, max_in_flight, 20000, "open loop: at most this many calls in flight");
ABSL_FLAG(int, page_size, 20, "page_size of list calls");
ABSL_FLAG(int64_t, deep_offset, 0, "list_deep: how many items deep its page starts");
ABSL_FLAG(int64_t, feed_category_id, 0,
          "list, list_deep and the discovery walk: ListArticles category_id filter (0: any)");
ABSL_FLAG(int64_t, feed_source_id, 0, "like --feed_category_id, for source_id");
ABSL_FLAG(std::string, feed_tag, "", "like --feed_category_id, for tag (empty: any)");
ABSL_FLAG(int64_t, discover_ids, 10000, "article ids to discover for get");
ABSL_FLAG(absl::Duration, connect_timeout, absl::Seconds(5),
          "how long to wait for the server to accept connections");
ABSL_FLAG(uint64_t, seed, 1, "random seed for the mix and the ids");
ABSL_FLAG(bool, json, false, "print the report as JSON instead of a table");
ABSL_FLAG(bool, retry_policy, false,
          "use the channel policy of the sample client (client-sample/channel_policy.h): "
          "UNAVAILABLE retried with exponential backoff, round robin over the target's "
          "addresses, keepalive");
ABSL_FLAG(absl::Duration, resend_creates, absl::ZeroDuration(),
          "create_comment: send a create whose outcome is unknown again, with the same "
          "request_id and x-client-id, until acknowledged or this long after its first send "
          "(0: send once)");
ABSL_FLAG(std::string, completions_file, "",
          "write one line per finished call (warm-up included): unix milliseconds, RPC, status "
          "code number, sends, and for create_comment its request_id, x-client-id and the "
          "acknowledged comment id");
ABSL_FLAG(bool, allow_remote, false, "allow a target outside the loopback interface");
ABSL_FLAG(int, streams, 0,
          "streaming mode (docs/live.md): open this many LiveService.WatchComments streams on "
          "--stream_article_id and measure commit-to-delivery latency (--mix is ignored)");
ABSL_FLAG(int64_t, stream_article_id, 0, "streaming mode: the article (0: the newest listed)");
ABSL_FLAG(double, comment_rps, 0,
          "streaming mode: comments posted per second on the article for --duration (the "
          "server must use --comment_moderation=post); 0: the streams stay idle");

namespace news::load {
namespace {

using Clock = std::chrono::steady_clock;

// True for 127.0.0.0/8, ::1, "localhost" and unix: sockets, with or without a gRPC scheme; an
// ipv4: or ipv6: list only when every address in it is.
bool IsLoopbackTarget(absl::string_view target) {
  if (absl::StartsWith(target, "unix:")) return true;
  for (absl::string_view scheme : {"ipv4:", "ipv6:"}) {
    if (absl::ConsumePrefix(&target, scheme)) {
      for (absl::string_view address : absl::StrSplit(target, ',')) {
        if (!IsLoopbackTarget(address)) return false;
      }
      return true;
    }
  }
  absl::ConsumePrefix(&target, "dns:///");
  absl::string_view host = target;
  if (absl::ConsumePrefix(&host, "[")) {
    host = host.substr(0, host.find(']'));
  } else if (const size_t colon = host.rfind(':'); colon != absl::string_view::npos) {
    host = host.substr(0, colon);
  }
  if (host == "localhost") return true;
  const std::string address(host);
  in_addr v4;
  if (inet_pton(AF_INET, address.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6;
  return inet_pton(AF_INET6, address.c_str(), &v6) == 1 &&
         IN6_ARE_ADDR_EQUAL(&v6, &in6addr_loopback);
}

struct DriverOptions {
  int concurrency;
  double rps;
  absl::Duration duration;
  absl::Duration warmup;
  absl::Duration deadline;
  int64_t max_requests;
  int max_in_flight;
  int page_size;
  uint64_t seed;
  absl::Duration resend_creates;
  // Receives a line per finished call when not null.
  std::FILE* completions;
};

// Sends calls until the run ends, closed loop (each completion sends the next call) or open
// loop (calls on a fixed schedule), and records every call sent after the warm-up.
class LoadDriver {
 public:
  LoadDriver(const DriverOptions& options, std::vector<ChannelStubs>& channels,
             const ArticlePicker& articles, const DiscoveredData& data,
             const std::vector<MixEntry>& mix, LoadRecorder& recorder)
      : options_(options),
        channels_(channels),
        articles_(articles),
        data_(data),
        mix_(mix),
        recorder_(recorder) {
    for (const MixEntry& entry : mix_) total_weight_ += entry.weight;
  }

  // Runs to the end and waits for the calls in flight; returns the measured window.
  absl::Duration Run() {
    start_ = Clock::now();
    measure_start_ = start_ + absl::ToChronoNanoseconds(options_.warmup);
    end_ = measure_start_ + absl::ToChronoNanoseconds(options_.duration);
    if (options_.rps > 0) {
      RunOpenLoop();
    } else {
      for (int i = 0; i < options_.concurrency; ++i) Send(Clock::now());
    }
    std::unique_lock lock(mutex_);
    done_.wait_until(lock, end_, [&] { return stopped_ && in_flight_ == 0; });
    if (!stopped_) StopLocked(end_);
    done_.wait(lock, [&] { return in_flight_ == 0; });
    // Stopped early by --max_requests: the window closes when the last call returned.
    const Clock::time_point window_end = stopped_at_ < end_ ? last_completion_ : end_;
    return absl::FromChrono(std::max(window_end - measure_start_, Clock::duration::zero()));
  }

 private:
  void RunOpenLoop() {
    const auto interval = std::chrono::duration<double>(1.0 / options_.rps);
    for (int64_t k = 0;; ++k) {
      const auto scheduled =
          start_ + std::chrono::duration_cast<Clock::duration>(interval * static_cast<double>(k));
      if (scheduled >= end_) return;
      // A pacer that fell behind sends at once; the lateness counts in the calls' latency.
      if (scheduled > Clock::now()) std::this_thread::sleep_until(scheduled);
      while (in_flight_.load() >= options_.max_in_flight && Clock::now() < end_) {
        std::this_thread::sleep_for(std::chrono::microseconds(100));
      }
      if (!Send(scheduled)) return;
    }
  }

  // Sends one call whose latency counts from `scheduled`; false once the run is over.
  bool Send(Clock::time_point scheduled) {
    const bool measured = scheduled >= measure_start_;
    if (Clock::now() >= end_ || (measured && options_.max_requests > 0 &&
                                 measured_sent_.fetch_add(1) >= options_.max_requests)) {
      std::lock_guard lock(mutex_);
      if (!stopped_) StopLocked(std::min(Clock::now(), end_));
      return false;
    }
    thread_local std::mt19937_64 rng(options_.seed ^
                                     std::hash<std::thread::id>()(std::this_thread::get_id()));
    int pick = std::uniform_int_distribution<int>(0, total_weight_ - 1)(rng);
    int mix_index = 0;
    while (pick >= mix_[mix_index].weight) pick -= mix_[mix_index++].weight;
    in_flight_.fetch_add(1);
    mix_[mix_index].rpc->start(CallSetup{
        .stubs = channels_[sent_.fetch_add(1) % channels_.size()],
        .articles = articles_,
        .data = data_,
        .page_size = options_.page_size,
        .rng = rng,
        .deadline = std::chrono::system_clock::now() + absl::ToChronoNanoseconds(options_.deadline),
        .resend_creates = options_.resend_creates,
        .done = [this, mix_index, scheduled, measured](const CallOutcome& outcome) {
          const auto finished = Clock::now();
          if (measured) {
            recorder_.Record(mix_index, outcome.status.error_code(),
                             absl::FromChrono(finished - scheduled), outcome.response_bytes);
          }
          if (options_.completions != nullptr) WriteCompletion(mix_[mix_index].rpc->name, outcome);
          if (options_.rps <= 0) Send(finished);
          // Under the mutex, so that Run() cannot return while this thread still notifies.
          std::lock_guard lock(mutex_);
          last_completion_ = std::max(last_completion_, finished);
          if (in_flight_.fetch_sub(1) == 1) done_.notify_all();
        }});
    return true;
  }

  void WriteCompletion(const char* rpc, const CallOutcome& outcome) {
    const std::string line = absl::StrCat(
        absl::ToUnixMillis(absl::Now()), "\t", rpc, "\t", outcome.status.error_code(), "\t",
        outcome.sends, "\t", outcome.request_id, "\t", outcome.client_id, "\t",
        outcome.comment_id, "\n");
    std::lock_guard lock(completions_mutex_);
    std::fwrite(line.data(), 1, line.size(), options_.completions);
  }

  void StopLocked(Clock::time_point at) {
    stopped_ = true;
    stopped_at_ = at;
    done_.notify_all();
  }

  const DriverOptions options_;
  std::vector<ChannelStubs>& channels_;
  const ArticlePicker& articles_;
  const DiscoveredData& data_;
  const std::vector<MixEntry>& mix_;
  LoadRecorder& recorder_;
  int total_weight_ = 0;

  Clock::time_point start_, measure_start_, end_;
  std::atomic<int64_t> sent_{0};
  // Calls sent after the warm-up, which --max_requests bounds.
  std::atomic<int64_t> measured_sent_{0};
  std::atomic<int64_t> in_flight_{0};
  std::mutex mutex_;
  std::mutex completions_mutex_;
  std::condition_variable done_;
  bool stopped_ = false;
  Clock::time_point stopped_at_;
  Clock::time_point last_completion_;
};

// absl flags are spelled with underscores; also accept the --max-requests spelling.
std::vector<char*> NormalizeFlagNames(int argc, char** argv) {
  std::vector<char*> args(argv, argv + argc);
  for (char* arg : args) {
    if (arg[0] != '-' || arg[1] != '-') continue;
    for (char* c = arg + 2; *c != '\0' && *c != '='; ++c) {
      if (*c == '-') *c = '_';
    }
  }
  return args;
}

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Load-tests the news.v1 gRPC API: news-load --target=127.0.0.1:50051 "
      "--mix=get=70,list=20,categories=10 --zipf=1.1 --concurrency=32 --duration=10s");
  std::vector<char*> args = NormalizeFlagNames(argc, argv);
  // --help lists the program's own flags; absl's default looks only in a file named after the
  // binary. Abseil's built-in flags stay under --helpfull.
  absl::FlagsUsageConfig usage_config;
  usage_config.contains_help_flags = [](absl::string_view file) {
    return !absl::StrContains(file, "absl/");
  };
  absl::SetFlagsUsageConfig(usage_config);
  absl::ParseCommandLine(static_cast<int>(args.size()), args.data());

  const std::string target = absl::GetFlag(FLAGS_target);
  if (!IsLoopbackTarget(target) && !absl::GetFlag(FLAGS_allow_remote)) {
    std::fprintf(stderr,
                 "news-load: refusing non-loopback target %s; pass --allow-remote to load a "
                 "server you are allowed to load\n",
                 target.c_str());
    return 2;
  }
  if (absl::GetFlag(FLAGS_streams) > 0) {
    return RunStreamLoad(StreamLoadOptions{
        .target = target,
        .streams = absl::GetFlag(FLAGS_streams),
        .article_id = absl::GetFlag(FLAGS_stream_article_id),
        .comment_rps = absl::GetFlag(FLAGS_comment_rps),
        .duration = absl::GetFlag(FLAGS_duration),
        .connect_timeout = absl::GetFlag(FLAGS_connect_timeout),
        .deadline = absl::GetFlag(FLAGS_deadline),
        .json = absl::GetFlag(FLAGS_json),
    });
  }
  absl::StatusOr<std::vector<MixEntry>> mix = ParseMix(absl::GetFlag(FLAGS_mix));
  if (!mix.ok()) {
    std::fprintf(stderr, "news-load: %s\n", std::string(mix.status().message()).c_str());
    return 2;
  }
  const int connections = std::max(1, absl::GetFlag(FLAGS_connections));
  if (absl::GetFlag(FLAGS_rps) <= 0 && absl::GetFlag(FLAGS_concurrency) <= 0) {
    std::fprintf(stderr, "news-load: set --concurrency or --rps to a positive number\n");
    return 2;
  }

  std::vector<ChannelStubs> channels;
  for (int i = 0; i < connections; ++i) {
    grpc::ChannelArguments arguments = absl::GetFlag(FLAGS_retry_policy)
                                           ? client::MobileChannelArguments()
                                           : grpc::ChannelArguments();
    // Channels with equal arguments share one TCP connection; a distinct argument and a
    // private subchannel pool make each channel its own connection.
    arguments.SetInt("news_load.connection_index", i);
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    channels.emplace_back(
        grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), arguments));
    if (!channels.back().channel->WaitForConnected(
            absl::ToChronoTime(absl::Now() + absl::GetFlag(FLAGS_connect_timeout)))) {
      std::fprintf(stderr, "news-load: cannot connect to %s\n", target.c_str());
      return 1;
    }
  }

  bool needs_ids = false;
  int64_t deep_offset = 0;
  for (const MixEntry& entry : *mix) {
    needs_ids |= entry.rpc->needs_article_ids;
    if (entry.rpc->needs_deep_page) deep_offset = absl::GetFlag(FLAGS_deep_offset);
  }
  if (deep_offset < 0) {
    std::fprintf(stderr, "news-load: --deep_offset must not be negative\n");
    return 2;
  }
  v1::ListArticlesRequest feed;
  feed.set_category_id(absl::GetFlag(FLAGS_feed_category_id));
  feed.set_source_id(absl::GetFlag(FLAGS_feed_source_id));
  feed.set_tag(absl::GetFlag(FLAGS_feed_tag));
  absl::StatusOr<DiscoveredData> data =
      Discover(channels[0], feed, needs_ids ? absl::GetFlag(FLAGS_discover_ids) : 0, deep_offset,
               absl::GetFlag(FLAGS_deadline) + absl::Seconds(5));
  if (!data.ok()) {
    std::fprintf(stderr, "news-load: %s\n", std::string(data.status().message()).c_str());
    return 1;
  }
  if (needs_ids && (data->article_ids.empty() || data->search_queries.empty())) {
    std::fprintf(stderr, "news-load: the server lists no articles to get\n");
    return 1;
  }
  const ArticlePicker articles(data->article_ids, absl::GetFlag(FLAGS_zipf));

  std::vector<std::string> names;
  for (const MixEntry& entry : *mix) names.push_back(entry.rpc->name);
  LoadRecorder recorder(names);
  DriverOptions options{
      .concurrency = absl::GetFlag(FLAGS_concurrency),
      .rps = absl::GetFlag(FLAGS_rps),
      .duration = absl::GetFlag(FLAGS_duration),
      .warmup = absl::GetFlag(FLAGS_warmup),
      .deadline = absl::GetFlag(FLAGS_deadline),
      .max_requests = absl::GetFlag(FLAGS_max_requests),
      .max_in_flight = std::max(1, absl::GetFlag(FLAGS_max_in_flight)),
      .page_size = absl::GetFlag(FLAGS_page_size),
      .seed = absl::GetFlag(FLAGS_seed),
      .resend_creates = absl::GetFlag(FLAGS_resend_creates),
      .completions = nullptr,
  };
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> completions(nullptr, std::fclose);
  if (const std::string path = absl::GetFlag(FLAGS_completions_file); !path.empty()) {
    completions.reset(std::fopen(path.c_str(), "w"));
    if (completions == nullptr) {
      std::fprintf(stderr, "news-load: cannot write %s\n", path.c_str());
      return 1;
    }
    options.completions = completions.get();
  }
  LoadDriver driver(options, channels, articles, *data, *mix, recorder);
  RunDescription run{
      .target = target,
      .mode = options.rps > 0 ? "open" : "closed",
      .concurrency = options.rps > 0 ? 0 : options.concurrency,
      .rps = options.rps,
      .connections = connections,
      .zipf = absl::GetFlag(FLAGS_zipf),
      .warmup = options.warmup,
  };
  run.measured = driver.Run();

  const std::vector<RpcResult> results = WithTotal(recorder.Results());
  const std::string report =
      absl::GetFlag(FLAGS_json) ? FormatJson(run, results) : FormatTable(run, results);
  std::fwrite(report.data(), 1, report.size(), stdout);
  return 0;
}

}  // namespace
}  // namespace news::load

int main(int argc, char** argv) { return news::load::Main(argc, argv); }
