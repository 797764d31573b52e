#ifndef NEWS_SERVER_DOMAIN_DISCOVERY_SEARCH_CACHE_H_
#define NEWS_SERVER_DOMAIN_DISCOVERY_SEARCH_CACHE_H_

// Responses of popular searches kept in memory (docs/discovery.md, "Caching"), keyed by
// DiscoveryCatalog::SearchCacheKey, and what keeps them coherent with the change log.

#include <string>

#include "news/v1/discovery.pb.h"
#include "server/domain/change_subscriber.h"
#include "server/domain/response_cache.h"

namespace news {

using SearchCache = ResponseCache<std::string, v1::SearchArticlesResponse>;

// Drops every cached search when an article is published, changed, retracted or deleted
// (article.* changes: which searches an article matches depends on its words, which the change
// does not carry), and when the follower's session is reset. Comment changes keep the entries:
// the comment counts they show move with their refresh, as feeds' do (docs/caching.md).
class SearchCacheInvalidation : public ChangeSubscriber {
 public:
  // The cache must outlive this.
  explicit SearchCacheInvalidation(SearchCache& cache) : cache_(cache) {}

  void OnChanges(absl::Span<const storage::Change> changes) override;
  void OnSessionReset() override;

 private:
  SearchCache& cache_;
};

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_DISCOVERY_SEARCH_CACHE_H_
