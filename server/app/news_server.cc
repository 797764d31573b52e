#include "server/app/news_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "server/db/migrations.h"
#include "server/storage/newsroom/newsroom_store.h"
#include "server/storage/prepared_statements.h"
#include "server/transport/client_identity.h"
#include "server/transport/metrics_interceptor.h"

namespace news {
namespace {

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

// A cache's bounds: its entries, and its share (percent) of cache_memory_bytes.
CacheLimits CacheLimitsOf(const ServerOptions& options, size_t entries, size_t percent) {
  if (options.cache_memory_bytes == 0) return CacheLimits(entries);
  return CacheLimits(entries, options.cache_memory_bytes / 100 * percent);
}

// Mobile clients sit behind NATs that drop idle connections after a few minutes and lose the
// network often: the server pings idle connections, lets clients ping it every 10 s even without
// calls, and recycles connections now and then so a load balancer can rebalance them.
void ApplyTransportLimits(const ServerOptions& options, grpc::ServerBuilder& builder) {
  builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, options.max_concurrent_streams);
  // gRPC sets SO_REUSEPORT by default, which lets a second server silently share a busy port
  // and take half its connections; a busy --listen must fail the start instead.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 2 * 60 * 1000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20 * 1000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10 * 1000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 3);
  // By default a server stops its keepalive pings after two without data going out; a live
  // stream may be quiet for long, and pings are what finds a phone that vanished (docs/live.md).
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, 15 * 60 * 1000);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, 30 * 60 * 1000);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS, 30 * 1000);
  grpc::ResourceQuota quota("news-server");
  quota.Resize(static_cast<size_t>(options.resource_quota_bytes));
  builder.SetResourceQuota(quota);
}

// Read routing for a database URL naming several hosts; null for one host, which then works
// exactly as before replicas (and for a URL libpq cannot parse, which fails at connect).
std::unique_ptr<db::ReadRouting> MakeReadRouting(const ServerOptions& options) {
  absl::StatusOr<std::vector<db::DatabaseHost>> hosts =
      db::SplitDatabaseHosts(options.database_url);
  if (!hosts.ok() || hosts->size() < 2) return nullptr;
  return std::make_unique<db::ReadRouting>(*std::move(hosts), options.read_your_writes_window);
}

}  // namespace

NewsServer::NewsServer(const ServerOptions& options, std::unique_ptr<ServerMetrics> metrics)
    : options_(options),
      metrics_(std::move(metrics)),
      page_tokens_(options.page_token_secret),
      read_routing_(MakeReadRouting(options)),
      pool_(db::PoolOptions{options.database_url, options.db_connections, options.db_max_queue,
                            storage::PrepareStatements, options.statement_timeout, metrics_.get(),
                            "news-server read pool", read_routing_.get(),
                            read_routing_ ? &write_pool_ : nullptr}),
      write_pool_(db::PoolOptions{options.database_url, options.db_write_connections,
                                  options.db_max_queue, storage::PrepareStatements,
                                  options.statement_timeout, metrics_.get(),
                                  "news-server write pool", read_routing_.get()}),
      article_catalog_(page_tokens_),
      article_sync_(page_tokens_),
      // No refresh-ahead: the counters come from article_counters_ (docs/caching.md).
      article_cache_(CacheLimitsOf(options, options.article_cache_entries, 50),
                     options.article_cache_ttl, options.article_cache_ttl),
      feed_cache_(CacheLimitsOf(options, options.feed_cache_entries, 10),
                  options.article_cache_ttl, options.article_cache_refresh_after),
      lookup_cache_(options.feed_cache_entries > 0 ? 2 : 0, options.article_cache_ttl,
                    options.article_cache_refresh_after),
      related_cache_(CacheLimitsOf(options, options.related_cache_entries, 15),
                     options.article_cache_ttl, options.article_cache_refresh_after),
      most_viewed_cache_(CacheLimitsOf(options, options.most_viewed_cache_entries, 5),
                         std::min(options.article_cache_ttl, options.most_viewed_cache_ttl),
                         options.article_cache_refresh_after),
      search_cache_(CacheLimitsOf(options, options.search_cache_entries, 20),
                    options.article_cache_ttl, options.search_cache_refresh_after),
      cache_invalidation_({.articles = article_cache_,
                           .feeds = feed_cache_,
                           .lookups = lookup_cache_,
                           .related = related_cache_,
                           .most_viewed = most_viewed_cache_,
                           .searches = search_cache_}),
      article_service_(article_catalog_, article_sync_, pool_, view_counter_, article_cache_,
                       article_counters_,
                       feed_cache_, lookup_cache_, options.clock),
      discovery_catalog_(page_tokens_, site_activity_),
      discovery_service_(discovery_catalog_, pool_, related_cache_, most_viewed_cache_,
                         search_cache_, options.clock),
      comment_policy_(options.comment_rules),
      comment_board_(options.comment_rules, page_tokens_, comment_policy_),
      client_ids_(options.client_id_secret),
      callers_(options.caller_rules, client_ids_),
      client_registry_(client_ids_, options.client_registration_rules),
      client_service_(client_registry_, callers_, write_pool_),
      comment_service_(comment_board_, callers_, pool_, write_pool_),
      moderation_desk_(page_tokens_),
      word_list_desk_(page_tokens_, comment_policy_),
      moderation_service_(moderation_desk_, word_list_desk_, write_pool_),
      editorial_desk_(page_tokens_),
      editorial_service_(editorial_desk_, write_pool_),
      webhook_desk_(page_tokens_, own_listeners_),
      webhook_service_(webhook_desk_, write_pool_),
      live_tokens_(page_tokens_),
      live_hub_(options.live, live_tokens_),
      live_service_(live_hub_, live_tokens_, pool_),
      view_flusher_(write_pool_, view_counter_, site_activity_, options.view_flush_interval,
                    *metrics_),
      moderation_queue_gauge_(pool_, options.moderation_queue_refresh_interval, *metrics_),
      newsroom_worker_({.database_url = options.database_url,
                        .retention = options.change_log_retention},
                       *metrics_) {
  if (options.related_refresh_lists > 0) {
    related_list_refresher_ = std::make_unique<RelatedListRefresher>(
        write_pool_, options.related_refresh_lists, options.related_refresh_interval, *metrics_);
  }
  if (article_cache_.enabled()) {
    article_counter_refresher_ = std::make_unique<ArticleCounterRefresher>(
        pool_, article_cache_, article_counters_, options.article_counter_refresh_interval,
        *metrics_);
  }
  std::vector<ChangeSubscriber*> change_subscribers;
  if (article_cache_.enabled() || feed_cache_.enabled() || related_cache_.enabled() ||
      most_viewed_cache_.enabled() || search_cache_.enabled()) {
    change_subscribers.push_back(&cache_invalidation_);
  }
  if (options.live.enabled) {
    change_subscribers.push_back(&live_hub_);
    live_pump_ = std::make_unique<LivePump>(live_hub_, pool_, *metrics_);
  }
  if (!change_subscribers.empty()) {
    change_log_follower_ = std::make_unique<ChangeLogFollower>(
        ChangeLogFollowerOptions{.database_url = options.database_url,
                                 .routing = read_routing_.get()},
        std::move(change_subscribers), *metrics_);
  }
  if (options.webhook_delivery) {
    webhook_outbox_writer_ = std::make_unique<WebhookOutboxWriter>(
        WebhookOutboxWriterOptions{.database_url = options.database_url}, *metrics_);
    WebhookSenderOptions sender = options.webhook_sender;
    sender.database_url = options.database_url;
    webhook_sender_ = std::make_unique<WebhookSender>(sender, own_listeners_, *metrics_);
  }
  metrics_->AddPoolGauges("news_db_pool", "Database", pool_, options.db_connections);
  metrics_->AddPoolGauges("news_db_write_pool", "Database write", write_pool_,
                          options.db_write_connections);
  metrics_->AddCacheCounters("article", article_cache_);
  metrics_->AddCacheCounters("feed", feed_cache_);
  metrics_->AddCacheCounters("lookup", lookup_cache_);
  metrics_->AddCacheCounters("related", related_cache_);
  metrics_->AddCacheCounters("most_viewed", most_viewed_cache_);
  metrics_->AddCacheCounters("search", search_cache_);
  if (read_routing_) {
    topology_probe_ = std::make_unique<TopologyProbe>(
        *read_routing_,
        TopologyProbeOptions{.interval = options.topology_probe_interval,
                             .max_replica_lag = options.max_replica_lag},
        *metrics_);
  }
}

absl::StatusOr<std::unique_ptr<NewsServer>> NewsServer::Start(const ServerOptions& options) {
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials = ServerCredentials(options);
  if (!credentials.ok()) return credentials.status();
  // Where live streams start: each stream replays up to the hub's position, which the pump
  // then moves on from here.
  int64_t change_log_position = 0;
  try {
    pqxx::connection connection(options.database_url);
    if (options.apply_migrations) {
      absl::Status migrated = db::ApplyMigrations(connection, db::EmbeddedMigrations());
      if (!migrated.ok()) return migrated;
    }
    pqxx::nontransaction tx(connection);
    change_log_position = storage::NewsroomStore(tx).LastPosition();
  } catch (const pqxx::broken_connection& e) {
    return absl::UnavailableError(absl::StrCat("cannot connect to the database: ", e.what()));
  }
  std::unique_ptr<NewsServer> server(new NewsServer(options, ServerMetrics::Create()));
  if (server->topology_probe_) server->topology_probe_->Start();
  server->live_hub_.StartAt(change_log_position);
  server->view_flusher_.Start();
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
  builder.RegisterService(&server->editorial_service_);
  builder.RegisterService(&server->webhook_service_);
  if (options.live.enabled) builder.RegisterService(&server->live_service_);
  server->server_ = builder.BuildAndStart();
  if (!server->server_ || server->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve gRPC on ", options.listen_address,
                     " (--listen): the address is in use or cannot be bound"));
  }
  // After the gRPC port, so a busy or bad --listen is the error reported, not the metrics port.
  if (absl::Status serving = server->metrics_->Serve(options.metrics_listen_address);
      !serving.ok()) {
    return serving;
  }
  server->own_listeners_.Set(server->port_, server->metrics_->port());
  grpc::HealthCheckServiceInterface& health = *server->server_->GetHealthCheckService();
  for (const char* service : kHealthReportedServices) health.SetServingStatus(service, false);
  server->moderation_queue_gauge_.Start();
  if (server->related_list_refresher_) server->related_list_refresher_->Start();
  if (server->article_counter_refresher_) server->article_counter_refresher_->Start();
  server->newsroom_worker_.Start();
  if (server->change_log_follower_) server->change_log_follower_->Start();
  if (server->webhook_outbox_writer_) server->webhook_outbox_writer_->Start();
  if (server->webhook_sender_) server->webhook_sender_->Start();
  if (server->live_pump_) server->live_pump_->Start();
  server->health_monitor_ =
      std::make_unique<HealthMonitor>(options.database_url, health, *server->metrics_);
  server->health_monitor_->Start();
  spdlog::info("news-server listening on {} (port {}, {}); metrics on {}", options.listen_address,
               server->port_, options.tls_cert_file.empty() ? "plaintext" : "TLS",
               server->metrics_->port() == 0 ? std::string("(off)")
                                             : absl::StrCat("port ", server->metrics_->port()));
  return server;
}

NewsServer::~NewsServer() { Shutdown(absl::ZeroDuration()); }

// Each step stops what the next one would otherwise still be used by, or misses:
// - the health monitor first, then the health service reports NOT_SERVING, so load balancers
//   stop sending calls while in-flight ones finish;
// - the moderation queue gauge, the related list refresher and the article counter refresher
//   read and write through the pools;
// - the change-log follower and the live pump only observe (they invalidate the caches and
//   feed the live hub, which outlive them);
// - the webhook sender and outbox writer work from the database alone (attempts cut short are
//   sent again after their lease), so they need not outlive the calls;
// - live streams end with UNAVAILABLE before the grace period, so their clients reconnect
//   (elsewhere) with their resume tokens instead of waiting for the cancellation;
// - the gRPC server: after it no call can count a view;
// - the view flusher, whose last flush writes what the calls counted, through the write pool;
// - the pools, once no job can be queued any more;
// - the topology probe, which kept routing the pools' reads until they drained;
// - the metrics last, because their samplers read everything above.
void NewsServer::Shutdown(absl::Duration grace) {
  if (shut_down_) return;
  shut_down_ = true;
  if (health_monitor_) health_monitor_->Stop();
  moderation_queue_gauge_.Stop();
  if (related_list_refresher_) related_list_refresher_->Stop();
  if (live_pump_) live_pump_->Stop();
  if (article_counter_refresher_) article_counter_refresher_->Stop();
  if (change_log_follower_) change_log_follower_->Stop();
  if (webhook_sender_) webhook_sender_->Stop();
  if (webhook_outbox_writer_) webhook_outbox_writer_->Stop();
  newsroom_worker_.Stop();
  live_hub_.EndAll(absl::UnavailableError(
      "the server is shutting down; watch again with the last resume_token"));
  if (server_) {
    server_->GetHealthCheckService()->Shutdown();
    server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  }
  view_flusher_.Stop();
  pool_.Shutdown();
  write_pool_.Shutdown();
  if (topology_probe_) topology_probe_->Stop();
  metrics_->StopServing();
}

}  // namespace news
