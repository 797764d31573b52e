#include "server/domain/webhooks/webhook_url.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#include <cstring>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace news {
namespace {

constexpr size_t kMaxUrlChars = 2000;

struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};

// The part `what` of `url`, or "" when it has none.
std::string UrlPart(CURLU* url, CURLUPart what, unsigned int flags = 0) {
  char* part = nullptr;
  if (curl_url_get(url, what, &part, flags) != CURLUE_OK || part == nullptr) return "";
  std::string value(part);
  curl_free(part);
  return value;
}

bool SameAddress(const sockaddr* address, const in_addr* v4, const in6_addr* v6) {
  if (address == nullptr) return false;
  if (v4 != nullptr && address->sa_family == AF_INET) {
    return std::memcmp(&reinterpret_cast<const sockaddr_in*>(address)->sin_addr, v4,
                       sizeof(*v4)) == 0;
  }
  if (v6 != nullptr && address->sa_family == AF_INET6) {
    return std::memcmp(&reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, v6,
                       sizeof(*v6)) == 0;
  }
  return false;
}

}  // namespace

bool IsLocalAddress(absl::string_view ip_text) {
  std::string ip(absl::StripSuffix(absl::StripPrefix(ip_text, "["), "]"));
  if (const size_t zone = ip.find('%'); zone != std::string::npos) ip.resize(zone);
  in_addr v4{};
  in6_addr v6{};
  const bool is_v4 = inet_pton(AF_INET, ip.c_str(), &v4) == 1;
  const bool is_v6 = !is_v4 && inet_pton(AF_INET6, ip.c_str(), &v6) == 1;
  if (!is_v4 && !is_v6) return false;
  if (is_v4) {
    const uint32_t host = ntohl(v4.s_addr);
    if ((host >> 24) == 127 || host == 0) return true;
  } else {
    if (IN6_IS_ADDR_LOOPBACK(&v6) || IN6_IS_ADDR_UNSPECIFIED(&v6)) return true;
    if (IN6_IS_ADDR_V4MAPPED(&v6)) {
      in_addr mapped{};
      std::memcpy(&mapped, &v6.s6_addr[12], sizeof(mapped));
      char text[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, &mapped, text, sizeof(text));
      return IsLocalAddress(text);
    }
  }
  ifaddrs* interfaces = nullptr;
  if (getifaddrs(&interfaces) != 0) return false;
  bool local = false;
  for (ifaddrs* i = interfaces; i != nullptr && !local; i = i->ifa_next) {
    local = SameAddress(i->ifa_addr, is_v4 ? &v4 : nullptr, is_v6 ? &v6 : nullptr);
  }
  freeifaddrs(interfaces);
  return local;
}

bool IsOwnListener(const OwnListeners& own, absl::string_view ip, int port) {
  return own.IsOwnPort(port) && IsLocalAddress(ip);
}

std::string WebhookUrlProblem(absl::string_view url_text, const OwnListeners& own) {
  if (url_text.empty()) return "is required";
  if (url_text.size() > kMaxUrlChars) {
    return absl::StrCat("must be at most ", kMaxUrlChars, " characters");
  }
  std::unique_ptr<CURLU, UrlDeleter> url(curl_url());
  if (curl_url_set(url.get(), CURLUPART_URL, std::string(url_text).c_str(), 0) != CURLUE_OK) {
    return "must be an absolute http:// or https:// URL";
  }
  const std::string scheme = absl::AsciiStrToLower(UrlPart(url.get(), CURLUPART_SCHEME));
  if (scheme != "http" && scheme != "https") {
    return "must be an http:// or https:// URL";
  }
  const std::string host = absl::AsciiStrToLower(UrlPart(url.get(), CURLUPART_HOST));
  if (host.empty()) return "must name a host";
  if (!UrlPart(url.get(), CURLUPART_USER).empty() ||
      !UrlPart(url.get(), CURLUPART_PASSWORD).empty()) {
    return "must not carry a user name or password";
  }
  int port = 0;
  if (!absl::SimpleAtoi(UrlPart(url.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT), &port)) {
    return "has an invalid port";
  }
  const bool local = host == "localhost" || absl::EndsWith(host, ".localhost") ||
                     IsLocalAddress(host);
  if (local && own.IsOwnPort(port)) {
    return absl::StrCat("must not point at this server's own gRPC or metrics port (", port, ")");
  }
  return "";
}

}  // namespace news
