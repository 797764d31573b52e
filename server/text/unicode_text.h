#ifndef NEWS_SERVER_TEXT_UNICODE_TEXT_H_
#define NEWS_SERVER_TEXT_UNICODE_TEXT_H_

// Unicode handling for Vietnamese text (see ../shared/guide/vietnamese-text.md), built on
// utf8proc. Every function here is pure and thread-safe.

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace news::text {

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or code points above U+10FFFF).
bool IsValidUtf8(absl::string_view s);

// Returns `s` in Unicode NFC. InvalidArgument when `s` is not valid UTF-8.
absl::StatusOr<std::string> ToNfc(absl::string_view s);

// Number of code points in `s`, which must be valid UTF-8.
size_t CodePointCount(absl::string_view s);

// Strips leading and trailing Unicode white space (including U+00A0 and U+3000) from valid UTF-8.
absl::string_view TrimWhitespace(absl::string_view s);

// Replaces each run of Unicode white space in valid UTF-8 `s` by one ' ' and trims both ends:
// "\u00a0 Đối\t\tngoại " -> "Đối ngoại".
std::string CollapseWhitespace(absl::string_view s);

// How many letters of `s` (valid UTF-8) are upper case (Unicode categories Lu and Lt) and lower
// case (Ll). Other code points count as neither.
struct LetterCaseCounts {
  size_t upper = 0;
  size_t lower = 0;
};
LetterCaseCounts CountLetterCases(absl::string_view s);

// True when `s` (valid UTF-8) holds a control character (Unicode category Cc), other than '\n'
// when `allow_newline` is set.
bool HasControlCharacters(absl::string_view s, bool allow_newline);

// The form search and related-news terms compare: NFC, lower case, tone marks and other
// combining marks removed, "đ"/"Đ" folded to "d". "ĐỐI NGOẠI" -> "doi ngoai". Invalid UTF-8
// sequences are dropped.
std::string FoldForSearch(absl::string_view s);

// A URL slug: FoldForSearch, then runs of anything but [a-z0-9] become one '-', no leading or
// trailing '-', cut at a '-' boundary to at most `max_length` bytes (a first word longer than
// `max_length` is cut inside the word). May return "" (e.g. for "!!!").
std::string Slugify(absl::string_view s, size_t max_length = 80);

}  // namespace news::text

#endif  // NEWS_SERVER_TEXT_UNICODE_TEXT_H_
