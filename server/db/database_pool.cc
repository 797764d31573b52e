#include "server/db/database_pool.h"

#include <poll.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace news::db {
namespace {

// While the database is away, each worker retries this often instead of on every job, so
// callers get a fast UNAVAILABLE rather than waiting for a connect attempt each.
constexpr absl::Duration kReconnectInterval = absl::Milliseconds(200);

// A retryable job runs at most this often: when a fresh connection breaks too, the database is
// away, and the caller's own retry with backoff is the better judge of when it is back.
constexpr int kMaxRuns = 2;

// Whether the server has sent something to an idle connection. PostgreSQL speaks only when asked,
// except when it ends the session (shutdown, crash, pg_terminate_backend: an error message, then
// end of file), so such a connection is stale. Costs one poll(2), no round trip.
bool HasUnsolicitedInput(const pqxx::connection& connection) {
  pollfd input{connection.sock(), POLLIN, 0};
  return poll(&input, 1, 0) != 0;
}

// Session-level rather than SET LOCAL: jobs open their own transactions.
void SetStatementTimeout(pqxx::connection& connection, absl::Duration timeout) {
  const int64_t milliseconds = std::max<int64_t>(1, absl::ToInt64Milliseconds(timeout));
  pqxx::nontransaction(connection).exec(absl::StrCat("SET statement_timeout = ", milliseconds));
}

// `read_only` (with `connection_broken`): the session cannot write (SQLSTATE 25006), so it is
// on a standby: after a failover the old primary, or a replica a read pool worker is bound to.
template <typename Fn>
absl::Status RunAndClassify(Fn&& work, pqxx::connection& connection, bool& connection_broken,
                            bool& read_only) {
  try {
    return work(connection);
  } catch (const pqxx::broken_connection& e) {
    connection_broken = true;
    return absl::UnavailableError("database connection lost");
  } catch (const pqxx::transaction_rollback& e) {
    // Serialization failures and deadlocks: the whole operation may be retried.
    return absl::AbortedError(absl::StrCat("database conflict: ", e.what()));
  } catch (const pqxx::in_doubt_error& e) {
    connection_broken = true;
    return absl::UnavailableError("database connection lost during commit");
  } catch (const pqxx::sql_error& e) {
    const std::string& state = e.sqlstate();
    if (state == "57014") {
      return absl::DeadlineExceededError("database statement timed out or was cancelled");
    }
    if (state == "25006") {
      connection_broken = true;
      read_only = true;
      return absl::UnavailableError("database is read-only (failover in progress); retry shortly");
    }
    if (state.rfind("57P", 0) == 0 || state.rfind("08", 0) == 0) {
      // Server shutting down / crashed, or connection exceptions.
      connection_broken = true;
      return absl::UnavailableError("database unavailable; retry shortly");
    }
    spdlog::error("database error sqlstate={} query={} error={}", e.sqlstate(), e.query(),
                  e.what());
    return absl::InternalError("database error");
  } catch (const std::exception& e) {
    spdlog::error("error in database job: {}", e.what());
    return absl::InternalError("internal error");
  }
}

}  // namespace

DatabasePool::DatabasePool(PoolOptions options) : options_(std::move(options)) {
  workers_.reserve(options_.connections);
  for (int i = 0; i < options_.connections; ++i) {
    workers_.emplace_back([this, i] { RunWorker(i); });
  }
}

DatabasePool::~DatabasePool() { Shutdown(); }

void DatabasePool::Shutdown() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    wake_.notify_all();
  }
  std::lock_guard lock(join_mutex_);
  for (auto& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
}

size_t DatabasePool::queue_length() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void DatabasePool::Submit(absl::Time deadline, RetryPolicy retry, Work work, Done done,
                          Consistency consistency) {
  if (options_.routing != nullptr && options_.primary != nullptr) {
    consistency.min_lsn =
        std::max({consistency.min_lsn, options_.routing->floor(),
                  consistency.client.empty() ? Lsn{0}
                                             : options_.routing->WrittenBy(consistency.client)});
  }
  {
    std::lock_guard lock(mutex_);
    if (!stopping_ && queue_.size() < options_.max_queue) {
      queue_.push_back(Job{absl::Now(), deadline, retry, std::move(work), std::move(done),
                           std::move(consistency)});
      wake_.notify_one();
      return;
    }
  }
  done(absl::ResourceExhaustedError("server is overloaded; retry with backoff"));
}

bool DatabasePool::EnsureConnected(Worker& worker) {
  if (worker.connection &&
      (!worker.connection->is_open() ||
       worker.renewal != renewals_.load(std::memory_order_relaxed) ||
       HasUnsolicitedInput(*worker.connection))) {
    worker.connection.reset();
  }
  if (worker.connection) return true;
  const absl::Time now = absl::Now();
  if (now - worker.last_failed_connect < kReconnectInterval) return false;
  const uint64_t renewal = renewals_.load(std::memory_order_relaxed);
  const bool on_replica = worker.host >= 0;
  try {
    auto fresh = std::make_unique<pqxx::connection>(
        on_replica ? options_.routing->hosts()[worker.host].conninfo : options_.url);
    if (options_.statement_timeout > absl::ZeroDuration()) {
      SetStatementTimeout(*fresh, options_.statement_timeout);
    }
    if (!options_.application_name.empty()) {
      pqxx::nontransaction(*fresh).exec("SET application_name = " +
                                        fresh->quote(options_.application_name));
    }
    if (options_.on_connect) options_.on_connect(*fresh);
    worker.connection = std::move(fresh);
    worker.renewal = renewal;
    // A replica coming back says nothing about the primary the other workers use.
    if (!on_replica && connect_failing_.exchange(false)) {
      spdlog::info("database connection restored");
      // The database is back: connections that idled through the outage are renewed too.
      RenewAllConnections();
      worker.renewal = renewal + 1;
    }
    return true;
  } catch (const std::exception& e) {
    worker.last_failed_connect = now;
    if (on_replica) {
      spdlog::debug("cannot connect to replica {}: {}", options_.routing->hosts()[worker.host].name,
                    e.what());
      return false;
    }
    // One warning per outage, not one per worker and retry.
    if (!connect_failing_.exchange(true)) {
      spdlog::warn("cannot connect to the database: {}", e.what());
    }
    return false;
  }
}

bool DatabasePool::ReplicaCanServe(Worker& worker, Lsn min_lsn) {
  ReadRouting& routing = *options_.routing;
  if (const uint64_t generation = routing.generation();
      worker.routing_generation != generation) {
    worker.routing_generation = generation;
    if (const int host = routing.HostFor(worker.index); host != worker.host) {
      worker.connection.reset();
      worker.host = host;
    }
  }
  if (worker.host < 0) return true;
  if (!EnsureConnected(worker)) return false;
  if (min_lsn == 0 || routing.Replayed(worker.host) >= min_lsn) return true;
  // The probe's figure is up to a round old; the replica itself knows better, for one round trip,
  // and what it says serves the other workers on it too.
  try {
    const pqxx::row row =
        pqxx::nontransaction(*worker.connection).exec1("SELECT pg_last_wal_replay_lsn()::text");
    const std::optional<Lsn> replayed =
        row[0].is_null() ? std::nullopt : ParseLsn(row[0].c_str());
    if (replayed) routing.NoteReplayed(worker.host, *replayed);
    return replayed && *replayed >= min_lsn;
  } catch (const std::exception& e) {
    worker.connection.reset();
    return false;
  }
}

void DatabasePool::RecordWrite(Worker& worker, const Job& job) {
  try {
    const pqxx::row row = pqxx::nontransaction(*worker.connection)
                              .exec1("SELECT pg_current_wal_insert_lsn()::text");
    if (const std::optional<Lsn> lsn = ParseLsn(row[0].c_str())) {
      options_.routing->RecordWrite(job.consistency.client, *lsn);
    }
  } catch (const std::exception& e) {
    // The write is committed; only its caller's next reads may miss it on a lagging replica.
    spdlog::warn("cannot read the WAL position after a write: {}", e.what());
    worker.connection.reset();
  }
}

std::optional<absl::Status> DatabasePool::RunJob(Worker& worker, Job& job) {
  const bool read_pool = options_.routing != nullptr && options_.primary != nullptr;
  if (read_pool && !ReplicaCanServe(worker, job.consistency.min_lsn)) return std::nullopt;
  for (int run = 1;; ++run) {
    if (!EnsureConnected(worker)) {
      if (worker.host >= 0) return std::nullopt;
      return absl::UnavailableError("database unavailable; retry shortly");
    }
    const absl::Duration time_left = job.deadline - absl::Now();
    // Tightening costs two extra round trips, so only calls with a much shorter deadline than the
    // default pay for it; the others may overrun their deadline by less than the default, which
    // still bounds how long they hold the connection.
    const bool tighten_timeout = options_.statement_timeout > absl::ZeroDuration() &&
                                 time_left < options_.statement_timeout / 2;
    bool broken = false;
    bool read_only = false;
    absl::Status status = RunAndClassify(
        [&](pqxx::connection& db) {
          if (tighten_timeout) SetStatementTimeout(db, time_left);
          return job.work(db);
        },
        *worker.connection, broken, read_only);
    if (read_only && worker.host >= 0) {
      // A read that writes (a related list computed on first read): nothing was written here,
      // so the primary runs it whole. The session may keep the tightened timeout: renew it.
      worker.connection.reset();
      return std::nullopt;
    }
    if (tighten_timeout && !broken) {
      absl::Status restored = RunAndClassify(
          [this](pqxx::connection& db) {
            SetStatementTimeout(db, options_.statement_timeout);
            return absl::OkStatus();
          },
          *worker.connection, broken, read_only);
      if (!restored.ok()) broken = true;
    }
    if (!broken) {
      if (status.ok() && records_writes() && !job.consistency.client.empty()) {
        RecordWrite(worker, job);
      }
      return status;
    }
    worker.connection.reset();
    // What broke this connection (a restart, a crash, a network cut) most likely broke the
    // others too: each worker renews its own before its next job.
    RenewAllConnections();
    if (status.ok() || job.retry != RetryPolicy::kRetryOnLostConnection || run == kMaxRuns ||
        absl::Now() >= job.deadline) {
      return status;
    }
    if (options_.observer != nullptr) options_.observer->OnJobRetried();
  }
}

void DatabasePool::RunWorker(int index) {
  Worker worker;
  worker.index = index;
  while (true) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    const absl::Time now = absl::Now();
    if (options_.observer != nullptr) options_.observer->OnJobDequeued(now - job.enqueued);
    if (now > job.deadline) {
      job.done(absl::DeadlineExceededError("deadline passed while waiting for the database"));
      continue;
    }
    in_use_.fetch_add(1, std::memory_order_relaxed);
    std::optional<absl::Status> status = RunJob(worker, job);
    in_use_.fetch_sub(1, std::memory_order_relaxed);
    if (!status) {
      options_.routing->CountPrimaryRead();
      options_.primary->Submit(job.deadline, job.retry, std::move(job.work), std::move(job.done));
      continue;
    }
    job.done(*std::move(status));
  }
}

}  // namespace news::db
