#ifndef NEWS_SERVER_DOMAIN_WEBHOOK_URL_H_
#define NEWS_SERVER_DOMAIN_WEBHOOK_URL_H_

// Which URLs push hooks may deliver to (docs/live.md, "Limits"): http or https only, and never
// this server's own gRPC or metrics port on one of this machine's addresses, so that a webhook
// cannot make the server call itself. Checked when a webhook is registered (for the host as
// written) and again by the sender for the address each delivery actually connects to (which
// also covers names that resolve to this machine).

#include <atomic>
#include <string>

#include "absl/strings/string_view.h"

namespace news {

// The ports this server listens on, set once they are bound. Thread-safe.
class OwnListeners {
 public:
  void Set(int grpc_port, int metrics_port) {
    grpc_port_ = grpc_port;
    metrics_port_ = metrics_port;
  }
  bool IsOwnPort(int port) const {
    return port > 0 && (port == grpc_port_.load() || port == metrics_port_.load());
  }

 private:
  std::atomic<int> grpc_port_{0};
  std::atomic<int> metrics_port_{0};
};

// True when `ip` (a numeric IPv4 or IPv6 address) is this machine's: loopback, unspecified
// (0.0.0.0, ::) or an address of one of its network interfaces.
bool IsLocalAddress(absl::string_view ip);

// True when a connection to `ip`:`port` would reach one of `own`'s listeners.
bool IsOwnListener(const OwnListeners& own, absl::string_view ip, int port);

// What is wrong with `url` as a webhook's address, or "" when nothing: it must be an absolute
// http:// or https:// URL of at most 2000 characters, with a host and without user information,
// and its host, when "localhost" or a numeric address of this machine, must not be paired with
// one of `own`'s ports.
std::string WebhookUrlProblem(absl::string_view url, const OwnListeners& own);

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_WEBHOOK_URL_H_
