// db::ReadRouting's building blocks without a database: WAL positions, the hosts of a multi-host
// URL, how read pool workers are spread over the chosen replicas, and the read-your-writes window.

#include "server/db/read_routing.h"

#include <gtest/gtest.h>

namespace news::db {
namespace {

TEST(LsnTest, ParsesAndFormatsPgLsnText) {
  EXPECT_EQ(ParseLsn("16/B374D848"), Lsn{0x16B374D848});
  EXPECT_EQ(ParseLsn("0/0"), Lsn{0});
  EXPECT_EQ(FormatLsn(0x16B374D848), "16/B374D848");
  EXPECT_EQ(ParseLsn(FormatLsn(0xFFFFFFFFFFFFFFFF)), Lsn{0xFFFFFFFFFFFFFFFF});
  for (const char* bad : {"", "16", "/1", "1/", "1/2/3", "G/1", "123456789/0", "-1/0"}) {
    EXPECT_EQ(ParseLsn(bad), std::nullopt) << bad;
  }
}

TEST(SplitDatabaseHostsTest, GivesEachHostOfAMultiHostUriWithTheOtherOptions) {
  auto hosts = SplitDatabaseHosts(
      "postgresql://app@10.0.0.1:5432,10.0.0.2:5433/news?target_session_attrs=read-write"
      "&connect_timeout=2");
  ASSERT_TRUE(hosts.ok()) << hosts.status();
  ASSERT_EQ(hosts->size(), 2u);
  EXPECT_EQ((*hosts)[0].name, "10.0.0.1:5432");
  EXPECT_EQ((*hosts)[1].name, "10.0.0.2:5433");
  for (const DatabaseHost& host : *hosts) {
    EXPECT_NE(host.conninfo.find("user='app'"), std::string::npos) << host.conninfo;
    EXPECT_NE(host.conninfo.find("dbname='news'"), std::string::npos) << host.conninfo;
    EXPECT_NE(host.conninfo.find("connect_timeout='2'"), std::string::npos) << host.conninfo;
    EXPECT_NE(host.conninfo.find("target_session_attrs=any"), std::string::npos);
    EXPECT_EQ(host.conninfo.find("read-write"), std::string::npos) << host.conninfo;
  }
  EXPECT_NE((*hosts)[1].conninfo.find("host='10.0.0.2' port='5433'"), std::string::npos);
}

TEST(SplitDatabaseHostsTest, ReadsKeyValueListsAndSingleHosts) {
  auto sockets = SplitDatabaseHosts("host=/run/a,/run/b port=5432 dbname=news");
  ASSERT_TRUE(sockets.ok()) << sockets.status();
  ASSERT_EQ(sockets->size(), 2u);
  EXPECT_EQ((*sockets)[1].name, "/run/b:5432");
  auto single = SplitDatabaseHosts("postgresql://db.example:6000/news");
  ASSERT_TRUE(single.ok());
  EXPECT_EQ(single->size(), 1u);
  EXPECT_FALSE(SplitDatabaseHosts("host=a,b,c port=1,2").ok());
  EXPECT_FALSE(SplitDatabaseHosts("postgresql://[bad").ok());
}

TEST(ReadRoutingTest, SpreadsWorkersOverTheChosenReplicasAndFallsBackToThePrimary) {
  ReadRouting routing({{"p:1", ""}, {"r1:1", ""}, {"r2:1", ""}}, absl::Seconds(5));
  EXPECT_EQ(routing.HostFor(0), -1);
  const uint64_t before = routing.generation();
  routing.Choose({1, 2});
  EXPECT_NE(routing.generation(), before);
  EXPECT_EQ(routing.HostFor(0), 1);
  EXPECT_EQ(routing.HostFor(1), 2);
  EXPECT_EQ(routing.HostFor(2), 1);
  EXPECT_EQ(routing.HostFor(3), 2);
  const uint64_t chosen = routing.generation();
  routing.Choose({1, 2});
  EXPECT_EQ(routing.generation(), chosen) << "the same set must not move the workers";
  routing.Choose({2});
  EXPECT_EQ(routing.HostFor(0), 2);
  EXPECT_FALSE(routing.IsChosen(1));
  routing.Choose({});
  EXPECT_EQ(routing.HostFor(3), -1);
}

TEST(ReadRoutingTest, RemembersAClientsWriteForTheWindowOnly) {
  ReadRouting routing({{"p:1", ""}, {"r1:1", ""}}, absl::Seconds(5));
  const absl::Time now = absl::Now();
  routing.RecordWrite("id:a", 100, now);
  routing.RecordWrite("id:a", 90, now + absl::Seconds(1));
  EXPECT_EQ(routing.WrittenBy("id:a", now + absl::Seconds(2)), 100u);
  EXPECT_EQ(routing.WrittenBy("id:b", now), 0u);
  EXPECT_EQ(routing.WrittenBy("id:a", now + absl::Seconds(7)), 0u);
  routing.ExpireWrites(now + absl::Seconds(7));
  EXPECT_EQ(routing.WrittenBy("id:a", now + absl::Seconds(2)), 0u);
  routing.NoteReplayed(1, 50);
  routing.NoteReplayed(1, 40);
  EXPECT_EQ(routing.Replayed(1), 50u);
  routing.RaiseFloor(7);
  routing.RaiseFloor(3);
  EXPECT_EQ(routing.floor(), 7u);
}

}  // namespace
}  // namespace news::db
