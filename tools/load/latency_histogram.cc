#include "tools/load/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace news::load {
namespace {

constexpr int kSubBucketBits = 7;
constexpr int64_t kSubBuckets = int64_t{1} << kSubBucketBits;
// Values up to 2^43 ns (about 2.4 hours), far beyond any deadline a load test uses.
constexpr int kHighestBit = 42;
constexpr int64_t kMaxTrackableNanos = (int64_t{1} << (kHighestBit + 1)) - 1;
// Values below 2 * kSubBuckets get a bucket each; above, each power of two gets kSubBuckets.
constexpr int kBucketCount = (kHighestBit - kSubBucketBits + 2) * kSubBuckets;

}  // namespace

LatencyHistogram::LatencyHistogram() : buckets_(kBucketCount, 0) {}

int LatencyHistogram::BucketOf(int64_t nanos) {
  if (nanos < 2 * kSubBuckets) return static_cast<int>(nanos);
  const int highest_bit = 63 - std::countl_zero(static_cast<uint64_t>(nanos));
  const int shift = highest_bit - kSubBucketBits;
  return static_cast<int>(shift * kSubBuckets + (nanos >> shift));
}

int64_t LatencyHistogram::BucketUpperBound(int index) {
  if (index < 2 * kSubBuckets) return index;
  const int shift = static_cast<int>(index / kSubBuckets) - 1;
  const int64_t lower = (index - shift * kSubBuckets) << shift;
  return lower + (int64_t{1} << shift) - 1;
}

void LatencyHistogram::Record(absl::Duration latency) {
  const int64_t nanos =
      std::clamp<int64_t>(absl::ToInt64Nanoseconds(latency), 0, kMaxTrackableNanos);
  ++buckets_[BucketOf(nanos)];
  if (count_ == 0 || nanos < min_nanos_) min_nanos_ = nanos;
  if (count_ == 0 || nanos > max_nanos_) max_nanos_ = nanos;
  ++count_;
  sum_nanos_ += static_cast<double>(nanos);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  for (int i = 0; i < kBucketCount; ++i) buckets_[i] += other.buckets_[i];
  min_nanos_ = count_ == 0 ? other.min_nanos_ : std::min(min_nanos_, other.min_nanos_);
  max_nanos_ = std::max(max_nanos_, other.max_nanos_);
  count_ += other.count_;
  sum_nanos_ += other.sum_nanos_;
}

absl::Duration LatencyHistogram::min() const { return absl::Nanoseconds(min_nanos_); }

absl::Duration LatencyHistogram::max() const { return absl::Nanoseconds(max_nanos_); }

absl::Duration LatencyHistogram::mean() const {
  if (count_ == 0) return absl::ZeroDuration();
  return absl::Nanoseconds(std::llround(sum_nanos_ / static_cast<double>(count_)));
}

absl::Duration LatencyHistogram::Percentile(double percentile) const {
  if (count_ == 0) return absl::ZeroDuration();
  percentile = std::clamp(percentile, 0.0, 100.0);
  const int64_t rank = std::max<int64_t>(
      1, static_cast<int64_t>(std::ceil(percentile / 100.0 * static_cast<double>(count_))));
  int64_t seen = 0;
  for (int i = 0; i < kBucketCount; ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      return absl::Nanoseconds(std::clamp(BucketUpperBound(i), min_nanos_, max_nanos_));
    }
  }
  return max();
}

}  // namespace news::load
