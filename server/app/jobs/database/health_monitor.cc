#include "server/app/jobs/database/health_monitor.h"

#include <spdlog/spdlog.h>

#include <utility>

namespace news {

HealthMonitor::HealthMonitor(std::string database_url, grpc::HealthCheckServiceInterface& health,
                             ServerMetrics& metrics)
    : database_url_(std::move(database_url)),
      health_(health),
      task_(absl::Milliseconds(500), PeriodicTask::FirstRun::kAtStart, [this] { Probe(); }) {
  metrics.AddSampledGauge("news_database_up",
                          "1 while the database answers the health probe, else 0",
                          [this] { return serving_.load() ? 1.0 : 0.0; });
}

void HealthMonitor::Probe() {
  bool serving = false;
  try {
    if (!connection_ || !connection_->is_open()) {
      connection_ = std::make_unique<pqxx::connection>(database_url_);
    }
    const pqxx::row row =
        pqxx::nontransaction(*connection_).exec1("SELECT current_setting('transaction_read_only')");
    serving = true;
    // After a failover the old primary may still answer, read-only: the next probe reopens the
    // session from the URL, which finds the new primary (docs/read-routing.md).
    if (row[0].as<std::string>() == "on") connection_.reset();
  } catch (const std::exception& e) {
    connection_.reset();
  }
  serving_ = serving;
  if (reported_ && serving == last_serving_) return;
  health_.SetServingStatus(serving);
  spdlog::info("database {}; health {}", serving ? "reachable" : "unreachable",
               serving ? "SERVING" : "NOT_SERVING");
  reported_ = true;
  last_serving_ = serving;
}

}  // namespace news
