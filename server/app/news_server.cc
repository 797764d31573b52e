#include "server/app/news_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <spdlog/spdlog.h>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "server/db/migrations.h"
#include "server/storage/prepared_statements.h"

namespace news {
namespace {

constexpr absl::Duration kHealthCheckInterval = absl::Milliseconds(500);

// Services whose health grpc.health.v1.Health reports, besides the server as a whole ("").
constexpr const char* kHealthReportedServices[] = {"news.v1.ArticleService"};

}  // namespace

NewsServer::NewsServer(const ServerOptions& options)
    : options_(options),
      page_tokens_(options.page_token_secret),
      pool_(db::PoolOptions{options.database_url, options.db_connections, options.db_max_queue,
                            storage::PrepareStatements}),
      article_catalog_(page_tokens_),
      article_service_(article_catalog_, pool_) {}

absl::StatusOr<std::unique_ptr<NewsServer>> NewsServer::Start(const ServerOptions& options) {
  try {
    pqxx::connection connection(options.database_url);
    absl::Status migrated = db::ApplyMigrations(connection, db::EmbeddedMigrations());
    if (!migrated.ok()) return migrated;
  } catch (const pqxx::broken_connection& e) {
    return absl::UnavailableError(absl::StrCat("cannot connect to the database: ", e.what()));
  }

  std::unique_ptr<NewsServer> server(new NewsServer(options));
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen_address, grpc::InsecureServerCredentials(),
                           &server->port_);
  builder.RegisterService(&server->article_service_);
  server->server_ = builder.BuildAndStart();
  if (!server->server_ || server->port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options.listen_address));
  }
  for (const char* service : kHealthReportedServices) {
    server->server_->GetHealthCheckService()->SetServingStatus(service, false);
  }
  server->health_thread_ = std::thread([s = server.get()] { s->MonitorDatabaseHealth(); });
  spdlog::info("news-server listening on {} (port {})", options.listen_address, server->port_);
  return server;
}

NewsServer::~NewsServer() { Shutdown(absl::ZeroDuration()); }

void NewsServer::Shutdown(absl::Duration grace) {
  {
    std::lock_guard lock(health_mutex_);
    if (stopping_) return;
    stopping_ = true;
    health_wake_.notify_all();
  }
  if (health_thread_.joinable()) health_thread_.join();
  if (server_) {
    server_->GetHealthCheckService()->Shutdown();
    server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  }
  pool_.Shutdown();
}

void NewsServer::MonitorDatabaseHealth() {
  std::unique_ptr<pqxx::connection> connection;
  bool last_serving = false;
  bool first = true;
  std::unique_lock lock(health_mutex_);
  while (!stopping_) {
    lock.unlock();
    bool serving = false;
    try {
      if (!connection || !connection->is_open()) {
        connection = std::make_unique<pqxx::connection>(options_.database_url);
      }
      pqxx::nontransaction(*connection).exec("SELECT 1");
      serving = true;
    } catch (const std::exception& e) {
      connection.reset();
    }
    if (first || serving != last_serving) {
      server_->GetHealthCheckService()->SetServingStatus(serving);
      spdlog::info("database {}; health {}", serving ? "reachable" : "unreachable",
                   serving ? "SERVING" : "NOT_SERVING");
      last_serving = serving;
      first = false;
    }
    lock.lock();
    health_wake_.wait_for(lock, absl::ToChronoMilliseconds(kHealthCheckInterval),
                          [this] { return stopping_; });
  }
}

}  // namespace news
