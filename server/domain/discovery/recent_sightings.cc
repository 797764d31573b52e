#include "server/domain/discovery/recent_sightings.h"

#include <algorithm>
#include <limits>

namespace news {
namespace {

constexpr int64_t kNoTime = std::numeric_limits<int64_t>::min();

}  // namespace

RecentSightings::RecentSightings(absl::Duration window, size_t max_keys)
    : window_(window), max_keys_(max_keys), generation_start_(kNoTime) {}

std::optional<absl::Time> RecentSightings::See(uint64_t key, absl::Time now, Update update) {
  RotateIfDue(now);
  Shard& shard = shards_[key % kShards];
  std::lock_guard lock(shard.mutex);
  shard.newest_in_current = std::max(shard.newest_in_current, now);
  if (auto it = shard.current.find(key); it != shard.current.end()) {
    const absl::Time last = it->second;
    const bool recent = now - last < window_;
    if ((update == Update::kAlways || !recent) && now > last) it->second = now;
    return recent ? std::optional<absl::Time>(last) : std::nullopt;
  }
  std::optional<absl::Time> previous_sighting;
  if (auto it = shard.previous.find(key);
      it != shard.previous.end() && now - it->second < window_) {
    previous_sighting = it->second;
  }
  // A recent sighting kept as it is may stay in the previous generation: everything there is
  // dropped only once it is older than the window.
  if (previous_sighting && update == Update::kOnlyWhenExpired) return previous_sighting;
  if (remembered_.fetch_add(1, std::memory_order_relaxed) < max_keys_) {
    shard.current.emplace(key, now);
  } else {
    remembered_.fetch_sub(1, std::memory_order_relaxed);
  }
  return previous_sighting;
}

void RecentSightings::RotateIfDue(absl::Time now) {
  const int64_t now_nanos = absl::ToUnixNanos(now);
  const int64_t start = generation_start_.load(std::memory_order_acquire);
  if (start != kNoTime && now - absl::FromUnixNanos(start) < window_) return;

  std::lock_guard rotation(rotation_mutex_);
  const int64_t current_start = generation_start_.load(std::memory_order_acquire);
  if (current_start == kNoTime) {
    generation_start_.store(now_nanos, std::memory_order_release);
    return;
  }
  if (now - absl::FromUnixNanos(current_start) < window_) return;
  for (Shard& shard : shards_) {
    Generation dropped;
    {
      std::lock_guard lock(shard.mutex);
      dropped.swap(shard.previous);
      shard.previous.swap(shard.current);
      // When even the newest sighting of the generation has expired, it goes too.
      if (now - shard.newest_in_current >= window_) {
        remembered_.fetch_sub(shard.previous.size(), std::memory_order_relaxed);
        shard.previous.clear();
      }
      shard.newest_in_current = absl::InfinitePast();
      remembered_.fetch_sub(dropped.size(), std::memory_order_relaxed);
    }
    // `dropped` is freed here, outside the shard's lock.
  }
  generation_start_.store(now_nanos, std::memory_order_release);
}

}  // namespace news
