#ifndef NEWS_SERVER_TRANSPORT_METRICS_INTERCEPTOR_H_
#define NEWS_SERVER_TRANSPORT_METRICS_INTERCEPTOR_H_

// Observes every gRPC call without the services knowing: Prometheus counters and latency
// histograms per method and status code, and one access-log line per call with its request id.
//
// The request id is the caller's `x-request-id` metadata when it is a short token of
// [A-Za-z0-9._-], or a generated one; it is sent back in the `x-request-id` trailer. Nothing else
// of the metadata is logged, so admin tokens (`authorization`) never reach the logs.
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

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/transport/grpc_status.h"

namespace news {

// The per-method series, named like go-grpc-prometheus's so existing dashboards work:
//   grpc_server_started_total{grpc_service, grpc_method}
//   grpc_server_handled_total{grpc_service, grpc_method, grpc_code}
//   grpc_server_handling_seconds{grpc_service, grpc_method} (histogram)
class RpcMetrics {
 public:
  explicit RpcMetrics(prometheus::Registry& registry);

  // `full_method` is "/package.Service/Method".
  void RecordStarted(absl::string_view full_method);
  void RecordHandled(absl::string_view full_method, grpc::StatusCode code, absl::Duration latency);

 private:
  prometheus::Family<prometheus::Counter>& started_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Histogram>& latency_;
};

class MetricsInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  // `metrics` must outlive the server.
  explicit MetricsInterceptorFactory(RpcMetrics& metrics) : metrics_(metrics) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  RpcMetrics& metrics_;
};

// `value` as a logfmt value: as it is when it is a plain token, otherwise double-quoted with
// backslash escapes for quotes, backslashes, line breaks and other control bytes.
std::string LogfmtQuote(absl::string_view value);

}  // namespace news

#endif  // NEWS_SERVER_TRANSPORT_METRICS_INTERCEPTOR_H_
