#ifndef NEWS_TOOLS_LOAD_LATENCY_HISTOGRAM_H_
#define NEWS_TOOLS_LOAD_LATENCY_HISTOGRAM_H_

// A latency histogram with fixed, bounded memory (HDR-style log-linear buckets): every power of
// two is split into 128 linear sub-buckets, so a reported percentile is within 1/128 (< 0.8%)
// of a recorded value, from 1 ns up to about 2.4 hours; longer latencies are clamped there.

#include <cstdint>
#include <vector>

#include "absl/time/time.h"

namespace news::load {

class LatencyHistogram {
 public:
  LatencyHistogram();

  // Counts one call that took `latency`; negative latencies count as zero.
  void Record(absl::Duration latency);

  // Adds every value recorded in `other`.
  void Merge(const LatencyHistogram& other);

  int64_t count() const { return count_; }
  // Zero when empty.
  absl::Duration min() const;
  absl::Duration max() const;
  absl::Duration mean() const;

  // The smallest recorded latency such that at least `percentile`% of the calls took no longer
  // (to the bucket's precision, and never above max()). `percentile` is clamped to [0, 100];
  // zero when empty.
  absl::Duration Percentile(double percentile) const;

 private:
  static int BucketOf(int64_t nanos);
  // The largest value that falls into bucket `index`.
  static int64_t BucketUpperBound(int index);

  std::vector<int64_t> buckets_;
  int64_t count_ = 0;
  int64_t min_nanos_ = 0;
  int64_t max_nanos_ = 0;
  // Sums in double: int64 nanoseconds would overflow after a few billion long calls.
  double sum_nanos_ = 0;
};

}  // namespace news::load

#endif  // NEWS_TOOLS_LOAD_LATENCY_HISTOGRAM_H_
