#ifndef NEWS_SERVER_APP_NEWSROOM_WORKER_H_
#define NEWS_SERVER_APP_NEWSROOM_WORKER_H_

// The newsroom's background work in a server instance (docs/newsroom.md), on one thread with
// its own database connection, so that no request causes it:
// - sequencer: while this instance holds the sequencer lock (a session advisory lock; one
//   instance at a time, any may take it over), stamps change-log positions every tick;
// - scheduler: publishes scheduled articles whose time has come and expires published ones
//   past their expire_time (each exactly once across instances, see 0012's
//   advance_article_lifecycle());
// - retention: the sequencer also prunes changes and soft-deleted articles past the retention.
// A lost connection is reopened on the next tick.

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "absl/time/time.h"

namespace news {

struct NewsroomWorkerOptions {
  std::string database_url;
  // How often the sequencer stamps: the delay between a commit and its change's position.
  absl::Duration sequencer_interval = absl::Milliseconds(50);
  // How often the scheduler looks for due articles: scheduled articles appear, and expired ones
  // leave, at most this much after their time.
  absl::Duration lifecycle_interval = absl::Milliseconds(200);
  // How long changes and soft-deleted articles are kept.
  absl::Duration retention = absl::Hours(24 * 30);
  absl::Duration prune_interval = absl::Minutes(1);
};

class NewsroomWorker {
 public:
  // Starts the thread.
  explicit NewsroomWorker(NewsroomWorkerOptions options);
  // Stop().
  ~NewsroomWorker();

  // Stops the thread (releasing the sequencer lock with the connection). Idempotent.
  void Stop();

 private:
  void Run();

  const NewsroomWorkerOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace news

#endif  // NEWS_SERVER_APP_NEWSROOM_WORKER_H_
