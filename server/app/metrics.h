#ifndef NEWS_SERVER_APP_METRICS_H_
#define NEWS_SERVER_APP_METRICS_H_

// The server's Prometheus metrics and the HTTP endpoint that serves them (GET /metrics on its own
// port, apart from gRPC). docs/operations.md lists the series.

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "server/db/database_pool.h"
#include "server/domain/response_cache.h"
#include "server/transport/metrics_interceptor.h"

namespace news {

class ServerMetrics : public db::PoolObserver {
 public:
  // Metrics kept in memory until Serve().
  static std::unique_ptr<ServerMetrics> Create();

  ~ServerMetrics() override;

  RpcMetrics& rpc() { return rpc_; }

  // Serves the metrics over HTTP on `listen_address` (HOST:PORT, port 0 picks a free one); an
  // empty address keeps them in memory only. Unavailable, naming the address, when it cannot be
  // bound. Called at most once.
  absl::Status Serve(const std::string& listen_address);

  // The bound HTTP port; 0 when not serving.
  int port() const { return port_; }

  // Adds a gauge whose value `sample` reads at every scrape, for state that other components own:
  // database pool queue and connections in use, moderation queue length, pending view counts.
  // `sample` runs on the HTTP thread; it must be thread-safe and cheap (no database queries), and
  // stay callable until StopServing(). `name` must be a valid, unused Prometheus metric name.
  void AddSampledGauge(const std::string& name, const std::string& help,
                       std::function<double()> sample);
  // One series of such a gauge; series added under the same `name` form one family and must
  // differ in `labels` and share `help` (per-host gauges of the topology probe).
  void AddSampledGauge(const std::string& name, const std::string& help,
                       const std::map<std::string, std::string>& labels,
                       std::function<double()> sample);

  // Adds one series of a counter whose value `sample` reads at every scrape, for monotonic counts
  // that other components keep (cache hits and misses). Series added under the same `name` form
  // one family and must differ in `labels` and share `help`. Same rules for `sample` and `name`
  // as AddSampledGauge.
  void AddSampledCounter(const std::string& name, const std::string& help,
                         const std::map<std::string, std::string>& labels,
                         std::function<double()> sample);

  // `pool`'s queue length, busy connections and size (`connections`) as gauges named
  // `prefix`_queue_length etc., whose help texts start with `kind`. `pool` must stay alive until
  // StopServing().
  void AddPoolGauges(const std::string& prefix, const std::string& kind,
                     const db::DatabasePool& pool, int connections);

  // `cache`'s hits, misses, coalesced reads and refreshes as news_cache_*_total counters with
  // label cache=`name`. `cache` must stay alive until StopServing().
  template <typename Key, typename Value>
  void AddCacheCounters(const std::string& name, const ResponseCache<Key, Value>& cache);

  // Stops the HTTP endpoint; sampled gauges are not read afterwards. Call before destroying what
  // they sample. Idempotent.
  void StopServing();

  void OnJobDequeued(absl::Duration waited) override;
  void OnJobRetried() override;

 private:
  class SampledMetrics;

  ServerMetrics();

  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<SampledMetrics> sampled_;
  RpcMetrics rpc_;
  prometheus::Histogram& pool_wait_;
  prometheus::Counter& job_retries_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_ = 0;
};

template <typename Key, typename Value>
void ServerMetrics::AddCacheCounters(const std::string& name,
                                     const ResponseCache<Key, Value>& cache) {
  const std::map<std::string, std::string> labels = {{"cache", name}};
  AddSampledCounter("news_cache_hits_total", "Reads answered from an in-memory response cache",
                    labels, [&cache] { return static_cast<double>(cache.hits()); });
  AddSampledCounter("news_cache_misses_total", "Cacheable reads that started a database read",
                    labels, [&cache] { return static_cast<double>(cache.misses()); });
  AddSampledCounter("news_cache_coalesced_total",
                    "Cacheable reads that waited for a database read another call had started",
                    labels, [&cache] { return static_cast<double>(cache.coalesced()); });
  AddSampledCounter("news_cache_refreshes_total",
                    "Background re-reads of cached entries older than the refresh age", labels,
                    [&cache] { return static_cast<double>(cache.refreshes()); });
  AddSampledGauge("news_cache_bytes",
                  "Bytes of keys and serialized responses held by an in-memory response cache",
                  labels, [&cache] { return static_cast<double>(cache.bytes()); });
}

}  // namespace news

#endif  // NEWS_SERVER_APP_METRICS_H_
