#ifndef NEWS_SERVER_APP_CHANGE_LOG_FOLLOWER_H_
#define NEWS_SERVER_APP_CHANGE_LOG_FOLLOWER_H_

// Background job: keeps this instance's response caches coherent with the database
// (docs/caching.md). On a PeriodicTask with its own connection (application_name
// "news-server change follower"), it LISTENs on the change log's channel (the sequencer's
// NOTIFY after each stamped batch, docs/newsroom.md) and also reads the log every poll_interval
// in case a notification is lost; every change after its cursor invalidates what it touches:
// - article.*: the article's GetArticle entry and every first feed page;
// - comment.*: the article's GetArticle entry (its comment_count).
// When the connection is lost, notifications sent meanwhile are gone: the caches are flushed
// entirely, again after every failed reconnection, and once more when listening again, and the
// cursor restarts at the log's current position.
// Metrics: news_change_log_followed_total (changes read), news_cache_flushes_total (whole-cache
// flushes, at every (re)connection and lost session) and news_change_log_follower_listening (1
// while listening).

#include <atomic>
#include <cstdint>
#include <memory>
#include <pqxx/pqxx>
#include <string>

#include "absl/time/time.h"
#include "server/app/metrics.h"
#include "server/app/jobs/periodic_task.h"
#include "server/domain/response_cache.h"

namespace news {

struct ChangeLogFollowerOptions {
  std::string database_url;
  // The backstop: how often the log is read without a notification. Changes show within about
  // this plus the sequencer's interval while notifications are lost.
  absl::Duration poll_interval = absl::Milliseconds(500);
  // The application_name of the follower's session (pg_stat_activity).
  std::string application_name = "news-server change follower";
};

class ChangeLogFollower {
 public:
  // The caches and `metrics` must outlive the follower; registers the series above.
  ChangeLogFollower(ChangeLogFollowerOptions options, ArticleCache& articles, FeedPageCache& feeds,
                    ServerMetrics& metrics);
  ~ChangeLogFollower();

  // Connects and follows from now on.
  void Start() { task_.Start(); }
  // Stops following and closes the connection. Idempotent.
  void Stop();

 private:
  class Receiver;

  void Tick();
  // Opens the connection, LISTENs, takes the log's last position as the cursor and flushes.
  void Connect();
  void Disconnect();
  // Reads every change after the cursor and invalidates what they touch.
  void Follow();
  void Flush();

  const ChangeLogFollowerOptions options_;
  ArticleCache& articles_;
  FeedPageCache& feeds_;
  // Used by the task's thread only.
  std::unique_ptr<pqxx::connection> db_;
  std::unique_ptr<Receiver> receiver_;
  int backend_pid_ = 0;
  int64_t cursor_ = 0;
  absl::Time next_poll_ = absl::InfinitePast();
  absl::Time next_attempt_ = absl::InfinitePast();
  // Read by the metrics at scrape time.
  std::atomic<bool> listening_{false};
  std::atomic<int64_t> followed_{0};
  std::atomic<int64_t> flushes_{0};
  PeriodicTask task_;
};

}  // namespace news

#endif  // NEWS_SERVER_APP_CHANGE_LOG_FOLLOWER_H_
