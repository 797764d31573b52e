#ifndef NEWS_SERVER_DOMAIN_CACHE_INVALIDATION_H_
#define NEWS_SERVER_DOMAIN_CACHE_INVALIDATION_H_

// Keeps the response caches coherent with the change log (docs/caching.md): each change drops
// the entries it touches, and a reset of the follower's session drops everything.
// - article.*: the article's GetArticle entry and every first feed page;
// - comment.*: the article's GetArticle entry (its comment_count).

#include "server/domain/change_subscriber.h"
#include "server/domain/response_cache.h"

namespace news {

class CacheInvalidation : public ChangeSubscriber {
 public:
  // The caches must outlive this.
  CacheInvalidation(ArticleCache& articles, FeedPageCache& feeds)
      : articles_(articles), feeds_(feeds) {}

  void OnChanges(absl::Span<const storage::Change> changes) override;
  void OnSessionReset() override;

 private:
  ArticleCache& articles_;
  FeedPageCache& feeds_;
};

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_CACHE_INVALIDATION_H_
