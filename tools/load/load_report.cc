#include "tools/load/load_report.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace news::load {
namespace {

double Millis(absl::Duration duration) { return absl::ToDoubleMilliseconds(duration); }

double Throughput(const RpcResult& result, const RunDescription& run) {
  const double seconds = absl::ToDoubleSeconds(run.measured);
  return seconds > 0 ? static_cast<double>(result.count) / seconds : 0;
}

// Over successful calls only: failed calls carry no response.
double MeanBytes(const RpcResult& result) {
  const int64_t successes = result.count - result.error_count;
  return successes > 0 ? result.response_bytes_sum / static_cast<double>(successes) : 0;
}

std::string LoadDescription(const RunDescription& run) {
  return run.mode == "open" ? absl::StrFormat("open loop at %.0f calls/s", run.rps)
                            : absl::StrFormat("closed loop, %d in flight", run.concurrency);
}

}  // namespace

LoadRecorder::LoadRecorder(const std::vector<std::string>& rpc_names) {
  for (const std::string& name : rpc_names) results_.push_back(RpcResult{.rpc = name});
}

void LoadRecorder::Record(int rpc_index, grpc::StatusCode code, absl::Duration latency,
                          size_t response_bytes) {
  std::lock_guard lock(mutex_);
  RpcResult& result = results_[rpc_index];
  ++result.count;
  result.latency.Record(latency);
  if (code == grpc::StatusCode::OK) {
    result.response_bytes_sum += static_cast<double>(response_bytes);
  } else {
    ++result.errors[StatusCodeName(code)];
    ++result.error_count;
  }
}

std::vector<RpcResult> LoadRecorder::Results() const {
  std::lock_guard lock(mutex_);
  return results_;
}

std::vector<RpcResult> WithTotal(std::vector<RpcResult> results) {
  RpcResult total{.rpc = "total"};
  for (const RpcResult& result : results) {
    total.count += result.count;
    total.error_count += result.error_count;
    for (const auto& [code, count] : result.errors) total.errors[code] += count;
    total.latency.Merge(result.latency);
    total.response_bytes_sum += result.response_bytes_sum;
  }
  results.push_back(std::move(total));
  return results;
}

std::string FormatTable(const RunDescription& run, const std::vector<RpcResult>& results) {
  std::string out = absl::StrFormat(
      "%s: %s over %d connection(s), %.1f s measured after %.1f s warm-up%s\n", run.target,
      LoadDescription(run), run.connections, absl::ToDoubleSeconds(run.measured),
      absl::ToDoubleSeconds(run.warmup),
      run.zipf > 0 ? absl::StrFormat(", Zipf %.2f ids", run.zipf) : ", uniform ids");
  absl::StrAppendFormat(&out, "%-12s %9s %10s %7s %9s %9s %9s %9s %9s %8s\n", "rpc", "count",
                        "calls/s", "errors", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms",
                        "bytes");
  for (const RpcResult& r : results) {
    absl::StrAppendFormat(&out, "%-12s %9d %10.1f %7d %9.3f %9.3f %9.3f %9.3f %9.3f %8.0f\n", r.rpc,
                          r.count, Throughput(r, run), r.error_count,
                          Millis(r.latency.Percentile(50)), Millis(r.latency.Percentile(90)),
                          Millis(r.latency.Percentile(99)), Millis(r.latency.Percentile(99.9)),
                          Millis(r.latency.max()), MeanBytes(r));
  }
  for (const RpcResult& r : results) {
    if (r.errors.empty() || r.rpc == "total") continue;
    absl::StrAppend(&out, "errors of ", r.rpc, ": ",
                    absl::StrJoin(r.errors, ", ", absl::PairFormatter("=")), "\n");
  }
  return out;
}

std::string FormatJson(const RunDescription& run, const std::vector<RpcResult>& results) {
  std::vector<std::string> rpcs;
  for (const RpcResult& r : results) {
    std::vector<std::string> errors;
    for (const auto& [code, count] : r.errors) {
      errors.push_back(absl::StrFormat("\"%s\": %d", code, count));
    }
    rpcs.push_back(absl::StrFormat(
        "{\"rpc\": \"%s\", \"count\": %d, \"throughput\": %.3f, \"error_count\": %d, "
        "\"errors\": {%s}, \"latency_ms\": {\"p50\": %.4f, \"p90\": %.4f, \"p99\": %.4f, "
        "\"p99_9\": %.4f, \"max\": %.4f, \"mean\": %.4f}, \"mean_response_bytes\": %.1f}",
        r.rpc, r.count, Throughput(r, run), r.error_count, absl::StrJoin(errors, ", "),
        Millis(r.latency.Percentile(50)), Millis(r.latency.Percentile(90)),
        Millis(r.latency.Percentile(99)), Millis(r.latency.Percentile(99.9)),
        Millis(r.latency.max()), Millis(r.latency.mean()), MeanBytes(r)));
  }
  return absl::StrFormat(
      "{\"target\": \"%s\", \"mode\": \"%s\", \"concurrency\": %d, \"rps\": %.3f, "
      "\"connections\": %d, \"zipf\": %.3f, \"warmup_s\": %.3f, \"measured_s\": %.3f, "
      "\"rpcs\": [%s]}\n",
      run.target, run.mode, run.concurrency, run.rps, run.connections, run.zipf,
      absl::ToDoubleSeconds(run.warmup), absl::ToDoubleSeconds(run.measured),
      absl::StrJoin(rpcs, ", "));
}

}  // namespace news::load
