#ifndef NEWS_SERVER_DB_READ_ROUTING_H_
#define NEWS_SERVER_DB_READ_ROUTING_H_

// Reads on replicas (docs/read-routing.md): which hosts of a multi-host database URL serve reads
// now, how much WAL each has replayed, and what the callers who have just written must see. The
// topology probe (server/app/jobs/database/topology_probe.h) keeps it current; the read pool's workers
// connect to the hosts it gives them and the write pool records commit positions in it
// (db::PoolOptions::routing). A single-host URL has no ReadRouting at all.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace news::db {

// A WAL position (pg_lsn) as a number; 0 is "none".
using Lsn = uint64_t;

// "16/B374D848" (pg_lsn's text form) -> 0x16B374D848; nullopt for anything else.
std::optional<Lsn> ParseLsn(absl::string_view text);
// The inverse of ParseLsn.
std::string FormatLsn(Lsn lsn);

// One host of a database URL.
struct DatabaseHost {
  // "host:port" as the URL names it, for logs and metric labels.
  std::string name;
  // The URL's options with only this host and target_session_attrs=any, in key=value form.
  std::string conninfo;
};

// The hosts of a libpq URI or key=value string (its comma-separated host and port lists, as
// libpq reads them; one port applies to every host). One entry for a single-host URL;
// InvalidArgument when libpq cannot parse it or the lists do not match.
absl::StatusOr<std::vector<DatabaseHost>> SplitDatabaseHosts(const std::string& url);

class ReadRouting {
 public:
  // `hosts`: every host of the database URL (SplitDatabaseHosts). A caller's writes are
  // remembered for `write_window` (see RecordWrite).
  ReadRouting(std::vector<DatabaseHost> hosts, absl::Duration write_window);

  ReadRouting(const ReadRouting&) = delete;
  ReadRouting& operator=(const ReadRouting&) = delete;

  const std::vector<DatabaseHost>& hosts() const { return hosts_; }

  // Makes `replicas` (indexes into hosts()) the hosts that serve reads; none: the primary does.
  // Bumps generation() when the set changes.
  void Choose(std::vector<int> replicas);
  // Changes whenever the chosen set does; read pool workers re-read HostFor then.
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  // The host read pool worker `worker` connects to: the chosen replicas in turn, -1 (the
  // primary, through the pool's URL) when none is chosen.
  int HostFor(int worker) const;
  // Whether `host` is chosen now (for metrics).
  bool IsChosen(int host) const;

  // Raises what `host` is known to have replayed to `lsn`.
  void NoteReplayed(int host, Lsn lsn);
  Lsn Replayed(int host) const { return replayed_[host].load(std::memory_order_relaxed); }

  // Read your writes: the WAL insert position after a write that `client` (ClientIdentity)
  // committed; for write_window, that client's reads need a host that has replayed it.
  void RecordWrite(const std::string& client, Lsn lsn, absl::Time now = absl::Now());
  // The highest position `client` wrote within the window before `now`; 0 when none.
  Lsn WrittenBy(const std::string& client, absl::Time now = absl::Now()) const;
  // Forgets writes older than the window (the probe calls it every round).
  void ExpireWrites(absl::Time now = absl::Now());

  // A position every read must see: the change-log follower raises it to the WAL insert position
  // after each batch of changes, before the caches drop what the batch changed, so no cache entry
  // is reloaded from a replica that has not replayed the change.
  void RaiseFloor(Lsn lsn);
  Lsn floor() const { return floor_.load(std::memory_order_acquire); }

  // Reads a replica could not serve (behind the job's position, unreachable, or the read
  // writes), handed to the primary pool.
  void CountPrimaryRead() { primary_reads_.fetch_add(1, std::memory_order_relaxed); }
  int64_t primary_reads() const { return primary_reads_.load(std::memory_order_relaxed); }

 private:
  struct Write {
    Lsn lsn = 0;
    absl::Time at;
  };

  const std::vector<DatabaseHost> hosts_;
  const absl::Duration write_window_;
  std::unique_ptr<std::atomic<Lsn>[]> replayed_;
  std::atomic<uint64_t> generation_{1};
  std::atomic<Lsn> floor_{0};
  std::atomic<int64_t> primary_reads_{0};
  mutable std::mutex mutex_;
  std::vector<int> chosen_;
  absl::flat_hash_map<std::string, Write> writes_;
};

}  // namespace news::db

#endif  // NEWS_SERVER_DB_READ_ROUTING_H_
