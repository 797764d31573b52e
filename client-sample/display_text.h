// Text layout shared by news-client's commands: counts with their noun, multi-line text under a
// heading.

#ifndef NEWS_CLIENT_SAMPLE_DISPLAY_TEXT_H_
#define NEWS_CLIENT_SAMPLE_DISPLAY_TEXT_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace news::client {

// "1 view", "0 views", "120 views": `count` and `singular`, or `plural` unless count is 1.
std::string Counted(int64_t count, absl::string_view singular, absl::string_view plural);

// `text` with `indent` in front of every line, so a multi-line comment body stays in its block.
// "a\nb" with "    " gives "    a\n    b".
std::string IndentLines(absl::string_view text, absl::string_view indent);

}  // namespace news::client

#endif  // NEWS_CLIENT_SAMPLE_DISPLAY_TEXT_H_
