#include "server/app/jobs/change_log_follower.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "absl/strings/match.h"
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

ChangeLogFollower::ChangeLogFollower(ChangeLogFollowerOptions options, ArticleCache& articles,
                                     FeedPageCache& feeds, ServerMetrics& metrics)
    : options_(std::move(options)),
      articles_(articles),
      feeds_(feeds),
      task_(kTickInterval, PeriodicTask::FirstRun::kAtStart, [this] { Tick(); }) {
  metrics.AddSampledGauge("news_change_log_follower_listening",
                          "1 while the cache invalidation follower listens to the change log",
                          [this] { return listening_.load() ? 1.0 : 0.0; });
  metrics.AddSampledCounter("news_change_log_followed_total",
                            "Change-log rows read to invalidate the response caches", {},
                            [this] { return static_cast<double>(followed_.load()); });
  metrics.AddSampledCounter(
      "news_cache_flushes_total",
      "Whole-cache flushes when the change-log follower (re)connects or loses its session", {},
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
    spdlog::warn("change-log follower: {}; flushing the response caches", e.what());
    Disconnect();
    Flush();
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
  pqxx::nontransaction tx(*db_);
  cursor_ = storage::NewsroomStore(tx).LastPosition();
  Flush();
  listening_ = true;
  next_poll_ = absl::Now() + options_.poll_interval;
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
    bool feeds_changed = false;
    for (const storage::Change& change : changes) {
      articles_.Invalidate(change.article_id);
      if (absl::StartsWith(change.kind, "article.")) feeds_changed = true;
      cursor_ = change.position;
    }
    // Feeds are few, and which pages an article is on depends on every filter: drop them all.
    if (feeds_changed) feeds_.InvalidateAll();
    followed_.fetch_add(static_cast<int64_t>(changes.size()), std::memory_order_relaxed);
  } while (changes.size() == static_cast<size_t>(kReadBatch));
}

void ChangeLogFollower::Flush() {
  articles_.InvalidateAll();
  feeds_.InvalidateAll();
  flushes_.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace news
