#ifndef NEWS_SERVER_DOMAIN_NETWORK_ADDRESS_H_
#define NEWS_SERVER_DOMAIN_NETWORK_ADDRESS_H_

// IP addresses and ranges for the abuse limits of the comment board: the network a client
// calls from (per-address limits, address bans) and the operator's trusted proxies
// (docs/comments.md, "Abuse resistance").

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace news {

// An IPv4 or IPv6 address. An IPv4-mapped IPv6 address (::ffff:198.51.100.7, as a dual-stack
// socket reports IPv4 peers) is the IPv4 address.
struct IpAddress {
  bool is_v6 = false;
  // IPv4: the first 4 bytes; the rest are zero.
  std::array<uint8_t, 16> bytes{};

  int bit_count() const { return is_v6 ? 128 : 32; }
  // "198.51.100.7", "2001:db8::1" (RFC 5952 text, as PostgreSQL's inet prints it).
  std::string ToString() const;

  friend bool operator==(const IpAddress& a, const IpAddress& b) {
    return a.is_v6 == b.is_v6 && a.bytes == b.bytes;
  }
};

// "198.51.100.7", "2001:db8::1", "::ffff:198.51.100.7"; nullopt for anything else (ports,
// brackets, zone ids and surrounding spaces included).
std::optional<IpAddress> ParseIpAddress(absl::string_view text);

// A CIDR range: `prefix_length` leading bits of `base`; the bits after them are zero.
struct IpRange {
  IpAddress base;
  int prefix_length = 0;

  bool Contains(const IpAddress& address) const;
  // "198.51.100.0/24", "2001:db8::/32", "198.51.100.7/32" (PostgreSQL's cidr text).
  std::string ToString() const;
};

// "198.51.100.0/24", "2001:db8::/48", or a single address ("198.51.100.7" is /32, "2001:db8::1"
// /128). InvalidArgument for anything else, including a prefix longer than the address or bits
// set after the prefix ("198.51.100.7/24": the message names 198.51.100.0/24).
absl::StatusOr<IpRange> ParseIpRange(absl::string_view text);

// The group whose budget an address shares under the per-address limits: an IPv4 address on its
// own (/32), an IPv6 address with its /64, the block one subscriber or one home router gets.
IpRange RateLimitNetwork(const IpAddress& address);

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_NETWORK_ADDRESS_H_
