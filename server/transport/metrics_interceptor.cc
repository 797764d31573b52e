#include "server/transport/metrics_interceptor.h"

#include <spdlog/spdlog.h>

#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "server/transport/grpc_status.h"

namespace news {
namespace {

using grpc::experimental::InterceptionHookPoints;

constexpr size_t kMaxRequestIdLength = 64;
// Error messages can echo request data; the access log keeps only their start.
constexpr size_t kMaxLoggedErrorLength = 200;

struct MethodLabels {
  std::string service;
  std::string method;
};

MethodLabels SplitMethod(absl::string_view full_method) {
  absl::string_view rest = full_method;
  if (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  const size_t slash = rest.find('/');
  if (slash == absl::string_view::npos) return {std::string(rest), ""};
  return {std::string(rest.substr(0, slash)), std::string(rest.substr(slash + 1))};
}

bool IsAcceptableRequestId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdLength) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

std::string GenerateRequestId() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return absl::StrFormat("%016x", generator());
}

class MetricsInterceptor : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(RpcMetrics::MethodSeries& series, const CallStartObserver& on_call_start,
                     grpc::experimental::ServerRpcInfo* info)
      : series_(series), on_call_start_(on_call_start), info_(info), start_(absl::Now()) {
    series_.RecordStarted();
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      const auto* metadata = methods->GetRecvInitialMetadata();
      const auto found = metadata->find("x-request-id");
      if (found != metadata->end()) {
        caller_sent_request_id_ = true;
        const absl::string_view id(found->second.data(), found->second.size());
        if (IsAcceptableRequestId(id)) request_id_ = std::string(id);
      }
      if (on_call_start_) on_call_start_(*metadata, info_->server_context()->peer());
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() == nullptr) {
      request_unparseable_ = true;
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      if (request_unparseable_ && !methods->GetSendStatus().ok()) {
        methods->ModifySendStatus(ToGrpcStatus(MalformedRequestError()));
      }
      const grpc::Status status = methods->GetSendStatus();
      const bool logged = spdlog::should_log(spdlog::level::info);
      // Ids cost a little on every call; they are made only where someone can see them.
      const bool returned = caller_sent_request_id_ || !status.ok();
      if (request_id_.empty() && (logged || returned)) request_id_ = GenerateRequestId();
      if (returned) methods->GetSendTrailingMetadata()->emplace("x-request-id", request_id_);
      Finish(status, logged);
    }
    methods->Proceed();
  }

 private:
  void Finish(const grpc::Status& status, bool logged) {
    const absl::Duration latency = absl::Now() - start_;
    series_.RecordHandled(status.error_code(), latency);
    if (!logged) return;
    std::string line = absl::StrCat(
        "event=rpc method=", LogfmtQuote(info_->method()),
        " code=", StatusCodeName(status.error_code()),
        " ms=", absl::StrFormat("%.3f", absl::ToDoubleMilliseconds(latency)),
        " request_id=", request_id_, " peer=", LogfmtQuote(info_->server_context()->peer()));
    if (!status.ok()) {
      absl::StrAppend(
          &line, " error=",
          LogfmtQuote(absl::string_view(status.error_message()).substr(0, kMaxLoggedErrorLength)));
    }
    spdlog::info("{}", line);
  }

  RpcMetrics::MethodSeries& series_;
  const CallStartObserver& on_call_start_;
  grpc::experimental::ServerRpcInfo* info_;
  const absl::Time start_;
  std::string request_id_;
  bool caller_sent_request_id_ = false;
  bool request_unparseable_ = false;
};

}  // namespace

RpcMetrics::RpcMetrics(prometheus::Registry& registry)
    : started_(prometheus::BuildCounter()
                   .Name("grpc_server_started_total")
                   .Help("RPCs started on the server")
                   .Register(registry)),
      handled_(prometheus::BuildCounter()
                   .Name("grpc_server_handled_total")
                   .Help("RPCs completed on the server, by status code")
                   .Register(registry)),
      latency_(prometheus::BuildHistogram()
                   .Name("grpc_server_handling_seconds")
                   .Help("Time from the start of an RPC to its status being sent")
                   .Register(registry)) {}

RpcMetrics::MethodSeries& RpcMetrics::SeriesFor(absl::string_view full_method) {
  {
    absl::ReaderMutexLock lock(&mutex_);
    if (auto it = series_.find(full_method); it != series_.end()) return *it->second;
  }
  MethodLabels labels = SplitMethod(full_method);
  absl::MutexLock lock(&mutex_);
  std::unique_ptr<MethodSeries>& series = series_[full_method];
  if (!series) {
    series.reset(new MethodSeries(*this, std::move(labels.service), std::move(labels.method)));
  }
  return *series;
}

RpcMetrics::MethodSeries::MethodSeries(RpcMetrics& metrics, std::string service, std::string method)
    : metrics_(metrics),
      service_(std::move(service)),
      method_(std::move(method)),
      started_(metrics.started_.Add({{"grpc_service", service_}, {"grpc_method", method_}})),
      latency_(metrics.latency_.Add(
          {{"grpc_service", service_}, {"grpc_method", method_}},
          prometheus::Histogram::BucketBoundaries{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                  0.25, 0.5, 1, 2.5, 5, 10})) {}

void RpcMetrics::MethodSeries::RecordHandled(grpc::StatusCode code, absl::Duration latency) {
  latency_.Observe(absl::ToDoubleSeconds(latency));
  const auto index = static_cast<size_t>(code);
  prometheus::Counter* counter =
      index < handled_.size() ? handled_[index].load(std::memory_order_acquire) : nullptr;
  if (counter == nullptr) {
    // Family::Add returns the existing series for known labels, so a race only repeats it.
    counter = &metrics_.handled_.Add({{"grpc_service", service_},
                                      {"grpc_method", method_},
                                      {"grpc_code", StatusCodeName(code)}});
    if (index < handled_.size()) handled_[index].store(counter, std::memory_order_release);
  }
  counter->Increment();
}

grpc::experimental::Interceptor* MetricsInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new MetricsInterceptor(metrics_.SeriesFor(info->method()), on_call_start_, info);
}

std::string LogfmtQuote(absl::string_view value) {
  bool plain = !value.empty();
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= ' ' || c == '"' || c == '=' || c == '\\' || byte == 0x7f) plain = false;
  }
  if (plain) return std::string(value);
  std::string quoted = "\"";
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        quoted += "\\\"";
        break;
      case '\\':
        quoted += "\\\\";
        break;
      case '\n':
        quoted += "\\n";
        break;
      case '\r':
        quoted += "\\r";
        break;
      case '\t':
        quoted += "\\t";
        break;
      default:
        if (byte < 0x20 || byte == 0x7f) {
          absl::StrAppend(&quoted, absl::StrFormat("\\x%02x", byte));
        } else {
          quoted += c;
        }
    }
  }
  quoted += '"';
  return quoted;
}

}  // namespace news
