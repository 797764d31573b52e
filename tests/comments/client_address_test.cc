// Addresses, ranges and the proxy-header walk behind the per-address limits
// (server/domain/clients/network_address.h, server/transport/client_identity.h).

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "server/domain/clients/client_ids.h"
#include "server/domain/clients/network_address.h"
#include "server/transport/client_identity.h"

namespace news {
namespace {

std::string Canonical(const std::string& text) {
  std::optional<IpAddress> address = ParseIpAddress(text);
  return address ? address->ToString() : "(none)";
}

TEST(NetworkAddressTest, ParsesAndPrintsAddresses) {
  EXPECT_EQ(Canonical("198.51.100.7"), "198.51.100.7");
  EXPECT_EQ(Canonical("2001:DB8:0:0::1"), "2001:db8::1");
  EXPECT_EQ(Canonical("::ffff:198.51.100.7"), "198.51.100.7");
  for (const char* bad : {"", " 198.51.100.7", "198.51.100.7:80", "[::1]", "198.51.100",
                          "fe80::1%eth0", "unknown", "999.1.1.1"}) {
    EXPECT_EQ(Canonical(bad), "(none)") << bad;
  }
}

TEST(NetworkAddressTest, RangesAreCanonicalAndContainTheirAddresses) {
  EXPECT_EQ(ParseIpRange("198.51.100.7")->ToString(), "198.51.100.7/32");
  EXPECT_EQ(ParseIpRange("2001:db8::/32")->ToString(), "2001:db8::/32");
  EXPECT_EQ(ParseIpRange("0.0.0.0/0")->ToString(), "0.0.0.0/0");
  const IpRange range = *ParseIpRange("198.51.100.64/26");
  EXPECT_TRUE(range.Contains(*ParseIpAddress("198.51.100.64")));
  EXPECT_TRUE(range.Contains(*ParseIpAddress("198.51.100.127")));
  EXPECT_FALSE(range.Contains(*ParseIpAddress("198.51.100.128")));
  // ::198.51.100.64 is an IPv6 address (only ::ffff: maps to IPv4).
  EXPECT_FALSE(range.Contains(*ParseIpAddress("::c633:6440")));
  EXPECT_FALSE(ParseIpRange("::/0")->Contains(*ParseIpAddress("198.51.100.1")));

  const absl::StatusOr<IpRange> host_bits = ParseIpRange("198.51.100.70/26");
  ASSERT_FALSE(host_bits.ok());
  EXPECT_NE(host_bits.status().message().find("198.51.100.64/26"), std::string::npos);
  for (const char* bad : {"198.51.100.0/33", "2001:db8::/129", "198.51.100.0/", "/24",
                          "198.51.100.0/2x", "198.51.100.0/-1", "example.com"}) {
    EXPECT_FALSE(ParseIpRange(bad).ok()) << bad;
  }
}

TEST(NetworkAddressTest, IpV6GroupsBySlash64AndIpV4ByAddress) {
  EXPECT_EQ(RateLimitNetwork(*ParseIpAddress("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).ToString(),
            "2001:db8:1:2::/64");
  EXPECT_EQ(RateLimitNetwork(*ParseIpAddress("198.51.100.7")).ToString(), "198.51.100.7/32");
}

class CallerAddressTest : public ::testing::Test {
 protected:
  std::string Caller(const std::string& peer, const std::vector<std::string>& values,
                     ProxyHeader header = ProxyHeader::kXForwardedFor) {
    const std::string name = header == ProxyHeader::kForwarded ? "forwarded" : "x-forwarded-for";
    storage_ = values;
    std::multimap<grpc::string_ref, grpc::string_ref> metadata;
    for (const std::string& value : storage_) metadata.emplace(name, value);
    CallerRules rules;
    rules.trusted_proxies = *ParseIpRangeList("10.0.0.0/8, 2001:db8:ffff::/48");
    rules.proxy_header = header;
    std::optional<IpAddress> address = CallerAddress(metadata, peer, rules);
    return address ? address->ToString() : "(none)";
  }

  std::vector<std::string> storage_;
};

TEST_F(CallerAddressTest, PeerIsTheCallerUnlessItIsATrustedProxy) {
  EXPECT_EQ(Caller("ipv4:203.0.113.5:4000", {"198.51.100.1"}), "203.0.113.5");
  EXPECT_EQ(Caller("ipv6:[2001:db8:1::5]:4000", {"198.51.100.1"}), "2001:db8:1::5");
  EXPECT_EQ(Caller("ipv6:[::ffff:203.0.113.5]:4000", {}), "203.0.113.5");
  EXPECT_EQ(Caller("unix:/run/news.sock", {"198.51.100.1"}), "(none)");
  EXPECT_EQ(Caller("ipv4:10.1.2.3:4000", {}), "10.1.2.3");
}

TEST_F(CallerAddressTest, XForwardedForIsWalkedFromTheRight) {
  EXPECT_EQ(Caller("ipv4:10.1.2.3:4000", {"198.51.100.1"}), "198.51.100.1");
  EXPECT_EQ(Caller("ipv4:10.1.2.3:4000", {"203.0.113.9, 198.51.100.1, 10.9.9.9"}),
            "198.51.100.1");
  // Two header lines read as one list, in order.
  EXPECT_EQ(Caller("ipv4:10.1.2.3:4000", {"203.0.113.9", "198.51.100.1"}), "198.51.100.1");
  EXPECT_EQ(Caller("ipv6:[2001:db8:ffff::1]:4000", {"[2001:db8:5::7]:1234"}), "2001:db8:5::7");
  EXPECT_EQ(Caller("ipv4:10.1.2.3:4000", {"198.51.100.1:5555"}), "198.51.100.1");
  // Unparseable entry: the last trusted hop is the caller.
  EXPECT_EQ(Caller("ipv4:10.1.2.3:4000", {"198.51.100.1, 10.9.9.9, junk"}), "10.1.2.3");
  EXPECT_EQ(Caller("ipv4:10.1.2.3:4000", {"198.51.100.1, junk, 10.9.9.9"}), "10.9.9.9");
  // Only trusted hops: the leftmost.
  EXPECT_EQ(Caller("ipv4:10.1.2.3:4000", {"10.7.7.7, 10.9.9.9"}), "10.7.7.7");
}

TEST_F(CallerAddressTest, ForwardedHeaderIsReadWhenConfigured) {
  EXPECT_EQ(Caller("ipv4:10.1.2.3:4000",
                   {"for=203.0.113.9, For=\"[2001:db8:5::7]:4711\";proto=https"},
                   ProxyHeader::kForwarded),
            "2001:db8:5::7");
  EXPECT_EQ(Caller("ipv4:10.1.2.3:4000", {"for=198.51.100.1;by=10.0.0.1, for=10.9.9.9"},
                   ProxyHeader::kForwarded),
            "198.51.100.1");
  EXPECT_EQ(Caller("ipv4:10.1.2.3:4000", {"for=unknown"}, ProxyHeader::kForwarded), "10.1.2.3");
  // The other header is not read.
  EXPECT_EQ(Caller("ipv4:10.1.2.3:4000", {"198.51.100.1"}, ProxyHeader::kForwarded), "10.1.2.3");
}

TEST(ClientIdSignerTest, TellsIssuedIdsFromMadeUpAndForgedOnes) {
  const ClientIdSigner signer("secret one");
  const std::string id = signer.Issue();
  EXPECT_EQ(id.size(), 69u);
  EXPECT_NE(id, signer.Issue());
  EXPECT_EQ(signer.Classify(id), ClientIdSigner::Kind::kSigned);
  EXPECT_EQ(signer.Classify("a1b2c3-made-up"), ClientIdSigner::Kind::kUnsigned);
  EXPECT_EQ(signer.Classify(""), ClientIdSigner::Kind::kUnsigned);
  EXPECT_EQ(ClientIdSigner("secret two").Classify(id), ClientIdSigner::Kind::kForged);
  std::string altered = id;
  altered[10] = altered[10] == 'a' ? 'b' : 'a';
  EXPECT_EQ(signer.Classify(altered), ClientIdSigner::Kind::kForged);
  EXPECT_EQ(signer.Classify(id.substr(0, 68)), ClientIdSigner::Kind::kForged);
  EXPECT_EQ(signer.Classify(id + "0"), ClientIdSigner::Kind::kForged);
}

TEST(ProxyHeaderTest, ParsesTheTwoHeaderNames) {
  EXPECT_EQ(*ParseProxyHeader("X-Forwarded-For"), ProxyHeader::kXForwardedFor);
  EXPECT_EQ(*ParseProxyHeader("forwarded"), ProxyHeader::kForwarded);
  EXPECT_FALSE(ParseProxyHeader("x-real-ip").ok());
  EXPECT_TRUE(ParseIpRangeList("")->empty());
  EXPECT_FALSE(ParseIpRangeList("10.0.0.0/8, nonsense").ok());
}

}  // namespace
}  // namespace news
