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
  char pattern[] = "/tmp/news-test-pg-XXXXXX";
  if (mkdtemp(pattern) == nullptr) {
    std::perror("mkdtemp");
    std::abort();
  }
  dir_ = pattern;
  if (RunningAsRoot()) {
    const passwd* owner = getpwnam("postgres");
    if (owner == nullptr || chown(dir_.c_str(), owner->pw_uid, owner->pw_gid) != 0) {
      std::fprintf(stderr, "test cluster: no 'postgres' user to own %s\n", dir_.c_str());
      std::abort();
    }
  }
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

}  // namespace news::testing
