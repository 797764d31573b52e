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

// How NormalizeDisplayText treats line breaks.
enum class LineBreaks { kRefuse, kAllow };

// A user-supplied string as readers will see it (see NormalizeDisplayText).
struct DisplayText {
  std::string text;
  // Characters a reader sees: grapheme clusters (UAX #29) holding a visible code point, plus one
  // for each run of white space between them. Invisible characters kept inside a cluster and
  // repeated spaces do not count: "Hay\u200B\u200B" counts 3, "👍🏽 ok" counts 4.
  size_t visible_chars = 0;
  // Code points of `text`.
  size_t code_points = 0;
};

// The one rule for every string a client supplies that readers see (comment bodies and author
// names; docs/comments.md), so that invisible characters cannot pass for content:
// 1. Invalid UTF-8 is refused.
// 2. Line breaks (CRLF, CR, U+0085, U+2028, U+2029) become '\n'; with LineBreaks::kRefuse any
//    line break is refused. Other control characters (Unicode category Cc) are refused.
// 3. NFC.
// 4. Explicit direction controls (bidi classes LRE, RLE, LRO, RLO, PDF, LRI, RLI, FSI, PDI:
//    U+202A..U+202E, U+2066..U+2069), which can make text display in another order than it is
//    stored, are refused.
// 5. Invisible characters (default-ignorable code points and category Cf: U+200B, U+FEFF,
//    U+2060, U+00AD, LRM/RLM, Hangul fillers, ...) are removed, except where they continue the
//    grapheme cluster of a visible character (ZWJ in 👨‍👩‍👧, a variation selector in ❤️, ZWNJ
//    between Persian letters, emoji tag sequences), where they are kept and not counted.
// 6. Leading and trailing white space is trimmed.
// InvalidArgument, with a message that completes "<field> ...", when a rule refuses the text.
absl::StatusOr<DisplayText> NormalizeDisplayText(absl::string_view s, LineBreaks line_breaks);

// The form search and related-news terms compare: NFKC (so fullwidth "Ａ" and "ﬁ" fold like "a"
// and "fi"), case-folded, tone marks and other combining marks removed, default-ignorable code
// points (U+200B, U+00AD, ...) removed, "đ"/"Đ" folded to "d". "ĐỐI NGOẠI" -> "doi ngoai".
// Invalid UTF-8 sequences are dropped.
std::string FoldForSearch(absl::string_view s);

// A URL slug: FoldForSearch, then runs of anything but [a-z0-9] become one '-', no leading or
// trailing '-', cut at a '-' boundary to at most `max_length` bytes (a first word longer than
// `max_length` is cut inside the word). May return "" (e.g. for "!!!").
std::string Slugify(absl::string_view s, size_t max_length = 80);

}  // namespace news::text

#endif  // NEWS_SERVER_TEXT_UNICODE_TEXT_H_
