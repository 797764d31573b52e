#include "server/app/newsroom_worker.h"

#include <spdlog/spdlog.h>

#include <memory>
#include <pqxx/pqxx>

#include "absl/time/clock.h"
#include "server/storage/newsroom_store.h"

namespace news {
namespace {

// Stamps per statement; a larger backlog is stamped in several transactions in a row.
constexpr int kStampBatch = 1000;

// The session advisory lock (namespace 7302, key 1) whose holder is the sequencer.
bool TryBecomeSequencer(pqxx::connection& db) {
  return pqxx::nontransaction(db).exec("SELECT pg_try_advisory_lock(7302, 1)")[0][0].as<bool>();
}

}  // namespace

NewsroomWorker::NewsroomWorker(NewsroomWorkerOptions options)
    : options_(std::move(options)), thread_([this] { Run(); }) {}

NewsroomWorker::~NewsroomWorker() { Stop(); }

void NewsroomWorker::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    wake_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

void NewsroomWorker::Run() {
  std::unique_ptr<pqxx::connection> db;
  bool sequencer = false;
  absl::Time next_lifecycle = absl::InfinitePast();
  absl::Time next_prune = absl::InfinitePast();
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    bool failed = false;
    try {
      if (!db || !db->is_open()) {
        sequencer = false;
        db = std::make_unique<pqxx::connection>(options_.database_url);
      }
      if (!sequencer && (sequencer = TryBecomeSequencer(*db))) {
        spdlog::info("this instance sequences the change log");
      }
      if (sequencer) {
        // Autocommit: each stamping call is its own transaction.
        pqxx::nontransaction tx(*db);
        storage::NewsroomStore store(tx);
        while (store.StampChanges(kStampBatch) == kStampBatch) {
        }
        if (absl::Now() >= next_prune) {
          next_prune = absl::Now() + options_.prune_interval;
          const storage::NewsroomStore::Pruned pruned = store.Prune(options_.retention);
          if (pruned.changes > 0 || pruned.articles > 0) {
            spdlog::info("pruned {} changes and {} deleted articles", pruned.changes,
                         pruned.articles);
          }
        }
      }
      if (absl::Now() >= next_lifecycle) {
        next_lifecycle = absl::Now() + options_.lifecycle_interval;
        pqxx::nontransaction tx(*db);
        const storage::NewsroomStore::Advance advance =
            storage::NewsroomStore(tx).AdvanceLifecycle();
        if (advance.published > 0 || advance.expired > 0) {
          spdlog::info("scheduler published {} and expired {} articles", advance.published,
                       advance.expired);
        }
      }
    } catch (const std::exception& e) {
      spdlog::warn("newsroom background work: {}", e.what());
      db.reset();
      failed = true;
    }
    lock.lock();
    // After a failure (the database is away) retry once a second rather than every tick.
    wake_.wait_for(
        lock, absl::ToChronoMilliseconds(failed ? absl::Seconds(1) : options_.sequencer_interval),
        [this] { return stopping_; });
  }
}

}  // namespace news
