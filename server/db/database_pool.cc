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

template <typename Fn>
absl::Status RunAndClassify(Fn&& work, pqxx::connection& connection, bool& connection_broken) {
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
    workers_.emplace_back([this] { RunWorker(); });
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

void DatabasePool::Submit(absl::Time deadline, RetryPolicy retry, Work work, Done done) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_ && queue_.size() < options_.max_queue) {
      queue_.push_back(Job{absl::Now(), deadline, retry, std::move(work), std::move(done)});
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
  try {
    auto fresh = std::make_unique<pqxx::connection>(options_.url);
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
    if (connect_failing_.exchange(false)) {
      spdlog::info("database connection restored");
      // The database is back: connections that idled through the outage are renewed too.
      RenewAllConnections();
      worker.renewal = renewal + 1;
    }
    return true;
  } catch (const std::exception& e) {
    worker.last_failed_connect = now;
    // One warning per outage, not one per worker and retry.
    if (!connect_failing_.exchange(true)) {
      spdlog::warn("cannot connect to the database: {}", e.what());
    }
    return false;
  }
}

absl::Status DatabasePool::RunJob(Worker& worker, Job& job) {
  for (int run = 1;; ++run) {
    if (!EnsureConnected(worker)) {
      return absl::UnavailableError("database unavailable; retry shortly");
    }
    const absl::Duration time_left = job.deadline - absl::Now();
    // Tightening costs two extra round trips, so only calls with a much shorter deadline than the
    // default pay for it; the others may overrun their deadline by less than the default, which
    // still bounds how long they hold the connection.
    const bool tighten_timeout = options_.statement_timeout > absl::ZeroDuration() &&
                                 time_left < options_.statement_timeout / 2;
    bool broken = false;
    absl::Status status = RunAndClassify(
        [&](pqxx::connection& db) {
          if (tighten_timeout) SetStatementTimeout(db, time_left);
          return job.work(db);
        },
        *worker.connection, broken);
    if (tighten_timeout && !broken) {
      absl::Status restored = RunAndClassify(
          [this](pqxx::connection& db) {
            SetStatementTimeout(db, options_.statement_timeout);
            return absl::OkStatus();
          },
          *worker.connection, broken);
      if (!restored.ok()) broken = true;
    }
    if (!broken) return status;
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

void DatabasePool::RunWorker() {
  Worker worker;
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
    absl::Status status = RunJob(worker, job);
    in_use_.fetch_sub(1, std::memory_order_relaxed);
    job.done(std::move(status));
  }
}

}  // namespace news::db
