#ifndef NEWS_SERVER_DOMAIN_ARTICLE_CATALOG_H_
#define NEWS_SERVER_DOMAIN_ARTICLE_CATALOG_H_

// The read side of ArticleService: request validation, paging and assembly of responses, over
// the storage layer. Plain C++: no gRPC types; every method runs on a database pool worker.

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "news/v1/article.pb.h"
#include "server/domain/pagination.h"

namespace news {

class ArticleCatalog {
 public:
  static constexpr int kDefaultPageSize = 20;
  static constexpr int kMaxPageSize = 100;

  // `tokens` must outlive the catalog.
  explicit ArticleCatalog(const PageTokenCodec& tokens) : tokens_(tokens) {}

  // A published article with its neighbours. InvalidArgument ("article", "id" or "slug") for a
  // missing, non-positive or malformed key; NotFound when no published article matches.
  absl::StatusOr<v1::Article> GetArticle(pqxx::connection& db,
                                         const v1::GetArticleRequest& request) const;

  // One page of the newest-first feed of the articles matching every filter that is set.
  // InvalidArgument naming the field for a negative page_size or id, a malformed tag, or a
  // page_token that is malformed, altered, or was issued for other filters.
  absl::StatusOr<v1::ListArticlesResponse> ListArticles(
      pqxx::connection& db, const v1::ListArticlesRequest& request) const;

  absl::StatusOr<v1::ListCategoriesResponse> ListCategories(pqxx::connection& db) const;
  absl::StatusOr<v1::ListSourcesResponse> ListSources(pqxx::connection& db) const;

 private:
  const PageTokenCodec& tokens_;
};

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_ARTICLE_CATALOG_H_
