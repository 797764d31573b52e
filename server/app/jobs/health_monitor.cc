#include "server/app/jobs/health_monitor.h"

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
    pqxx::nontransaction(*connection_).exec("SELECT 1");
    serving = true;
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
