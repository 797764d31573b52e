#ifndef NEWS_SERVER_TEXT_TERM_MATCHER_H_
#define NEWS_SERVER_TEXT_TERM_MATCHER_H_

// Word-list matching for comments (docs/comments.md, "Word lists"): finds banned and suspect
// terms in user text as whole words or phrases, on text folded as search folds it
// (FoldForSearch: case, tone marks, NFC/NFD, "đ", invisible characters), and is not fooled by
// punctuation or spaces put inside a word ("s.p.a.m", "s p a m", "đồ.chó") or by repeated
// letters ("spaaaam").
//
// Both text and terms are reduced to a *skeleton*: the folded letters (Unicode L* and M*) only,
// runs of one letter collapsed to one, remembering where the words (runs of letters; anything
// else separates them) begin and end. A term matches where its skeleton occurs in the text's
// skeleton (Aho-Corasick over all terms at once, so the cost does not grow with the number of
// terms) and
// - the match begins where a word begins and ends where a word ends (so "spam" is not found in
//   "spamalot" nor "ban" in "banh"), and
// - every word break inside the match is either a break of the term itself (phrases: "đồ chó"
//   also as "đồchó" or "đồ...chó") or touches a one-letter fragment ("s pam", "s.p.a.m").
//   Breaks between fragments of two letters or more are not joined: two innocent words that
//   happen to spell a term ("cà vẻ" -> "cave") do not match, at the price of missing "sp am".
// Immutable after construction, so one matcher serves every thread.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace news::text {

enum class TermList { kBanned, kSuspect };

struct ListedTerm {
  TermList list;
  // As the admin entered it; reported by a match.
  std::string term;
};

struct TermMatch {
  TermList list;
  std::string term;
};

// The matching form of a term: the skeleton's words joined by one space, "Đồ  CHÓÓ!" -> "do cho",
// "s.p.a.m" -> "s p a m". Empty when the term has no letters. Terms with equal keys match the
// same text (the word breaks a key keeps only widen what matches).
std::string TermKey(absl::string_view term);

class TermMatcher {
 public:
  // Terms without letters are ignored.
  explicit TermMatcher(const std::vector<ListedTerm>& terms);

  // A banned term `text` holds if any, else the suspect term that ends first, else nullopt.
  std::optional<TermMatch> Find(absl::string_view text) const;

  // Terms with letters.
  size_t size() const { return terms_.size(); }

 private:
  struct Term {
    TermList list;
    std::string term;
    int length;  // letters of the skeleton
    // Where the term has word breaks, sorted: 2k for a break before letter k of the skeleton,
    // 2k+1 for one inside letter k (a collapsed run spanning two words, "an nam" -> "anam").
    std::vector<int> breaks;
  };
  struct Node {
    // (letter, child), sorted by letter.
    std::vector<std::pair<char32_t, int32_t>> children;
    int32_t fail = 0;
    // The nearest node on the fail chain (excluding this one) that ends a term; -1 if none.
    int32_t next_output = -1;
    // Terms whose skeleton ends here.
    std::vector<int32_t> terms;
  };

  int32_t Child(int32_t node, char32_t letter) const;

  std::vector<Term> terms_;
  std::vector<Node> nodes_;
};

}  // namespace news::text

#endif  // NEWS_SERVER_TEXT_TERM_MATCHER_H_
