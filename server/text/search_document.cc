#include "server/text/search_document.h"

#include <algorithm>
#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/text/unicode_text.h"

namespace news::text {
namespace {

constexpr int kMaxPosition = 16383;
// PostgreSQL keeps at most 256 positions per lexeme.
constexpr size_t kMaxPositionsPerWord = 256;
constexpr size_t kWordsBeforeFirstMatch = 6;

bool IsWordByte(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// A word of the original text: its byte range and folded form.
struct OriginalWord {
  size_t begin;
  size_t end;
  std::string folded;
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
    const bool word_char = !folded.empty() && std::all_of(folded.begin(), folded.end(), IsWordByte);
    // A lone combining mark folds to nothing and belongs to the letter before it.
    const bool continues = folded.empty() && in_word;
    if (word_char || continues) {
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

std::vector<std::string> SearchWords(absl::string_view text) {
  std::vector<std::string> words;
  std::string current;
  for (char c : FoldForSearch(text)) {
    if (IsWordByte(c)) {
      current.push_back(c);
    } else if (!current.empty()) {
      words.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
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
  return absl::StrCat("'", absl::StrJoin(words, "' & '"), "'");
}

std::string PhraseQuery(const std::vector<std::string>& words) {
  return absl::StrCat("'", absl::StrJoin(words, "' <-> '"), "'");
}

std::string HighlightSnippet(absl::string_view text, const std::vector<std::string>& query_words,
                             size_t max_words) {
  const std::vector<OriginalWord> words = OriginalWords(text);
  auto matches = [&](const OriginalWord& word) {
    return std::find(query_words.begin(), query_words.end(), word.folded) != query_words.end();
  };
  const auto first_match = std::find_if(words.begin(), words.end(), matches);
  if (first_match == words.end()) return "";
  const size_t first_index = static_cast<size_t>(first_match - words.begin());
  // Some context before the first match, but never so much that the match falls off the end.
  const size_t before = std::min(kWordsBeforeFirstMatch, max_words / 3);
  const size_t start = first_index > before ? first_index - before : 0;
  const size_t stop = std::min(words.size(), start + max_words);

  std::string snippet = start > 0 ? "…" : "";
  size_t copied_to = words[start].begin;
  for (size_t i = start; i < stop; ++i) {
    absl::StrAppend(&snippet, text.substr(copied_to, words[i].begin - copied_to));
    const absl::string_view original = text.substr(words[i].begin, words[i].end - words[i].begin);
    if (matches(words[i])) {
      absl::StrAppend(&snippet, "«", original, "»");
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
