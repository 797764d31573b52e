#include "server/app/metrics.h"

#include <prometheus/metric_family.h>

#include "absl/strings/str_cat.h"

namespace news {

class ServerMetrics::SampledMetrics : public prometheus::Collectable {
 public:
  void Add(const std::string& name, const std::string& help, prometheus::MetricType type,
           const std::map<std::string, std::string>& labels, std::function<double()> sample) {
    std::lock_guard lock(mutex_);
    series_.push_back(Series{name, help, type, labels, std::move(sample)});
  }

  std::vector<prometheus::MetricFamily> Collect() const override {
    std::lock_guard lock(mutex_);
    // The text format wants each family once, with all its series together.
    std::vector<prometheus::MetricFamily> families;
    std::map<std::string, size_t> family_index;
    for (const Series& series : series_) {
      auto [it, added] = family_index.emplace(series.name, families.size());
      if (added) {
        families.push_back(prometheus::MetricFamily{series.name, series.help, series.type, {}});
      }
      prometheus::ClientMetric metric;
      for (const auto& [label, value] : series.labels) metric.label.push_back({label, value});
      if (series.type == prometheus::MetricType::Counter) {
        metric.counter.value = series.sample();
      } else {
        metric.gauge.value = series.sample();
      }
      families[it->second].metric.push_back(std::move(metric));
    }
    return families;
  }

 private:
  struct Series {
    std::string name;
    std::string help;
    prometheus::MetricType type;
    std::map<std::string, std::string> labels;
    std::function<double()> sample;
  };

  mutable std::mutex mutex_;
  std::vector<Series> series_;
};

ServerMetrics::ServerMetrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      sampled_(std::make_shared<SampledMetrics>()),
      rpc_(*registry_),
      pool_wait_(prometheus::BuildHistogram()
                     .Name("news_db_pool_wait_seconds")
                     .Help("Time a database job waited in the pool queue for a worker")
                     .Register(*registry_)
                     .Add({}, prometheus::Histogram::BucketBoundaries{0.0005, 0.001, 0.0025, 0.005,
                                                                      0.01, 0.025, 0.05, 0.1, 0.25,
                                                                      0.5, 1, 2.5, 5})),
      job_retries_(prometheus::BuildCounter()
                       .Name("news_db_job_retries_total")
                       .Help("Database jobs run again on a fresh connection after theirs broke")
                       .Register(*registry_)
                       .Add({})) {}

std::unique_ptr<ServerMetrics> ServerMetrics::Create() {
  return std::unique_ptr<ServerMetrics>(new ServerMetrics());
}

absl::Status ServerMetrics::Serve(const std::string& listen_address) {
  if (listen_address.empty()) return absl::OkStatus();
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(listen_address, 1);
  } catch (const std::exception&) {
    // CivetServer's own message ("null context when constructing CivetServer") says nothing a
    // user can act on; the same wording as for --listen does.
    return absl::UnavailableError(absl::StrCat("cannot serve metrics on ", listen_address,
                                               " (--metrics_listen): the address is in use or "
                                               "cannot be bound"));
  }
  exposer_->RegisterCollectable(registry_);
  exposer_->RegisterCollectable(sampled_);
  const std::vector<int> ports = exposer_->GetListeningPorts();
  port_ = ports.empty() ? 0 : ports.front();
  return absl::OkStatus();
}

ServerMetrics::~ServerMetrics() { StopServing(); }

void ServerMetrics::AddSampledGauge(const std::string& name, const std::string& help,
                                    std::function<double()> sample) {
  sampled_->Add(name, help, prometheus::MetricType::Gauge, {}, std::move(sample));
}

void ServerMetrics::AddSampledGauge(const std::string& name, const std::string& help,
                                    const std::map<std::string, std::string>& labels,
                                    std::function<double()> sample) {
  sampled_->Add(name, help, prometheus::MetricType::Gauge, labels, std::move(sample));
}

void ServerMetrics::AddSampledCounter(const std::string& name, const std::string& help,
                                      const std::map<std::string, std::string>& labels,
                                      std::function<double()> sample) {
  sampled_->Add(name, help, prometheus::MetricType::Counter, labels, std::move(sample));
}

void ServerMetrics::AddPoolGauges(const std::string& prefix, const std::string& kind,
                                  const db::DatabasePool& pool, int connections) {
  AddSampledGauge(absl::StrCat(prefix, "_queue_length"),
                  absl::StrCat(kind, " jobs waiting for a pool worker"),
                  [&pool] { return static_cast<double>(pool.queue_length()); });
  AddSampledGauge(absl::StrCat(prefix, "_connections_in_use"),
                  absl::StrCat(kind, " pool workers running a job"),
                  [&pool] { return static_cast<double>(pool.in_use()); });
  AddSampledGauge(absl::StrCat(prefix, "_connections"),
                  absl::StrCat(kind, " pool workers (connections)"),
                  [connections] { return static_cast<double>(connections); });
}

void ServerMetrics::StopServing() {
  exposer_.reset();
  port_ = 0;
}

void ServerMetrics::OnJobDequeued(absl::Duration waited) {
  pool_wait_.Observe(absl::ToDoubleSeconds(waited));
}

void ServerMetrics::OnJobRetried() { job_retries_.Increment(); }

}  // namespace news
