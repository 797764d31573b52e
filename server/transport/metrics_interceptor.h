#ifndef NEWS_SERVER_TRANSPORT_METRICS_INTERCEPTOR_H_
#define NEWS_SERVER_TRANSPORT_METRICS_INTERCEPTOR_H_

// Observes every gRPC call without the services knowing: Prometheus counters and latency
// histograms per method and status code, and one access-log line per call with its request id.
//
// The request id is the caller's `x-request-id` metadata when it is a short token of
// [A-Za-z0-9._-], or a generated one. It is sent back in the `x-request-id` trailer when the
// caller sent one or the call failed (a successful call without one gets no trailer and, unless
// it is logged, no id). Nothing else of the metadata is logged, so admin tokens
// (`authorization`) never reach the logs.
//
// A request that protobuf cannot parse (typically invalid UTF-8 in a proto3 string field, which
// gRPC would answer with a bare UNIMPLEMENTED) is answered INVALID_ARGUMENT with ErrorInfo reason
// MALFORMED_REQUEST. Handlers that parse leniently (server/transport/lenient_request.h) name the
// bad field instead.

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/server_interceptor.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/transport/grpc_status.h"

namespace news {

// The per-method series, named like go-grpc-prometheus's so existing dashboards work:
//   grpc_server_started_total{grpc_service, grpc_method}
//   grpc_server_handled_total{grpc_service, grpc_method, grpc_code}
//   grpc_server_handling_seconds{grpc_service, grpc_method} (histogram)
class RpcMetrics {
 public:
  static constexpr size_t kGrpcStatusCodeCount = grpc::StatusCode::UNAUTHENTICATED + 1;

  explicit RpcMetrics(prometheus::Registry& registry);

  // The series of one method, created on first use and kept for the server's life, so that a
  // call updates them without building label sets.
  class MethodSeries {
   public:
    void RecordStarted() { started_.Increment(); }
    void RecordHandled(grpc::StatusCode code, absl::Duration latency);

   private:
    friend class RpcMetrics;
    MethodSeries(RpcMetrics& metrics, std::string service, std::string method);

    RpcMetrics& metrics_;
    const std::string service_;
    const std::string method_;
    prometheus::Counter& started_;
    prometheus::Histogram& latency_;
    // By status code, created when a code first occurs.
    std::array<std::atomic<prometheus::Counter*>, kGrpcStatusCodeCount> handled_{};
  };

  // `full_method` is "/package.Service/Method".
  MethodSeries& SeriesFor(absl::string_view full_method);

 private:
  prometheus::Family<prometheus::Counter>& started_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Histogram>& latency_;
  absl::Mutex mutex_;
  absl::flat_hash_map<std::string, std::unique_ptr<MethodSeries>> series_ ABSL_GUARDED_BY(mutex_);
};

// Told about every call when its metadata arrives, with that metadata and the peer's address.
using CallStartObserver = std::function<void(
    const std::multimap<grpc::string_ref, grpc::string_ref>& metadata, const std::string& peer)>;

class MetricsInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  // `metrics` must outlive the server. `on_call_start` (optional) is for other per-call
  // bookkeeping (site statistics): it rides on this interceptor because every interceptor costs
  // each call several microseconds inside gRPC.
  explicit MetricsInterceptorFactory(RpcMetrics& metrics, CallStartObserver on_call_start = {})
      : metrics_(metrics), on_call_start_(std::move(on_call_start)) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  RpcMetrics& metrics_;
  const CallStartObserver on_call_start_;
};

// `value` as a logfmt value: as it is when it is a plain token, otherwise double-quoted with
// backslash escapes for quotes, backslashes, line breaks and other control bytes.
std::string LogfmtQuote(absl::string_view value);

}  // namespace news

#endif  // NEWS_SERVER_TRANSPORT_METRICS_INTERCEPTOR_H_
