#ifndef NEWS_SERVER_APP_NEWS_SERVER_H_
#define NEWS_SERVER_APP_NEWS_SERVER_H_

// Wiring: builds the database pool, the domain objects and the gRPC services, and runs them.
// news-server's main() and the integration tests start the server through this class.

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/db/database_pool.h"
#include "server/domain/article_catalog.h"
#include "server/domain/pagination.h"
#include "server/transport/article_grpc_service.h"

namespace news {

struct ServerOptions {
  // HOST:PORT; port 0 picks a free port (see NewsServer::port()).
  std::string listen_address = "127.0.0.1:50051";
  // libpq URI of the database.
  std::string database_url;
  int db_connections = 4;
  size_t db_max_queue = 2048;
  // Key for page-token MACs; the same on every instance serving one database.
  std::string page_token_secret = "news-backend-default-page-token-secret";
};

class NewsServer {
 public:
  // Applies pending migrations, then starts serving. FailedPrecondition when a migration was
  // edited after it ran; Unavailable when the database cannot be reached at start-up or the
  // address cannot be bound.
  static absl::StatusOr<std::unique_ptr<NewsServer>> Start(const ServerOptions& options);

  ~NewsServer();

  // The bound port.
  int port() const { return port_; }

  // Stops accepting calls, gives in-flight calls up to `grace` to finish (then cancels them),
  // and drains the database pool. Idempotent.
  void Shutdown(absl::Duration grace);

 private:
  explicit NewsServer(const ServerOptions& options);

  // Reports SERVING on grpc.health.v1.Health only while the database answers.
  void MonitorDatabaseHealth();

  const ServerOptions options_;
  PageTokenCodec page_tokens_;
  db::DatabasePool pool_;
  ArticleCatalog article_catalog_;
  ArticleGrpcService article_service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;

  std::mutex health_mutex_;
  std::condition_variable health_wake_;
  bool stopping_ = false;
  std::thread health_thread_;
};

}  // namespace news

#endif  // NEWS_SERVER_APP_NEWS_SERVER_H_
