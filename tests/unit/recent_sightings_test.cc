#include "server/domain/discovery/recent_sightings.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace news {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1741575600);

TEST(RecentSightingsTest, AgreesWithAFullHistoryOverManyGenerations) {
  // Random sightings of 300 keys over ten windows, against a map that forgets nothing.
  const absl::Duration window = absl::Minutes(30);
  RecentSightings sightings(window, 1 << 20);
  std::map<uint64_t, absl::Time> always, only_when_expired;
  std::mt19937_64 random(7);
  absl::Time now = kStart;
  for (int i = 0; i < 20000; ++i) {
    now += absl::Seconds(random() % 60);
    const uint64_t key = random() % 300;
    const bool keep_recent = key % 2 == 0;
    auto& model = keep_recent ? only_when_expired : always;
    std::optional<absl::Time> expected;
    auto it = model.find(key);
    if (it != model.end() && now - it->second < window) expected = it->second;
    if (!expected || !keep_recent) model[key] = now;

    const std::optional<absl::Time> seen = sightings.See(
        key, now,
        keep_recent ? RecentSightings::Update::kOnlyWhenExpired : RecentSightings::Update::kAlways);
    ASSERT_EQ(seen, expected) << "sighting " << i << " of key " << key;
  }
}

TEST(RecentSightingsTest, StaysBoundedAndMakesRoomAsSightingsExpire) {
  RecentSightings sightings(absl::Minutes(30), 2);
  EXPECT_FALSE(sightings.See(1, kStart, RecentSightings::Update::kAlways));
  EXPECT_FALSE(sightings.See(2, kStart, RecentSightings::Update::kAlways));
  // Full: a third key is not remembered.
  EXPECT_FALSE(sightings.See(3, kStart, RecentSightings::Update::kAlways));
  EXPECT_FALSE(sightings.See(3, kStart + absl::Minutes(1), RecentSightings::Update::kAlways));
  EXPECT_EQ(sightings.See(1, kStart + absl::Minutes(2), RecentSightings::Update::kAlways), kStart);
  // An hour later all is forgotten and there is room again.
  const absl::Time later = kStart + absl::Minutes(62);
  EXPECT_FALSE(sightings.See(1, later, RecentSightings::Update::kOnlyWhenExpired));
  EXPECT_FALSE(sightings.See(3, later, RecentSightings::Update::kAlways));
  EXPECT_EQ(sightings.See(3, later + absl::Minutes(1), RecentSightings::Update::kAlways), later);
}

}  // namespace
}  // namespace news
