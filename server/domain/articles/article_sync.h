#ifndef NEWS_SERVER_DOMAIN_ARTICLES_ARTICLE_SYNC_H_
#define NEWS_SERVER_DOMAIN_ARTICLES_ARTICLE_SYNC_H_

// Offline sync for apps: ArticleService.ListArticleChanges (docs/sync.md). A full sync pages
// through the published articles, newest first, after pinning the change log's last position;
// then deltas read the log's article changes after a position, coalesced per article, and answer
// each with the article's current state (an upsert, or a tombstone with the reason). Plain C++:
// no gRPC types; runs on a database pool worker.

#include <cstddef>
#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "news/v1/article.pb.h"
#include "server/domain/pagination.h"

namespace news {

class ArticleSync {
 public:
  static constexpr int kDefaultPageSize = 50;
  static constexpr int kMaxPageSize = 200;
  // A response stops taking changes once its serialized size would pass this (it always takes
  // one): well under gRPC's default 4 MiB receive limit of clients, and a page a phone on a slow
  // network fetches in seconds.
  static constexpr size_t kMaxResponseBytes = 1 << 20;

  // `tokens` must outlive this object; sync tokens are page tokens of the scope
  // PageScope("ListArticleChanges").Add(category_id).
  explicit ArticleSync(const PageTokenCodec& tokens) : tokens_(tokens) {}

  // One response of a sync (article.proto describes the fields). InvalidArgument naming the
  // field for a negative page_size or category_id, or a sync_token that is malformed, altered or
  // issued for another category_id; FailedPrecondition with ErrorInfo reason SYNC_TOKEN_EXPIRED
  // when the log no longer holds every change after the token's position (retention pruned
  // some, or the database is older than the token, e.g. restored from a backup).
  absl::StatusOr<v1::ListArticleChangesResponse> ListArticleChanges(
      pqxx::connection& db, const v1::ListArticleChangesRequest& request) const;

 private:
  const PageTokenCodec& tokens_;
};

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_ARTICLES_ARTICLE_SYNC_H_
