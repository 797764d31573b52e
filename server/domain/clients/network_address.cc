#include "server/domain/clients/network_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace news {
namespace {

constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

// `address` with every bit after the first `prefix_length` cleared.
IpAddress Masked(const IpAddress& address, int prefix_length) {
  IpAddress masked = address;
  for (int i = 0; i < 16; ++i) {
    const int kept = std::clamp(prefix_length - 8 * i, 0, 8);
    masked.bytes[i] &= static_cast<uint8_t>(0xff00 >> kept);
  }
  return masked;
}

}  // namespace

std::string IpAddress::ToString() const {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(is_v6 ? AF_INET6 : AF_INET, bytes.data(), text, sizeof(text));
  return text;
}

std::optional<IpAddress> ParseIpAddress(absl::string_view text) {
  // inet_pton needs a NUL-terminated string; no address is longer than this.
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  const std::string terminated(text);
  IpAddress address;
  if (inet_pton(AF_INET, terminated.c_str(), address.bytes.data()) == 1) return address;
  if (inet_pton(AF_INET6, terminated.c_str(), address.bytes.data()) != 1) return std::nullopt;
  if (std::memcmp(address.bytes.data(), kMappedPrefix, sizeof(kMappedPrefix)) == 0) {
    std::memmove(address.bytes.data(), address.bytes.data() + 12, 4);
    std::memset(address.bytes.data() + 4, 0, 12);
    return address;
  }
  address.is_v6 = true;
  return address;
}

bool IpRange::Contains(const IpAddress& address) const {
  return address.is_v6 == base.is_v6 && Masked(address, prefix_length) == base;
}

std::string IpRange::ToString() const {
  return absl::StrCat(base.ToString(), "/", prefix_length);
}

absl::StatusOr<IpRange> ParseIpRange(absl::string_view text) {
  const size_t slash = text.find('/');
  std::optional<IpAddress> base = ParseIpAddress(text.substr(0, slash));
  if (!base) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text, "' is not an IP address or CIDR range"));
  }
  IpRange range{*base, base->bit_count()};
  if (slash == absl::string_view::npos) return range;
  if (!absl::SimpleAtoi(text.substr(slash + 1), &range.prefix_length) ||
      range.prefix_length < 0 || range.prefix_length > base->bit_count() ||
      text.substr(slash + 1).find_first_not_of("0123456789") != absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat("'", text, "' has a bad prefix length"));
  }
  if (!(Masked(*base, range.prefix_length) == *base)) {
    const IpRange meant{Masked(*base, range.prefix_length), range.prefix_length};
    return absl::InvalidArgumentError(absl::StrCat("'", text, "' has bits set after the prefix; ",
                                                   "the range is ", meant.ToString()));
  }
  return range;
}

IpRange RateLimitNetwork(const IpAddress& address) {
  const int prefix_length = address.is_v6 ? 64 : 32;
  return IpRange{Masked(address, prefix_length), prefix_length};
}

}  // namespace news
