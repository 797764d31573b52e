#include "client-sample/command.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "client-sample/channel_policy.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace news::client {
namespace {

// The portals print local time in Vietnam, which has had no daylight saving time since 1975.
constexpr int kVietnamUtcOffsetSeconds = 7 * 60 * 60;

const char* VietnameseWeekday(absl::Weekday weekday) {
  switch (weekday) {
    case absl::Weekday::monday:
      return "Thứ hai";
    case absl::Weekday::tuesday:
      return "Thứ ba";
    case absl::Weekday::wednesday:
      return "Thứ tư";
    case absl::Weekday::thursday:
      return "Thứ năm";
    case absl::Weekday::friday:
      return "Thứ sáu";
    case absl::Weekday::saturday:
      return "Thứ bảy";
    case absl::Weekday::sunday:
      return "Chủ nhật";
  }
  return "";
}

}  // namespace

std::shared_ptr<grpc::Channel> NewChannel(const std::string& address) {
  return NewMobileChannel(address);
}

std::unique_ptr<grpc::ClientContext> NewCallContext(const Connection& connection) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + connection.call_timeout));
  return context;
}

std::unique_ptr<grpc::ClientContext> NewAdminCallContext(const Connection& connection) {
  auto context = NewCallContext(connection);
  const char* token = std::getenv("NEWS_ADMIN_TOKEN");
  if (token != nullptr && *token != '\0') {
    context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
  }
  return context;
}

int PrintStatus(absl::string_view rpc, const grpc::Status& status) {
  // gRPC and absl number the status codes alike, so absl can name them.
  const std::string code_name =
      absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code()));
  std::fprintf(stderr, "%s failed: %s: %s\n", std::string(rpc).c_str(), code_name.c_str(),
               status.error_message().c_str());

  // The details trailer is a serialized google.rpc.Status whose `details` are Any messages.
  google::rpc::Status details;
  if (status.error_details().empty() || !details.ParseFromString(status.error_details())) {
    return kExitCallFailed;
  }
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad_request;
    google::rpc::RetryInfo retry_info;
    google::rpc::ErrorInfo error_info;
    if (any.UnpackTo(&bad_request)) {
      for (const auto& violation : bad_request.field_violations()) {
        std::fprintf(stderr, "  field %s: %s\n", violation.field().c_str(),
                     violation.description().c_str());
      }
    } else if (any.UnpackTo(&retry_info)) {
      const absl::Duration delay = absl::Seconds(retry_info.retry_delay().seconds()) +
                                   absl::Nanoseconds(retry_info.retry_delay().nanos());
      std::fprintf(stderr, "  retry after %s\n", absl::FormatDuration(delay).c_str());
    } else if (any.UnpackTo(&error_info)) {
      std::fprintf(stderr, "  reason %s (domain %s)\n", error_info.reason().c_str(),
                   error_info.domain().c_str());
    }
  }
  return kExitCallFailed;
}

int PrintUsageError(const absl::Status& status) {
  std::fprintf(stderr, "news-client: %s\n", std::string(status.message()).c_str());
  return kExitUsage;
}

std::string FormatLocalTime(const google::protobuf::Timestamp& timestamp) {
  if (timestamp.seconds() == 0 && timestamp.nanos() == 0) return "";
  const absl::Time time = absl::FromUnixSeconds(timestamp.seconds());
  const absl::TimeZone vietnam = absl::FixedTimeZone(kVietnamUtcOffsetSeconds);
  return absl::StrCat(VietnameseWeekday(absl::GetWeekday(absl::ToCivilDay(time, vietnam))), " - ",
                      absl::FormatTime("%d/%m/%Y %H:%M", time, vietnam));
}

absl::StatusOr<CommandArgs> CommandArgs::Parse(const std::vector<std::string>& args,
                                               const std::vector<std::string>& allowed_options,
                                               size_t positional_count) {
  CommandArgs parsed;
  for (const std::string& arg : args) {
    if (!absl::StartsWith(arg, "--")) {
      parsed.positionals_.push_back(arg);
      continue;
    }
    const size_t equals = arg.find('=');
    if (equals == std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat("write options as --key=value: ", arg));
    }
    std::string key = arg.substr(2, equals - 2);
    if (std::find(allowed_options.begin(), allowed_options.end(), key) == allowed_options.end()) {
      return absl::InvalidArgumentError(absl::StrCat("unknown option --", key));
    }
    parsed.options_[std::move(key)] = arg.substr(equals + 1);
  }
  if (parsed.positionals_.size() != positional_count) {
    return absl::InvalidArgumentError(absl::StrCat(
        "expected ", positional_count, " argument(s), got ", parsed.positionals_.size()));
  }
  return parsed;
}

std::string CommandArgs::Option(const std::string& key, const std::string& fallback) const {
  auto it = options_.find(key);
  return it == options_.end() ? fallback : it->second;
}

absl::StatusOr<int64_t> CommandArgs::IntOption(const std::string& key, int64_t fallback) const {
  auto it = options_.find(key);
  if (it == options_.end()) return fallback;
  int64_t value = 0;
  if (!absl::SimpleAtoi(it->second, &value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", key, " must be an integer, not '", it->second, "'"));
  }
  return value;
}

absl::StatusOr<bool> CommandArgs::YesNoOption(const std::string& key) const {
  auto it = options_.find(key);
  if (it == options_.end()) return false;
  const std::string value = absl::AsciiStrToLower(it->second);
  if (value == "1" || value == "true" || value == "yes") return true;
  if (value == "0" || value == "false" || value == "no") return false;
  return absl::InvalidArgumentError(
      absl::StrCat("--", key, " must be 1, true or yes, or 0, false or no, not '", it->second, "'"));
}

absl::StatusOr<CommandArgs::ListingOptions> CommandArgs::Listing() const {
  ListingOptions listing;
  for (auto [key, value] :
       {std::pair{"page_size", &listing.page_size}, std::pair{"pages", &listing.pages},
        std::pair{"category_id", &listing.category_id},
        std::pair{"source_id", &listing.source_id}}) {
    absl::StatusOr<int64_t> parsed = IntOption(key, *value);
    if (!parsed.ok()) return parsed.status();
    *value = *parsed;
  }
  return listing;
}

}  // namespace news::client
