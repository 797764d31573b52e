#include "tests/support/test_postgres.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <pqxx/pqxx>
#include <stdexcept>

#include "absl/strings/str_cat.h"

namespace news::testing {
namespace {

constexpr char kPgBin[] = "/usr/lib/postgresql/15/bin";

int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    std::perror("bind");
    std::abort();
  }
  close(fd);
  return ntohs(address.sin_port);
}

bool RunningAsRoot() { return geteuid() == 0; }

// A new temporary directory, owned by the cluster owner.
std::string MakeOwnedTemporaryDirectory() {
  char pattern[] = "/tmp/news-test-pg-XXXXXX";
  if (mkdtemp(pattern) == nullptr) {
    std::perror("mkdtemp");
    std::abort();
  }
  if (RunningAsRoot()) {
    const passwd* owner = getpwnam("postgres");
    if (owner == nullptr || chown(pattern, owner->pw_uid, owner->pw_gid) != 0) {
      std::fprintf(stderr, "test cluster: no 'postgres' user to own %s\n", pattern);
      std::abort();
    }
  }
  return pattern;
}

// Runs a PostgreSQL program as the cluster owner; aborts the test binary on failure, since no
// integration test can run without the cluster.
void RunAsOwner(const std::string& command) {
  const std::string full =
      RunningAsRoot() ? absl::StrCat("runuser -u postgres -- ", command) : command;
  if (std::system(full.c_str()) != 0) {
    std::fprintf(stderr, "test cluster: command failed: %s\n", full.c_str());
    std::abort();
  }
}

}  // namespace

TestPostgres& TestPostgres::Instance() {
  static TestPostgres* instance = new TestPostgres();
  return *instance;
}

TestPostgres::TestPostgres() {
  dir_ = MakeOwnedTemporaryDirectory();
  port_ = FreeLoopbackPort();
  RunAsOwner(absl::StrCat(kPgBin, "/initdb -D ", dir_, "/data -U postgres -A trust -E UTF8",
                          " --locale=C.UTF-8 --no-sync >", dir_, "/initdb.log 2>&1"));
  Start();
  // Remove the cluster when the test binary exits, whatever the outcome.
  std::atexit([] {
    TestPostgres& self = Instance();
    std::system(absl::StrCat(RunningAsRoot() ? "runuser -u postgres -- " : "", kPgBin,
                             "/pg_ctl -D ", self.dir_, "/data -m immediate stop >/dev/null 2>&1")
                    .c_str());
    std::error_code ignored;
    std::filesystem::remove_all(self.dir_, ignored);
  });
}

TestPostgres::~TestPostgres() = default;

void TestPostgres::Start() {
  // fsync off: the tests simulate database crashes, not operating system crashes.
  RunAsOwner(absl::StrCat(kPgBin, "/pg_ctl -D ", dir_, "/data -l ", dir_, "/postgres.log -w",
                          " -o \"-k ", dir_, " -p ", port_,
                          " -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
                          " -c max_connections=200\" start >/dev/null"));
}

void TestPostgres::StopImmediately() {
  RunAsOwner(absl::StrCat(kPgBin, "/pg_ctl -D ", dir_, "/data -m immediate -w stop >/dev/null"));
}

void TestPostgres::RestartFast() {
  // restart reuses the options of the running server (postmaster.opts).
  RunAsOwner(absl::StrCat(kPgBin, "/pg_ctl -D ", dir_, "/data -l ", dir_,
                          "/postgres.log -m fast -w restart >/dev/null"));
}

std::string TestPostgres::CreateDatabase(const std::string& name) {
  const std::string base = absl::StrCat("host=", dir_, " port=", port_, " user=postgres");
  pqxx::connection admin(absl::StrCat(base, " dbname=postgres"));
  pqxx::nontransaction tx(admin);
  tx.exec(absl::StrCat("DROP DATABASE IF EXISTS ", tx.quote_name(name)));
  tx.exec(absl::StrCat("CREATE DATABASE ", tx.quote_name(name)));
  return absl::StrCat("postgresql:///", name, "?host=", dir_, "&port=", port_, "&user=postgres");
}

namespace {

// Starts the node in `data` on `dir`'s socket and `port`, with what a primary needs to serve
// replicas (the defaults: wal_level replica, 10 WAL senders) and a replica to serve reads.
void StartNode(const std::string& dir, const std::string& data, int port) {
  RunAsOwner(absl::StrCat(kPgBin, "/pg_ctl -D ", data, " -l ", data, ".log -w",
                          " -o \"-k ", dir, " -p ", port,
                          " -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
                          " -c max_connections=100 -c hot_standby_feedback=on\" start >/dev/null"));
}

}  // namespace

TestReplicatedPostgres::TestReplicatedPostgres(int replicas) {
  dir_ = MakeOwnedTemporaryDirectory();
  RunAsOwner(absl::StrCat(kPgBin, "/initdb -D ", dir_, "/node0 -U postgres -A trust -E UTF8",
                          " --locale=C.UTF-8 --no-sync >", dir_, "/initdb.log 2>&1"));
  ports_.push_back(FreeLoopbackPort());
  StartNode(dir_, absl::StrCat(dir_, "/node0"), ports_[0]);
  running_.push_back(true);
  for (int node = 1; node <= replicas; ++node) {
    // -R writes primary_conninfo and standby.signal: the copy starts as a streaming replica.
    RunAsOwner(absl::StrCat(kPgBin, "/pg_basebackup -h ", dir_, " -p ", ports_[0],
                            " -U postgres -D ", dir_, "/node", node,
                            " -R -X stream --checkpoint=fast --no-sync >/dev/null 2>&1"));
    ports_.push_back(FreeLoopbackPort());
    StartNode(dir_, absl::StrCat(dir_, "/node", node), ports_[node]);
    running_.push_back(true);
  }
}

TestReplicatedPostgres::~TestReplicatedPostgres() {
  for (size_t node = 0; node < ports_.size(); ++node) {
    if (!running_[node]) continue;
    std::system(absl::StrCat(RunningAsRoot() ? "runuser -u postgres -- " : "", kPgBin,
                             "/pg_ctl -D ", dir_, "/node", node,
                             " -m immediate stop >/dev/null 2>&1")
                    .c_str());
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string TestReplicatedPostgres::CreateDatabase(const std::string& name) {
  {
    pqxx::connection admin(NodeUrl(0, "postgres"));
    pqxx::nontransaction tx(admin);
    tx.exec(absl::StrCat("DROP DATABASE IF EXISTS ", tx.quote_name(name)));
    tx.exec(absl::StrCat("CREATE DATABASE ", tx.quote_name(name)));
  }
  for (size_t node = 1; node < ports_.size(); ++node) {
    if (running_[node]) WaitForReplay(static_cast<int>(node));
  }
  return ClusterUrl(name);
}

std::string TestReplicatedPostgres::ClusterUrl(const std::string& name) const {
  std::string hosts;
  for (size_t node = 0; node < ports_.size(); ++node) {
    absl::StrAppend(&hosts, node == 0 ? "" : ",", NodeName(static_cast<int>(node)));
  }
  return absl::StrCat("postgresql://", hosts, "/", name,
                      "?user=postgres&target_session_attrs=read-write&connect_timeout=2");
}

std::string TestReplicatedPostgres::NodeUrl(int node, const std::string& name) const {
  return absl::StrCat("postgresql:///", name, "?host=", dir_, "&port=", ports_[node],
                      "&user=postgres");
}

std::string TestReplicatedPostgres::NodeName(int node) const {
  return absl::StrCat("127.0.0.1:", ports_[node]);
}

void TestReplicatedPostgres::PauseReplay(int node) {
  pqxx::connection db(NodeUrl(node, "postgres"));
  pqxx::nontransaction(db).exec("SELECT pg_wal_replay_pause()");
}

void TestReplicatedPostgres::ResumeReplay(int node) {
  pqxx::connection db(NodeUrl(node, "postgres"));
  pqxx::nontransaction(db).exec("SELECT pg_wal_replay_resume()");
}

void TestReplicatedPostgres::WaitForReplay(int node) {
  std::string target;
  {
    pqxx::connection primary(NodeUrl(0, "postgres"));
    target = pqxx::nontransaction(primary).exec1("SELECT pg_current_wal_lsn()::text")[0].c_str();
  }
  pqxx::connection replica(NodeUrl(node, "postgres"));
  for (int attempt = 0; attempt < 1000; ++attempt) {
    if (pqxx::nontransaction(replica)
            .exec_params1("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn", target)[0]
            .as<bool>()) {
      return;
    }
    usleep(10'000);
  }
  std::fprintf(stderr, "test cluster: node %d did not catch up in 10 s\n", node);
  std::abort();
}

void TestReplicatedPostgres::Promote(int node) {
  RunAsOwner(absl::StrCat(kPgBin, "/pg_ctl -D ", dir_, "/node", node, " -w promote >/dev/null"));
}

void TestReplicatedPostgres::StopImmediately(int node) {
  RunAsOwner(absl::StrCat(kPgBin, "/pg_ctl -D ", dir_, "/node", node,
                          " -m immediate -w stop >/dev/null"));
  running_[node] = false;
}

}  // namespace news::testing
