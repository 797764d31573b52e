#ifndef NEWS_TOOLS_LOAD_LOAD_REPORT_H_
#define NEWS_TOOLS_LOAD_LOAD_REPORT_H_

// news-load's results: per-RPC counters and latency histograms, recorded from many gRPC threads
// at once, and the report printed as a table or as JSON.

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/transport/grpc_status.h"
#include "tools/load/latency_histogram.h"

namespace news::load {

struct RpcResult {
  std::string rpc;
  int64_t count = 0;
  // Non-OK calls by status code name (e.g. "DEADLINE_EXCEEDED").
  std::map<std::string, int64_t> errors;
  int64_t error_count = 0;
  // Every call, failed ones included, so that timeouts show up in the tail.
  LatencyHistogram latency;
  // Of the successful calls.
  double response_bytes_sum = 0;
};

// How the run was driven, echoed in the report.
struct RunDescription {
  std::string target;
  // "closed" (--concurrency) or "open" (--rps).
  std::string mode;
  int concurrency = 0;
  double rps = 0;
  int connections = 0;
  double zipf = 0;
  absl::Duration warmup;
  // The measured window: from the end of the warm-up until the last call was sent.
  absl::Duration measured;
};

// Thread-safe collector for one run.
class LoadRecorder {
 public:
  explicit LoadRecorder(const std::vector<std::string>& rpc_names);

  void Record(int rpc_index, grpc::StatusCode code, absl::Duration latency, size_t response_bytes);

  // A copy of the results so far, one per RPC in constructor order.
  std::vector<RpcResult> Results() const;

 private:
  mutable std::mutex mutex_;
  std::vector<RpcResult> results_;
};

// The results with an extra "total" row merged from all of them.
std::vector<RpcResult> WithTotal(std::vector<RpcResult> results);

// A fixed-width table, one row per RPC plus the total, then errors by code.
std::string FormatTable(const RunDescription& run, const std::vector<RpcResult>& results);

// One JSON object: the run description and an "rpcs" array (the last element is "total") with
// count, throughput per second, errors by code, latency_ms {p50, p90, p99, p99_9, max, mean}
// and mean_response_bytes (of successful calls).
std::string FormatJson(const RunDescription& run, const std::vector<RpcResult>& results);

}  // namespace news::load

#endif  // NEWS_TOOLS_LOAD_LOAD_REPORT_H_
