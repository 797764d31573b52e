#ifndef NEWS_SERVER_APP_JOBS_PERIODIC_TASK_H_
#define NEWS_SERVER_APP_JOBS_PERIODIC_TASK_H_

// The one way a background job runs: a thread of its own that runs a function every interval
// until stopped. The server's background jobs (health_monitor.h,
// moderation_queue_gauge.h, view_flusher.h) each own one; NewsServer starts and stops the jobs
// in the order docs/architecture.md gives.

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/db/database_pool.h"

namespace news {

class PeriodicTask {
 public:
  enum class FirstRun {
    kAtStart,
    kAfterInterval,
  };

  // `tick` runs on the task's thread, never twice at once; `interval` is the pause between the
  // end of one run and the start of the next, and before the first run if `first_run` says so.
  PeriodicTask(absl::Duration interval, FirstRun first_run, std::function<void()> tick);
  // Stop().
  ~PeriodicTask();

  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  // Starts the thread. Call at most once.
  void Start();
  // Wakes the thread and waits for a run in progress to end; no run starts afterwards.
  // Idempotent, and a no-op before Start().
  void Stop();
  // Whether Stop() was called: a tick that works through a backlog in rounds checks it between
  // rounds, so that Stop() does not wait for the whole backlog.
  bool stopping();

 private:
  void Run();

  const absl::Duration interval_;
  const FirstRun first_run_;
  const std::function<void()> tick_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

// Runs `work` on a worker of `pool` and waits for its outcome (see db::DatabasePool::Submit):
// how a background job, which has a thread of its own to block, reaches the database.
absl::Status RunOnPoolAndWait(db::DatabasePool& pool, absl::Time deadline,
                              db::RetryPolicy retry, db::DatabasePool::Work work);

}  // namespace news

#endif  // NEWS_SERVER_APP_JOBS_PERIODIC_TASK_H_
