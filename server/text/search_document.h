#ifndef NEWS_SERVER_TEXT_SEARCH_DOCUMENT_H_
#define NEWS_SERVER_TEXT_SEARCH_DOCUMENT_H_

// The one tokenisation that search and related news share (docs/discovery.md): text is folded
// with FoldForSearch and split into words of letters and digits of any script. Documents and
// queries both go through it, so "Đối ngoại", "doi ngoai" and NFD input meet on the same words,
// as do "МОСКВА" and "москва". Pure and thread-safe.

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace news::text {

// The folded words of `text` in order: "ĐỐI NGOẠI, Nhân-dân" -> {"doi", "ngoai", "nhan", "dan"}.
// A word is a run of letters (Unicode L*) and digits (N*), except in scripts written without
// spaces between words (wide letters such as Han, Kana and Hangul; Thai, Lao, Khmer, Myanmar):
// there each letter gives the word of itself and the next letter of its run, the last letter
// itself alone, "北京市" -> {"北京", "京市", "市"}, so that any two adjacent letters of a run
// are a word and every letter begins one. Words longer than 2047 bytes (PostgreSQL's limit) are
// dropped. No word contains a quote, backslash, space or '#'.
std::vector<std::string> SearchWords(absl::string_view text);

// The words of a search query: SearchWords without the last letter of each unspaced run of two
// or more ("北京" -> {"北京"}); a run of one letter stays ("京" -> {"京"}) and, in the tsquery
// literals below, matches every word it begins.
std::vector<std::string> SearchQueryWords(absl::string_view text);

// An article's folded words, by part.
struct ArticleWords {
  std::vector<std::string> title;
  std::vector<std::string> summary;
  std::vector<std::string> body;
};
ArticleWords SplitArticleWords(absl::string_view title, absl::string_view summary,
                               const std::vector<std::string>& body_paragraphs);

// A PostgreSQL tsvector literal of the article's words with their positions, weighted 'A' in
// the title, 'B' in the summary and 'C' in the body, as setweight(to_tsvector('simple', ...))
// would build it from the folded text. Positions beyond 16383 are dropped, as PostgreSQL does.
// It also holds PublishBlockLexemes(publish_time), so that search can look at recent articles
// first; whoever changes an article's publish time must store its document again.
std::string SearchDocument(const ArticleWords& words, absl::Time publish_time);

// Sizes, in days, of the blocks of publish time that search documents mark.
inline constexpr int kPublishBlockDays[] = {7, 28, 112, 448};

// For each size in kPublishBlockDays and each of two alignments (the second shifted by half a
// block), the lexeme of the block that `publish_time`'s UTC day falls in: "#7a2922",
// "#7b2922", "#28a730", ... No query word can equal one: SearchWords never yields '#'.
std::vector<std::string> PublishBlockLexemes(absl::Time publish_time);

// Of the two `block_days` blocks (one per alignment) that hold the day of `newest`, the one that
// began earlier, so that it covers at least half a block of days up to `newest`.
std::string RecentPublishBlockLexeme(absl::Time newest, int block_days);

// tsquery literals over SearchQueryWords output (which needs no escaping): every word
// ("'a' & 'b'") and the exact phrase ("'a' <-> 'b'"). A single unspaced letter is a prefix
// ("'京':*"). `words` must not be empty.
std::string AllWordsQuery(const std::vector<std::string>& words);
std::string PhraseQuery(const std::vector<std::string>& words);

// An excerpt of `text` (valid UTF-8) of about `max_words` words starting a little before the
// first word that matches `query_words` (as the tsquery literals above match), with every such
// word wrapped in « and » (matched letters of one unspaced run share one pair: "«北京»市").
// Each letter of an unspaced run counts as a word.
// Adds "…" where text was cut. Empty when no word of `text` matches.
std::string HighlightSnippet(absl::string_view text, const std::vector<std::string>& query_words,
                             size_t max_words = 30);

}  // namespace news::text

#endif  // NEWS_SERVER_TEXT_SEARCH_DOCUMENT_H_
