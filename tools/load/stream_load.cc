#include "tools/load/stream_load.h"

#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "news/v1/article.grpc.pb.h"
#include "news/v1/comment.grpc.pb.h"
#include "news/v1/live.grpc.pb.h"
#include "server/transport/grpc_status.h"
#include "tools/load/latency_histogram.h"
#include "tools/load/workload.h"

namespace news::load {
namespace {

using google::protobuf::util::TimeUtil;

// What every stream reports to.
class StreamStats {
 public:
  void Ready() {
    std::lock_guard lock(mutex_);
    ++ready_;
    changed_.notify_all();
  }
  void Delivered(absl::Duration latency) {
    std::lock_guard lock(mutex_);
    latency_.Record(latency);
  }
  void Done(const grpc::Status& status) {
    std::lock_guard lock(mutex_);
    ++done_;
    if (!status.ok() && status.error_code() != grpc::StatusCode::CANCELLED) {
      ++errors_[StatusCodeName(status.error_code())];
    }
    changed_.notify_all();
  }
  // Waits until `count` streams are ready or done, or until `deadline`.
  void WaitForStarted(int count, absl::Time deadline) {
    std::unique_lock lock(mutex_);
    changed_.wait_until(lock, absl::ToChronoTime(deadline),
                        [&] { return ready_ + static_cast<int>(ErrorCount()) >= count; });
  }
  void WaitForDone(int count) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return done_ >= count; });
  }

  int ready() {
    std::lock_guard lock(mutex_);
    return ready_;
  }
  LatencyHistogram latency() {
    std::lock_guard lock(mutex_);
    return latency_;
  }
  std::map<std::string, int64_t> errors() {
    std::lock_guard lock(mutex_);
    return errors_;
  }

 private:
  int64_t ErrorCount() const {
    int64_t count = 0;
    for (const auto& [code, n] : errors_) count += n;
    return count;
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  int ready_ = 0;
  int done_ = 0;
  std::map<std::string, int64_t> errors_;
  LatencyHistogram latency_;
};

// One WatchComments stream on the callback API.
class Watcher final : public grpc::ClientReadReactor<v1::CommentEvent> {
 public:
  Watcher(v1::LiveService::Stub& stub, int64_t article_id, StreamStats& stats) : stats_(stats) {
    request_.set_article_id(article_id);
    stub.async()->WatchComments(&context_, &request_, this);
    StartRead(&event_);
    StartCall();
  }

  void Cancel() { context_.TryCancel(); }

  void OnReadDone(bool ok) override {
    if (!ok) return;
    if (event_.type() == v1::COMMENT_EVENT_TYPE_CAUGHT_UP) {
      stats_.Ready();
    } else if (event_.type() == v1::COMMENT_EVENT_TYPE_APPROVED) {
      const absl::Time changed =
          absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(event_.change_time()));
      stats_.Delivered(absl::Now() - changed);
    }
    StartRead(&event_);
  }
  void OnDone(const grpc::Status& status) override { stats_.Done(status); }

 private:
  StreamStats& stats_;
  grpc::ClientContext context_;
  v1::WatchCommentsRequest request_;
  v1::CommentEvent event_;
};

std::shared_ptr<grpc::Channel> NewConnection(const std::string& target, int index) {
  grpc::ChannelArguments arguments;
  // As in the unary mode: a distinct argument and a private pool make a connection of its own.
  arguments.SetInt("news_load.connection_index", index);
  arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), arguments);
}

int64_t NewestArticle(v1::ArticleService::Stub& articles, absl::Duration deadline) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  v1::ListArticlesRequest request;
  request.set_page_size(1);
  v1::ListArticlesResponse response;
  if (!articles.ListArticles(&context, request, &response).ok() || response.articles().empty()) {
    return 0;
  }
  return response.articles(0).id();
}

// Posts comments at `rps` until `end`; returns how many were accepted.
int64_t PostComments(v1::CommentService::Stub& comments, int64_t article_id, double rps,
                     absl::Time end, absl::Duration deadline, int64_t& failed) {
  const absl::Time start = absl::Now();
  const std::string run = absl::StrCat(absl::ToUnixMicros(start));
  int64_t accepted = 0;
  for (int64_t k = 0;; ++k) {
    const absl::Time scheduled = start + absl::Seconds(static_cast<double>(k) / rps);
    if (scheduled >= end) break;
    absl::SleepFor(scheduled - absl::Now());
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
    ReaderIdentity(static_cast<uint64_t>(k)).Identify(context);
    v1::CreateCommentRequest request;
    request.set_article_id(article_id);
    request.set_author_name("news-load");
    request.set_body(absl::StrCat("Bình luận đo tải số ", k, " lượt ", run));
    request.set_request_id(absl::StrCat("news-load-", run, "-", k));
    v1::Comment comment;
    const grpc::Status status = comments.CreateComment(&context, request, &comment);
    if (status.ok() && comment.state() == v1::COMMENT_STATE_APPROVED) {
      ++accepted;
    } else {
      ++failed;
    }
  }
  return accepted;
}

std::string Millis(absl::Duration d) { return absl::StrFormat("%.1f", absl::ToDoubleMilliseconds(d)); }

}  // namespace

int RunStreamLoad(const StreamLoadOptions& options) {
  const int per_connection = std::max(1, options.streams_per_connection);
  const int connections = (options.streams + per_connection - 1) / per_connection;
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<v1::LiveService::Stub>> stubs;
  for (int i = 0; i < std::max(1, connections); ++i) {
    channels.push_back(NewConnection(options.target, i));
    if (!channels.back()->WaitForConnected(
            absl::ToChronoTime(absl::Now() + options.connect_timeout))) {
      std::fprintf(stderr, "news-load: cannot connect to %s\n", options.target.c_str());
      return 1;
    }
    stubs.push_back(v1::LiveService::NewStub(channels.back()));
  }
  auto articles = v1::ArticleService::NewStub(channels[0]);
  const int64_t article_id = options.article_id > 0
                                 ? options.article_id
                                 : NewestArticle(*articles, options.deadline);
  if (article_id <= 0) {
    std::fprintf(stderr, "news-load: the server lists no article to watch\n");
    return 1;
  }

  StreamStats stats;
  const absl::Time open_start = absl::Now();
  std::vector<std::unique_ptr<Watcher>> watchers;
  watchers.reserve(options.streams);
  for (int i = 0; i < options.streams; ++i) {
    watchers.push_back(std::make_unique<Watcher>(*stubs[i / per_connection], article_id, stats));
  }
  stats.WaitForStarted(options.streams, absl::Now() + absl::Seconds(60));
  const absl::Duration open_time = absl::Now() - open_start;
  std::fprintf(stderr, "news-load: %d of %d streams on article %lld open in %s\n", stats.ready(),
               options.streams, static_cast<long long>(article_id),
               absl::FormatDuration(open_time).c_str());

  int64_t posted = 0;
  int64_t post_failures = 0;
  const absl::Time end = absl::Now() + options.duration;
  if (options.comment_rps > 0) {
    auto comments = v1::CommentService::NewStub(channels[0]);
    posted = PostComments(*comments, article_id, options.comment_rps, end, options.deadline,
                          post_failures);
    // Deliveries of the last comments.
    absl::SleepFor(absl::Seconds(2));
  } else {
    absl::SleepFor(options.duration);
  }
  const int ready = stats.ready();
  for (auto& watcher : watchers) watcher->Cancel();
  stats.WaitForDone(options.streams);

  const LatencyHistogram latency = stats.latency();
  const std::map<std::string, int64_t> errors = stats.errors();
  const int64_t expected = posted * ready;
  if (options.json) {
    std::string error_json;
    for (const auto& [code, count] : errors) {
      absl::StrAppend(&error_json, error_json.empty() ? "" : ", ", "\"", code, "\": ", count);
    }
    std::printf(
        "{\"mode\": \"streams\", \"target\": \"%s\", \"article_id\": %lld, \"streams\": %d, "
        "\"streams_ready\": %d, \"connections\": %zu, \"open_seconds\": %.3f, "
        "\"comment_rps\": %.1f, \"comments_posted\": %lld, \"comment_failures\": %lld, "
        "\"events_expected\": %lld, \"events_delivered\": %lld, \"stream_errors\": {%s}, "
        "\"delivery_ms\": {\"p50\": %s, \"p90\": %s, \"p99\": %s, \"max\": %s}}\n",
        options.target.c_str(), static_cast<long long>(article_id), options.streams, ready,
        channels.size(), absl::ToDoubleSeconds(open_time), options.comment_rps,
        static_cast<long long>(posted), static_cast<long long>(post_failures),
        static_cast<long long>(expected), static_cast<long long>(latency.count()),
        error_json.c_str(), Millis(latency.Percentile(50)).c_str(),
        Millis(latency.Percentile(90)).c_str(), Millis(latency.Percentile(99)).c_str(),
        Millis(latency.max()).c_str());
  } else {
    std::printf("streams %d (ready %d) on article %lld over %zu connections, opened in %s\n",
                options.streams, ready, static_cast<long long>(article_id), channels.size(),
                absl::FormatDuration(open_time).c_str());
    std::printf("comments posted %lld at %.1f/s (%lld failed); events delivered %lld of %lld\n",
                static_cast<long long>(posted), options.comment_rps,
                static_cast<long long>(post_failures), static_cast<long long>(latency.count()),
                static_cast<long long>(expected));
    std::printf("commit-to-delivery ms: p50 %s  p90 %s  p99 %s  max %s\n",
                Millis(latency.Percentile(50)).c_str(), Millis(latency.Percentile(90)).c_str(),
                Millis(latency.Percentile(99)).c_str(), Millis(latency.max()).c_str());
    for (const auto& [code, count] : errors) {
      std::printf("streams ended with %s: %lld\n", code.c_str(), static_cast<long long>(count));
    }
  }
  return 0;
}

}  // namespace news::load
