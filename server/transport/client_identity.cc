#include "server/transport/client_identity.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/domain/status_details.h"

namespace news {
namespace {

constexpr size_t kMaxClientIdBytes = 128;

absl::string_view ClientIdMetadata(
    const std::multimap<grpc::string_ref, grpc::string_ref>& metadata) {
  const auto it = metadata.find("x-client-id");
  if (it == metadata.end()) return {};
  return absl::string_view(it->second.data(), std::min(it->second.size(), kMaxClientIdBytes));
}

// A host as proxies write it: "198.51.100.7", "198.51.100.7:5000", "[2001:db8::1]:5000",
// "2001:db8::1", optionally quoted (Forwarded).
std::optional<IpAddress> ParseHost(absl::string_view host) {
  host = absl::StripAsciiWhitespace(host);
  if (host.size() >= 2 && host.front() == '"' && host.back() == '"') {
    host = host.substr(1, host.size() - 2);
  }
  if (absl::StartsWith(host, "[")) {
    const size_t close = host.find(']');
    if (close == absl::string_view::npos) return std::nullopt;
    return ParseIpAddress(host.substr(1, close - 1));
  }
  // One colon: IPv4 with a port. More: a bare IPv6 address.
  if (const size_t colon = host.find(':');
      colon != absl::string_view::npos && host.find(':', colon + 1) == absl::string_view::npos) {
    host = host.substr(0, colon);
  }
  return ParseIpAddress(host);
}

// The hosts the proxies reported, in header order (the closest proxy's report last).
std::vector<absl::string_view> ReportedHosts(
    const std::multimap<grpc::string_ref, grpc::string_ref>& metadata, ProxyHeader header) {
  std::vector<absl::string_view> hosts;
  const char* name = header == ProxyHeader::kForwarded ? "forwarded" : "x-forwarded-for";
  const auto [begin, end] = metadata.equal_range(name);
  for (auto it = begin; it != end; ++it) {
    for (absl::string_view element :
         absl::StrSplit(absl::string_view(it->second.data(), it->second.size()), ',')) {
      if (header == ProxyHeader::kXForwardedFor) {
        hosts.push_back(element);
        continue;
      }
      // An element without a `for` parameter still names a hop: it stops the walk.
      absl::string_view host;
      for (absl::string_view pair : absl::StrSplit(element, ';')) {
        pair = absl::StripAsciiWhitespace(pair);
        if (absl::StartsWithIgnoreCase(pair, "for=")) host = pair.substr(4);
      }
      hosts.push_back(host);
    }
  }
  return hosts;
}

bool IsTrusted(const IpAddress& address, const std::vector<IpRange>& trusted) {
  for (const IpRange& range : trusted) {
    if (range.Contains(address)) return true;
  }
  return false;
}

}  // namespace

std::string ClientIdentity(const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
                           const std::string& peer) {
  if (const absl::string_view id = ClientIdMetadata(metadata); !id.empty()) {
    return absl::StrCat("id:", id);
  }
  // "ipv4:127.0.0.1:5000", "ipv6:[::1]:5000": the port is after the last ':'.
  const size_t colon = peer.rfind(':');
  const size_t scheme = peer.find(':');
  return absl::StrCat("addr:", colon != scheme ? peer.substr(0, colon) : peer);
}

std::string Authorization(const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  const auto it = metadata.find("authorization");
  return it == metadata.end() ? std::string() : std::string(it->second.data(), it->second.size());
}

std::string ClientIdentity(const grpc::ServerContextBase& context) {
  return ClientIdentity(context.client_metadata(), context.peer());
}

absl::StatusOr<ProxyHeader> ParseProxyHeader(absl::string_view name) {
  if (absl::EqualsIgnoreCase(name, "x-forwarded-for")) return ProxyHeader::kXForwardedFor;
  if (absl::EqualsIgnoreCase(name, "forwarded")) return ProxyHeader::kForwarded;
  return absl::InvalidArgumentError(
      absl::StrCat("proxy header must be 'x-forwarded-for' or 'forwarded', not '", name, "'"));
}

absl::StatusOr<std::vector<IpRange>> ParseIpRangeList(absl::string_view list) {
  std::vector<IpRange> ranges;
  for (absl::string_view entry : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
    absl::StatusOr<IpRange> range = ParseIpRange(absl::StripAsciiWhitespace(entry));
    if (!range.ok()) return range.status();
    ranges.push_back(*range);
  }
  return ranges;
}

std::optional<IpAddress> PeerAddress(absl::string_view peer) {
  if (!absl::ConsumePrefix(&peer, "ipv4:") && !absl::ConsumePrefix(&peer, "ipv6:")) {
    return std::nullopt;
  }
  return ParseHost(peer);
}

std::optional<IpAddress> CallerAddress(
    const std::multimap<grpc::string_ref, grpc::string_ref>& metadata, const std::string& peer,
    const CallerRules& rules) {
  std::optional<IpAddress> caller = PeerAddress(peer);
  if (!caller || !IsTrusted(*caller, rules.trusted_proxies)) return caller;
  const std::vector<absl::string_view> hosts = ReportedHosts(metadata, rules.proxy_header);
  for (auto it = hosts.rbegin(); it != hosts.rend(); ++it) {
    std::optional<IpAddress> reported = ParseHost(*it);
    if (!reported) break;
    caller = reported;
    if (!IsTrusted(*caller, rules.trusted_proxies)) break;
  }
  return caller;
}

std::optional<IpAddress> CallerIdentifier::Address(const grpc::ServerContextBase& context) const {
  return CallerAddress(context.client_metadata(), context.peer(), rules_);
}

absl::StatusOr<Commenter> CallerIdentifier::Writer(const grpc::ServerContextBase& context) const {
  Commenter commenter;
  commenter.address = Address(context);
  const absl::string_view id = ClientIdMetadata(context.client_metadata());
  switch (signer_.Classify(id)) {
    case ClientIdSigner::Kind::kForged:
      return WithErrorReason(
          absl::UnauthenticatedError("x-client-id is not an id this server issued"),
          "INVALID_CLIENT_ID");
    case ClientIdSigner::Kind::kUnsigned:
      if (rules_.require_signed_client_id) {
        return WithErrorReason(absl::UnauthenticatedError(
                                   "writes need a client id from ClientService.RegisterClient "
                                   "in x-client-id"),
                               "CLIENT_ID_NOT_REGISTERED");
      }
      break;
    case ClientIdSigner::Kind::kSigned:
      break;
  }
  if (!id.empty()) {
    commenter.client_id = absl::StrCat("id:", id);
  } else if (commenter.address) {
    // The form ClientIdentity gives a direct caller, so that bans of id-less clients keep
    // matching; behind a trusted proxy it names the reported address, not the proxy's.
    commenter.client_id = commenter.address->is_v6
                              ? absl::StrCat("addr:ipv6:[", commenter.address->ToString(), "]")
                              : absl::StrCat("addr:ipv4:", commenter.address->ToString());
  } else {
    commenter.client_id = ClientIdentity(context);
  }
  return commenter;
}

}  // namespace news
