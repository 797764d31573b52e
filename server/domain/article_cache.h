#ifndef NEWS_SERVER_DOMAIN_ARTICLE_CACHE_H_
#define NEWS_SERVER_DOMAIN_ARTICLE_CACHE_H_

// Bounded in-memory caches of ArticleService responses: mobile reads are hot-skewed (a few stories
// and the first feed pages take most of them), so a few thousand entries answer most reads
// without the database.
//
// Freshness is bounded by time, not by notifications: an entry is served for at most `ttl`
// after it was read from the database. That one rule covers every way a response can change (an
// article's row, its view and comment counts, its newer/older neighbours, a new article at the
// top of a feed, a renamed category) and every server instance, with no triggers or
// LISTEN/NOTIFY; with the default 1 s, no reader sees a change later than 1 s after its commit.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "news/v1/article.pb.h"

namespace news {

// At most `max_entries` values (the least recently used go first), each served for at most
// `ttl` after it was stored. Thread-safe. max_entries 0 caches nothing.
template <typename Key, typename Value>
class ResponseCache {
 public:
  // `now` is the clock (tests pass a fake one).
  ResponseCache(
      size_t max_entries, absl::Duration ttl,
      std::function<absl::Time()> now = [] { return absl::Now(); })
      : max_entries_(max_entries), ttl_(ttl), now_(std::move(now)) {}

  bool enabled() const { return max_entries_ > 0; }

  // The value stored under `key` less than ttl ago, else null. Counts a hit or a miss.
  std::shared_ptr<const Value> Find(const Key& key) {
    const absl::Time now = now_();
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end()) {
      misses_.fetch_add(1, std::memory_order_relaxed);
      return nullptr;
    }
    if (now - it->second.stored >= ttl_) {
      recency_.erase(it->second.recency);
      entries_.erase(it);
      misses_.fetch_add(1, std::memory_order_relaxed);
      return nullptr;
    }
    recency_.splice(recency_.begin(), recency_, it->second.recency);
    hits_.fetch_add(1, std::memory_order_relaxed);
    return it->second.value;
  }

  // Stores `value` under `key` (replacing an older one) as read now.
  void Insert(const Key& key, const Value& value) {
    if (max_entries_ == 0) return;
    // Copy outside the lock: responses are kilobytes.
    auto copy = std::make_shared<const Value>(value);
    const absl::Time now = now_();
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it != entries_.end()) {
      it->second.value = std::move(copy);
      it->second.stored = now;
      recency_.splice(recency_.begin(), recency_, it->second.recency);
      return;
    }
    if (entries_.size() >= max_entries_) {
      entries_.erase(recency_.back());
      recency_.pop_back();
    }
    recency_.push_front(key);
    entries_.emplace(key, Entry{std::move(copy), now, recency_.begin()});
  }

  size_t size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
  }

  // Finds answered from the cache / not, since construction (for the metrics; lock-free).
  uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }
  uint64_t misses() const { return misses_.load(std::memory_order_relaxed); }

 private:
  struct Entry {
    std::shared_ptr<const Value> value;
    absl::Time stored;
    typename std::list<Key>::iterator recency;
  };

  const size_t max_entries_;
  const absl::Duration ttl_;
  const std::function<absl::Time()> now_;
  mutable std::mutex mutex_;
  absl::flat_hash_map<Key, Entry> entries_;
  // Keys, most recently used first.
  std::list<Key> recency_;
  std::atomic<uint64_t> hits_{0};
  std::atomic<uint64_t> misses_{0};
};

// GetArticle by id.
using ArticleCache = ResponseCache<int64_t, v1::Article>;

// First pages of ListArticles, keyed by the serialized request (filters and page size).
using FeedPageCache = ResponseCache<std::string, v1::ListArticlesResponse>;

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_ARTICLE_CACHE_H_
