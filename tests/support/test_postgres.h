#ifndef NEWS_TESTS_SUPPORT_TEST_POSTGRES_H_
#define NEWS_TESTS_SUPPORT_TEST_POSTGRES_H_

// A throwaway PostgreSQL 15 cluster for integration tests: initdb into a temporary directory,
// started with pg_ctl on a Unix socket and a free loopback port, removed at exit. As root the
// cluster runs as the 'postgres' system user (PostgreSQL refuses to run as root).

#include <string>
#include <vector>

namespace news::testing {

class TestPostgres {
 public:
  // The process-wide cluster, started on first use. Aborts the test binary if it cannot start.
  static TestPostgres& Instance();

  // Creates an empty database and returns its libpq URI.
  std::string CreateDatabase(const std::string& name);

  // `pg_ctl stop -m immediate` (a crash, as far as clients can tell) and start again, for
  // fault tests.
  void StopImmediately();
  void Start();
  // `pg_ctl restart -m fast`, as a routine minor upgrade does: sessions are ended cleanly.
  void RestartFast();

  int port() const { return port_; }

 private:
  TestPostgres();
  ~TestPostgres();

  std::string dir_;
  int port_ = 0;
};

// A primary with streaming replicas for the cluster tests (tests/cluster/): each node is a
// throwaway PostgreSQL 15 cluster in its own directory under one temporary directory, on a Unix
// socket there and its own free loopback port; the replicas are `pg_basebackup -R` copies of the
// primary. Removed by the destructor. Aborts the test binary when a node cannot start.
class TestReplicatedPostgres {
 public:
  // Node 0 is the primary, nodes 1..replicas its replicas.
  explicit TestReplicatedPostgres(int replicas);
  ~TestReplicatedPostgres();

  TestReplicatedPostgres(const TestReplicatedPostgres&) = delete;
  TestReplicatedPostgres& operator=(const TestReplicatedPostgres&) = delete;

  // Creates an empty database on the primary and waits until every replica has it; returns
  // ClusterUrl(name).
  std::string CreateDatabase(const std::string& name);
  // The multi-host URI news-server is given: every node, writes to whichever accepts them
  // (postgresql://127.0.0.1:P0,127.0.0.1:P1,.../NAME?target_session_attrs=read-write&...).
  std::string ClusterUrl(const std::string& name) const;
  // A single-node URI.
  std::string NodeUrl(int node, const std::string& name) const;
  // "127.0.0.1:PORT", as the topology probe names the node.
  std::string NodeName(int node) const;

  // SELECT pg_wal_replay_pause() / pg_wal_replay_resume() on a replica.
  void PauseReplay(int node);
  void ResumeReplay(int node);
  // Waits until replica `node` has replayed everything the primary has written.
  void WaitForReplay(int node);
  // `pg_ctl promote -w`: the replica becomes a primary.
  void Promote(int node);
  // `pg_ctl stop -m immediate`.
  void StopImmediately(int node);

 private:
  std::string dir_;
  std::vector<int> ports_;
  std::vector<bool> running_;
};

}  // namespace news::testing

#endif  // NEWS_TESTS_SUPPORT_TEST_POSTGRES_H_
