#include "server/domain/cache_invalidation.h"

#include "absl/strings/match.h"

namespace news {

void CacheInvalidation::OnChanges(absl::Span<const storage::Change> changes) {
  bool feeds_changed = false;
  for (const storage::Change& change : changes) {
    articles_.Invalidate(change.article_id);
    if (absl::StartsWith(change.kind, "article.")) feeds_changed = true;
  }
  // Feeds are few, and which pages an article is on depends on every filter: drop them all.
  if (feeds_changed) feeds_.InvalidateAll();
}

void CacheInvalidation::OnSessionReset() {
  articles_.InvalidateAll();
  feeds_.InvalidateAll();
}

}  // namespace news
