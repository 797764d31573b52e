#ifndef NEWS_SERVER_APP_NEWS_SERVER_H_
#define NEWS_SERVER_APP_NEWS_SERVER_H_

// Wiring: builds the database pools, the domain objects, the gRPC services and the background
// jobs, and starts and stops them in order. news-server's main() and the integration tests start
// the server through this class.

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/app/jobs/articles/article_counter_refresher.h"
#include "server/app/jobs/change_log/change_log_follower.h"
#include "server/app/jobs/database/health_monitor.h"
#include "server/app/jobs/change_log/live_pump.h"
#include "server/app/jobs/comments/moderation_queue_gauge.h"
#include "server/app/jobs/articles/newsroom_worker.h"
#include "server/app/jobs/articles/related_list_refresher.h"
#include "server/app/jobs/database/topology_probe.h"
#include "server/app/jobs/articles/view_flusher.h"
#include "server/app/jobs/webhooks/webhook_outbox_writer.h"
#include "server/app/jobs/webhooks/webhook_sender.h"
#include "server/app/metrics.h"
#include "server/db/database_pool.h"
#include "server/db/read_routing.h"
#include "server/domain/articles/article_catalog.h"
#include "server/domain/articles/article_sync.h"
#include "server/domain/articles/counter_overlay.h"
#include "server/domain/articles/view_counter.h"
#include "server/domain/cache_invalidation.h"
#include "server/domain/clients/client_ids.h"
#include "server/domain/clients/client_registry.h"
#include "server/domain/comments/comment_board.h"
#include "server/domain/comments/comment_policy.h"
#include "server/domain/comments/moderation_desk.h"
#include "server/domain/comments/word_list_desk.h"
#include "server/domain/discovery/discovery_catalog.h"
#include "server/domain/discovery/site_activity.h"
#include "server/domain/live/live_events.h"
#include "server/domain/live/live_hub.h"
#include "server/domain/newsroom/editorial_desk.h"
#include "server/domain/pagination.h"
#include "server/domain/webhooks/webhook_desk.h"
#include "server/domain/webhooks/webhook_url.h"
#include "server/transport/articles/article_grpc_service.h"
#include "server/transport/articles/discovery_grpc_service.h"
#include "server/transport/articles/editorial_grpc_service.h"
#include "server/transport/client_identity.h"
#include "server/transport/comments/client_grpc_service.h"
#include "server/transport/comments/comment_grpc_service.h"
#include "server/transport/comments/moderation_grpc_service.h"
#include "server/transport/webhooks/webhook_grpc_service.h"
#include "server/transport/live/live_grpc_service.h"

namespace news {

struct ServerOptions {
  // HOST:PORT; port 0 picks a free port (see NewsServer::port()).
  std::string listen_address = "127.0.0.1:50051";
  // libpq URI of the database.
  std::string database_url;
  // Connections for reads, and for writes that commit (comments, likes, moderation, view
  // flushes). A commit mostly waits for the WAL flush rather than a core, and PostgreSQL flushes
  // the commits that wait together in one go, so writes get more connections than reads: as
  // many as the commits expected at once at peak (docs/benchmarks.md: 32 against 16 at 32
  // creates in flight gave 1.2-1.8x the comments per second).
  int db_connections = 4;
  int db_write_connections = 32;
  size_t db_max_queue = 2048;
  // Key for page-token MACs; the same on every instance serving one database.
  std::string page_token_secret = "news-backend-default-page-token-secret";
  // Apply pending migrations at start-up as the connecting role. Off when the server connects
  // as a role without DDL rights (news_app, see docs/operations.md) and `newsctl migrate` runs
  // as the owner.
  bool apply_migrations = true;
  // HOST:PORT of the Prometheus /metrics endpoint; empty: not served.
  std::string metrics_listen_address;
  // Default statement_timeout of the database connections (see db::PoolOptions).
  absl::Duration statement_timeout = absl::Seconds(5);
  // Requests larger than this get RESOURCE_EXHAUSTED before any handler runs.
  int max_receive_message_bytes = 64 * 1024;
  // Concurrent calls per HTTP/2 connection.
  int max_concurrent_streams = 100;
  // Memory the gRPC transport may use for buffers; past it, new work is refused.
  int64_t resource_quota_bytes = 512 << 20;
  // PEM files; both empty serves plaintext, both set serves TLS only.
  std::string tls_cert_file;
  std::string tls_key_file;
  // How often counted views and visits are written to the database; GetArticle's view_count
  // lags behind by at most this much (docs/discovery.md).
  absl::Duration view_flush_interval = absl::Seconds(5);
  // Every related_refresh_interval, up to related_refresh_lists stale related lists (computed
  // when the corpus was less than half its present size) are recomputed, each in its own
  // transaction on a connection of their own (docs/discovery.md). 0 lists: not refreshed.
  int related_refresh_lists = 20;
  absl::Duration related_refresh_interval = absl::Seconds(1);
  // "Now" for view counting, most-viewed windows and site statistics; tests set a fake clock.
  std::function<absl::Time()> clock = [] { return absl::Now(); };
  // Comment moderation mode and flood/duplicate limits (docs/comments.md).
  CommentRules comment_rules;
  // Trusted proxies and whether writes need signed client ids; key of the signed client ids (the
  // same on every instance); the per-address issuance limit (docs/comments.md, "Abuse
  // resistance").
  CallerRules caller_rules;
  std::string client_id_secret = "news-backend-default-client-id-secret";
  ClientRegistrationRules client_registration_rules;
  // In-memory caches of GetArticle by id and of first ListArticles pages
  // (server/domain/response_cache.h, docs/caching.md): at most this many entries each,
  // invalidated by the change log (ChangeLogFollower), each served for at most article_cache_ttl
  // after it was read. List entries (feeds, lookups, related and most viewed lists) are refreshed
  // in the background when read after article_cache_refresh_after; GetArticle entries are not:
  // their view and comment counts are read for every cached id in one batch every
  // article_counter_refresh_interval and served on top of the cached bytes. 0 entries turns a
  // cache off (the default here, so that tests read their own writes; news-server turns them on).
  size_t article_cache_entries = 0;
  size_t feed_cache_entries = 0;
  absl::Duration article_cache_ttl = absl::Minutes(5);
  absl::Duration article_cache_refresh_after = absl::Seconds(5);
  absl::Duration article_counter_refresh_interval = absl::Seconds(1);
  // The same for ListRelatedArticles (per article and page size) and ListMostViewedArticles (per
  // window and page size); most viewed lists move with views, which have no change-log rows, so
  // they are served for at most most_viewed_cache_ttl (if shorter than article_cache_ttl).
  // ListCategories and ListSources are cached (two entries) whenever the feed cache is on.
  size_t related_cache_entries = 0;
  size_t most_viewed_cache_entries = 0;
  absl::Duration most_viewed_cache_ttl = absl::Seconds(10);
  // SearchArticles responses kept in memory (server/domain/response_cache.h,
  // docs/discovery.md): at most this many, all dropped when an article changes, each served
  // for at most article_cache_ttl and refreshed in the background when read after
  // search_cache_refresh_after (their view and comment counts). 0 turns it off (the default
  // here; news-server turns it on).
  size_t search_cache_entries = 0;
  absl::Duration search_cache_refresh_after = absl::Seconds(30);
  // Bytes (keys and serialized responses) all the response caches above may hold together, on
  // top of their entry bounds; 0 is no byte bound (the default here). Shares: articles 50%,
  // searches 20%, related lists 15%, feed pages 10%, most viewed lists 5% (docs/caching.md,
  // "Memory").
  size_t cache_memory_bytes = 0;
  // How long the change log and soft-deleted articles are kept (docs/newsroom.md).
  absl::Duration change_log_retention = absl::Hours(24 * 30);
  // How often the moderation queue is recounted for the news_moderation_queue_length gauge (at
  // most every 500 ms).
  absl::Duration moderation_queue_refresh_interval = absl::Seconds(5);
  // Push hooks (docs/live.md): whether this instance writes the webhook outbox from the change
  // log and delivers it (off here, so that other tests run no such jobs; news-server turns it
  // on), and how it delivers (database_url is filled in).
  bool webhook_delivery = false;
  WebhookSenderOptions webhook_sender;
  // With a database URL of several hosts (docs/read-routing.md): reads go to the replicas that
  // lag at most max_replica_lag, as the topology probe finds every topology_probe_interval, and a
  // caller's reads see its own writes for read_your_writes_window. Ignored for a single host.
  absl::Duration max_replica_lag = absl::Seconds(1);
  absl::Duration topology_probe_interval = absl::Seconds(1);
  absl::Duration read_your_writes_window = absl::Seconds(5);
  // news.v1.LiveService: on by default; streams per instance, queue per stream (docs/live.md).
  LiveOptions live;
};

class NewsServer {
 public:
  // Applies pending migrations (unless options.apply_migrations is false), then starts serving.
  // FailedPrecondition when a migration was edited after it ran; Unavailable when the database
  // cannot be reached at start-up or an address cannot be bound; InvalidArgument when the TLS
  // files cannot be read or only one of them is given.
  static absl::StatusOr<std::unique_ptr<NewsServer>> Start(const ServerOptions& options);

  ~NewsServer();

  // The bound port.
  int port() const { return port_; }

  // The bound port of the metrics endpoint; 0 when not served.
  int metrics_port() const { return metrics_->port(); }

  // Registration hook for metrics sampled from other components: see
  // ServerMetrics::AddSampledGauge and AddSampledCounter.
  ServerMetrics& metrics() { return *metrics_; }

  // The live streams' hub (its open-stream and cut-off counts, for tests).
  const LiveHub& live_hub() const { return live_hub_; }

  // Reports NOT_SERVING, stops accepting calls, gives in-flight calls up to `grace` to finish
  // (then cancels them), writes the pending view counts and drains the database pools.
  // Idempotent.
  void Shutdown(absl::Duration grace);

 private:
  NewsServer(const ServerOptions& options, std::unique_ptr<ServerMetrics> metrics);

  // Start order: the members below are built top to bottom, then Start() starts the view
  // flusher, the gRPC server, the moderation queue gauge, the related list refresher, the
  // newsroom worker, the change-log follower, the live pump, the article counter refresher, the
  // webhook outbox writer and sender and the health monitor; Shutdown() stops
  // them in the reverse order (docs/architecture.md says why), then the pools, then the metrics.
  const ServerOptions options_;
  // Before the pool: the pool reports to it.
  std::unique_ptr<ServerMetrics> metrics_;
  PageTokenCodec page_tokens_;
  // Before the pools, which route by it; null for a single-host database URL.
  std::unique_ptr<db::ReadRouting> read_routing_;
  db::DatabasePool pool_;
  db::DatabasePool write_pool_;
  ViewCounter view_counter_;
  SiteActivity site_activity_;
  ArticleCatalog article_catalog_;
  ArticleSync article_sync_;
  ArticleCache article_cache_;
  CounterOverlay article_counters_;
  FeedPageCache feed_cache_;
  LookupListCache lookup_cache_;
  RelatedListCache related_cache_;
  MostViewedCache most_viewed_cache_;
  SearchCache search_cache_;
  CacheInvalidation cache_invalidation_;
  ArticleGrpcService article_service_;
  DiscoveryCatalog discovery_catalog_;
  DiscoveryGrpcService discovery_service_;
  CommentPolicy comment_policy_;
  CommentBoard comment_board_;
  ClientIdSigner client_ids_;
  CallerIdentifier callers_;
  ClientRegistry client_registry_;
  ClientGrpcService client_service_;
  CommentGrpcService comment_service_;
  ModerationDesk moderation_desk_;
  WordListDesk word_list_desk_;
  ModerationGrpcService moderation_service_;
  EditorialDesk editorial_desk_;
  EditorialGrpcService editorial_service_;
  // Set once the ports are bound; webhooks may not point at them.
  OwnListeners own_listeners_;
  WebhookDesk webhook_desk_;
  WebhookGrpcService webhook_service_;
  LiveTokens live_tokens_;
  LiveHub live_hub_;
  LiveGrpcService live_service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  // Background jobs.
  ViewFlusher view_flusher_;
  ModerationQueueGauge moderation_queue_gauge_;
  // Null when --related_refresh_lists is 0.
  std::unique_ptr<RelatedListRefresher> related_list_refresher_;
  // Null when the article cache is off.
  std::unique_ptr<ArticleCounterRefresher> article_counter_refresher_;
  // The change-log sequencer, the scheduler and retention.
  NewsroomWorker newsroom_worker_;
  // Hands changes to the caches' invalidation and the live hub; null when the caches and live
  // streams are all off.
  std::unique_ptr<ChangeLogFollower> change_log_follower_;
  // Delivers the live hub's changes; null when live streams are off.
  std::unique_ptr<LivePump> live_pump_;
  // Push hooks; null unless options.webhook_delivery.
  std::unique_ptr<WebhookOutboxWriter> webhook_outbox_writer_;
  std::unique_ptr<WebhookSender> webhook_sender_;
  // Built once the gRPC server, whose health it reports, is running.
  std::unique_ptr<HealthMonitor> health_monitor_;
  // Keeps read_routing_ current; null without it. Started first and stopped after the pools.
  std::unique_ptr<TopologyProbe> topology_probe_;
  bool shut_down_ = false;
};

}  // namespace news

#endif  // NEWS_SERVER_APP_NEWS_SERVER_H_
