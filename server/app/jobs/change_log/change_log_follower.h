#ifndef NEWS_SERVER_APP_JOBS_CHANGE_LOG_CHANGE_LOG_FOLLOWER_H_
#define NEWS_SERVER_APP_JOBS_CHANGE_LOG_CHANGE_LOG_FOLLOWER_H_

// Background job: this instance's one reader of the change log (docs/newsroom.md), which hands
// every change to its subscribers (server/domain/change_subscriber.h): the response caches'
// invalidation (docs/caching.md) and whatever else follows the log. On a PeriodicTask with its
// own connection (application_name "news-server change follower"), it LISTENs on the change
// log's channel (the sequencer's NOTIFY after each stamped batch) and also reads the log every
// poll_interval in case a notification is lost.
// When the connection is lost, notifications sent meanwhile are gone: subscribers are told
// (OnSessionReset) at the loss, after every failed reconnection and once more when listening
// again; reading resumes after the last position delivered. The first connection starts at the
// log's current position.
// Metrics: news_change_log_followed_total (changes read), news_cache_flushes_total (session
// resets, each a whole-cache flush) and news_change_log_follower_listening (1 while listening).

#include <atomic>
#include <cstdint>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/app/jobs/periodic_task.h"
#include "server/app/metrics.h"
#include "server/db/read_routing.h"
#include "server/domain/change_subscriber.h"

namespace news {

struct ChangeLogFollowerOptions {
  std::string database_url;
  // The backstop: how often the log is read without a notification. Changes show within about
  // this plus the sequencer's interval while notifications are lost.
  absl::Duration poll_interval = absl::Milliseconds(500);
  // The application_name of the follower's session (pg_stat_activity).
  std::string application_name = "news-server change follower";
  // With replicas: before each batch reaches the subscribers, every read's floor is raised to the
  // primary's WAL insert position, so no cache entry a change dropped is reloaded from a replica
  // that has not replayed it (db::ReadRouting::RaiseFloor). Null: none. Must outlive the follower.
  db::ReadRouting* routing = nullptr;
};

class ChangeLogFollower {
 public:
  // The subscribers and `metrics` must outlive the follower; registers the series above.
  ChangeLogFollower(ChangeLogFollowerOptions options, std::vector<ChangeSubscriber*> subscribers,
                    ServerMetrics& metrics);
  ~ChangeLogFollower();

  // Connects and follows from now on.
  void Start() { task_.Start(); }
  // Stops following and closes the connection. Idempotent.
  void Stop();

 private:
  class Receiver;

  void Tick();
  // Opens the connection and LISTENs; the first time, takes the log's last position as the
  // cursor. Resets the subscribers.
  void Connect();
  void Disconnect();
  // Reads every change after the cursor and hands it to the subscribers.
  void Follow();
  void ResetSubscribers();

  const ChangeLogFollowerOptions options_;
  const std::vector<ChangeSubscriber*> subscribers_;
  // Used by the task's thread only.
  std::unique_ptr<pqxx::connection> db_;
  std::unique_ptr<Receiver> receiver_;
  int backend_pid_ = 0;
  // The last position delivered; -1 before the first connection.
  int64_t cursor_ = -1;
  absl::Time next_poll_ = absl::InfinitePast();
  absl::Time next_attempt_ = absl::InfinitePast();
  // Read by the metrics at scrape time.
  std::atomic<bool> listening_{false};
  std::atomic<int64_t> followed_{0};
  std::atomic<int64_t> flushes_{0};
  PeriodicTask task_;
};

}  // namespace news

#endif  // NEWS_SERVER_APP_JOBS_CHANGE_LOG_CHANGE_LOG_FOLLOWER_H_
