// news-server: serves the news.v1 gRPC API from PostgreSQL. See README.md for the flags.

#include <signal.h>
#include <spdlog/spdlog.h>

#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "server/app/environment.h"
#include "server/app/news_server.h"

ABSL_FLAG(std::string, listen, news::EnvOr("LISTEN_ADDRESS", "127.0.0.1:50051"),
          "HOST:PORT to serve gRPC on (env LISTEN_ADDRESS)");
ABSL_FLAG(std::string, database_url, news::EnvOr("DATABASE_URL", ""),
          "libpq URI of the PostgreSQL database (env DATABASE_URL)");
ABSL_FLAG(int, db_pool_size, news::EnvOr("DB_POOL_SIZE", 4),
          "database connections, one worker thread each (env DB_POOL_SIZE)");
ABSL_FLAG(int, db_max_queue, news::EnvOr("DB_MAX_QUEUE", 2048),
          "requests that may wait for a database worker before RESOURCE_EXHAUSTED "
          "(env DB_MAX_QUEUE)");
ABSL_FLAG(std::string, page_token_secret,
          news::EnvOr("PAGE_TOKEN_SECRET", "news-backend-default-page-token-secret"),
          "key that authenticates page tokens; the same on all instances (env PAGE_TOKEN_SECRET)");
ABSL_FLAG(int, shutdown_grace_seconds, news::EnvOr("SHUTDOWN_GRACE_SECONDS", 10),
          "how long in-flight calls may run after SIGTERM (env SHUTDOWN_GRACE_SECONDS)");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("Serves the news.v1 gRPC API.");
  absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_database_url).empty()) {
    std::fprintf(stderr, "news-server: set --database_url or DATABASE_URL\n");
    return 2;
  }

  // Block the shutdown signals in every thread; this thread waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  news::ServerOptions options;
  options.listen_address = absl::GetFlag(FLAGS_listen);
  options.database_url = absl::GetFlag(FLAGS_database_url);
  options.db_connections = absl::GetFlag(FLAGS_db_pool_size);
  options.db_max_queue = static_cast<size_t>(absl::GetFlag(FLAGS_db_max_queue));
  options.page_token_secret = absl::GetFlag(FLAGS_page_token_secret);
  auto server = news::NewsServer::Start(options);
  if (!server.ok()) {
    std::fprintf(stderr, "news-server: %s\n", std::string(server.status().message()).c_str());
    return 1;
  }

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  spdlog::info("received signal {}; shutting down", signal_number);
  (*server)->Shutdown(absl::Seconds(absl::GetFlag(FLAGS_shutdown_grace_seconds)));
  spdlog::info("stopped");
  return 0;
}
