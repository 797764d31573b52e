#ifndef NEWS_SERVER_DOMAIN_DISCOVERY_CATALOG_H_
#define NEWS_SERVER_DOMAIN_DISCOVERY_CATALOG_H_

// The logic of DiscoveryService (docs/discovery.md): validation, paging and assembly of
// related, search, most-viewed and site-stats responses over the storage layer. Plain C++; every
// database method runs on a pool worker.

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "news/v1/discovery.pb.h"
#include "server/domain/discovery/site_activity.h"
#include "server/domain/pagination.h"
#include "server/storage/discovery/search_store.h"

namespace news {

class DiscoveryCatalog {
 public:
  static constexpr size_t kMaxQueryCodePoints = 200;

  // All references must outlive the catalog.
  DiscoveryCatalog(const PageTokenCodec& tokens, const SiteActivity& activity)
      : tokens_(tokens), activity_(activity) {}

  // The stored related list. InvalidArgument ("article_id", "page_size") for a non-positive id
  // or negative size; NotFound when no published article has the id.
  absl::StatusOr<v1::ListRelatedArticlesResponse> ListRelatedArticles(
      pqxx::connection& db, const v1::ListRelatedArticlesRequest& request) const;

  // One page of search results. InvalidArgument naming the field for an empty, whitespace-only,
  // over 200 character or invalid UTF-8 query ("query"), a query without any letter or digit
  // ("query"), negative page_size or filters, or a page_token that is malformed, altered or was
  // issued for another query or filters ("page_token").
  absl::StatusOr<v1::SearchArticlesResponse> SearchArticles(
      pqxx::connection& db, const v1::SearchArticlesRequest& request) const;

  // The key of the SearchArticles response to `request` in a SearchCache: equal for requests
  // that get the same response (the same folded words, filters, page size and position), so
  // "HÀ NỘI" and "ha noi" share an entry. The same errors as SearchArticles for bad input.
  absl::StatusOr<std::string> SearchCacheKey(const v1::SearchArticlesRequest& request) const;

  // The most viewed published articles of the window ending on `now`'s local day.
  // InvalidArgument ("window", "page_size") for an unknown window or a negative size.
  absl::StatusOr<v1::ListMostViewedArticlesResponse> ListMostViewedArticles(
      pqxx::connection& db, const v1::ListMostViewedArticlesRequest& request, absl::Time now) const;

  // Online clients of this instance at `now` and the stored visit total plus this instance's
  // unflushed visits.
  absl::StatusOr<v1::SiteStats> GetSiteStats(pqxx::connection& db, absl::Time now) const;

 private:
  // A validated search request.
  struct ParsedSearch {
    std::vector<std::string> words;
    int page_size = 0;
    PageScope scope;
    storage::SearchPosition after;
  };
  absl::StatusOr<ParsedSearch> ParseSearch(const v1::SearchArticlesRequest& request) const;

  const PageTokenCodec& tokens_;
  const SiteActivity& activity_;
};

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_DISCOVERY_CATALOG_H_
