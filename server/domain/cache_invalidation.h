#ifndef NEWS_SERVER_DOMAIN_CACHE_INVALIDATION_H_
#define NEWS_SERVER_DOMAIN_CACHE_INVALIDATION_H_

// Keeps the response caches coherent with the change log (docs/caching.md): each change drops
// the entries it touches, and a reset of the follower's session drops everything.
// - article.*: the article's GetArticle entry, and every first feed page, related list, most
//   viewed list, search result page and the category and source lists (which of them list the
//   article, or would now, depends on filters, words, scores and rankings the change log does
//   not carry);
// - comment.*: the article's GetArticle entry (its comment_count).

#include "server/domain/change_subscriber.h"
#include "server/domain/response_cache.h"

namespace news {

// The caches CacheInvalidation keeps coherent.
struct CachedResponses {
  ArticleCache& articles;
  FeedPageCache& feeds;
  LookupListCache& lookups;
  RelatedListCache& related;
  MostViewedCache& most_viewed;
  SearchCache& searches;
};

class CacheInvalidation : public ChangeSubscriber {
 public:
  // The caches must outlive this.
  explicit CacheInvalidation(CachedResponses caches) : caches_(caches) {}

  void OnChanges(absl::Span<const storage::Change> changes) override;
  void OnSessionReset() override;

 private:
  // The caches every article.* change drops whole.
  void InvalidateArticleLists();

  CachedResponses caches_;
};

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_CACHE_INVALIDATION_H_
