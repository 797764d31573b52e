// LatencyHistogram: exact for small values, within 1/128 relative error above, bounded range.

#include "tools/load/latency_histogram.h"

#include <gtest/gtest.h>

#include <random>

namespace news::load {
namespace {

TEST(LatencyHistogramTest, EmptyReportsZero) {
  LatencyHistogram histogram;
  EXPECT_EQ(histogram.count(), 0);
  EXPECT_EQ(histogram.Percentile(50), absl::ZeroDuration());
  EXPECT_EQ(histogram.max(), absl::ZeroDuration());
  EXPECT_EQ(histogram.mean(), absl::ZeroDuration());
}

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  LatencyHistogram histogram;
  for (int nanos = 1; nanos <= 100; ++nanos) histogram.Record(absl::Nanoseconds(nanos));
  EXPECT_EQ(histogram.count(), 100);
  EXPECT_EQ(histogram.Percentile(50), absl::Nanoseconds(50));
  EXPECT_EQ(histogram.Percentile(99), absl::Nanoseconds(99));
  EXPECT_EQ(histogram.Percentile(100), absl::Nanoseconds(100));
  EXPECT_EQ(histogram.Percentile(0), absl::Nanoseconds(1));
  EXPECT_EQ(histogram.min(), absl::Nanoseconds(1));
  EXPECT_EQ(histogram.mean(), absl::Nanoseconds(51));  // 50.5 rounds up
}

TEST(LatencyHistogramTest, PercentilesOfUniformMicrosecondsAreWithinPrecision) {
  LatencyHistogram histogram;
  // 1 us .. 1 s in 1 us steps, shuffled so that order cannot matter.
  std::vector<int> micros(1000000);
  for (int i = 0; i < 1000000; ++i) micros[i] = i + 1;
  std::shuffle(micros.begin(), micros.end(), std::mt19937(7));
  for (int value : micros) histogram.Record(absl::Microseconds(value));
  for (double percentile : {10.0, 50.0, 90.0, 99.0, 99.9}) {
    const double exact_micros = percentile / 100.0 * 1000000;
    const double reported = absl::ToDoubleMicroseconds(histogram.Percentile(percentile));
    EXPECT_GE(reported, exact_micros * (1 - 1.0 / 128)) << percentile;
    EXPECT_LE(reported, exact_micros * (1 + 1.0 / 128)) << percentile;
  }
  EXPECT_EQ(histogram.max(), absl::Seconds(1));
  EXPECT_EQ(histogram.Percentile(100), absl::Seconds(1));
}

TEST(LatencyHistogramTest, PercentilesAreOrderedAndNeverAboveMax) {
  LatencyHistogram histogram;
  std::mt19937_64 rng(3);
  std::lognormal_distribution<double> latency_micros(6.0, 1.5);
  for (int i = 0; i < 100000; ++i) histogram.Record(absl::Microseconds(latency_micros(rng)));
  absl::Duration previous = absl::ZeroDuration();
  for (double percentile : {0.0, 50.0, 90.0, 99.0, 99.9, 100.0}) {
    EXPECT_GE(histogram.Percentile(percentile), previous) << percentile;
    previous = histogram.Percentile(percentile);
  }
  EXPECT_LE(histogram.Percentile(99.9), histogram.max());
  EXPECT_EQ(histogram.Percentile(100), histogram.max());
}

TEST(LatencyHistogramTest, MergeEqualsRecordingEverythingInOne) {
  LatencyHistogram fast, slow, all;
  for (int i = 1; i <= 900; ++i) {
    fast.Record(absl::Microseconds(i));
    all.Record(absl::Microseconds(i));
  }
  for (int i = 1; i <= 100; ++i) {
    slow.Record(absl::Milliseconds(i));
    all.Record(absl::Milliseconds(i));
  }
  fast.Merge(slow);
  EXPECT_EQ(fast.count(), 1000);
  EXPECT_EQ(fast.max(), absl::Milliseconds(100));
  EXPECT_EQ(fast.min(), absl::Microseconds(1));
  for (double percentile : {50.0, 90.0, 95.0, 99.0}) {
    EXPECT_EQ(fast.Percentile(percentile), all.Percentile(percentile)) << percentile;
  }
  EXPECT_GT(fast.Percentile(95), absl::Milliseconds(40));
}

TEST(LatencyHistogramTest, ClampsOutOfRangeValues) {
  LatencyHistogram histogram;
  histogram.Record(absl::Hours(10));
  histogram.Record(absl::Nanoseconds(-5));
  EXPECT_EQ(histogram.count(), 2);
  EXPECT_EQ(histogram.min(), absl::ZeroDuration());
  EXPECT_GT(histogram.max(), absl::Hours(2));
  EXPECT_LT(histogram.max(), absl::Hours(3));
}

}  // namespace
}  // namespace news::load
