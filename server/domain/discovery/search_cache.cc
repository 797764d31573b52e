#include "server/domain/discovery/search_cache.h"

#include "absl/strings/match.h"

namespace news {

void SearchCacheInvalidation::OnChanges(absl::Span<const storage::Change> changes) {
  for (const storage::Change& change : changes) {
    if (absl::StartsWith(change.kind, "article.")) {
      cache_.InvalidateAll();
      return;
    }
  }
}

void SearchCacheInvalidation::OnSessionReset() { cache_.InvalidateAll(); }

}  // namespace news
