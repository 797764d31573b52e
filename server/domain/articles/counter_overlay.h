#ifndef NEWS_SERVER_DOMAIN_ARTICLES_COUNTER_OVERLAY_H_
#define NEWS_SERVER_DOMAIN_ARTICLES_COUNTER_OVERLAY_H_

// The latest known view and comment counts of the articles whose GetArticle responses are
// cached (docs/caching.md, "Counters apart from cached bytes"): counters move without change-log
// rows, so instead of re-reading whole cached entries to keep them moving, the counters of every
// cached id are read in one batch per interval (server/app/jobs/articles/article_counter_refresher.h) and
// served on top of the cached bytes.

#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "server/storage/articles/article_counter_store.h"

namespace news {

// Thread-safe. Every value carries the time the read that produced it started (`as_of`): a
// value is only ever replaced by one read no earlier, so a batch that started before a cached
// entry was read cannot put older counters on top of it.
class CounterOverlay {
 public:
  // Counters of one article read at `as_of` (a GetArticle read from the database).
  void Record(const storage::ArticleCounters& counters, absl::Time as_of);

  // Replaces the overlay with `batch`, the counters of the cached ids read at `as_of`; ids not in
  // the batch are dropped, unless recorded after `as_of` (a read that raced the batch).
  void ReplaceAll(const std::vector<storage::ArticleCounters>& batch, absl::Time as_of);

  // The latest counters of `id`, or nullopt when none are known.
  std::optional<storage::ArticleCounters> Find(int64_t id) const;

  // Ids with counters.
  size_t size() const;

 private:
  struct Known {
    storage::ArticleCounters counters;
    absl::Time as_of = absl::InfinitePast();
  };

  mutable std::mutex mutex_;
  absl::flat_hash_map<int64_t, Known> known_;
};

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_ARTICLES_COUNTER_OVERLAY_H_
