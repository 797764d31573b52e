#ifndef NEWS_SERVER_APP_JOBS_DATABASE_TOPOLOGY_PROBE_H_
#define NEWS_SERVER_APP_JOBS_DATABASE_TOPOLOGY_PROBE_H_

// Background job, only when the database URL names several hosts (docs/read-routing.md): once a
// round (1 s) it asks every host, on a connection of its own per host (application_name "news-
// server topology probe"), whether it is in recovery and how far its WAL is: the primary's
// pg_current_wal_lsn(), a replica's pg_last_wal_replay_lsn() and pg_last_wal_receive_lsn(). A
// replica's lag is how long ago the primary was where the replica's replay is now, interpolated
// between the primary's positions of earlier rounds; one that has replayed the primary's latest
// position is not lagging. With no primary seen yet, a replica that has replayed all it received
// is not lagging and one that has not lags since pg_last_xact_replay_timestamp(). The replicas
// whose lag is at most max_replica_lag serve the reads (db::ReadRouting::Choose); none: the
// primary does. Metrics, per host (label host="HOST:PORT"): news_db_host_role (1 primary,
// 0 replica, -1 unreachable), news_db_host_replica_lag_seconds, news_db_host_serving_reads
// (1 while chosen); and news_db_reads_on_primary_total (reads a replica could not serve).

#include <atomic>
#include <deque>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/app/jobs/periodic_task.h"
#include "server/app/metrics.h"
#include "server/db/read_routing.h"

namespace news {

struct TopologyProbeOptions {
  // How often every host is asked.
  absl::Duration interval = absl::Seconds(1);
  // Replicas lagging more are not read from.
  absl::Duration max_replica_lag = absl::Seconds(1);
  std::string application_name = "news-server topology probe";
};

class TopologyProbe {
 public:
  // `routing` and `metrics` must outlive the probe; registers the series above.
  TopologyProbe(db::ReadRouting& routing, TopologyProbeOptions options, ServerMetrics& metrics);
  ~TopologyProbe();

  // Probes at once, then every interval.
  void Start() { task_.Start(); }
  // Stops probing and closes its connections; the routing keeps its last choice. Idempotent.
  void Stop();

 private:
  // What one host said in one round.
  struct Answer {
    bool reachable = false;
    bool in_recovery = false;
    // The primary's pg_current_wal_lsn(), a replica's pg_last_wal_replay_lsn().
    db::Lsn position = 0;
    db::Lsn received = 0;
    absl::Time last_replay = absl::InfinitePast();
  };
  // One host as the metrics see it.
  struct HostState {
    std::unique_ptr<pqxx::connection> connection;
    std::atomic<int> role{-1};
    std::atomic<double> lag_seconds{0};
  };

  void Probe();
  Answer Ask(HostState& host, const db::DatabaseHost& address);
  // How long ago the primary was at `replayed` (see above); zero when it is not behind.
  absl::Duration Lag(const Answer& replica, absl::Time now) const;

  db::ReadRouting& routing_;
  const TopologyProbeOptions options_;
  std::vector<std::unique_ptr<HostState>> hosts_;
  // Used by the task's thread only: the primary's position at each round it moved (oldest
  // first), the last few minutes of it.
  std::deque<std::pair<absl::Time, db::Lsn>> primary_positions_;
  PeriodicTask task_;
};

}  // namespace news

#endif  // NEWS_SERVER_APP_JOBS_DATABASE_TOPOLOGY_PROBE_H_
