#include "server/app/news_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <future>
#include <pqxx/pqxx>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "server/db/migrations.h"
#include "server/domain/related_news.h"
#include "server/storage/comment_store.h"
#include "server/storage/prepared_statements.h"
#include "server/transport/client_identity.h"
#include "server/transport/metrics_interceptor.h"

namespace news {
namespace {

constexpr absl::Duration kHealthCheckInterval = absl::Milliseconds(500);

// Services whose health grpc.health.v1.Health reports, besides the server as a whole ("").
constexpr const char* kHealthReportedServices[] = {
    "news.v1.ArticleService", "news.v1.CommentService", "news.v1.ModerationService",
    "news.v1.DiscoveryService", "news.v1.ClientService"};

absl::StatusOr<std::string> ReadPemFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  if (!in || content.str().empty()) {
    return absl::InvalidArgumentError(absl::StrCat("cannot read TLS file ", path));
  }
  return content.str();
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentials(
    const ServerOptions& options) {
  if (options.tls_cert_file.empty() && options.tls_key_file.empty()) {
    return grpc::InsecureServerCredentials();
  }
  if (options.tls_cert_file.empty() || options.tls_key_file.empty()) {
    return absl::InvalidArgumentError("TLS needs both a certificate and a key file");
  }
  absl::StatusOr<std::string> certificate = ReadPemFile(options.tls_cert_file);
  if (!certificate.ok()) return certificate.status();
  absl::StatusOr<std::string> key = ReadPemFile(options.tls_key_file);
  if (!key.ok()) return key.status();
  grpc::SslServerCredentialsOptions ssl;
  ssl.pem_key_cert_pairs.push_back({*std::move(key), *std::move(certificate)});
  return grpc::SslServerCredentials(ssl);
}

// Mobile clients sit behind NATs that drop idle connections after a few minutes and lose the
// network often: the server pings idle connections, lets clients ping it every 10 s even without
// calls, and recycles connections now and then so a load balancer can rebalance them.
void ApplyTransportLimits(const ServerOptions& options, grpc::ServerBuilder& builder) {
  builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, options.max_concurrent_streams);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 2 * 60 * 1000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20 * 1000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10 * 1000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 3);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, 15 * 60 * 1000);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, 30 * 60 * 1000);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS, 30 * 1000);
  grpc::ResourceQuota quota("news-server");
  quota.Resize(static_cast<size_t>(options.resource_quota_bytes));
  builder.SetResourceQuota(quota);
}

}  // namespace

NewsServer::NewsServer(const ServerOptions& options, std::unique_ptr<ServerMetrics> metrics)
    : options_(options),
      metrics_(std::move(metrics)),
      page_tokens_(options.page_token_secret),
      pool_(db::PoolOptions{options.database_url, options.db_connections, options.db_max_queue,
                            storage::PrepareStatements, options.statement_timeout, metrics_.get()}),
      write_pool_(db::PoolOptions{options.database_url, options.db_write_connections,
                                  options.db_max_queue, storage::PrepareStatements,
                                  options.statement_timeout, metrics_.get()}),
      article_catalog_(page_tokens_),
      article_cache_(options.article_cache_entries, options.article_cache_ttl),
      feed_cache_(options.feed_cache_entries, options.article_cache_ttl),
      article_service_(article_catalog_, pool_, view_counter_, article_cache_, feed_cache_,
                       options.clock),
      discovery_catalog_(page_tokens_, site_activity_),
      discovery_service_(discovery_catalog_, pool_, options.clock),
      comment_board_(options.comment_rules, page_tokens_),
      client_ids_(options.client_id_secret),
      callers_(options.caller_rules, client_ids_),
      client_registry_(client_ids_, options.client_registration_rules),
      client_service_(client_registry_, callers_, write_pool_),
      comment_service_(comment_board_, callers_, pool_, write_pool_),
      moderation_desk_(page_tokens_),
      moderation_service_(moderation_desk_, write_pool_) {}

absl::StatusOr<std::unique_ptr<NewsServer>> NewsServer::Start(const ServerOptions& options) {
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials = ServerCredentials(options);
  if (!credentials.ok()) return credentials.status();
  try {
    pqxx::connection connection(options.database_url);
    if (options.apply_migrations) {
      absl::Status migrated = db::ApplyMigrations(connection, db::EmbeddedMigrations());
      if (!migrated.ok()) return migrated;
    }
  } catch (const pqxx::broken_connection& e) {
    return absl::UnavailableError(absl::StrCat("cannot connect to the database: ", e.what()));
  }
  absl::StatusOr<std::unique_ptr<ServerMetrics>> metrics =
      ServerMetrics::Create(options.metrics_listen_address);
  if (!metrics.ok()) return metrics.status();

  std::unique_ptr<NewsServer> server(new NewsServer(options, *std::move(metrics)));
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen_address, *credentials, &server->port_);
  ApplyTransportLimits(options, builder);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<MetricsInterceptorFactory>(
      server->metrics_->rpc(),
      [s = server.get()](const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
                         const std::string& peer) {
        s->site_activity_.RecordRequest(ClientIdentity(metadata, peer), s->options_.clock());
      }));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  builder.RegisterService(&server->article_service_);
  builder.RegisterService(&server->discovery_service_);
  builder.RegisterService(&server->comment_service_);
  builder.RegisterService(&server->client_service_);
  builder.RegisterService(&server->moderation_service_);
  server->server_ = builder.BuildAndStart();
  if (!server->server_ || server->port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options.listen_address));
  }
  for (const char* service : kHealthReportedServices) {
    server->server_->GetHealthCheckService()->SetServingStatus(service, false);
  }
  server->RegisterPoolGauges();
  server->RegisterServiceMetrics();
  server->health_thread_ = std::thread([s = server.get()] { s->MonitorDatabaseHealth(); });
  server->flush_thread_ = std::thread([s = server.get()] { s->FlushAudiencePeriodically(); });
  if (options.related_refresh_lists > 0) {
    server->related_refresh_thread_ =
        std::thread([s = server.get()] { s->RefreshRelatedListsPeriodically(); });
  }
  spdlog::info("news-server listening on {} (port {}, {}); metrics on {}", options.listen_address,
               server->port_, options.tls_cert_file.empty() ? "plaintext" : "TLS",
               server->metrics_->port() == 0 ? std::string("(off)")
                                             : absl::StrCat("port ", server->metrics_->port()));
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
  if (flush_thread_.joinable()) flush_thread_.join();
  if (related_refresh_thread_.joinable()) related_refresh_thread_.join();
  if (server_) {
    server_->GetHealthCheckService()->Shutdown();
    server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  }
  // No call can count a view any more: what is still pending is written before the pool stops.
  FlushAudienceNow();
  pool_.Shutdown();
  write_pool_.Shutdown();
  metrics_->StopServing();
}

void NewsServer::RegisterPoolGauges() {
  RegisterPoolGauges("news_db_pool", "Database", pool_, options_.db_connections);
  RegisterPoolGauges("news_db_write_pool", "Database write", write_pool_,
                     options_.db_write_connections);
}

void NewsServer::RegisterPoolGauges(const std::string& prefix, const std::string& kind,
                                    const db::DatabasePool& pool, int connections) {
  metrics_->AddSampledGauge(absl::StrCat(prefix, "_queue_length"),
                            absl::StrCat(kind, " jobs waiting for a pool worker"),
                            [&pool] { return static_cast<double>(pool.queue_length()); });
  metrics_->AddSampledGauge(absl::StrCat(prefix, "_connections_in_use"),
                            absl::StrCat(kind, " pool workers running a job"),
                            [&pool] { return static_cast<double>(pool.in_use()); });
  metrics_->AddSampledGauge(absl::StrCat(prefix, "_connections"),
                            absl::StrCat(kind, " pool workers (connections)"),
                            [connections] { return static_cast<double>(connections); });
}

void NewsServer::RegisterServiceMetrics() {
  auto add_cache_counters = [this](const std::string& name, const auto& cache) {
    const std::map<std::string, std::string> labels = {{"cache", name}};
    metrics_->AddSampledCounter("news_cache_hits_total",
                                "Reads answered from an in-memory response cache", labels,
                                [&cache] { return static_cast<double>(cache.hits()); });
    metrics_->AddSampledCounter("news_cache_misses_total",
                                "Cacheable reads that started a database read", labels,
                                [&cache] { return static_cast<double>(cache.misses()); });
    metrics_->AddSampledCounter("news_cache_coalesced_total",
                                "Cacheable reads that waited for a database read another call "
                                "had started",
                                labels,
                                [&cache] { return static_cast<double>(cache.coalesced()); });
    metrics_->AddSampledCounter("news_cache_refreshes_total",
                                "Background re-reads of entries older than half the TTL", labels,
                                [&cache] { return static_cast<double>(cache.refreshes()); });
  };
  add_cache_counters("article", article_cache_);
  add_cache_counters("feed", feed_cache_);
  metrics_->AddSampledGauge("news_pending_view_counts",
                            "Counted article views not yet written to the database",
                            [this] { return static_cast<double>(view_counter_.pending_count()); });
  metrics_->AddSampledGauge(
      "news_moderation_queue_length", "Comments waiting for moderation (recounted every few s)",
      [this] { return static_cast<double>(moderation_queue_length_.load()); });
}

void NewsServer::FlushAudiencePeriodically() {
  std::unique_lock lock(health_mutex_);
  while (!health_wake_.wait_for(lock, absl::ToChronoMilliseconds(options_.view_flush_interval),
                                [this] { return stopping_; })) {
    lock.unlock();
    FlushAudienceNow();
    lock.lock();
  }
}

void NewsServer::FlushAudienceNow() {
  std::promise<absl::Status> outcome;
  write_pool_.Submit(
      absl::InfiniteFuture(), db::RetryPolicy::kNoRetry,
      [this](pqxx::connection& db) {
        return FlushAudienceCounts(db, view_counter_, site_activity_);
      },
      [&outcome](absl::Status status) { outcome.set_value(std::move(status)); });
  const absl::Status status = outcome.get_future().get();
  if (!status.ok()) spdlog::warn("view counts not flushed yet: {}", status.ToString());
}

void NewsServer::RefreshRelatedListsPeriodically() {
  std::unique_ptr<pqxx::connection> connection;
  std::unique_lock lock(health_mutex_);
  while (!health_wake_.wait_for(lock, absl::ToChronoMilliseconds(options_.related_refresh_interval),
                                [this] { return stopping_; })) {
    lock.unlock();
    try {
      if (!connection || !connection->is_open()) {
        connection = std::make_unique<pqxx::connection>(options_.database_url);
        storage::PrepareStatements(*connection);
      }
      // One list per transaction: row locks are held briefly and never across lists, so an
      // import entering its article into many lists cannot deadlock with the refresher.
      for (int i = 0; i < options_.related_refresh_lists; ++i) {
        pqxx::work tx(*connection);
        const int refreshed = RefreshStaleRelatedLists(tx, 1);
        tx.commit();
        if (refreshed == 0) break;
      }
    } catch (const std::exception& e) {
      connection.reset();
      spdlog::warn("related lists not refreshed yet: {}", e.what());
    }
    lock.lock();
  }
}

void NewsServer::MonitorDatabaseHealth() {
  std::unique_ptr<pqxx::connection> connection;
  bool last_serving = false;
  bool first = true;
  absl::Time queue_counted = absl::InfinitePast();
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
    // Counted here rather than at scrape time so that scrapes never touch the database.
    if (serving && absl::Now() - queue_counted >= options_.moderation_queue_refresh_interval) {
      queue_counted = absl::Now();
      try {
        pqxx::nontransaction tx(*connection);
        moderation_queue_length_ = storage::CommentStore(tx).CountPending();
      } catch (const std::exception& e) {
        spdlog::warn("moderation queue not counted: {}", e.what());
      }
    }
    if (first || serving != last_serving) {
      server_->GetHealthCheckService()->SetServingStatus(serving);
      metrics_->SetDatabaseUp(serving);
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
