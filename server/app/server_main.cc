// news-server: serves the news.v1 gRPC API from PostgreSQL. See README.md for the flags.

#include <signal.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <tuple>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "server/app/environment.h"
#include "server/app/logging.h"
#include "server/app/news_server.h"

ABSL_FLAG(std::string, listen, news::EnvOr("LISTEN_ADDRESS", "127.0.0.1:50051"),
          "HOST:PORT to serve gRPC on (env LISTEN_ADDRESS)");
ABSL_FLAG(std::string, database_url, news::EnvOr("DATABASE_URL", ""),
          "libpq URI of the PostgreSQL database (env DATABASE_URL)");
ABSL_FLAG(int, db_pool_size, news::EnvOr("DB_POOL_SIZE", 4),
          "database connections for reads, one worker thread each (env DB_POOL_SIZE)");
ABSL_FLAG(int, db_write_pool_size, news::EnvOr("DB_WRITE_POOL_SIZE", 32),
          "database connections for writes that commit: comments, likes, moderation, view "
          "counts (env DB_WRITE_POOL_SIZE)");
ABSL_FLAG(int, db_max_queue, news::EnvOr("DB_MAX_QUEUE", 2048),
          "requests that may wait for a database worker before RESOURCE_EXHAUSTED "
          "(env DB_MAX_QUEUE)");
ABSL_FLAG(std::string, page_token_secret,
          news::EnvOr("PAGE_TOKEN_SECRET", "news-backend-default-page-token-secret"),
          "key that authenticates page tokens; the same on all instances (env PAGE_TOKEN_SECRET)");
ABSL_FLAG(std::string, metrics_listen, news::EnvOr("METRICS_LISTEN", "127.0.0.1:9464"),
          "HOST:PORT of the Prometheus /metrics endpoint; empty disables it (env METRICS_LISTEN)");
ABSL_FLAG(std::string, log_level, news::EnvOr("LOG_LEVEL", "info"),
          "trace, debug, info, warn, error, critical or off (env LOG_LEVEL)");
ABSL_FLAG(std::string, port_file, "",
          "after start-up, write the bound gRPC port to this file (for --listen with port 0)");
ABSL_FLAG(bool, migrate, true,
          "apply pending migrations at start-up as the connecting role; false when connecting as "
          "the DML-only news_app role (run `newsctl migrate` as the owner instead)");
ABSL_FLAG(int, statement_timeout_ms, news::EnvOr("STATEMENT_TIMEOUT_MS", 5000),
          "default statement_timeout of the database connections; 0 disables "
          "(env STATEMENT_TIMEOUT_MS)");
ABSL_FLAG(int, max_receive_message_bytes, news::EnvOr("MAX_RECEIVE_MESSAGE_BYTES", 64 * 1024),
          "larger requests get RESOURCE_EXHAUSTED (env MAX_RECEIVE_MESSAGE_BYTES)");
ABSL_FLAG(int, max_concurrent_streams, news::EnvOr("MAX_CONCURRENT_STREAMS", 100),
          "concurrent calls per client connection (env MAX_CONCURRENT_STREAMS)");
ABSL_FLAG(std::string, tls_cert, news::EnvOr("TLS_CERT", ""),
          "PEM certificate chain; with --tls_key, serve TLS instead of plaintext (env TLS_CERT)");
ABSL_FLAG(std::string, tls_key, news::EnvOr("TLS_KEY", ""),
          "PEM private key for --tls_cert (env TLS_KEY)");
ABSL_FLAG(std::string, comment_moderation, news::EnvOr("COMMENT_MODERATION", "pre"),
          "pre: new comments wait for a moderator; post: they show at once "
          "(env COMMENT_MODERATION)");
ABSL_FLAG(int, comment_flood_limit, news::EnvOr("COMMENT_FLOOD_LIMIT", 5),
          "comments one client may post per minute (env COMMENT_FLOOD_LIMIT)");
ABSL_FLAG(int, comment_max_links, news::EnvOr("COMMENT_MAX_LINKS", 1),
          "a comment with more links (URLs, bare domains) waits for a moderator "
          "(env COMMENT_MAX_LINKS)");
ABSL_FLAG(int, comment_trust_after, news::EnvOr("COMMENT_TRUST_AFTER", 3),
          "under pre-moderation, approve at once the comments of a client with this many "
          "approved comments and none rejected or spam in 30 days; 0: off "
          "(env COMMENT_TRUST_AFTER)");
ABSL_FLAG(int, comment_report_threshold, news::EnvOr("COMMENT_REPORT_THRESHOLD", 3),
          "reader reports that take a comment out of public view until a moderator decides; "
          "0: reports are only counted (env COMMENT_REPORT_THRESHOLD)");
ABSL_FLAG(std::string, comment_edit_window, news::EnvOr("COMMENT_EDIT_WINDOW", "10m"),
          "how long after posting an author may edit a comment, e.g. 10m or 90s "
          "(env COMMENT_EDIT_WINDOW)");
ABSL_FLAG(std::string, comment_edit_secret,
          news::EnvOr("COMMENT_EDIT_SECRET", "news-backend-default-comment-edit-secret"),
          "key that derives comment edit tokens; the same on all instances, secret "
          "(env COMMENT_EDIT_SECRET)");
ABSL_FLAG(int, comment_close_after_days, news::EnvOr("COMMENT_CLOSE_AFTER_DAYS", 0),
          "comments close on articles published more than this many days ago; 0: never "
          "(env COMMENT_CLOSE_AFTER_DAYS)");
ABSL_FLAG(int, comment_address_flood_limit, news::EnvOr("COMMENT_ADDRESS_FLOOD_LIMIT", 30),
          "comments per minute from one network address (an IPv4 address, an IPv6 /64), whatever "
          "client ids it uses; also turns on the duplicate rule per address; 0 turns both off "
          "(env COMMENT_ADDRESS_FLOOD_LIMIT)");
ABSL_FLAG(int, like_address_limit, news::EnvOr("LIKE_ADDRESS_LIMIT", 20),
          "likes one comment may get from one network address; 0 is no limit "
          "(env LIKE_ADDRESS_LIMIT)");
ABSL_FLAG(std::string, trusted_proxies, news::EnvOr("TRUSTED_PROXIES", ""),
          "comma-separated CIDR ranges of your reverse proxies / load balancers; only calls from "
          "them have the client address read from --proxy_header (env TRUSTED_PROXIES)");
ABSL_FLAG(std::string, proxy_header, news::EnvOr("PROXY_HEADER", "x-forwarded-for"),
          "x-forwarded-for or forwarded: where trusted proxies report the client address "
          "(env PROXY_HEADER)");
ABSL_FLAG(std::string, client_id_secret,
          news::EnvOr("CLIENT_ID_SECRET", "news-backend-default-client-id-secret"),
          "key that signs client ids from ClientService.RegisterClient; the same on all instances "
          "(env CLIENT_ID_SECRET)");
ABSL_FLAG(int, client_registration_limit, news::EnvOr("CLIENT_REGISTRATION_LIMIT", 20),
          "client ids issued per hour to one network address; 0 is no limit "
          "(env CLIENT_REGISTRATION_LIMIT)");
ABSL_FLAG(bool, require_signed_client_id, news::EnvOr("REQUIRE_SIGNED_CLIENT_ID", 0) != 0,
          "comment writes (create, like, unlike, report, edit, withdraw) need a client id from "
          "RegisterClient (env REQUIRE_SIGNED_CLIENT_ID=1)");
ABSL_FLAG(int, view_flush_seconds, news::EnvOr("VIEW_FLUSH_SECONDS", 5),
          "how often counted views and visits are written to the database; view counts lag by "
          "at most this (env VIEW_FLUSH_SECONDS)");
ABSL_FLAG(int, related_refresh_lists, news::EnvOr("RELATED_REFRESH_LISTS", 20),
          "stale related lists recomputed per second in the background; 0 turns it off "
          "(env RELATED_REFRESH_LISTS)");
ABSL_FLAG(int, article_cache_entries, news::EnvOr("ARTICLE_CACHE_ENTRIES", 10000),
          "articles GetArticle keeps in memory; 0 turns the cache off (env ARTICLE_CACHE_ENTRIES)");
ABSL_FLAG(int, cache_memory_mb, news::EnvOr("CACHE_MEMORY_MB", 128),
          "MiB of keys and serialized responses all response caches may hold together, on top "
          "of their entry bounds: articles 50%, searches 20%, related lists 15%, feed pages 10%, "
          "most viewed lists 5%; 0 is no byte bound (docs/caching.md; env CACHE_MEMORY_MB)");
ABSL_FLAG(int, feed_cache_entries, news::EnvOr("FEED_CACHE_ENTRIES", 1000),
          "first ListArticles pages kept in memory (per filter and page size); 0 turns the cache "
          "off (env FEED_CACHE_ENTRIES)");
ABSL_FLAG(int, article_cache_ttl_ms, news::EnvOr("ARTICLE_CACHE_TTL_MS", 300000),
          "longest a cached article or feed page is served; changes show sooner, as the change "
          "log invalidates entries (docs/caching.md; env ARTICLE_CACHE_TTL_MS)");
ABSL_FLAG(int, article_cache_refresh_ms, news::EnvOr("ARTICLE_CACHE_REFRESH_MS", 5000),
          "a read of a cached list (feed page, related or most viewed list) older than this "
          "re-reads it in the background, so view and comment counts keep moving; the default "
          "is the view flush interval, as view counts move no faster; cached articles take "
          "their counters from --article_counter_refresh_ms instead (docs/caching.md; env "
          "ARTICLE_CACHE_REFRESH_MS)");
ABSL_FLAG(int, article_counter_refresh_ms, news::EnvOr("ARTICLE_COUNTER_REFRESH_MS", 1000),
          "how often the view and comment counts of every cached article are read, in one "
          "batch, and served on top of the cached article (docs/caching.md; env "
          "ARTICLE_COUNTER_REFRESH_MS)");
ABSL_FLAG(int, related_cache_entries, news::EnvOr("RELATED_CACHE_ENTRIES", 10000),
          "related lists (per article and page size) kept in memory; 0 turns the cache off "
          "(env RELATED_CACHE_ENTRIES)");
ABSL_FLAG(int, most_viewed_cache_entries, news::EnvOr("MOST_VIEWED_CACHE_ENTRIES", 256),
          "most viewed lists (per window and page size) kept in memory; 0 turns the cache off "
          "(env MOST_VIEWED_CACHE_ENTRIES)");
ABSL_FLAG(int, most_viewed_cache_ttl_ms, news::EnvOr("MOST_VIEWED_CACHE_TTL_MS", 10000),
          "longest a cached most viewed list is served: rankings move with views, which the "
          "change log does not carry (docs/caching.md; env MOST_VIEWED_CACHE_TTL_MS)");
ABSL_FLAG(int, search_cache_entries, news::EnvOr("SEARCH_CACHE_ENTRIES", 10000),
          "SearchArticles responses kept in memory (per folded query, filters, page size and "
          "page); dropped when any article changes; 0 turns the cache off (docs/discovery.md; "
          "env SEARCH_CACHE_ENTRIES)");
ABSL_FLAG(int, change_log_retention_days, news::EnvOr("CHANGE_LOG_RETENTION_DAYS", 30),
          "days the change log and soft-deleted articles are kept (docs/newsroom.md; env "
          "CHANGE_LOG_RETENTION_DAYS)");
ABSL_FLAG(int, shutdown_grace_seconds, news::EnvOr("SHUTDOWN_GRACE_SECONDS", 10),
          "how long in-flight calls may run after SIGTERM (env SHUTDOWN_GRACE_SECONDS)");
ABSL_FLAG(bool, webhook_delivery, news::EnvOr("WEBHOOK_DELIVERY", 1) != 0,
          "write push-hook deliveries from the change log and send them from this instance "
          "(docs/live.md; env WEBHOOK_DELIVERY=0 turns it off)");
ABSL_FLAG(std::string, webhook_give_up_age, news::EnvOr("WEBHOOK_GIVE_UP_AGE", "24h"),
          "a webhook delivery still failing this long after its event is given up (a dead "
          "letter; env WEBHOOK_GIVE_UP_AGE)");
ABSL_FLAG(std::string, webhook_timeout, news::EnvOr("WEBHOOK_TIMEOUT", "10s"),
          "longest one webhook delivery attempt may take, connecting included (env "
          "WEBHOOK_TIMEOUT)");
ABSL_FLAG(std::string, webhook_backoff, news::EnvOr("WEBHOOK_BACKOFF", "5s"),
          "delay after a webhook delivery's first failed attempt; it doubles with each further "
          "failure, with jitter (env WEBHOOK_BACKOFF)");
ABSL_FLAG(std::string, webhook_backoff_max, news::EnvOr("WEBHOOK_BACKOFF_MAX", "1h"),
          "longest delay between two attempts of a webhook delivery (env WEBHOOK_BACKOFF_MAX)");
ABSL_FLAG(int, webhook_concurrency, news::EnvOr("WEBHOOK_CONCURRENCY", 16),
          "webhook delivery attempts in flight at once on this instance (env "
          "WEBHOOK_CONCURRENCY)");
ABSL_FLAG(std::string, max_replica_lag, news::EnvOr("MAX_REPLICA_LAG", "1s"),
          "with several hosts in --database_url, reads go to replicas lagging at most this "
          "behind the primary, else to the primary (docs/read-routing.md; env MAX_REPLICA_LAG)");
ABSL_FLAG(std::string, read_your_writes_window, news::EnvOr("READ_YOUR_WRITES_WINDOW", "5s"),
          "with several hosts in --database_url, for this long after a write a client's reads "
          "(by x-client-id, else address) see it (docs/read-routing.md; "
          "env READ_YOUR_WRITES_WINDOW)");
ABSL_FLAG(bool, live_streams, news::EnvOr("LIVE_STREAMS", 1) != 0,
          "serve news.v1.LiveService (docs/live.md; env LIVE_STREAMS=0 turns it off)");
ABSL_FLAG(int, live_max_streams, news::EnvOr("LIVE_MAX_STREAMS", 10000),
          "live streams open at once on this instance; more are RESOURCE_EXHAUSTED (env "
          "LIVE_MAX_STREAMS)");
ABSL_FLAG(int, live_queue_events, news::EnvOr("LIVE_QUEUE_EVENTS", 256),
          "events one live stream may have waiting for a slow client before it is ended with "
          "RESOURCE_EXHAUSTED (env LIVE_QUEUE_EVENTS)");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("Serves the news.v1 gRPC API.");
  // --help lists the program's own flags; absl's default looks only in a file named after the
  // binary. Abseil's built-in flags stay under --helpfull.
  absl::FlagsUsageConfig usage_config;
  usage_config.contains_help_flags = [](absl::string_view file) {
    return !absl::StrContains(file, "absl/");
  };
  absl::SetFlagsUsageConfig(usage_config);
  absl::ParseCommandLine(argc, argv);
  // Debian's Abseil is built with absl::Mutex deadlock detection on, a debugging aid that gRPC's
  // own locks pay for on every call (about 5% of the server's CPU on cached reads).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  if (absl::Status logging = news::ConfigureLogging(absl::GetFlag(FLAGS_log_level));
      !logging.ok()) {
    std::fprintf(stderr, "news-server: %s\n", std::string(logging.message()).c_str());
    return 2;
  }
  if (absl::GetFlag(FLAGS_database_url).empty()) {
    std::fprintf(stderr, "news-server: set --database_url or DATABASE_URL\n");
    return 2;
  }
  absl::StatusOr<news::CommentModeration> comment_moderation =
      news::ParseCommentModeration(absl::GetFlag(FLAGS_comment_moderation));
  if (!comment_moderation.ok()) {
    std::fprintf(stderr, "news-server: %s\n",
                 std::string(comment_moderation.status().message()).c_str());
    return 2;
  }
  absl::StatusOr<std::vector<news::IpRange>> trusted_proxies =
      news::ParseIpRangeList(absl::GetFlag(FLAGS_trusted_proxies));
  absl::StatusOr<news::ProxyHeader> proxy_header =
      news::ParseProxyHeader(absl::GetFlag(FLAGS_proxy_header));
  for (const absl::Status& status : {trusted_proxies.status(), proxy_header.status()}) {
    if (!status.ok()) {
      std::fprintf(stderr, "news-server: %s\n", std::string(status.message()).c_str());
      return 2;
    }
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
  options.db_write_connections = absl::GetFlag(FLAGS_db_write_pool_size);
  options.db_max_queue = static_cast<size_t>(absl::GetFlag(FLAGS_db_max_queue));
  options.page_token_secret = absl::GetFlag(FLAGS_page_token_secret);
  options.apply_migrations = absl::GetFlag(FLAGS_migrate);
  options.metrics_listen_address = absl::GetFlag(FLAGS_metrics_listen);
  options.statement_timeout = absl::Milliseconds(absl::GetFlag(FLAGS_statement_timeout_ms));
  options.max_receive_message_bytes = absl::GetFlag(FLAGS_max_receive_message_bytes);
  options.max_concurrent_streams = absl::GetFlag(FLAGS_max_concurrent_streams);
  options.change_log_retention = absl::Hours(24) * absl::GetFlag(FLAGS_change_log_retention_days);
  options.tls_cert_file = absl::GetFlag(FLAGS_tls_cert);
  options.tls_key_file = absl::GetFlag(FLAGS_tls_key);
  options.view_flush_interval = absl::Seconds(absl::GetFlag(FLAGS_view_flush_seconds));
  options.related_refresh_lists = absl::GetFlag(FLAGS_related_refresh_lists);
  options.live.enabled = absl::GetFlag(FLAGS_live_streams);
  options.live.max_streams = std::max(0, absl::GetFlag(FLAGS_live_max_streams));
  options.live.queue_events = std::max(1, absl::GetFlag(FLAGS_live_queue_events));
  options.article_cache_entries =
      static_cast<size_t>(std::max(0, absl::GetFlag(FLAGS_article_cache_entries)));
  options.feed_cache_entries =
      static_cast<size_t>(std::max(0, absl::GetFlag(FLAGS_feed_cache_entries)));
  options.article_cache_ttl = absl::Milliseconds(absl::GetFlag(FLAGS_article_cache_ttl_ms));
  options.article_cache_refresh_after =
      absl::Milliseconds(absl::GetFlag(FLAGS_article_cache_refresh_ms));
  options.article_counter_refresh_interval =
      absl::Milliseconds(absl::GetFlag(FLAGS_article_counter_refresh_ms));
  options.related_cache_entries =
      static_cast<size_t>(std::max(0, absl::GetFlag(FLAGS_related_cache_entries)));
  options.most_viewed_cache_entries =
      static_cast<size_t>(std::max(0, absl::GetFlag(FLAGS_most_viewed_cache_entries)));
  options.most_viewed_cache_ttl =
      absl::Milliseconds(absl::GetFlag(FLAGS_most_viewed_cache_ttl_ms));
  options.search_cache_entries =
      static_cast<size_t>(std::max(0, absl::GetFlag(FLAGS_search_cache_entries)));
  options.cache_memory_bytes =
      static_cast<size_t>(std::max(0, absl::GetFlag(FLAGS_cache_memory_mb))) << 20;
  options.comment_rules.moderation = *comment_moderation;
  options.comment_rules.flood_limit = absl::GetFlag(FLAGS_comment_flood_limit);
  options.comment_rules.max_links = std::max(0, absl::GetFlag(FLAGS_comment_max_links));
  options.comment_rules.trust_after = std::max(0, absl::GetFlag(FLAGS_comment_trust_after));
  options.comment_rules.report_threshold = absl::GetFlag(FLAGS_comment_report_threshold);
  absl::Duration edit_window;
  if (!absl::ParseDuration(absl::GetFlag(FLAGS_comment_edit_window), &edit_window) ||
      edit_window < absl::ZeroDuration()) {
    std::fprintf(stderr, "news-server: --comment_edit_window must be a duration such as 10m\n");
    return 1;
  }
  options.comment_rules.edit_window = edit_window;
  options.webhook_delivery = absl::GetFlag(FLAGS_webhook_delivery);
  options.webhook_sender.concurrency = std::max(1, absl::GetFlag(FLAGS_webhook_concurrency));
  for (const auto& [name, text, duration] :
       {std::tuple{"webhook_give_up_age", absl::GetFlag(FLAGS_webhook_give_up_age),
                   &options.webhook_sender.give_up_age},
        std::tuple{"webhook_timeout", absl::GetFlag(FLAGS_webhook_timeout),
                   &options.webhook_sender.timeout},
        std::tuple{"webhook_backoff", absl::GetFlag(FLAGS_webhook_backoff),
                   &options.webhook_sender.backoff_first},
        std::tuple{"webhook_backoff_max", absl::GetFlag(FLAGS_webhook_backoff_max),
                   &options.webhook_sender.backoff_max}}) {
    if (!absl::ParseDuration(text, duration) || *duration <= absl::ZeroDuration()) {
      std::fprintf(stderr, "news-server: --%s must be a positive duration such as 30s\n", name);
      return 1;
    }
  }
  options.comment_rules.edit_token_secret = absl::GetFlag(FLAGS_comment_edit_secret);
  options.comment_rules.close_after =
      absl::Hours(24) * std::max(0, absl::GetFlag(FLAGS_comment_close_after_days));
  options.comment_rules.address_flood_limit = absl::GetFlag(FLAGS_comment_address_flood_limit);
  options.comment_rules.address_like_limit = absl::GetFlag(FLAGS_like_address_limit);
  options.caller_rules.trusted_proxies = *std::move(trusted_proxies);
  options.caller_rules.proxy_header = *proxy_header;
  options.caller_rules.require_signed_client_id = absl::GetFlag(FLAGS_require_signed_client_id);
  options.client_id_secret = absl::GetFlag(FLAGS_client_id_secret);
  options.client_registration_rules.limit = absl::GetFlag(FLAGS_client_registration_limit);
  for (const auto& [flag, value, target] :
       {std::tuple{"--max_replica_lag", absl::GetFlag(FLAGS_max_replica_lag),
                   &options.max_replica_lag},
        std::tuple{"--read_your_writes_window", absl::GetFlag(FLAGS_read_your_writes_window),
                   &options.read_your_writes_window}}) {
    if (!absl::ParseDuration(value, target) || *target < absl::ZeroDuration()) {
      std::fprintf(stderr, "news-server: %s must be a duration such as 1s or 500ms\n", flag);
      return 1;
    }
  }
  auto server = news::NewsServer::Start(options);
  if (!server.ok()) {
    std::fprintf(stderr, "news-server: %s\n", std::string(server.status().message()).c_str());
    return 1;
  }

  if (const std::string port_file = absl::GetFlag(FLAGS_port_file); !port_file.empty()) {
    // Written whole under a temporary name, then renamed, so readers never see a partial file.
    const std::string temporary = port_file + ".tmp";
    std::ofstream(temporary) << (*server)->port() << "\n";
    if (std::rename(temporary.c_str(), port_file.c_str()) != 0) {
      std::fprintf(stderr, "news-server: cannot write %s\n", port_file.c_str());
      return 1;
    }
  }

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  spdlog::info("received signal {}; shutting down", signal_number);
  (*server)->Shutdown(absl::Seconds(absl::GetFlag(FLAGS_shutdown_grace_seconds)));
  spdlog::info("stopped");
  return 0;
}
