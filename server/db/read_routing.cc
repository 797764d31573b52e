#include "server/db/read_routing.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace news::db {
namespace {

std::string QuoteConninfoValue(absl::string_view value) {
  std::string quoted = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') quoted.push_back('\\');
    quoted.push_back(c);
  }
  quoted.push_back('\'');
  return quoted;
}

}  // namespace

std::optional<Lsn> ParseLsn(absl::string_view text) {
  const std::vector<absl::string_view> halves = absl::StrSplit(text, '/');
  uint32_t high = 0;
  uint32_t low = 0;
  if (halves.size() != 2 || halves[0].empty() || halves[1].empty() || halves[0].size() > 8 ||
      halves[1].size() > 8 || !absl::SimpleHexAtoi(halves[0], &high) ||
      !absl::SimpleHexAtoi(halves[1], &low)) {
    return std::nullopt;
  }
  return (static_cast<Lsn>(high) << 32) | low;
}

std::string FormatLsn(Lsn lsn) {
  char text[32];
  std::snprintf(text, sizeof text, "%" PRIX32 "/%" PRIX32, static_cast<uint32_t>(lsn >> 32),
                static_cast<uint32_t>(lsn));
  return text;
}

absl::StatusOr<std::vector<DatabaseHost>> SplitDatabaseHosts(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    std::string message = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    return absl::InvalidArgumentError(absl::StrCat("cannot parse the database URL: ", message));
  }
  std::string common;
  std::vector<std::string> hosts;
  std::vector<std::string> addresses;
  std::vector<std::string> ports;
  for (const PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (option->val == nullptr) continue;
    const absl::string_view keyword = option->keyword;
    if (keyword == "host") {
      hosts = absl::StrSplit(option->val, ',');
    } else if (keyword == "hostaddr") {
      addresses = absl::StrSplit(option->val, ',');
    } else if (keyword == "port") {
      ports = absl::StrSplit(option->val, ',');
    } else if (keyword != "target_session_attrs") {
      absl::StrAppend(&common, keyword, "=", QuoteConninfoValue(option->val), " ");
    }
  }
  PQconninfoFree(options);
  const size_t count = std::max({hosts.size(), addresses.size(), size_t{1}});
  if ((!hosts.empty() && hosts.size() != count) ||
      (!addresses.empty() && addresses.size() != count) ||
      (ports.size() > 1 && ports.size() != count)) {
    return absl::InvalidArgumentError(
        "the database URL's host, hostaddr and port lists differ in length");
  }
  std::vector<DatabaseHost> result;
  for (size_t i = 0; i < count; ++i) {
    const std::string host = !hosts.empty() ? hosts[i] : "";
    const std::string address = !addresses.empty() ? addresses[i] : "";
    const std::string port = ports.empty() ? "" : ports.size() == 1 ? ports[0] : ports[i];
    DatabaseHost entry;
    entry.name = absl::StrCat(host.empty() ? address : host, ":", port.empty() ? "5432" : port);
    entry.conninfo = common;
    if (!host.empty()) absl::StrAppend(&entry.conninfo, "host=", QuoteConninfoValue(host), " ");
    if (!address.empty()) {
      absl::StrAppend(&entry.conninfo, "hostaddr=", QuoteConninfoValue(address), " ");
    }
    if (!port.empty()) absl::StrAppend(&entry.conninfo, "port=", QuoteConninfoValue(port), " ");
    absl::StrAppend(&entry.conninfo, "target_session_attrs=any");
    result.push_back(std::move(entry));
  }
  return result;
}

ReadRouting::ReadRouting(std::vector<DatabaseHost> hosts, absl::Duration write_window)
    : hosts_(std::move(hosts)),
      write_window_(write_window),
      replayed_(new std::atomic<Lsn>[hosts_.size()]) {
  for (size_t i = 0; i < hosts_.size(); ++i) replayed_[i] = 0;
}

void ReadRouting::Choose(std::vector<int> replicas) {
  std::lock_guard lock(mutex_);
  if (replicas == chosen_) return;
  chosen_ = std::move(replicas);
  generation_.fetch_add(1, std::memory_order_acq_rel);
}

int ReadRouting::HostFor(int worker) const {
  std::lock_guard lock(mutex_);
  if (chosen_.empty()) return -1;
  return chosen_[static_cast<size_t>(worker) % chosen_.size()];
}

bool ReadRouting::IsChosen(int host) const {
  std::lock_guard lock(mutex_);
  return std::find(chosen_.begin(), chosen_.end(), host) != chosen_.end();
}

void ReadRouting::NoteReplayed(int host, Lsn lsn) {
  std::atomic<Lsn>& replayed = replayed_[host];
  Lsn known = replayed.load(std::memory_order_relaxed);
  while (known < lsn && !replayed.compare_exchange_weak(known, lsn, std::memory_order_relaxed)) {
  }
}

void ReadRouting::RecordWrite(const std::string& client, Lsn lsn, absl::Time now) {
  std::lock_guard lock(mutex_);
  Write& write = writes_[client];
  write.lsn = std::max(write.lsn, lsn);
  write.at = now;
}

Lsn ReadRouting::WrittenBy(const std::string& client, absl::Time now) const {
  std::lock_guard lock(mutex_);
  const auto it = writes_.find(client);
  if (it == writes_.end() || now - it->second.at > write_window_) return 0;
  return it->second.lsn;
}

void ReadRouting::ExpireWrites(absl::Time now) {
  std::lock_guard lock(mutex_);
  absl::erase_if(writes_, [&](const auto& entry) { return now - entry.second.at > write_window_; });
}

void ReadRouting::RaiseFloor(Lsn lsn) {
  Lsn known = floor_.load(std::memory_order_relaxed);
  while (known < lsn && !floor_.compare_exchange_weak(known, lsn, std::memory_order_acq_rel)) {
  }
}

}  // namespace news::db
