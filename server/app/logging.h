#ifndef NEWS_SERVER_APP_LOGGING_H_
#define NEWS_SERVER_APP_LOGGING_H_

// Structured logs: every spdlog line is one logfmt record,
//   ts=2026-11-21T05:06:07.123Z level=info msg="news-server listening on ..."
// and events that already are logfmt ("event=rpc method=... code=OK ...", see
// server/transport/metrics_interceptor.h) are written as they are after the level, so log
// shippers can parse their fields. Newlines and quotes are escaped, so an event is one line.

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace news {

// Installs the logfmt pattern on the default logger and sets its level from `level`
// (trace, debug, info, warn, error, critical, off). InvalidArgument for another level.
absl::Status ConfigureLogging(absl::string_view level);

}  // namespace news

#endif  // NEWS_SERVER_APP_LOGGING_H_
