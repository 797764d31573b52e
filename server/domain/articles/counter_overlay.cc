#include "server/domain/articles/counter_overlay.h"

#include <utility>

namespace news {

void CounterOverlay::Record(const storage::ArticleCounters& counters, absl::Time as_of) {
  std::lock_guard lock(mutex_);
  Known& known = known_[counters.id];
  if (known.as_of <= as_of) known = Known{counters, as_of};
}

void CounterOverlay::ReplaceAll(const std::vector<storage::ArticleCounters>& batch,
                                absl::Time as_of) {
  absl::flat_hash_map<int64_t, Known> replaced;
  replaced.reserve(batch.size());
  for (const storage::ArticleCounters& counters : batch) {
    replaced.emplace(counters.id, Known{counters, as_of});
  }
  std::lock_guard lock(mutex_);
  for (const auto& [id, known] : known_) {
    if (known.as_of > as_of) replaced[id] = known;
  }
  known_ = std::move(replaced);
}

std::optional<storage::ArticleCounters> CounterOverlay::Find(int64_t id) const {
  std::lock_guard lock(mutex_);
  auto known = known_.find(id);
  if (known == known_.end()) return std::nullopt;
  return known->second.counters;
}

size_t CounterOverlay::size() const {
  std::lock_guard lock(mutex_);
  return known_.size();
}

}  // namespace news
