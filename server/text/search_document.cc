#include "server/text/search_document.h"

#include <utf8proc.h>

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/text/unicode_text.h"

namespace news::text {
namespace {

constexpr int kMaxPosition = 16383;
// PostgreSQL keeps at most 256 positions per lexeme.
constexpr size_t kMaxPositionsPerWord = 256;
// PostgreSQL refuses a tsvector or tsquery lexeme of 2048 bytes or more.
constexpr size_t kMaxWordBytes = 2047;
constexpr size_t kWordsBeforeFirstMatch = 6;

// Blocks of the scripts that do not separate words with spaces and whose letters are not wide
// (their Unicode Line_Break class is SA): Thai, Lao, Myanmar, Khmer, Tai Le, New Tai Lue, Tai
// Tham, Tai Viet, Tai Ahom. utf8proc has neither the Script nor the Line_Break property.
constexpr std::pair<char32_t, char32_t> kUnspacedBlocks[] = {
    {0x0E00, 0x0EFF}, {0x1000, 0x109F}, {0x1780, 0x17FF}, {0x1950, 0x1A1F}, {0x1A20, 0x1AAF},
    {0xA9E0, 0xA9FF}, {0xAA60, 0xAADF}, {0x11700, 0x1174F}};

enum class CharClass { kSeparator, kWord, kUnspaced };

// The class of a code point of folded text. Wide letters (East Asian Width W or F: Han, Kana,
// Hangul, ...) and SA letters are kUnspaced.
CharClass Classify(char32_t c) {
  const int32_t code_point = static_cast<int32_t>(c);
  switch (utf8proc_category(code_point)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
      break;
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return CharClass::kWord;
    default:
      return CharClass::kSeparator;
  }
  if (utf8proc_charwidth(code_point) == 2) return CharClass::kUnspaced;
  for (const auto& [first, last] : kUnspacedBlocks) {
    if (c >= first && c <= last) return CharClass::kUnspaced;
  }
  return CharClass::kWord;
}

// One code point of folded text.
struct FoldedChar {
  std::string utf8;
  CharClass kind;
};

std::vector<FoldedChar> FoldedChars(absl::string_view folded) {
  std::vector<FoldedChar> chars;
  while (!folded.empty()) {
    utf8proc_int32_t c;
    const utf8proc_ssize_t n =
        utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(folded.data()),
                         static_cast<utf8proc_ssize_t>(folded.size()), &c);
    // FoldForSearch output is valid UTF-8.
    const size_t length = n > 0 ? static_cast<size_t>(n) : 1;
    chars.push_back(FoldedChar{std::string(folded.substr(0, length)),
                               Classify(static_cast<char32_t>(c))});
    folded.remove_prefix(length);
  }
  return chars;
}

// Words of folded text; see SearchWords. Queries leave out the last letter of an unspaced run
// of two or more: the pair before it already holds it, and as a prefix it would match too much.
std::vector<std::string> Tokenize(absl::string_view text, bool for_query) {
  const std::vector<FoldedChar> chars = FoldedChars(FoldForSearch(text));
  std::vector<std::string> words;
  std::string current;
  auto finish_word = [&] {
    if (!current.empty() && current.size() <= kMaxWordBytes) words.push_back(std::move(current));
    current.clear();
  };
  for (size_t i = 0; i < chars.size(); ++i) {
    const CharClass kind = chars[i].kind;
    if (kind == CharClass::kWord) {
      current += chars[i].utf8;
      continue;
    }
    finish_word();
    if (kind != CharClass::kUnspaced) continue;
    const bool run_continues = i + 1 < chars.size() && chars[i + 1].kind == CharClass::kUnspaced;
    const bool run_started = i > 0 && chars[i - 1].kind == CharClass::kUnspaced;
    if (run_continues) {
      words.push_back(chars[i].utf8 + chars[i + 1].utf8);
    } else if (!for_query || !run_started) {
      words.push_back(chars[i].utf8);
    }
  }
  finish_word();
  return words;
}

bool IsUnspacedLetter(absl::string_view word) {
  const std::vector<FoldedChar> chars = FoldedChars(word);
  return chars.size() == 1 && chars[0].kind == CharClass::kUnspaced;
}

// A query word as a tsquery operand: a single unspaced letter matches every word it begins.
std::string QueryOperand(const std::string& word) {
  return absl::StrCat("'", word, IsUnspacedLetter(word) ? "':*" : "'");
}

std::string JoinQuery(const std::vector<std::string>& words, absl::string_view op) {
  std::string query;
  for (const std::string& word : words) {
    if (!query.empty()) absl::StrAppend(&query, op);
    absl::StrAppend(&query, QueryOperand(word));
  }
  return query;
}

// A word of the original text: its byte range and folded form. Each letter of an unspaced run
// is a word of its own, folded with the letter after it as SearchWords does.
struct OriginalWord {
  size_t begin;
  size_t end;
  std::string folded;
  bool unspaced = false;
};

size_t Utf8SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;
}

// Folds code point by code point so that each word keeps its place in the original text.
std::vector<OriginalWord> OriginalWords(absl::string_view text) {
  std::vector<OriginalWord> words;
  bool in_word = false;
  for (size_t i = 0; i < text.size();) {
    const size_t length = std::min(Utf8SequenceLength(text[i]), text.size() - i);
    const std::string folded = FoldForSearch(text.substr(i, length));
    const std::vector<FoldedChar> chars = FoldedChars(folded);
    CharClass kind = chars.empty() ? CharClass::kSeparator : CharClass::kWord;
    for (const FoldedChar& c : chars) {
      if (c.kind != CharClass::kWord) kind = c.kind;
    }
    if (kind == CharClass::kUnspaced) {
      if (!words.empty() && words.back().unspaced && words.back().end == i) {
        words.back().folded += folded;
      }
      words.push_back(OriginalWord{i, i + length, folded, true});
      in_word = false;
    } else if (kind == CharClass::kWord || (folded.empty() && in_word)) {
      // A lone combining mark folds to nothing and belongs to the letter before it.
      if (!in_word) words.push_back(OriginalWord{i, i, ""});
      words.back().end = i + length;
      words.back().folded += folded;
      in_word = true;
    } else {
      in_word = false;
    }
    i += length;
  }
  return words;
}

}  // namespace

std::vector<std::string> SearchWords(absl::string_view text) { return Tokenize(text, false); }

std::vector<std::string> SearchQueryWords(absl::string_view text) {
  return Tokenize(text, true);
}

ArticleWords SplitArticleWords(absl::string_view title, absl::string_view summary,
                               const std::vector<std::string>& body_paragraphs) {
  ArticleWords words{SearchWords(title), SearchWords(summary), {}};
  for (const std::string& paragraph : body_paragraphs) {
    std::vector<std::string> paragraph_words = SearchWords(paragraph);
    words.body.insert(words.body.end(), std::make_move_iterator(paragraph_words.begin()),
                      std::make_move_iterator(paragraph_words.end()));
  }
  return words;
}

namespace {

int64_t FloorDivide(int64_t value, int64_t divisor) {
  return value >= 0 ? value / divisor : (value + 1) / divisor - 1;
}

int64_t UtcDay(absl::Time time) { return FloorDivide(absl::ToUnixSeconds(time), 24 * 60 * 60); }

// Block `index` of `block_days` days in alignment 'a' starts on day index * block_days; in
// alignment 'b' half a block earlier.
int64_t BlockIndex(int64_t day, int block_days, char alignment) {
  return FloorDivide(alignment == 'a' ? day : day + block_days / 2, block_days);
}

std::string BlockLexeme(int block_days, char alignment, int64_t index) {
  return absl::StrCat("#", block_days, std::string(1, alignment), index);
}

}  // namespace

std::vector<std::string> PublishBlockLexemes(absl::Time publish_time) {
  const int64_t day = UtcDay(publish_time);
  std::vector<std::string> lexemes;
  for (const int block_days : kPublishBlockDays) {
    for (const char alignment : {'a', 'b'}) {
      lexemes.push_back(BlockLexeme(block_days, alignment, BlockIndex(day, block_days, alignment)));
    }
  }
  return lexemes;
}

std::string RecentPublishBlockLexeme(absl::Time newest, int block_days) {
  const int64_t day = UtcDay(newest);
  const int64_t a_start = BlockIndex(day, block_days, 'a') * block_days;
  const int64_t b_start = BlockIndex(day, block_days, 'b') * block_days - block_days / 2;
  const char alignment = a_start <= b_start ? 'a' : 'b';
  return BlockLexeme(block_days, alignment, BlockIndex(day, block_days, alignment));
}

std::string SearchDocument(const ArticleWords& words, absl::Time publish_time) {
  // word -> "3A,17C,..." and how many positions it holds.
  std::unordered_map<std::string, std::pair<std::string, size_t>> positions;
  int position = 0;
  auto add = [&](const std::vector<std::string>& part, char weight) {
    for (const std::string& word : part) {
      if (++position > kMaxPosition) return;
      auto& [list, count] = positions[word];
      if (count == kMaxPositionsPerWord) continue;
      if (count++ > 0) list.push_back(',');
      absl::StrAppend(&list, position);
      list.push_back(weight);
    }
  };
  add(words.title, 'A');
  add(words.summary, 'B');
  add(words.body, 'C');
  // Sorted, so that the literal is the same whatever the hash order.
  std::vector<const std::pair<const std::string, std::pair<std::string, size_t>>*> sorted;
  sorted.reserve(positions.size());
  for (const auto& entry : positions) sorted.push_back(&entry);
  std::sort(sorted.begin(), sorted.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  std::string literal;
  for (const std::string& block : PublishBlockLexemes(publish_time)) {
    absl::StrAppend(&literal, literal.empty() ? "'" : " '", block, "'");
  }
  for (const auto* entry : sorted) {
    absl::StrAppend(&literal, " '", entry->first, "':", entry->second.first);
  }
  return literal;
}

std::string AllWordsQuery(const std::vector<std::string>& words) {
  return JoinQuery(words, " & ");
}

std::string PhraseQuery(const std::vector<std::string>& words) {
  return JoinQuery(words, " <-> ");
}

std::string HighlightSnippet(absl::string_view text, const std::vector<std::string>& query_words,
                             size_t max_words) {
  const std::vector<OriginalWord> words = OriginalWords(text);
  // A query word marks the word it equals; in an unspaced run, a pair marks both its letters and
  // a single letter marks itself where it begins a pair.
  std::vector<bool> marked(words.size(), false);
  for (size_t i = 0; i < words.size(); ++i) {
    for (const std::string& query_word : query_words) {
      if (words[i].folded == query_word) {
        marked[i] = true;
        const bool pair = words[i].unspaced && !IsUnspacedLetter(query_word);
        if (pair && i + 1 < words.size() && words[i + 1].begin == words[i].end) {
          marked[i + 1] = true;
        }
      } else if (words[i].unspaced && IsUnspacedLetter(query_word) &&
                 absl::StartsWith(words[i].folded, query_word)) {
        marked[i] = true;
      }
    }
  }
  const auto first_match = std::find(marked.begin(), marked.end(), true);
  if (first_match == marked.end()) return "";
  const size_t first_index = static_cast<size_t>(first_match - marked.begin());
  // Some context before the first match, but never so much that the match falls off the end.
  const size_t before = std::min(kWordsBeforeFirstMatch, max_words / 3);
  const size_t start = first_index > before ? first_index - before : 0;
  const size_t stop = std::min(words.size(), start + max_words);

  std::string snippet = start > 0 ? "…" : "";
  size_t copied_to = words[start].begin;
  for (size_t i = start; i < stop; ++i) {
    absl::StrAppend(&snippet, text.substr(copied_to, words[i].begin - copied_to));
    const absl::string_view original = text.substr(words[i].begin, words[i].end - words[i].begin);
    // Marked letters of one unspaced run share one « ».
    const bool joins_previous = i > start && marked[i - 1] && words[i - 1].unspaced &&
                                words[i].unspaced && words[i - 1].end == words[i].begin;
    const bool joins_next = i + 1 < stop && marked[i + 1] && words[i + 1].unspaced &&
                            words[i].unspaced && words[i].end == words[i + 1].begin;
    if (marked[i]) {
      absl::StrAppend(&snippet, joins_previous ? "" : "«", original, joins_next ? "" : "»");
    } else {
      absl::StrAppend(&snippet, original);
    }
    copied_to = words[i].end;
  }
  if (stop < words.size()) {
    absl::StrAppend(&snippet, "…");
  } else {
    absl::StrAppend(&snippet, text.substr(copied_to));
  }
  return snippet;
}

}  // namespace news::text
