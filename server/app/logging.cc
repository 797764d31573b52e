#include "server/app/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/transport/metrics_interceptor.h"

namespace news {
namespace {

// Escapes free-text messages into msg="..." and keeps logfmt events (they start with "event=")
// as they are, escaping only line breaks so that one event stays one line.
class LogfmtMessageFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& message, const std::tm&,
              spdlog::memory_buf_t& destination) override {
    const absl::string_view text(message.payload.data(), message.payload.size());
    const std::string formatted = absl::StartsWith(text, "event=")
                                      ? EscapeLineBreaks(text)
                                      : absl::StrCat("msg=", LogfmtQuote(text));
    destination.append(formatted.data(), formatted.data() + formatted.size());
  }

  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<LogfmtMessageFlag>();
  }

 private:
  static std::string EscapeLineBreaks(absl::string_view text) {
    std::string escaped;
    escaped.reserve(text.size());
    for (char c : text) {
      if (c == '\n') {
        escaped += "\\n";
      } else if (c == '\r') {
        escaped += "\\r";
      } else {
        escaped += c;
      }
    }
    return escaped;
  }
};

}  // namespace

absl::Status ConfigureLogging(absl::string_view level) {
  const spdlog::level::level_enum parsed = spdlog::level::from_str(std::string(level));
  // from_str answers "off" for anything it does not know.
  if (parsed == spdlog::level::off && level != "off") {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown log level '", level, "'; use trace, debug, info, warn, error, critical or off"));
  }
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  formatter->add_flag<LogfmtMessageFlag>('*').set_pattern("ts=%Y-%m-%dT%H:%M:%S.%eZ level=%l %*");
  spdlog::set_formatter(std::move(formatter));
  spdlog::set_level(parsed);
  return absl::OkStatus();
}

}  // namespace news
