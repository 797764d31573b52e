#include "server/app/jobs/articles/newsroom_worker.h"

#include <spdlog/spdlog.h>

#include "absl/time/clock.h"
#include "server/storage/newsroom/newsroom_store.h"

namespace news {
namespace {

// Stamps per statement; a larger backlog is stamped in several transactions in a row.
constexpr int kStampBatch = 1000;

// The session advisory lock (namespace 7302, key 1) whose holder is the sequencer.
bool TryBecomeSequencer(pqxx::connection& db) {
  return pqxx::nontransaction(db).exec("SELECT pg_try_advisory_lock(7302, 1)")[0][0].as<bool>();
}

}  // namespace

NewsroomWorker::NewsroomWorker(NewsroomWorkerOptions options, ServerMetrics& metrics)
    : options_(std::move(options)),
      task_(options_.sequencer_interval, PeriodicTask::FirstRun::kAtStart, [this] { Tick(); }) {
  metrics.AddSampledGauge("news_change_log_sequencer",
                          "1 while this instance stamps change-log positions, else 0",
                          [this] { return sequencer_.load() ? 1.0 : 0.0; });
  metrics.AddSampledCounter("news_change_log_stamped_total",
                            "Change-log rows this instance gave a position", {},
                            [this] { return static_cast<double>(stamped_.load()); });
  metrics.AddSampledCounter("news_articles_published_by_schedule_total",
                            "Scheduled articles this instance published when their time came", {},
                            [this] { return static_cast<double>(published_.load()); });
  metrics.AddSampledCounter("news_articles_expired_total",
                            "Published articles this instance expired at their expire_time", {},
                            [this] { return static_cast<double>(expired_.load()); });
}

void NewsroomWorker::Stop() {
  task_.Stop();
  db_.reset();
  sequencer_ = false;
}

void NewsroomWorker::Tick() {
  // While the database is away, try once a second rather than every tick.
  if (absl::Now() < next_attempt_) return;
  try {
    if (!db_ || !db_->is_open()) {
      sequencer_ = false;
      db_ = std::make_unique<pqxx::connection>(options_.database_url);
    }
    if (!sequencer_ && TryBecomeSequencer(*db_)) {
      sequencer_ = true;
      spdlog::info("this instance sequences the change log");
    }
    if (sequencer_) {
      // Autocommit: each stamping call is its own transaction.
      pqxx::nontransaction tx(*db_);
      storage::NewsroomStore store(tx);
      int64_t stamped;
      do {
        stamped = store.StampChanges(kStampBatch);
        stamped_.fetch_add(stamped, std::memory_order_relaxed);
      } while (stamped == kStampBatch);
      if (absl::Now() >= next_prune_) {
        next_prune_ = absl::Now() + options_.prune_interval;
        const storage::NewsroomStore::Pruned pruned = store.Prune(options_.retention);
        if (pruned.changes > 0 || pruned.articles > 0) {
          spdlog::info("pruned {} changes and {} deleted articles", pruned.changes,
                       pruned.articles);
        }
      }
    }
    if (absl::Now() >= next_lifecycle_) {
      next_lifecycle_ = absl::Now() + options_.lifecycle_interval;
      pqxx::nontransaction tx(*db_);
      const storage::NewsroomStore::Advance advance =
          storage::NewsroomStore(tx).AdvanceLifecycle();
      published_.fetch_add(advance.published, std::memory_order_relaxed);
      expired_.fetch_add(advance.expired, std::memory_order_relaxed);
      if (advance.published > 0 || advance.expired > 0) {
        spdlog::info("scheduler published {} and expired {} articles", advance.published,
                     advance.expired);
      }
    }
  } catch (const std::exception& e) {
    spdlog::warn("newsroom background work: {}", e.what());
    db_.reset();
    sequencer_ = false;
    next_attempt_ = absl::Now() + absl::Seconds(1);
  }
}

}  // namespace news
