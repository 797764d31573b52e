#ifndef NEWS_TOOLS_LOAD_STREAM_LOAD_H_
#define NEWS_TOOLS_LOAD_STREAM_LOAD_H_

// news-load's streaming mode (--streams, docs/live.md): opens many LiveService.WatchComments
// streams on one article over a few connections (callback API: no thread per stream), posts
// comments on it at a fixed rate, and measures commit-to-delivery latency: the time from each
// event's change_time (its transaction's time on the server) to its arrival, over every stream.
// The server must show new comments at once (--comment_moderation=post) and allow the rate
// (--comment_flood_limit, --comment_address_flood_limit=0).

#include <cstdint>
#include <string>

#include "absl/time/time.h"

namespace news::load {

struct StreamLoadOptions {
  std::string target;
  int streams = 0;
  // 0: the newest article the feed lists.
  int64_t article_id = 0;
  // Comments posted per second while measuring; 0 holds idle streams only.
  double comment_rps = 0;
  absl::Duration duration;
  absl::Duration connect_timeout;
  absl::Duration deadline;
  // Streams per HTTP/2 connection (the server's --max_concurrent_streams allows 100).
  int streams_per_connection = 90;
  bool json = false;
};

// Runs the streaming load and prints its report; the process exit code.
int RunStreamLoad(const StreamLoadOptions& options);

}  // namespace news::load

#endif  // NEWS_TOOLS_LOAD_STREAM_LOAD_H_
