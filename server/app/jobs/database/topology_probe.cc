#include "server/app/jobs/database/topology_probe.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_join.h"
#include "absl/time/clock.h"

namespace news {
namespace {

// How much of the primary's past positions is kept: a replica further behind lags at least this.
constexpr absl::Duration kPositionHistory = absl::Minutes(5);
// How long a replica behind the primary's position gets before it is asked again.
constexpr absl::Duration kRecheckPause = absl::Milliseconds(20);

}  // namespace

TopologyProbe::TopologyProbe(db::ReadRouting& routing, TopologyProbeOptions options,
                             ServerMetrics& metrics)
    : routing_(routing),
      options_(std::move(options)),
      task_(options_.interval, PeriodicTask::FirstRun::kAtStart, [this] { Probe(); }) {
  for (size_t i = 0; i < routing_.hosts().size(); ++i) {
    hosts_.push_back(std::make_unique<HostState>());
    HostState* state = hosts_.back().get();
    const std::map<std::string, std::string> labels = {{"host", routing_.hosts()[i].name}};
    metrics.AddSampledGauge("news_db_host_role",
                            "Role of a database host at the last probe: 1 primary, 0 replica, "
                            "-1 unreachable",
                            labels, [state] { return static_cast<double>(state->role.load()); });
    metrics.AddSampledGauge("news_db_host_replica_lag_seconds",
                            "How long ago the primary was where a replica's replay is (0 for the "
                            "primary and replicas that have replayed all)",
                            labels, [state] { return state->lag_seconds.load(); });
    metrics.AddSampledGauge("news_db_host_serving_reads",
                            "1 while reads go to this replica, else 0", labels,
                            [this, i] { return routing_.IsChosen(static_cast<int>(i)) ? 1.0 : 0.0; });
  }
  metrics.AddSampledCounter(
      "news_db_reads_on_primary_total",
      "Reads a replica could not serve (not replayed far enough for the caller, unreachable, or "
      "the read writes), run on the primary",
      {}, [this] { return static_cast<double>(routing_.primary_reads()); });
}

TopologyProbe::~TopologyProbe() { Stop(); }

void TopologyProbe::Stop() {
  task_.Stop();
  for (auto& host : hosts_) host->connection.reset();
}

TopologyProbe::Answer TopologyProbe::Ask(HostState& host, const db::DatabaseHost& address) {
  Answer answer;
  try {
    if (!host.connection || !host.connection->is_open()) {
      host.connection = std::make_unique<pqxx::connection>(address.conninfo);
      pqxx::nontransaction(*host.connection)
          .exec("SET application_name = " + host.connection->quote(options_.application_name));
    }
    const pqxx::row row =
        pqxx::nontransaction(*host.connection)
            .exec1("SELECT pg_is_in_recovery(), "
                   "CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() "
                   "ELSE pg_current_wal_lsn() END::text, "
                   "pg_last_wal_receive_lsn()::text, "
                   "extract(epoch FROM pg_last_xact_replay_timestamp())::float8");
    answer.reachable = true;
    answer.in_recovery = row[0].as<bool>();
    if (!row[1].is_null()) answer.position = db::ParseLsn(row[1].c_str()).value_or(0);
    if (!row[2].is_null()) answer.received = db::ParseLsn(row[2].c_str()).value_or(0);
    if (!row[3].is_null()) answer.last_replay = absl::FromUnixMicros(
        static_cast<int64_t>(row[3].as<double>() * 1e6));
  } catch (const std::exception& e) {
    if (host.connection) spdlog::warn("topology probe: {} is unreachable: {}", address.name, e.what());
    host.connection.reset();
  }
  return answer;
}

absl::Duration TopologyProbe::Lag(const Answer& replica, absl::Time now) const {
  if (primary_positions_.empty()) {
    if (replica.position >= replica.received) return absl::ZeroDuration();
    return replica.last_replay == absl::InfinitePast() ? absl::InfiniteDuration()
                                                       : now - replica.last_replay;
  }
  if (replica.position >= primary_positions_.back().second) return absl::ZeroDuration();
  const auto ahead = std::find_if(primary_positions_.begin(), primary_positions_.end(),
                                  [&](const auto& sample) { return sample.second > replica.position; });
  if (ahead == primary_positions_.begin()) return now - ahead->first;
  const auto& [before_time, before_position] = *std::prev(ahead);
  const double fraction = static_cast<double>(replica.position - before_position) /
                          static_cast<double>(ahead->second - before_position);
  return now - (before_time + fraction * (ahead->first - before_time));
}

void TopologyProbe::Probe() {
  const std::vector<db::DatabaseHost>& addresses = routing_.hosts();
  // The last primary first, so the replicas are compared with a position at least as new.
  std::vector<size_t> order(addresses.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return hosts_[a]->role > hosts_[b]->role; });
  std::vector<Answer> answers(addresses.size());
  std::vector<absl::Time> answered(addresses.size());
  for (size_t i : order) {
    answers[i] = Ask(*hosts_[i], addresses[i]);
    answered[i] = absl::Now();
    if (answers[i].reachable && !answers[i].in_recovery) {
      // The primary was at this position at least until now.
      if (!primary_positions_.empty() &&
          primary_positions_.back().second >= answers[i].position) {
        primary_positions_.back().first = answered[i];
      } else {
        primary_positions_.emplace_back(answered[i], answers[i].position);
      }
    }
  }
  // A replica is behind a write the primary made a moment before its position was read: a
  // healthy one replays it within milliseconds, so ask once more before calling it lagging.
  if (!primary_positions_.empty()) {
    bool paused = false;
    for (size_t i = 0; i < addresses.size(); ++i) {
      if (!answers[i].reachable || !answers[i].in_recovery ||
          answers[i].position >= primary_positions_.back().second) {
        continue;
      }
      if (!paused) absl::SleepFor(kRecheckPause);
      paused = true;
      if (Answer again = Ask(*hosts_[i], addresses[i]); again.reachable && again.in_recovery) {
        answers[i] = again;
        answered[i] = absl::Now();
      }
    }
  }
  while (primary_positions_.size() > 1 &&
         primary_positions_.front().first < absl::Now() - kPositionHistory) {
    primary_positions_.pop_front();
  }
  std::vector<int> chosen;
  std::vector<std::string> names;
  for (size_t i = 0; i < addresses.size(); ++i) {
    const Answer& answer = answers[i];
    HostState& state = *hosts_[i];
    state.role = !answer.reachable ? -1 : answer.in_recovery ? 0 : 1;
    if (!answer.reachable || !answer.in_recovery) {
      state.lag_seconds = 0;
      continue;
    }
    routing_.NoteReplayed(static_cast<int>(i), answer.position);
    const absl::Duration lag = Lag(answer, answered[i]);
    state.lag_seconds = absl::ToDoubleSeconds(lag);
    if (lag <= options_.max_replica_lag) {
      chosen.push_back(static_cast<int>(i));
      names.push_back(addresses[i].name);
    }
  }
  const uint64_t generation = routing_.generation();
  routing_.Choose(std::move(chosen));
  if (routing_.generation() != generation) {
    spdlog::info("reads now go to {}", names.empty() ? "the primary" : absl::StrJoin(names, ", "));
  }
  routing_.ExpireWrites();
}

}  // namespace news
