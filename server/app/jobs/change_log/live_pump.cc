#include "server/app/jobs/change_log/live_pump.h"

#include <spdlog/spdlog.h>

#include "absl/time/clock.h"

namespace news {
namespace {

// How long one tick waits for work: the longest Stop() waits for a tick.
constexpr absl::Duration kWait = absl::Milliseconds(100);
constexpr absl::Duration kTickInterval = absl::Milliseconds(1);
constexpr absl::Duration kRetryAfter = absl::Milliseconds(200);
constexpr absl::Duration kRunDeadline = absl::Seconds(5);

}  // namespace

LivePump::LivePump(LiveHub& hub, db::DatabasePool& pool, ServerMetrics& metrics)
    : hub_(hub),
      pool_(pool),
      task_(kTickInterval, PeriodicTask::FirstRun::kAtStart, [this] { Tick(); }) {
  metrics.AddSampledGauge("news_live_streams", "Open news.v1.LiveService streams",
                          [this] { return static_cast<double>(hub_.open_streams()); });
  metrics.AddSampledCounter("news_live_events_sent_total", "Live stream events written to clients",
                            {}, [this] { return static_cast<double>(hub_.events_sent()); });
  metrics.AddSampledCounter(
      "news_live_streams_cut_off_total",
      "Live streams ended with RESOURCE_EXHAUSTED because their client read too slowly", {},
      [this] { return static_cast<double>(hub_.streams_cut_off()); });
}

void LivePump::Tick() {
  if (absl::Now() < next_attempt_) return;
  if (!hub_.WaitForWork(kWait)) return;
  const absl::Status status = RunOnPoolAndWait(
      pool_, absl::Now() + kRunDeadline, db::RetryPolicy::kRetryOnLostConnection,
      [this](pqxx::connection& db) {
        hub_.Process(db);
        return absl::OkStatus();
      });
  if (status.ok()) {
    if (failing_) spdlog::info("live hub: delivering again");
    failing_ = false;
    return;
  }
  // What failed stays queued in the hub and is delivered by the next run.
  if (!failing_) spdlog::warn("live hub: {}; retrying", status.ToString());
  failing_ = true;
  next_attempt_ = absl::Now() + kRetryAfter;
}

}  // namespace news
