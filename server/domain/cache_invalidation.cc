#include "server/domain/cache_invalidation.h"

#include "absl/strings/match.h"

namespace news {

void CacheInvalidation::OnChanges(absl::Span<const storage::Change> changes) {
  bool articles_changed = false;
  for (const storage::Change& change : changes) {
    caches_.articles.Invalidate(change.article_id);
    if (absl::StartsWith(change.kind, "article.")) articles_changed = true;
  }
  // Once per batch: a burst of changes drops each list once.
  if (articles_changed) InvalidateArticleLists();
}

void CacheInvalidation::OnSessionReset() {
  caches_.articles.InvalidateAll();
  InvalidateArticleLists();
}

// Lists are dropped whole rather than by member: a published article enters the related lists of
// the articles it matches (IndexRelatedNews), the feeds its filters select and the rankings its
// views earn, none of which the change names; and article changes are rare next to reads, so a
// drop costs one coalesced read per hot list.
void CacheInvalidation::InvalidateArticleLists() {
  caches_.feeds.InvalidateAll();
  caches_.lookups.InvalidateAll();
  caches_.related.InvalidateAll();
  caches_.most_viewed.InvalidateAll();
  caches_.searches.InvalidateAll();
}

}  // namespace news
