#include "server/app/jobs/change_log/change_log_follower.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "absl/time/clock.h"
#include "server/storage/newsroom/newsroom_store.h"

namespace news {
namespace {

// The sequencer's channel (0012_article_lifecycle.sql, stamp_change_log()).
constexpr char kChannel[] = "change_log";
// Changes read per statement; a larger backlog is read in several in a row.
constexpr int kReadBatch = 1000;
// How long one tick waits for a notification: the longest Stop() waits for a tick.
constexpr long kWaitMicroseconds = 100'000;
// The pause between ticks (only a disconnected follower's ticks return at once).
constexpr absl::Duration kTickInterval = absl::Milliseconds(5);

}  // namespace

// Notes that a notification came; the tick that waited for it then reads the log.
class ChangeLogFollower::Receiver : public pqxx::notification_receiver {
 public:
  explicit Receiver(pqxx::connection_base& db) : pqxx::notification_receiver(db, kChannel) {}
  void operator()(const std::string& /*payload*/, int /*backend_pid*/) override {}
};

ChangeLogFollower::ChangeLogFollower(ChangeLogFollowerOptions options,
                                     std::vector<ChangeSubscriber*> subscribers,
                                     ServerMetrics& metrics)
    : options_(std::move(options)),
      subscribers_(std::move(subscribers)),
      task_(kTickInterval, PeriodicTask::FirstRun::kAtStart, [this] { Tick(); }) {
  metrics.AddSampledGauge("news_change_log_follower_listening",
                          "1 while the change-log follower listens to the change log",
                          [this] { return listening_.load() ? 1.0 : 0.0; });
  metrics.AddSampledCounter("news_change_log_followed_total",
                            "Change-log rows read and handed to the follower's subscribers", {},
                            [this] { return static_cast<double>(followed_.load()); });
  metrics.AddSampledCounter(
      "news_cache_flushes_total",
      "Change-log follower session resets (each a whole-cache flush): (re)connections and lost sessions", {},
      [this] { return static_cast<double>(flushes_.load()); });
}

ChangeLogFollower::~ChangeLogFollower() { Stop(); }

void ChangeLogFollower::Stop() {
  task_.Stop();
  Disconnect();
}

void ChangeLogFollower::Tick() {
  if (absl::Now() < next_attempt_) return;
  const bool was_connected = db_ != nullptr;
  try {
    if (!was_connected) Connect();
    const bool notified = db_->await_notification(0, kWaitMicroseconds) > 0;
    // A session the server ended is noticed by the wait; this also catches a connection that
    // libpqxx reopened behind our back, which would no longer be listening.
    if (!db_->is_open() || db_->backendpid() != backend_pid_) {
      throw pqxx::broken_connection("the change follower's session changed");
    }
    if (notified || absl::Now() >= next_poll_) Follow();
  } catch (const std::exception& e) {
    spdlog::warn("change-log follower: {}; resetting its subscribers", e.what());
    Disconnect();
    ResetSubscribers();
    // A lost session is reopened at once; a failed reopening is retried a second later.
    next_attempt_ = was_connected ? absl::InfinitePast() : absl::Now() + absl::Seconds(1);
  }
}

void ChangeLogFollower::Connect() {
  db_ = std::make_unique<pqxx::connection>(options_.database_url);
  pqxx::nontransaction(*db_).exec("SET application_name = " +
                                  db_->quote(options_.application_name));
  receiver_ = std::make_unique<Receiver>(*db_);
  backend_pid_ = db_->backendpid();
  // Listening before reading the position: a change stamped after it is both notified and read.
  if (cursor_ < 0) {
    pqxx::nontransaction tx(*db_);
    cursor_ = storage::NewsroomStore(tx).LastPosition();
  }
  ResetSubscribers();
  listening_ = true;
  // Changes stamped while the session was away are read at once.
  next_poll_ = absl::InfinitePast();
}

void ChangeLogFollower::Disconnect() {
  listening_ = false;
  receiver_.reset();
  db_.reset();
}

void ChangeLogFollower::Follow() {
  next_poll_ = absl::Now() + options_.poll_interval;
  pqxx::nontransaction tx(*db_);
  storage::NewsroomStore store(tx);
  std::vector<storage::Change> changes;
  do {
    changes = store.ListChangesAfter(cursor_, kReadBatch);
    if (changes.empty()) break;
    if (options_.routing != nullptr) {
      // The batch is committed, so the insert position now is past every change in it.
      const pqxx::row row = tx.exec1("SELECT pg_current_wal_insert_lsn()::text");
      if (const std::optional<db::Lsn> lsn = db::ParseLsn(row[0].c_str())) {
        options_.routing->RaiseFloor(*lsn);
      }
    }
    for (ChangeSubscriber* subscriber : subscribers_) subscriber->OnChanges(changes);
    cursor_ = changes.back().position;
    followed_.fetch_add(static_cast<int64_t>(changes.size()), std::memory_order_relaxed);
  } while (changes.size() == static_cast<size_t>(kReadBatch));
}

void ChangeLogFollower::ResetSubscribers() {
  for (ChangeSubscriber* subscriber : subscribers_) subscriber->OnSessionReset();
  flushes_.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace news
