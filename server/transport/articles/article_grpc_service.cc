#include "server/transport/articles/article_grpc_service.h"

#include <grpcpp/support/slice.h>

#include <memory>
#include <utility>

#include "absl/time/clock.h"
#include "server/transport/articles/counter_fragment.h"
#include "server/transport/cached_call.h"
#include "server/transport/client_identity.h"
#include "server/transport/database_call.h"
#include "server/transport/grpc_status.h"
#include "server/transport/lenient_request.h"

namespace news {
namespace {

// The lookup cache's keys.
constexpr char kCategoriesKey[] = "categories";
constexpr char kSourcesKey[] = "sources";

// The response of an uncached read: the bytes move into the buffer.
absl::StatusOr<grpc::ByteBuffer> AsByteBuffer(absl::StatusOr<std::string> bytes) {
  if (!bytes.ok()) return bytes.status();
  grpc::Slice slice(*std::move(bytes));
  return grpc::ByteBuffer(&slice, 1);
}

}  // namespace

grpc::ServerUnaryReactor* ArticleGrpcService::GetArticle(grpc::CallbackServerContext* context,
                                                         const grpc::ByteBuffer* request,
                                                         grpc::ByteBuffer* response) {
  v1::GetArticleRequest parsed;
  if (absl::Status status = ParseRequestLeniently(*request, parsed); !status.ok()) {
    return FinishNow(context, status);
  }
  std::string client = ClientIdentity(*context);
  if (parsed.article_case() != v1::GetArticleRequest::kId) {
    return RunOnDatabase(context, pool_, db::RetryPolicy::kRetryOnLostConnection, response,
                         [this, parsed = std::move(parsed), client = std::move(client)](
                             pqxx::connection& db) -> absl::StatusOr<grpc::ByteBuffer> {
                           absl::StatusOr<v1::Article> article = catalog_.GetArticle(db, parsed);
                           if (article.ok()) views_.RecordView(client, article->id(), clock_());
                           return AsByteBuffer(Serialized(article));
                         });
  }
  const int64_t id = parsed.id();
  return ServeThroughCache(
      context, pool_, article_cache_, id,
      [this, id](pqxx::connection& db) {
        v1::GetArticleRequest by_id;
        by_id.set_id(id);
        const absl::Time as_of = absl::Now();
        absl::StatusOr<v1::Article> article = catalog_.GetArticle(db, by_id);
        // Only for entries the cache keeps: the counter refresher prunes the overlay to those.
        if (article.ok() && article_cache_.enabled()) {
          counters_.Record({.id = id,
                            .view_count = article->view_count(),
                            .comment_count = article->comment_count()},
                           as_of);
        }
        return Serialized(article);
      },
      [this, id, client = std::move(client)] { views_.RecordView(client, id, clock_()); },
      response,
      [this, id] {
        std::optional<storage::ArticleCounters> counters = counters_.Find(id);
        return counters ? ArticleCounterFragment(*counters) : std::string();
      });
}

grpc::ServerUnaryReactor* ArticleGrpcService::ListArticles(grpc::CallbackServerContext* context,
                                                           const grpc::ByteBuffer* request,
                                                           grpc::ByteBuffer* response) {
  auto parsed = std::make_shared<v1::ListArticlesRequest>();
  if (absl::Status status = ParseRequestLeniently(*request, *parsed); !status.ok()) {
    return FinishNow(context, status);
  }
  auto read = [this, parsed](pqxx::connection& db) {
    return Serialized(catalog_.ListArticles(db, *parsed));
  };
  // Only first pages: they take most feed reads, and deeper pages rarely repeat.
  if (!parsed->page_token().empty()) {
    return RunOnDatabase(context, pool_, db::RetryPolicy::kRetryOnLostConnection, response,
                         [read](pqxx::connection& db) { return AsByteBuffer(read(db)); });
  }
  return ServeThroughCache(
      context, pool_, feed_cache_, parsed->SerializeAsString(), read, [] {}, response);
}

grpc::ServerUnaryReactor* ArticleGrpcService::ListCategories(grpc::CallbackServerContext* context,
                                                             const grpc::ByteBuffer* request,
                                                             grpc::ByteBuffer* response) {
  v1::ListCategoriesRequest parsed;
  if (absl::Status status = ParseRequestLeniently(*request, parsed); !status.ok()) {
    return FinishNow(context, status);
  }
  return ServeThroughCache(
      context, pool_, lookup_cache_, std::string(kCategoriesKey),
      [this](pqxx::connection& db) { return Serialized(catalog_.ListCategories(db)); }, [] {},
      response);
}

grpc::ServerUnaryReactor* ArticleGrpcService::ListSources(grpc::CallbackServerContext* context,
                                                          const grpc::ByteBuffer* request,
                                                          grpc::ByteBuffer* response) {
  v1::ListSourcesRequest parsed;
  if (absl::Status status = ParseRequestLeniently(*request, parsed); !status.ok()) {
    return FinishNow(context, status);
  }
  return ServeThroughCache(
      context, pool_, lookup_cache_, std::string(kSourcesKey),
      [this](pqxx::connection& db) { return Serialized(catalog_.ListSources(db)); }, [] {},
      response);
}

grpc::ServerUnaryReactor* ArticleGrpcService::ListArticleChanges(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  auto parsed = std::make_shared<v1::ListArticleChangesRequest>();
  if (absl::Status status = ParseRequestLeniently(*request, *parsed); !status.ok()) {
    return FinishNow(context, status);
  }
  return RunOnDatabase(context, pool_, db::RetryPolicy::kRetryOnLostConnection, response,
                       [this, parsed](pqxx::connection& db) {
                         return AsByteBuffer(Serialized(sync_.ListArticleChanges(db, *parsed)));
                       });
}

}  // namespace news
