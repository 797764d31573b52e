#include "server/text/unicode_text.h"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace news::text {
namespace {

const utf8proc_uint8_t* Bytes(absl::string_view s) {
  return reinterpret_cast<const utf8proc_uint8_t*>(s.data());
}

// Decodes the code point at the start of `s`; returns its length in bytes, or a negative
// utf8proc error code when `s` does not start with a well-formed sequence.
utf8proc_ssize_t Decode(absl::string_view s, utf8proc_int32_t* code_point) {
  return utf8proc_iterate(Bytes(s), static_cast<utf8proc_ssize_t>(s.size()), code_point);
}

// The Unicode White_Space property; utf8proc has no accessor for it, but it is exactly the
// space separators plus these few controls.
bool IsWhitespace(utf8proc_int32_t c) {
  if ((c >= 0x09 && c <= 0x0D) || c == 0x85) return true;
  switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
      return true;
    default:
      return false;
  }
}

bool IsLineBreak(utf8proc_int32_t c) {
  return c == '\n' || c == '\r' || c == 0x85 || utf8proc_category(c) == UTF8PROC_CATEGORY_ZL ||
         utf8proc_category(c) == UTF8PROC_CATEGORY_ZP;
}

// Displays nothing of its own: a default-ignorable code point or a format character.
bool IsInvisible(utf8proc_int32_t c) {
  return utf8proc_get_property(c)->ignorable || utf8proc_category(c) == UTF8PROC_CATEGORY_CF;
}

bool IsDirectionControl(utf8proc_int32_t c) {
  switch (utf8proc_get_property(c)->bidi_class) {
    case UTF8PROC_BIDI_CLASS_LRE:
    case UTF8PROC_BIDI_CLASS_RLE:
    case UTF8PROC_BIDI_CLASS_LRO:
    case UTF8PROC_BIDI_CLASS_RLO:
    case UTF8PROC_BIDI_CLASS_PDF:
    case UTF8PROC_BIDI_CLASS_LRI:
    case UTF8PROC_BIDI_CLASS_RLI:
    case UTF8PROC_BIDI_CLASS_FSI:
    case UTF8PROC_BIDI_CLASS_PDI:
      return true;
    default:
      return false;
  }
}

void AppendCodePoint(utf8proc_int32_t c, std::string& out) {
  utf8proc_uint8_t buffer[4];
  const utf8proc_ssize_t n = utf8proc_encode_char(c, buffer);
  out.append(reinterpret_cast<const char*>(buffer), static_cast<size_t>(n));
}

// The code points of valid UTF-8 `s`.
std::vector<utf8proc_int32_t> CodePoints(absl::string_view s) {
  std::vector<utf8proc_int32_t> code_points;
  while (!s.empty()) {
    utf8proc_int32_t c;
    const utf8proc_ssize_t n = Decode(s, &c);
    code_points.push_back(c);
    s.remove_prefix(static_cast<size_t>(n));
  }
  return code_points;
}

// Removes the invisible code points of `code_points` that do not continue the grapheme cluster
// of a visible character.
std::string DropStrayInvisibles(const std::vector<utf8proc_int32_t>& code_points) {
  std::string kept;
  utf8proc_int32_t previous = 0;
  bool have_previous = false;
  utf8proc_int32_t state = 0;
  for (const utf8proc_int32_t c : code_points) {
    utf8proc_int32_t next_state = state;
    const bool breaks =
        !have_previous || utf8proc_grapheme_break_stateful(previous, c, &next_state);
    if (IsInvisible(c) && (breaks || IsWhitespace(previous))) continue;
    AppendCodePoint(c, kept);
    previous = c;
    have_previous = true;
    state = next_state;
  }
  return kept;
}

// DisplayText::visible_chars of `s` (valid UTF-8, already trimmed).
size_t CountVisibleChars(absl::string_view s) {
  size_t count = 0;
  bool cluster_counted = false;
  bool in_space = false;
  utf8proc_int32_t previous = 0;
  bool have_previous = false;
  utf8proc_int32_t state = 0;
  for (const utf8proc_int32_t c : CodePoints(s)) {
    if (!have_previous || utf8proc_grapheme_break_stateful(previous, c, &state)) {
      cluster_counted = false;
    }
    previous = c;
    have_previous = true;
    if (IsWhitespace(c)) {
      if (!in_space) ++count;
      in_space = true;
      cluster_counted = true;
      continue;
    }
    in_space = false;
    if (!cluster_counted && !IsInvisible(c)) {
      ++count;
      cluster_counted = true;
    }
  }
  return count;
}

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Unicode gives đ/Đ no decomposition (the bar is not a combining mark), so STRIPMARK alone
// would keep them; search must still match "dan" against "đàn".
utf8proc_int32_t FoldDStroke(utf8proc_int32_t c, void* /*data*/) {
  return c == 0x0110 || c == 0x0111 ? 'd' : c;
}

struct FreeDeleter {
  void operator()(utf8proc_uint8_t* p) const { std::free(p); }
};

absl::StatusOr<std::string> Map(absl::string_view s, utf8proc_option_t options,
                                utf8proc_custom_func custom_func) {
  utf8proc_uint8_t* raw = nullptr;
  const utf8proc_ssize_t length = utf8proc_map_custom(
      Bytes(s), static_cast<utf8proc_ssize_t>(s.size()), &raw, options, custom_func, nullptr);
  std::unique_ptr<utf8proc_uint8_t, FreeDeleter> owned(raw);
  if (length < 0) return absl::InvalidArgumentError(utf8proc_errmsg(length));
  return std::string(reinterpret_cast<const char*>(raw), static_cast<size_t>(length));
}

// Copies the well-formed sequences of `s`, skipping each byte that does not start one.
std::string DropInvalidSequences(absl::string_view s) {
  std::string valid;
  valid.reserve(s.size());
  while (!s.empty()) {
    utf8proc_int32_t c;
    const utf8proc_ssize_t n = Decode(s, &c);
    if (n < 0) {
      s.remove_prefix(1);
      continue;
    }
    valid.append(s.data(), static_cast<size_t>(n));
    s.remove_prefix(static_cast<size_t>(n));
  }
  return valid;
}

}  // namespace

bool IsValidUtf8(absl::string_view s) {
  while (!s.empty()) {
    utf8proc_int32_t c;
    const utf8proc_ssize_t n = Decode(s, &c);
    if (n < 0) return false;
    s.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

absl::StatusOr<std::string> ToNfc(absl::string_view s) {
  if (!IsValidUtf8(s)) return absl::InvalidArgumentError("invalid UTF-8");
  return Map(s, static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE), nullptr);
}

size_t CodePointCount(absl::string_view s) {
  size_t count = 0;
  for (char c : s) {
    if (!IsContinuationByte(c)) ++count;
  }
  return count;
}

absl::string_view TrimWhitespace(absl::string_view s) {
  while (!s.empty()) {
    utf8proc_int32_t c;
    const utf8proc_ssize_t n = Decode(s, &c);
    if (n < 0 || !IsWhitespace(c)) break;
    s.remove_prefix(static_cast<size_t>(n));
  }
  while (!s.empty()) {
    size_t start = s.size() - 1;
    while (start > 0 && IsContinuationByte(s[start])) --start;
    utf8proc_int32_t c;
    const absl::string_view last = s.substr(start);
    const utf8proc_ssize_t n = Decode(last, &c);
    if (n < 0 || static_cast<size_t>(n) != last.size() || !IsWhitespace(c)) break;
    s.remove_suffix(last.size());
  }
  return s;
}

std::string CollapseWhitespace(absl::string_view s) {
  std::string collapsed;
  collapsed.reserve(s.size());
  bool pending_space = false;
  while (!s.empty()) {
    utf8proc_int32_t c;
    const utf8proc_ssize_t n = Decode(s, &c);
    const size_t length = n < 0 ? 1 : static_cast<size_t>(n);
    if (n >= 0 && IsWhitespace(c)) {
      pending_space = true;
    } else {
      if (pending_space && !collapsed.empty()) collapsed.push_back(' ');
      pending_space = false;
      collapsed.append(s.data(), length);
    }
    s.remove_prefix(length);
  }
  return collapsed;
}

LetterCaseCounts CountLetterCases(absl::string_view s) {
  LetterCaseCounts counts;
  while (!s.empty()) {
    utf8proc_int32_t c;
    const utf8proc_ssize_t n = Decode(s, &c);
    if (n < 0) {
      s.remove_prefix(1);
      continue;
    }
    switch (utf8proc_category(c)) {
      case UTF8PROC_CATEGORY_LU:
      case UTF8PROC_CATEGORY_LT:
        ++counts.upper;
        break;
      case UTF8PROC_CATEGORY_LL:
        ++counts.lower;
        break;
      default:
        break;
    }
    s.remove_prefix(static_cast<size_t>(n));
  }
  return counts;
}

bool HasControlCharacters(absl::string_view s, bool allow_newline) {
  while (!s.empty()) {
    utf8proc_int32_t c;
    const utf8proc_ssize_t n = Decode(s, &c);
    if (n < 0) {
      s.remove_prefix(1);
      continue;
    }
    if (utf8proc_category(c) == UTF8PROC_CATEGORY_CC && !(allow_newline && c == '\n')) {
      return true;
    }
    s.remove_prefix(static_cast<size_t>(n));
  }
  return false;
}

absl::StatusOr<DisplayText> NormalizeDisplayText(absl::string_view s, LineBreaks line_breaks) {
  if (!IsValidUtf8(s)) return absl::InvalidArgumentError("must be valid UTF-8");
  const std::vector<utf8proc_int32_t> raw = CodePoints(s);
  std::string unified;
  unified.reserve(s.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    const utf8proc_int32_t c = raw[i];
    if (!IsLineBreak(c)) {
      AppendCodePoint(c, unified);
      continue;
    }
    if (line_breaks == LineBreaks::kRefuse) {
      return absl::InvalidArgumentError("must be a single line");
    }
    if (c == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n') ++i;
    unified.push_back('\n');
  }
  const bool allow_newline = line_breaks == LineBreaks::kAllow;
  if (HasControlCharacters(unified, allow_newline)) {
    return absl::InvalidArgumentError(allow_newline
                                          ? "must not contain control characters other than "
                                            "line breaks"
                                          : "must not contain control characters");
  }
  absl::StatusOr<std::string> nfc = ToNfc(unified);
  if (!nfc.ok()) return nfc.status();
  const std::vector<utf8proc_int32_t> code_points = CodePoints(*nfc);
  for (const utf8proc_int32_t c : code_points) {
    if (IsDirectionControl(c)) {
      return absl::InvalidArgumentError(
          "must not contain text direction controls (U+202A..U+202E, U+2066..U+2069)");
    }
  }
  const std::string visible = DropStrayInvisibles(code_points);
  DisplayText display;
  display.text = std::string(TrimWhitespace(visible));
  display.visible_chars = CountVisibleChars(display.text);
  display.code_points = CodePointCount(display.text);
  return display;
}

std::string FoldForSearch(absl::string_view s) {
  // With the invalid sequences gone, only running out of memory can make the mapping fail.
  absl::StatusOr<std::string> folded =
      Map(DropInvalidSequences(s),
          static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
                                         UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK |
                                         UTF8PROC_IGNORE),
          FoldDStroke);
  return folded.ok() ? *std::move(folded) : std::string();
}

std::string Slugify(absl::string_view s, size_t max_length) {
  std::string slug;
  bool pending_separator = false;
  for (char c : FoldForSearch(s)) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      if (pending_separator && !slug.empty()) slug.push_back('-');
      pending_separator = false;
      slug.push_back(c);
    } else {
      pending_separator = true;
    }
  }
  if (slug.size() <= max_length) return slug;
  // Prefer ending on a whole word; a single word longer than the limit is cut inside it.
  const size_t boundary = slug.rfind('-', max_length);
  slug.resize(boundary == std::string::npos ? max_length : boundary);
  return slug;
}

}  // namespace news::text
