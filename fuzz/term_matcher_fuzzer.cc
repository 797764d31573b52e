// Word-list matching and link counting run on every comment: on arbitrary bytes they must never
// crash, and a term (any bytes with a letter) must always be found in its own text, since the
// text then has exactly the term's skeleton, word starts, ends and breaks.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "server/text/link_count.h"
#include "server/text/term_matcher.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  // The first line is a term, the rest the comment.
  const size_t newline = input.find('\n');
  const absl::string_view term = input.substr(0, newline);
  const absl::string_view text =
      newline == absl::string_view::npos ? absl::string_view() : input.substr(newline + 1);
  using news::text::TermList;
  const news::text::TermMatcher matcher({{TermList::kBanned, std::string(term)},
                                         {TermList::kSuspect, "s.p.a.m"},
                                         {TermList::kSuspect, "đồ chó"},
                                         {TermList::kSuspect, "an nam"}});
  matcher.Find(text);
  news::text::CountLinks(text);
  if (!news::text::TermKey(term).empty()) {
    const news::text::TermMatcher alone({{TermList::kSuspect, std::string(term)}});
    if (!alone.Find(term)) std::abort();
  }
  return 0;
}
