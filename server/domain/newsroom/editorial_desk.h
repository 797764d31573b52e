#ifndef NEWS_SERVER_DOMAIN_EDITORIAL_DESK_H_
#define NEWS_SERVER_DOMAIN_EDITORIAL_DESK_H_

// EditorialService's logic (proto/news/v1/editorial.proto, docs/newsroom.md): authentication
// (role editor or admin), validation, the lifecycle's transitions, etags, idempotent creates,
// the audit log, and keeping derived data (search document, related news) in step, each call
// in one transaction. Errors are the RPCs' statuses; database errors throw pqxx exceptions.

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "news/v1/editorial.pb.h"
#include "server/domain/pagination.h"

namespace news {

class EditorialDesk {
 public:
  static constexpr int kDefaultPageSize = 20;
  static constexpr int kMaxPageSize = 100;

  // `tokens` must outlive the desk.
  explicit EditorialDesk(const PageTokenCodec& tokens) : tokens_(tokens) {}

  absl::StatusOr<v1::EditorialArticle> CreateArticle(pqxx::connection& db,
                                                     absl::string_view authorization,
                                                     const v1::CreateArticleRequest& request) const;
  absl::StatusOr<v1::EditorialArticle> GetArticle(
      pqxx::connection& db, absl::string_view authorization,
      const v1::GetEditorialArticleRequest& request) const;
  absl::StatusOr<v1::ListEditorialArticlesResponse> ListArticles(
      pqxx::connection& db, absl::string_view authorization,
      const v1::ListEditorialArticlesRequest& request) const;
  absl::StatusOr<v1::EditorialArticle> UpdateArticle(pqxx::connection& db,
                                                     absl::string_view authorization,
                                                     const v1::UpdateArticleRequest& request) const;
  absl::StatusOr<v1::EditorialArticle> PublishArticle(
      pqxx::connection& db, absl::string_view authorization,
      const v1::PublishArticleRequest& request) const;
  absl::StatusOr<v1::EditorialArticle> UnpublishArticle(
      pqxx::connection& db, absl::string_view authorization,
      const v1::UnpublishArticleRequest& request) const;
  absl::StatusOr<v1::EditorialArticle> DeleteArticle(pqxx::connection& db,
                                                     absl::string_view authorization,
                                                     const v1::DeleteArticleRequest& request) const;

 private:
  const PageTokenCodec& tokens_;
};

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_EDITORIAL_DESK_H_
