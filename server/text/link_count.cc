#include "server/text/link_count.h"

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"

namespace news::text {
namespace {

// Top-level domains common in links and link spam. Two-letter country codes that are also
// Vietnamese place abbreviations after "TP." or "Q." (hn, th, ...) are left out on purpose.
const absl::flat_hash_set<std::string>& KnownTopLevelDomains() {
  static const auto* domains = new absl::flat_hash_set<std::string>{
      "com",  "net",  "org",     "info",  "biz",   "xyz",    "top",   "site",  "online",
      "club", "app",  "dev",     "io",    "ai",    "co",     "me",    "tv",    "ly",
      "gl",   "gg",   "to",      "cc",    "ws",    "link",   "click", "shop",  "store",
      "vip",  "win",  "bet",     "live",  "pro",   "asia",   "mobi",  "name",  "edu",
      "gov",  "cloud", "space",  "website", "tech", "news",  "blog",  "fun",   "icu",
      "buzz", "casino", "games", "today", "life",  "world",  "email", "page",  "vn",
      "us",   "uk",   "de",      "fr",    "ru",    "cn",     "jp",    "kr",    "in",
      "eu",   "ca",   "au",      "nl",    "it",    "es",     "br",    "tk",    "ml",
      "ga",   "cf",   "gq",      "pw",    "su",    "tw",     "hk",    "sg",    "my",
      "ph",   "la",   "kh",      "id",    "be",    "ch",     "se",    "pl",    "cz"};
  return *domains;
}

bool IsUrlChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
         absl::string_view("-._~:/?#[]@!$&'*+,;=%").find(c) != absl::string_view::npos;
}

bool IsHostChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
}

// "example.com", "www.tin-moi.com.vn."; not "v.v.", "TP.HCM", "1.000.000" or ".com".
bool IsDomain(absl::string_view host) {
  while (!host.empty() && host.back() == '.') host.remove_suffix(1);
  std::vector<absl::string_view> labels = absl::StrSplit(host, '.');
  if (labels.size() < 2) return false;
  for (absl::string_view label : labels) {
    if (label.empty() || label.front() == '-' || label.back() == '-') return false;
  }
  return KnownTopLevelDomains().contains(absl::AsciiStrToLower(labels.back()));
}

// Links in one run of URL characters.
size_t CountLinksInRun(absl::string_view run) {
  if (run.find("://") != absl::string_view::npos) {
    // Scheme URLs: one link each, whatever their paths hold.
    size_t schemes = 0;
    for (size_t at = run.find("://"); at != absl::string_view::npos; at = run.find("://", at + 3)) {
      ++schemes;
    }
    return schemes;
  }
  size_t links = 0;
  size_t i = 0;
  while (i < run.size()) {
    if (!IsHostChar(run[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < run.size() && IsHostChar(run[end])) ++end;
    if (IsDomain(run.substr(i, end - i))) {
      ++links;
      // A path, query or fragment belongs to this link ("bit.ly/a.com" is one link).
      if (end < run.size() && (run[end] == '/' || run[end] == '?' || run[end] == '#')) break;
    }
    i = end;
  }
  return links;
}

}  // namespace

size_t CountLinks(absl::string_view text) {
  size_t links = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (!IsUrlChar(text[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < text.size() && IsUrlChar(text[end])) ++end;
    links += CountLinksInRun(text.substr(i, end - i));
    i = end;
  }
  return links;
}

}  // namespace news::text
