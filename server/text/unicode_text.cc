#include "server/text/unicode_text.h"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>
#include <string>

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

std::string FoldForSearch(absl::string_view s) {
  // With the invalid sequences gone, only running out of memory can make the mapping fail.
  absl::StatusOr<std::string> folded =
      Map(DropInvalidSequences(s),
          static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
                                         UTF8PROC_STRIPMARK),
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
