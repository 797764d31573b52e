#include "server/text/term_matcher.h"

#include <utf8proc.h>

#include <algorithm>
#include <deque>

#include "server/text/unicode_text.h"

namespace news::text {
namespace {

// Folded code points of `text`, each with whether it belongs to a word (letters and the marks
// FoldForSearch leaves, e.g. in Indic scripts). Digits, punctuation and spaces separate words.
struct FoldedChar {
  char32_t code_point;
  bool word;
};

std::vector<FoldedChar> FoldedChars(absl::string_view text) {
  const std::string folded = FoldForSearch(text);
  std::vector<FoldedChar> chars;
  chars.reserve(folded.size());
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(folded.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(folded.size());
  while (left > 0) {
    utf8proc_int32_t code_point = 0;
    const utf8proc_ssize_t used = utf8proc_iterate(bytes, left, &code_point);
    if (used <= 0) break;  // FoldForSearch output is valid UTF-8; this is only a guard
    bytes += used;
    left -= used;
    bool word = false;
    switch (utf8proc_category(code_point)) {
      case UTF8PROC_CATEGORY_LU:
      case UTF8PROC_CATEGORY_LL:
      case UTF8PROC_CATEGORY_LT:
      case UTF8PROC_CATEGORY_LM:
      case UTF8PROC_CATEGORY_LO:
      case UTF8PROC_CATEGORY_MN:
      case UTF8PROC_CATEGORY_MC:
      case UTF8PROC_CATEGORY_ME:
        word = true;
        break;
      default:
        break;
    }
    chars.push_back({static_cast<char32_t>(code_point), word});
  }
  return chars;
}

// The skeleton of a text (see term_matcher.h): one entry per run of equal letters, with the
// words (numbered from 0) the run's first and last letters belong to.
struct Skeleton {
  std::u32string letters;
  std::vector<int32_t> first_word;
  std::vector<int32_t> last_word;
  // The run holds the first / last letter of some word.
  std::vector<bool> starts_word;
  std::vector<bool> ends_word;
  // Per word: its letters with repeats collapsed, counted on the word alone.
  std::vector<int32_t> word_length;
};

Skeleton MakeSkeleton(absl::string_view text) {
  Skeleton s;
  int32_t word = -1;
  bool in_word = false;
  char32_t previous_in_word = 0;
  for (const FoldedChar& c : FoldedChars(text)) {
    if (!c.word) {
      if (in_word) s.ends_word.back() = true;
      in_word = false;
      continue;
    }
    const bool word_start = !in_word;
    if (word_start) {
      ++word;
      s.word_length.push_back(0);
      previous_in_word = 0;
      in_word = true;
    }
    if (c.code_point != previous_in_word) ++s.word_length[word];
    previous_in_word = c.code_point;
    if (!s.letters.empty() && s.letters.back() == c.code_point) {
      s.last_word.back() = word;
      if (word_start) s.starts_word.back() = true;
      continue;
    }
    s.letters.push_back(c.code_point);
    s.first_word.push_back(word);
    s.last_word.push_back(word);
    s.starts_word.push_back(word_start);
    s.ends_word.push_back(false);
  }
  if (in_word) s.ends_word.back() = true;
  return s;
}

// A word break inside runs [start, end] of a skeleton, between words `left` and `left + 1`.
// `place` is 2k when the break is before run start+k, 2k+1 when it is inside that run (a run
// shared by two words), so that the breaks of "kho nan" (before the n of "khonan") and of
// "khon nan" (inside its shared n) differ.
struct WordBreak {
  int place;
  int32_t left;
};

std::vector<WordBreak> BreaksWithin(const Skeleton& s, int start, int end) {
  std::vector<WordBreak> breaks;
  for (int p = start; p <= end; ++p) {
    if (p > start) {
      for (int32_t w = s.last_word[p - 1]; w < s.first_word[p]; ++w) {
        breaks.push_back({2 * (p - start), w});
      }
    }
    // A run shared by two words ("an nam"): the break is inside it. At either end of the range
    // it lies outside the match.
    if (p > start && p < end) {
      for (int32_t w = s.first_word[p]; w < s.last_word[p]; ++w) {
        breaks.push_back({2 * (p - start) + 1, w});
      }
    }
  }
  return breaks;
}

void AppendUtf8(char32_t code_point, std::string& out) {
  utf8proc_uint8_t buffer[4];
  const utf8proc_ssize_t size =
      utf8proc_encode_char(static_cast<utf8proc_int32_t>(code_point), buffer);
  out.append(reinterpret_cast<const char*>(buffer), static_cast<size_t>(size));
}

}  // namespace

std::string TermKey(absl::string_view term) {
  std::string key;
  bool in_word = false;
  char32_t previous_in_word = 0;
  for (const FoldedChar& c : FoldedChars(term)) {
    if (!c.word) {
      in_word = false;
      continue;
    }
    if (!in_word) {
      if (!key.empty()) key.push_back(' ');
      previous_in_word = 0;
      in_word = true;
    }
    if (c.code_point != previous_in_word) AppendUtf8(c.code_point, key);
    previous_in_word = c.code_point;
  }
  return key;
}

TermMatcher::TermMatcher(const std::vector<ListedTerm>& terms) {
  nodes_.emplace_back();
  for (const ListedTerm& listed : terms) {
    const Skeleton s = MakeSkeleton(listed.term);
    if (s.letters.empty()) continue;
    Term term{listed.list, listed.term, static_cast<int>(s.letters.size()), {}};
    for (const WordBreak& b : BreaksWithin(s, 0, term.length - 1)) term.breaks.push_back(b.place);
    std::sort(term.breaks.begin(), term.breaks.end());
    int32_t node = 0;
    for (char32_t letter : s.letters) {
      auto& children = nodes_[node].children;
      auto it = std::find_if(children.begin(), children.end(),
                             [letter](const auto& child) { return child.first == letter; });
      if (it != children.end()) {
        node = it->second;
      } else {
        const auto child = static_cast<int32_t>(nodes_.size());
        children.emplace_back(letter, child);
        nodes_.emplace_back();
        node = child;
      }
    }
    nodes_[node].terms.push_back(static_cast<int32_t>(terms_.size()));
    terms_.push_back(std::move(term));
  }
  for (Node& node : nodes_) std::sort(node.children.begin(), node.children.end());

  // Breadth first, so that every node's fail target (a shorter suffix) is done before it.
  std::deque<int32_t> queue;
  for (const auto& [letter, child] : nodes_[0].children) queue.push_back(child);
  while (!queue.empty()) {
    const int32_t node = queue.front();
    queue.pop_front();
    for (const auto& [letter, child] : nodes_[node].children) {
      int32_t fail = nodes_[node].fail;
      int32_t target = Child(fail, letter);
      while (target < 0 && fail != 0) {
        fail = nodes_[fail].fail;
        target = Child(fail, letter);
      }
      nodes_[child].fail = target < 0 ? 0 : target;
      const Node& suffix = nodes_[nodes_[child].fail];
      nodes_[child].next_output = suffix.terms.empty() ? suffix.next_output : nodes_[child].fail;
      queue.push_back(child);
    }
  }
}

int32_t TermMatcher::Child(int32_t node, char32_t letter) const {
  const auto& children = nodes_[node].children;
  auto it = std::lower_bound(children.begin(), children.end(), letter,
                             [](const auto& child, char32_t l) { return child.first < l; });
  return it != children.end() && it->first == letter ? it->second : -1;
}

std::optional<TermMatch> TermMatcher::Find(absl::string_view text) const {
  if (terms_.empty()) return std::nullopt;
  const Skeleton s = MakeSkeleton(text);
  std::optional<TermMatch> suspect;
  int32_t node = 0;
  for (int end = 0; end < static_cast<int>(s.letters.size()); ++end) {
    const char32_t letter = s.letters[end];
    int32_t next = Child(node, letter);
    while (next < 0 && node != 0) {
      node = nodes_[node].fail;
      next = Child(node, letter);
    }
    node = next < 0 ? 0 : next;
    if (!s.ends_word[end]) continue;
    for (int32_t out = nodes_[node].terms.empty() ? nodes_[node].next_output : node; out >= 0;
         out = nodes_[out].next_output) {
      for (int32_t index : nodes_[out].terms) {
        const Term& term = terms_[index];
        const int start = end - term.length + 1;
        if (!s.starts_word[start]) continue;
        bool accepted = true;
        for (const WordBreak& b : BreaksWithin(s, start, end)) {
          if (std::binary_search(term.breaks.begin(), term.breaks.end(), b.place)) continue;
          if (s.word_length[b.left] == 1 || s.word_length[b.left + 1] == 1) continue;
          accepted = false;
          break;
        }
        if (!accepted) continue;
        if (term.list == TermList::kBanned) return TermMatch{term.list, term.term};
        if (!suspect) suspect = TermMatch{term.list, term.term};
      }
    }
  }
  return suspect;
}

}  // namespace news::text
