#ifndef NEWS_SERVER_DB_DATABASE_POOL_H_
#define NEWS_SERVER_DB_DATABASE_POOL_H_

// The one way requests reach PostgreSQL (docs/architecture.md): a fixed set of worker threads,
// each owning one connection, fed from one bounded queue. gRPC callback threads only enqueue, so
// a slow query never stalls other RPCs, and the number of busy connections never exceeds the
// number of workers. Deadlines, retries after a lost connection and connection renewal live here
// (docs/reliability.md).

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/db/read_routing.h"

namespace news::db {

class DatabasePool;

// Receives pool events for monitoring (server/app/metrics.h). Called on worker threads; must be
// fast and thread-safe.
class PoolObserver {
 public:
  virtual ~PoolObserver() = default;
  // A worker took a job off the queue after it waited `waited` there.
  virtual void OnJobDequeued(absl::Duration waited) = 0;
  // A job lost its connection and runs again on a fresh one (RetryPolicy::kRetryOnLostConnection).
  virtual void OnJobRetried() = 0;
};

// Whether a job may run a second time after its connection broke (see DatabasePool::Submit).
// Every job states one when it is submitted.
enum class RetryPolicy {
  // Reads, and writes whose second run has the same effect as the first (CreateComment with a
  // request_id): run again once on a fresh connection, within the job's deadline, even when the
  // break came during the commit.
  kRetryOnLostConnection,
  // Writes that must not run twice: a lost connection is the caller's UNAVAILABLE.
  kNoRetry,
};

struct PoolOptions {
  // A libpq connection URI or key=value string.
  std::string url;
  // Worker threads, one connection each.
  int connections = 4;
  // Jobs waiting for a worker; Submit refuses beyond this.
  size_t max_queue = 2048;
  // Runs on every new connection before it serves jobs (prepared statements, session settings).
  std::function<void(pqxx::connection&)> on_connect;
  // Default statement_timeout of every connection (zero: none). A job with less than half of it
  // left before its deadline runs with statement_timeout set to the time left, so a call past
  // its deadline stops its query instead of holding the connection.
  absl::Duration statement_timeout = absl::Seconds(5);
  // Optional; must outlive the pool.
  PoolObserver* observer = nullptr;
  // The application_name of the pool's sessions, so that pg_stat_activity tells the pools apart
  // (empty: libpq's default).
  std::string application_name;
  // With replicas (docs/read-routing.md); null for a single-host URL, and then the pool does
  // exactly what it did before there were replicas. Must outlive the pool.
  ReadRouting* routing = nullptr;
  // Only with `routing`. Non-null makes this a read pool: each worker connects to the host
  // `routing` gives it (through `url`, to the primary, while it gives none), and a job whose
  // Consistency its replica cannot meet (not replayed far enough, unreachable, or the job tried
  // to write) runs on `primary` instead, a pool on `url` that must outlive this one. Null makes
  // it a write pool: after each successful job submitted for a client, the WAL insert position
  // is recorded for that client in `routing`.
  DatabasePool* primary = nullptr;
};

// What a job must see of earlier writes, on pools with a ReadRouting (else ignored).
struct Consistency {
  // The caller (ClientIdentity): a write records its commit position for it, and its reads see
  // what it wrote within the window.
  std::string client;
  // A read runs only where WAL up to here has been replayed (the `x-news-min-lsn` a client sent
  // back). Also raised to the caller's recorded write and to ReadRouting::floor().
  Lsn min_lsn = 0;
};

class DatabasePool {
 public:
  // Runs on a worker thread with that worker's connection. May throw pqxx exceptions; they are
  // turned into a status (see Submit). Runs twice when its connection broke and its RetryPolicy
  // allows it, so it must not consume what it captured.
  using Work = absl::AnyInvocable<absl::Status(pqxx::connection&)>;
  // Receives the outcome of a job; runs on a worker thread, or on the submitting thread when the
  // job is refused.
  using Done = absl::AnyInvocable<void(absl::Status)>;

  // Starts the workers. Connections are made lazily, so construction succeeds even while the
  // database is away.
  explicit DatabasePool(PoolOptions options);
  // Shutdown().
  ~DatabasePool();

  DatabasePool(const DatabasePool&) = delete;
  DatabasePool& operator=(const DatabasePool&) = delete;

  // Queues `work`; `done` gets its status, or:
  // - RESOURCE_EXHAUSTED at once when the queue is full or the pool is shut down;
  // - DEADLINE_EXCEEDED when `deadline` passed before a worker picked the job up (the work is
  //   not run), or when a statement ran past the deadline or the statement timeout;
  // - UNAVAILABLE when the database cannot be reached, or the connection broke mid-job and
  //   `retry` is kNoRetry or the second run broke too (for kNoRetry, nothing was committed
  //   unless the job had committed before the break);
  // - ABORTED on serialization failures and deadlocks; INTERNAL for other database errors.
  // Before each job its worker renews a connection that went stale while idle: one the server
  // closed or wrote to unasked (a restart, a crash, pg_terminate_backend), or one opened before
  // another worker found its own broken or reconnected after an outage. So once the database is
  // back, no job fails because of a connection that broke while it was away.
  // With replicas, `consistency` says where the job may run (PoolOptions::primary).
  void Submit(absl::Time deadline, RetryPolicy retry, Work work, Done done,
              Consistency consistency = {});

  // Stops accepting jobs, lets the workers finish those already queued and waits for them, so no
  // job or `done` runs after it returns (what they use may be destroyed then). Idempotent; not
  // from a job or a `done`.
  void Shutdown();

  // Jobs waiting for a worker.
  size_t queue_length() const;
  // Workers running a job right now.
  size_t in_use() const { return in_use_.load(std::memory_order_relaxed); }
  // PoolOptions::routing.
  ReadRouting* routing() const { return options_.routing; }
  // Whether jobs record their caller's writes (a write pool with routing).
  bool records_writes() const { return options_.routing != nullptr && options_.primary == nullptr; }

 private:
  struct Job {
    absl::Time enqueued;
    absl::Time deadline;
    RetryPolicy retry = RetryPolicy::kNoRetry;
    Work work;
    Done done;
    Consistency consistency;
  };

  // What one worker thread owns.
  struct Worker {
    // Its place among the pool's workers (ReadRouting::HostFor).
    int index = 0;
    // The replica it connects to; -1: the primary, through the pool's URL.
    int host = -1;
    // ReadRouting::generation() when `host` was chosen.
    uint64_t routing_generation = 0;
    std::unique_ptr<pqxx::connection> connection;
    // renewals_ when `connection` was opened.
    uint64_t renewal = 0;
    absl::Time last_failed_connect = absl::InfinitePast();
  };

  void RunWorker(int index);
  // Runs `job` on `worker`'s connection, again on a fresh one when its policy allows; nullopt
  // when the job must run on the primary pool instead (a read pool's replica could not serve it).
  std::optional<absl::Status> RunJob(Worker& worker, Job& job);
  // A read pool's worker: follows the routing's host choice, and says whether its replica can
  // serve a job that must see `min_lsn` (asking the replica when the routing does not know).
  bool ReplicaCanServe(Worker& worker, Lsn min_lsn);
  // A write pool's worker: records the caller's write (PoolOptions::primary).
  void RecordWrite(Worker& worker, const Job& job);
  // Drops the worker's connection when it is stale (see Submit) and connects when it has none,
  // at most once per retry interval after a failed attempt. False when it cannot connect.
  bool EnsureConnected(Worker& worker);
  // Makes every connection opened before now stale.
  void RenewAllConnections() { renewals_.fetch_add(1, std::memory_order_relaxed); }

  const PoolOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::atomic<size_t> in_use_{0};
  std::atomic<bool> connect_failing_{false};
  std::atomic<uint64_t> renewals_{0};
  // Serialises joining the workers.
  std::mutex join_mutex_;
  std::vector<std::thread> workers_;
};

}  // namespace news::db

#endif  // NEWS_SERVER_DB_DATABASE_POOL_H_
