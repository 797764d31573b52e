#ifndef NEWS_SERVER_DOMAIN_RESPONSE_CACHE_H_
#define NEWS_SERVER_DOMAIN_RESPONSE_CACHE_H_

// Bounded in-memory caches of read responses (ArticleService, and DiscoveryService's related and
// most viewed lists): mobile reads are hot-skewed (a few stories and the first feed pages take
// most of them), so a few thousand entries answer most reads
// without the database. Responses are kept serialized, so a hit hands the same bytes to every
// reader without copying or serializing them.
//
// Freshness comes from invalidation, with time as the bound: the ChangeLogFollower
// (server/app/jobs/change_log/change_log_follower.h, docs/caching.md) drops the entries that each committed
// change touches (Invalidate, InvalidateAll), so content changes show within about 100 ms on
// every instance, and an entry is served for at most `ttl` after it was read from the database
// whatever happens. Counters that move without a change-log row (view, like and comment counts
// in feeds) are kept moving by `refresh_after`: a hit on an entry older than that re-reads it in
// the background. (GetArticle entries take no refresh: their counters are read apart,
// CounterOverlay.)
//
// Expiry and invalidation must not send every reader of a hot entry to the database at once:
// concurrent misses for one key share one read (coalescing), and a hit on an entry older than
// `refresh_after` starts one background re-read while the reader gets the entry
// (refresh-ahead), so hot entries are replaced before they expire. Refreshes are few at a time,
// so that under load they cannot crowd out the misses: an entry that finds no refresh slot free
// expires and is read again by one coalesced miss.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"
#include "absl/hash/hash.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace news {

// How much one cache may hold: at most `entries` values, whose keys and values together take at
// most `bytes` (the byte bound is what keeps the server's memory predictable: responses range
// from a few hundred bytes to tens of kilobytes).
struct CacheLimits {
  // Implicit: a bare count is an entry bound without a byte bound.
  CacheLimits(size_t entries, size_t bytes = std::numeric_limits<size_t>::max())  // NOLINT
      : entries(entries), bytes(bytes) {}
  size_t entries;
  size_t bytes;
};

// At most `limits` of values, each served for at most `ttl` after the read that produced it
// started, and not after it was invalidated. Values are read by the caller's loads (see Get), at
// most one at a time per key. Thread-safe.
//
// The entries are split into shards by key, each with its own lock, and each evicts with the
// CLOCK algorithm: a hit only sets the entry's "used" bit; when a shard is full, a hand sweeps
// its entries, clearing set bits, and evicts the first expired or unused entry it finds. Each
// shard holds its share of both bounds; a value larger than a shard's share of the byte bound is
// served to its readers but not stored.
template <typename Key, typename Value>
class ResponseCache {
 public:
  // A value, or why it could not be read.
  using Result = absl::StatusOr<std::shared_ptr<const Value>>;
  // Receives a Result for one reader that could not be answered at once.
  using Waiter = absl::AnyInvocable<void(const Result&)>;
  // Receives the outcome of one load.
  using LoadDone = absl::AnyInvocable<void(absl::StatusOr<Value>)>;

  // Hits on entries older than `refresh_after` (at most ttl) refresh them. `now` is the clock
  // (tests pass a fake one). 0 entries stores nothing: every Get loads.
  // At most `max_refreshes` background refreshes run at once (queued ones included): the rest of
  // the database's capacity stays with misses, and entries that find no free slot expire and are
  // read again by their next miss. The default, twice the default pool, kept the Zipf hot set
  // fresh in bench/run.sh's mobile mix; 1 let hot entries expire once the pool queued.
  ResponseCache(
      CacheLimits limits, absl::Duration ttl, absl::Duration refresh_after,
      std::function<absl::Time()> now = [] { return absl::Now(); }, size_t max_refreshes = 8)
      : max_entries_(limits.entries),
        ttl_(ttl),
        refresh_after_(std::min(refresh_after, ttl)),
        now_(std::move(now)),
        max_refreshes_(max_refreshes),
        // One shard per 64 entries, up to 16: small caches keep exact CLOCK order.
        shard_count_(std::clamp<size_t>(max_entries_ / 64, 1, 16)),
        shards_(new Shard[shard_count_]) {
    for (size_t i = 0; i < shard_count_; ++i) {
      shards_[i].capacity =
          max_entries_ / shard_count_ + (i < max_entries_ % shard_count_ ? 1 : 0);
      shards_[i].byte_capacity = limits.bytes / shard_count_;
    }
  }

  bool enabled() const { return max_entries_ > 0; }

  // Serves one reader of `key`:
  // - a value stored less than ttl ago and not invalidated since is returned at once (a hit); if
  //   it is older than refresh_after, no load of `key` is in flight and fewer than
  //   max_refreshes refreshes are, `load` is also called, to replace it in the background (a
  //   refresh);
  // - otherwise Get returns null and the value, or the load's error, goes to the callback that
  //   `waiter()` returns, when the load of `key` in flight completes (coalesced), or else a new
  //   load started by calling `load` (a miss).
  // `load(done)` must start reading `key` and call `done` exactly once, on any thread, possibly
  // before returning. `waiter` runs at most once, under a lock: it must only build the callback.
  // The waiter runs on the thread that calls `done` (within Get when `done` runs within `load`).
  // The cache must outlive the loads it starts. With 0 entries every Get is a miss.
  std::shared_ptr<const Value> Get(const Key& key, absl::FunctionRef<Waiter()> waiter,
                                   absl::FunctionRef<void(LoadDone)> load) {
    if (!enabled()) {
      misses_.fetch_add(1, std::memory_order_relaxed);
      load([waiting = waiter()](absl::StatusOr<Value> value) mutable {
        waiting(value.ok() ? Result(std::make_shared<const Value>(*std::move(value)))
                           : Result(value.status()));
      });
      return nullptr;
    }
    const absl::Time now = now_();
    Shard& shard = ShardOf(key);
    std::shared_ptr<const Value> value;
    uint64_t load_id;
    {
      std::lock_guard lock(shard.mutex);
      auto entry = shard.entries.find(key);
      if (entry != shard.entries.end() && now - entry->second.read_at < ttl_) {
        entry->second.used = true;
        hits_.fetch_add(1, std::memory_order_relaxed);
        if (now - entry->second.read_at < refresh_after_ || shard.loads.contains(key) ||
            !TakeRefreshSlot()) {
          return entry->second.value;
        }
        value = entry->second.value;
        load_id = StartLoad(shard, key).id;
        refreshes_.fetch_add(1, std::memory_order_relaxed);
      } else if (auto in_flight = shard.loads.find(key); in_flight != shard.loads.end()) {
        in_flight->second.waiters.push_back(waiter());
        coalesced_.fetch_add(1, std::memory_order_relaxed);
        return nullptr;
      } else {
        Load& started = StartLoad(shard, key);
        load_id = started.id;
        started.waiters.push_back(waiter());
        misses_.fetch_add(1, std::memory_order_relaxed);
      }
    }
    load([this, &shard, key, load_id, now,
          refresh = value != nullptr](absl::StatusOr<Value> loaded) {
      Complete(shard, key, load_id, now, std::move(loaded));
      if (refresh) refreshes_in_flight_.fetch_sub(1, std::memory_order_relaxed);
    });
    return value;
  }

  // Drops the entry of `key`, and detaches a load of it in flight: its waiters still get what it
  // read, but it is not stored (it may have read the row before the change that invalidates
  // it), and later readers of `key` start a new load instead of joining it.
  void Invalidate(const Key& key) {
    Shard& shard = ShardOf(key);
    std::lock_guard lock(shard.mutex);
    if (auto entry = shard.entries.find(key); entry != shard.entries.end()) {
      Expire(shard, entry->second);
    }
    if (auto in_flight = shard.loads.find(key); in_flight != shard.loads.end()) {
      Detach(shard, in_flight);
    }
  }

  // Invalidate for every key.
  void InvalidateAll() {
    for (size_t i = 0; i < shard_count_; ++i) {
      Shard& shard = shards_[i];
      std::lock_guard lock(shard.mutex);
      for (auto& [key, entry] : shard.entries) Expire(shard, entry);
      while (!shard.loads.empty()) Detach(shard, shard.loads.begin());
    }
  }

  // Entries stored, expired ones included (they are replaced or evicted first).
  size_t size() const {
    size_t total = 0;
    for (size_t i = 0; i < shard_count_; ++i) {
      std::lock_guard lock(shards_[i].mutex);
      total += shards_[i].entries.size();
    }
    return total;
  }

  // Bytes of the keys and values stored (lock per shard, for the metrics).
  size_t bytes() const {
    size_t total = 0;
    for (size_t i = 0; i < shard_count_; ++i) {
      std::lock_guard lock(shards_[i].mutex);
      total += shards_[i].bytes;
    }
    return total;
  }

  // The keys of the entries that can still be served (neither expired nor invalidated), in no
  // particular order.
  std::vector<Key> Keys() const {
    const absl::Time expired_before = now_() - ttl_;
    std::vector<Key> keys;
    for (size_t i = 0; i < shard_count_; ++i) {
      std::lock_guard lock(shards_[i].mutex);
      for (const auto& [key, entry] : shards_[i].entries) {
        if (entry.read_at > expired_before) keys.push_back(key);
      }
    }
    return keys;
  }

  // Counts since construction (lock-free, for the metrics). Every Get counts as exactly one of
  // hits (answered from memory), misses (started a database read) and coalesced (waited for a
  // read another Get started); refreshes counts the background reads that hits started.
  uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }
  uint64_t misses() const { return misses_.load(std::memory_order_relaxed); }
  uint64_t coalesced() const { return coalesced_.load(std::memory_order_relaxed); }
  uint64_t refreshes() const { return refreshes_.load(std::memory_order_relaxed); }

 private:
  struct Entry {
    std::shared_ptr<const Value> value;
    // When the load that read it started: the read cannot be older.
    absl::Time read_at;
    // Set by hits, cleared by the eviction hand.
    bool used = false;
    // EntryBytes of the key and value (0 once expired).
    size_t bytes = 0;
  };

  struct Load {
    // Tells a load from a later one of the same key once it was detached.
    uint64_t id = 0;
    std::vector<Waiter> waiters;
  };

  struct Shard {
    mutable std::mutex mutex;
    size_t capacity = 0;
    size_t byte_capacity = 0;
    // The sum of the entries' bytes.
    size_t bytes = 0;
    absl::flat_hash_map<Key, Entry> entries;
    // The keys of `entries` in the order the eviction hand visits them.
    std::vector<Key> ring;
    size_t hand = 0;
    // Loads in flight, with the readers waiting for each.
    absl::flat_hash_map<Key, Load> loads;
    // Invalidated loads still in flight, by id: their outcome goes to their waiters only.
    absl::flat_hash_map<uint64_t, Load> detached;
    uint64_t next_load_id = 0;
  };

  // Needs shard.mutex; `key` has no load in flight.
  static Load& StartLoad(Shard& shard, const Key& key) {
    Load& load = shard.loads[key];
    load.id = ++shard.next_load_id;
    return load;
  }

  // Needs shard.mutex.
  static void Detach(Shard& shard,
                     typename absl::flat_hash_map<Key, Load>::iterator in_flight) {
    const uint64_t id = in_flight->second.id;
    shard.detached.emplace(id, std::move(in_flight->second));
    shard.loads.erase(in_flight);
  }

  bool TakeRefreshSlot() {
    size_t running = refreshes_in_flight_.load(std::memory_order_relaxed);
    while (running < max_refreshes_) {
      if (refreshes_in_flight_.compare_exchange_weak(running, running + 1,
                                                     std::memory_order_relaxed)) {
        return true;
      }
    }
    return false;
  }

  Shard& ShardOf(const Key& key) const {
    // High bits: the map inside the shard indexes its slots with the low ones.
    return shards_[(absl::Hash<Key>{}(key) >> 48) % shard_count_];
  }

  void Complete(Shard& shard, const Key& key, uint64_t load_id, absl::Time read_at,
                absl::StatusOr<Value> loaded) {
    const Result result = loaded.ok() ? Result(std::make_shared<const Value>(*std::move(loaded)))
                                      : Result(loaded.status());
    std::vector<Waiter> waiters;
    {
      std::lock_guard lock(shard.mutex);
      auto in_flight = shard.loads.find(key);
      if (in_flight != shard.loads.end() && in_flight->second.id == load_id) {
        waiters = std::move(in_flight->second.waiters);
        shard.loads.erase(in_flight);
        if (result.ok()) Store(shard, key, *result, read_at);
      } else {
        auto detached = shard.detached.find(load_id);
        waiters = std::move(detached->second.waiters);
        shard.detached.erase(detached);
      }
    }
    for (Waiter& waiter : waiters) waiter(result);
  }

  // What an entry takes: the key's and the value's bytes (both are strings or integers).
  static size_t EntryBytes(const Key& key, const Value& value) {
    if constexpr (std::is_integral_v<Key>) {
      return sizeof(Key) + value.size();
    } else {
      return key.size() + value.size();
    }
  }

  // Needs shard.mutex. The entry stays in the eviction ring, as an expired one: the hand takes
  // it first, and a load of its key replaces it.
  static void Expire(Shard& shard, Entry& entry) {
    entry.read_at = absl::InfinitePast();
    entry.value.reset();
    shard.bytes -= entry.bytes;
    entry.bytes = 0;
  }

  // Needs shard.mutex. Makes room before storing, so that the hand never takes the new value.
  void Store(Shard& shard, const Key& key, std::shared_ptr<const Value> value, absl::Time read_at) {
    const size_t bytes = EntryBytes(key, *value);
    if (auto entry = shard.entries.find(key); entry != shard.entries.end()) {
      Expire(shard, entry->second);
    }
    if (bytes > shard.byte_capacity) return;
    while (shard.bytes + bytes > shard.byte_capacity) Evict(shard);
    if (auto entry = shard.entries.find(key); entry != shard.entries.end()) {
      entry->second.value = std::move(value);
      entry->second.read_at = read_at;
      entry->second.bytes = bytes;
    } else {
      if (shard.ring.size() >= shard.capacity) Evict(shard);
      shard.ring.push_back(key);
      shard.entries.emplace(key, Entry{std::move(value), read_at, false, bytes});
    }
    shard.bytes += bytes;
  }

  // Needs shard.mutex, and an entry in the shard. Removes the entry the CLOCK hand stops at; the
  // last entry of the ring takes its place there.
  void Evict(Shard& shard) {
    const absl::Time expired_before = now_() - ttl_;
    // Terminates within two turns: every visit clears a bit.
    for (;; ++shard.hand) {
      shard.hand %= shard.ring.size();
      Entry& candidate = shard.entries.find(shard.ring[shard.hand])->second;
      if (!candidate.used || candidate.read_at <= expired_before) break;
      candidate.used = false;
    }
    auto victim = shard.entries.find(shard.ring[shard.hand]);
    shard.bytes -= victim->second.bytes;
    shard.entries.erase(victim);
    shard.ring[shard.hand] = std::move(shard.ring.back());
    shard.ring.pop_back();
  }

  const size_t max_entries_;
  const absl::Duration ttl_;
  const absl::Duration refresh_after_;
  const std::function<absl::Time()> now_;
  const size_t max_refreshes_;
  const size_t shard_count_;
  std::unique_ptr<Shard[]> shards_;
  std::atomic<uint64_t> hits_{0};
  std::atomic<uint64_t> misses_{0};
  std::atomic<uint64_t> coalesced_{0};
  std::atomic<uint64_t> refreshes_{0};
  std::atomic<size_t> refreshes_in_flight_{0};
};

// GetArticle by id: the serialized news.v1.Article.
using ArticleCache = ResponseCache<int64_t, std::string>;

// First pages of ListArticles, keyed by the serialized request (filters and page size): the
// serialized news.v1.ListArticlesResponse.
using FeedPageCache = ResponseCache<std::string, std::string>;

// ListCategories and ListSources, one entry each, keyed by the method: the serialized response.
using LookupListCache = ResponseCache<std::string, std::string>;

// ListRelatedArticles, keyed by the serialized request (article and page size): the serialized
// news.v1.ListRelatedArticlesResponse.
using RelatedListCache = ResponseCache<std::string, std::string>;

// ListMostViewedArticles, keyed by the serialized request (window and page size): the
// serialized news.v1.ListMostViewedArticlesResponse.
using MostViewedCache = ResponseCache<std::string, std::string>;

// SearchArticles responses by DiscoveryCatalog::SearchCacheKey (the folded words, the filters,
// the page size and the page token), serialized.
using SearchCache = ResponseCache<std::string, std::string>;

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_RESPONSE_CACHE_H_
