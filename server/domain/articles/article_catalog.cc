#include "server/domain/articles/article_catalog.h"

#include <google/protobuf/util/time_util.h>

#include "server/domain/status_details.h"
#include "server/storage/articles/article_store.h"
#include "server/storage/articles/category_store.h"
#include "server/storage/articles/source_store.h"
#include "server/text/unicode_text.h"

namespace news {
namespace {

constexpr size_t kMaxSlugBytes = 200;
constexpr size_t kMaxTagCodePoints = 100;

}  // namespace

absl::StatusOr<v1::Article> ArticleCatalog::GetArticle(pqxx::connection& db,
                                                       const v1::GetArticleRequest& request) const {
  // A single-statement read needs no transaction block; autocommit saves two round trips.
  pqxx::nontransaction tx(db);
  storage::ArticleStore articles(tx);
  std::optional<v1::Article> article;
  switch (request.article_case()) {
    case v1::GetArticleRequest::kId:
      if (request.id() <= 0) return InvalidFieldError("id", "must be a positive article id");
      article = articles.FindPublishedById(request.id());
      break;
    case v1::GetArticleRequest::kSlug:
      if (request.slug().empty() || request.slug().size() > kMaxSlugBytes ||
          !text::IsValidUtf8(request.slug()) ||
          text::HasControlCharacters(request.slug(), /*allow_newline=*/false)) {
        return InvalidFieldError("slug", "must be a non-empty article slug");
      }
      article = articles.FindPublishedBySlug(request.slug());
      break;
    case v1::GetArticleRequest::ARTICLE_NOT_SET:
      return InvalidFieldError("article", "set either id or slug");
  }
  if (!article) return absl::NotFoundError("no published article has this id or slug");
  return *std::move(article);
}

absl::StatusOr<v1::ListArticlesResponse> ArticleCatalog::ListArticles(
    pqxx::connection& db, const v1::ListArticlesRequest& request) const {
  FieldViolations violations;
  absl::StatusOr<int> page_size =
      ResolvePageSize(request.page_size(), kDefaultPageSize, kMaxPageSize);
  if (!page_size.ok()) violations.Add("page_size", "must not be negative");
  if (request.category_id() < 0) violations.Add("category_id", "must not be negative");
  if (request.source_id() < 0) violations.Add("source_id", "must not be negative");
  storage::FeedFilter filter{request.category_id(), request.source_id(), ""};
  if (!request.tag().empty()) {
    absl::StatusOr<std::string> tag = text::ToNfc(request.tag());
    if (!tag.ok() || text::CodePointCount(*tag) > kMaxTagCodePoints ||
        text::HasControlCharacters(*tag, /*allow_newline=*/false)) {
      violations.Add("tag",
                     "must be valid UTF-8 of at most 100 characters, without control "
                     "characters");
    } else {
      filter.tag = *std::move(tag);
    }
  }
  if (!violations.empty()) return violations.ToStatus();

  const PageScope scope =
      PageScope("ListArticles").Add(filter.category_id).Add(filter.source_id).Add(filter.tag);
  storage::FeedPosition position = storage::FeedPosition::Start();
  if (!request.page_token().empty()) {
    absl::StatusOr<std::vector<int64_t>> keys = tokens_.Decode(request.page_token(), scope, 2);
    if (!keys.ok()) return keys.status();
    position = storage::FeedPosition{(*keys)[0], (*keys)[1]};
  }

  pqxx::nontransaction tx(db);
  // One extra row tells whether another page exists, so the last page carries no token.
  std::vector<v1::ArticleSummary> rows =
      storage::ArticleStore(tx).ListFeed(filter, position, *page_size + 1);
  v1::ListArticlesResponse response;
  const bool more = static_cast<int>(rows.size()) > *page_size;
  if (more) rows.resize(*page_size);
  for (auto& row : rows) *response.add_articles() = std::move(row);
  if (more) {
    const v1::ArticleSummary& last = response.articles(response.articles_size() - 1);
    const int64_t last_micros =
        google::protobuf::util::TimeUtil::TimestampToMicroseconds(last.publish_time());
    response.set_next_page_token(tokens_.Encode(scope, {last_micros, last.id()}));
  }
  return response;
}

absl::StatusOr<v1::ListCategoriesResponse> ArticleCatalog::ListCategories(
    pqxx::connection& db) const {
  pqxx::nontransaction tx(db);
  v1::ListCategoriesResponse response;
  for (auto& category : storage::CategoryStore(tx).List()) {
    *response.add_categories() = std::move(category);
  }
  return response;
}

absl::StatusOr<v1::ListSourcesResponse> ArticleCatalog::ListSources(pqxx::connection& db) const {
  pqxx::nontransaction tx(db);
  v1::ListSourcesResponse response;
  for (auto& source : storage::SourceStore(tx).List()) {
    *response.add_sources() = std::move(source);
  }
  return response;
}

}  // namespace news
