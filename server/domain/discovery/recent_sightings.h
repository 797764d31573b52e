#ifndef NEWS_SERVER_DOMAIN_RECENT_SIGHTINGS_H_
#define NEWS_SERVER_DOMAIN_RECENT_SIGHTINGS_H_

// When each key (a client, or a client and an article) was last seen, remembered for a fixed
// window: the memory behind view de-duplication and visit counting, which every call touches.
//
// Built so that no call waits behind a scan: keys are 64-bit hashes in flat hash maps split into
// shards with a lock each, and expiry works by generations. Every `window` the current
// generation becomes the previous one and the previous one is dropped whole; everything dropped
// was last seen more than `window` before, so lookups in the two live generations are exact.
// Thread-safe; time is always passed in, so tests control it.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"

namespace news {

class RecentSightings {
 public:
  // Remembers sightings for `window`, at most `max_keys` keys at a time (beyond that, new keys
  // are not remembered until a generation is dropped).
  RecentSightings(absl::Duration window, size_t max_keys);

  enum class Update {
    kAlways,           // the key's time becomes `now` in any case
    kOnlyWhenExpired,  // the key's time stays if it was seen within the window
  };

  // Notes a sighting of `key` at `now` and returns the previous sighting when it was less than
  // `window` before `now`, else nullopt (never seen, forgotten, or seen too long ago).
  std::optional<absl::Time> See(uint64_t key, absl::Time now, Update update);

 private:
  static constexpr size_t kShards = 16;
  using Generation = absl::flat_hash_map<uint64_t, absl::Time>;
  struct Shard {
    std::mutex mutex;
    Generation current;
    Generation previous;
    absl::Time newest_in_current = absl::InfinitePast();
  };

  // Starts a new generation when the current one is `window` old (all shards at once).
  void RotateIfDue(absl::Time now);

  const absl::Duration window_;
  const size_t max_keys_;
  std::array<Shard, kShards> shards_;
  std::mutex rotation_mutex_;
  // Start of the current generation (Unix nanoseconds).
  std::atomic<int64_t> generation_start_;
  // Keys in both generations of all shards.
  std::atomic<size_t> remembered_{0};
};

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_RECENT_SIGHTINGS_H_
