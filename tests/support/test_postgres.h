#ifndef NEWS_TESTS_SUPPORT_TEST_POSTGRES_H_
#define NEWS_TESTS_SUPPORT_TEST_POSTGRES_H_

// A throwaway PostgreSQL 15 cluster for integration tests: initdb into a temporary directory,
// started with pg_ctl on a Unix socket and a free loopback port, removed at exit. As root the
// cluster runs as the 'postgres' system user (PostgreSQL refuses to run as root).

#include <string>

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

}  // namespace news::testing

#endif  // NEWS_TESTS_SUPPORT_TEST_POSTGRES_H_
