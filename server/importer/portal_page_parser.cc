#include "server/importer/portal_page_parser.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/text/unicode_text.h"

namespace news::importer {
namespace {

constexpr size_t kNoLimit = std::numeric_limits<size_t>::max();

// A non-blank line of the page, in NFC with its white space collapsed.
struct Paragraph {
  std::string text;
  int line = 0;
  // The dumps render an inline image as an extra blank line, which is how a caption that has
  // no image marker is recognised.
  int blank_lines_before = 0;
};

struct DateLine {
  absl::Time time;
  std::optional<int64_t> view_count;
  std::optional<int64_t> comment_count;
};

absl::Status LineError(absl::string_view file_name, int line, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(file_name, ":", line, ": ", what));
}

absl::StatusOr<std::vector<Paragraph>> SplitParagraphs(absl::string_view file_name,
                                                       absl::string_view text) {
  absl::ConsumePrefix(&text, "\xEF\xBB\xBF");
  std::vector<Paragraph> paragraphs;
  int line = 0;
  int blank_lines = 0;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    ++line;
    absl::StatusOr<std::string> nfc = text::ToNfc(raw);
    if (!nfc.ok()) return LineError(file_name, line, "invalid UTF-8");
    // Collapsing also turns the NBSPs that stand for &nbsp; into plain spaces, so an NBSP-only
    // line is blank and search tokenises "Nam,\u00a0Kế" like "Nam, Kế".
    std::string collapsed = text::CollapseWhitespace(*nfc);
    if (collapsed.empty()) {
      ++blank_lines;
      continue;
    }
    if (text::HasControlCharacters(collapsed, /*allow_newline=*/false)) {
      return LineError(file_name, line, "control character");
    }
    paragraphs.push_back({std::move(collapsed), line, blank_lines});
    blank_lines = 0;
  }
  return paragraphs;
}

// Folds `text` to lower-case ASCII words joined by '-' with every digit run as '#', so that
// chrome matches whatever the case, accents, punctuation and counter values.
std::string ChromeKey(absl::string_view text) {
  std::string key;
  for (char c : text::Slugify(text, kNoLimit)) {
    if (!absl::ascii_isdigit(c)) {
      key.push_back(c);
    } else if (key.empty() || key.back() != '#') {
      key.push_back('#');
    }
  }
  return key;
}

bool IsChrome(absl::string_view text) {
  static const std::vector<std::string>* const kChromeKeys = [] {
    constexpr absl::string_view kChromeLines[] = {
        "Thống kê truy cập",
        "Đang truy cập: 1",
        "Tổng truy cập: 1",
        "Tin liên quan",
        "BÌNH LUẬN",
        "Bạn còn 500/500 ký tự",
        "Bạn vui lòng nhập từ 5 ký tự trở lên !!!",
        "Tin mới",
        "Những tin mới hơn",
        "Những tin cũ hơn",
        "Bạn đã không sử dụng Site, Bấm vào đây để duy trì trạng thái đăng nhập. Thời gian chờ: "
        "60 giây",
        // The same banner when a dump breaks it after its first sentence.
        "Bạn đã không sử dụng Site, Bấm vào đây để duy trì trạng thái đăng nhập.",
        "Thời gian chờ: 60 giây",
    };
    auto* keys = new std::vector<std::string>();
    for (absl::string_view line : kChromeLines) keys->push_back(ChromeKey(line));
    return keys;
  }();
  return std::find(kChromeKeys->begin(), kChromeKeys->end(), ChromeKey(text)) != kChromeKeys->end();
}

bool IsDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), absl::ascii_isdigit);
}

// "12 1 dongoai": two numbers and a file name, what the dump keeps of an <img>.
bool IsImageMarker(absl::string_view text) {
  const std::vector<absl::string_view> tokens = absl::StrSplit(text, ' ');
  if (tokens.size() != 3 || !IsDigits(tokens[0]) || !IsDigits(tokens[1])) return false;
  const absl::string_view name = tokens[2];
  return std::all_of(
             name.begin(), name.end(),
             [](char c) { return absl::ascii_isalnum(c) || c == '_' || c == '-' || c == '.'; }) &&
         std::any_of(name.begin(), name.end(), absl::ascii_isalpha);
}

bool ParseNumber(absl::string_view s, size_t min_width, size_t max_width, int* value) {
  return IsDigits(s) && s.size() >= min_width && s.size() <= max_width &&
         absl::SimpleAtoi(s, value);
}

// The fields of a date line as written, before any range check.
struct DateShape {
  int day = 0;
  int month = 0;
  int year = 0;
  int hour = 0;
  int minute = 0;
  // Empty in the "25-04-2022 14:41" form.
  std::string weekday;
  // The view and comment counters, when present.
  std::vector<absl::string_view> counters;
};

bool MatchDate(absl::string_view s, char separator, DateShape* shape) {
  const std::vector<absl::string_view> parts = absl::StrSplit(s, separator);
  return parts.size() == 3 && ParseNumber(parts[0], 1, 2, &shape->day) &&
         ParseNumber(parts[1], 1, 2, &shape->month) && ParseNumber(parts[2], 4, 4, &shape->year);
}

bool MatchClock(absl::string_view s, DateShape* shape) {
  const std::vector<absl::string_view> parts = absl::StrSplit(s, ':');
  return parts.size() == 2 && ParseNumber(parts[0], 1, 2, &shape->hour) &&
         ParseNumber(parts[1], 2, 2, &shape->minute);
}

// Matches "25-04-2022 14:41", "Thứ hai - 05/09/2022 22:28" and "Thứ năm - 12/01/2023 04:44 120
// 0" (any one or two words before the dash: the weekday is checked later, so that a misspelt
// one is reported rather than taken for the lead).
std::optional<DateShape> MatchDateShape(absl::string_view text) {
  const std::vector<absl::string_view> tokens = absl::StrSplit(text, ' ');
  DateShape shape;
  if (tokens.size() == 2) {
    if (MatchDate(tokens[0], '-', &shape) && MatchClock(tokens[1], &shape)) return shape;
    return std::nullopt;
  }
  const auto dash = std::find_if(tokens.begin(), tokens.end(),
                                 [](absl::string_view t) { return t == "-" || t == "–"; });
  const auto weekday_words = dash - tokens.begin();
  const auto rest = tokens.end() - dash - 1;
  if (dash == tokens.end() || weekday_words < 1 || weekday_words > 2 || (rest != 2 && rest != 4) ||
      !MatchDate(dash[1], '/', &shape) || !MatchClock(dash[2], &shape) ||
      !std::all_of(dash + 3, tokens.end(), IsDigits)) {
    return std::nullopt;
  }
  shape.weekday = absl::StrJoin(tokens.begin(), dash, " ");
  shape.counters.assign(dash + 3, tokens.end());
  return shape;
}

bool IsWeekday(absl::string_view words) {
  constexpr absl::string_view kWeekdays[] = {
      "thu hai", "thu ba", "thu tu", "thu nam", "thu sau", "thu bay", "chu nhat",
      "thu 2",   "thu 3",  "thu 4",  "thu 5",   "thu 6",   "thu 7",
  };
  const std::string folded = text::FoldForSearch(words);
  return std::find(std::begin(kWeekdays), std::end(kWeekdays), folded) != std::end(kWeekdays);
}

// nullopt when `p` is not a date line; an error when it is one with an impossible date, time or
// weekday, or counters beyond int64.
absl::StatusOr<std::optional<DateLine>> ParseDateLine(absl::string_view file_name,
                                                      const Paragraph& p) {
  std::optional<DateShape> shape = MatchDateShape(p.text);
  if (!shape) return std::nullopt;
  if (!shape->weekday.empty() && !IsWeekday(shape->weekday)) {
    return LineError(file_name, p.line, absl::StrCat("unknown weekday in \"", p.text, "\""));
  }
  // CivilMinute normalises out-of-range fields (31/02 becomes 03/03), so a change means the
  // page named a date or time that does not exist.
  const absl::CivilMinute civil(shape->year, shape->month, shape->day, shape->hour, shape->minute);
  if (civil.year() != shape->year || civil.month() != shape->month || civil.day() != shape->day ||
      civil.hour() != shape->hour || civil.minute() != shape->minute) {
    return LineError(file_name, p.line,
                     absl::StrCat("impossible date or time in \"", p.text, "\""));
  }
  DateLine date;
  date.time = absl::FromCivil(civil, absl::FixedTimeZone(7 * 60 * 60));
  if (!shape->counters.empty()) {
    int64_t views;
    int64_t comments;
    if (!absl::SimpleAtoi(shape->counters[0], &views) ||
        !absl::SimpleAtoi(shape->counters[1], &comments)) {
      return LineError(file_name, p.line, absl::StrCat("counter out of range in \"", p.text, "\""));
    }
    date.view_count = views;
    date.comment_count = comments;
  }
  return date;
}

bool IsDateShaped(absl::string_view text) { return MatchDateShape(text).has_value(); }

// "PROVINCE INSPECTORATE": letters, none of them lower case.
bool IsLabelLine(absl::string_view text) {
  const text::LetterCaseCounts cases = text::CountLetterCases(text);
  return cases.upper > 0 && cases.lower == 0;
}

// "DIC - Triển khai ..." -> {"DIC", "Triển khai ..."}: an all-capitals word of two letters or
// more, then a dash.
std::optional<std::pair<absl::string_view, absl::string_view>> SplitSourcePrefix(
    absl::string_view lead) {
  const size_t space = lead.find(' ');
  if (space == absl::string_view::npos) return std::nullopt;
  const absl::string_view acronym = lead.substr(0, space);
  absl::string_view rest = lead.substr(space + 1);
  if (!absl::ConsumePrefix(&rest, "- ") && !absl::ConsumePrefix(&rest, "– ")) {
    return std::nullopt;
  }
  const size_t length = text::CodePointCount(acronym);
  if (length < 2 || text::CountLetterCases(acronym).upper != length) return std::nullopt;
  return std::make_pair(acronym, rest);
}

// "Tin, ảnh", "Bài và ảnh", "Video": the words a credit puts before the name.
bool IsCreditPhrase(absl::string_view phrase) {
  constexpr absl::string_view kCreditWords[] = {"tin", "bai", "anh",  "video", "clip",
                                                "do",  "hoa", "thuc", "hien",  "va"};
  const std::string slug = text::Slugify(phrase, kNoLimit);
  const std::vector<absl::string_view> words = absl::StrSplit(slug, '-', absl::SkipEmpty());
  return !words.empty() && std::all_of(words.begin(), words.end(), [&](absl::string_view w) {
    return std::find(std::begin(kCreditWords), std::end(kCreditWords), w) != std::end(kCreditWords);
  });
}

// "Tác giả: Tin, ảnh: Minh Thùy" -> "Minh Thùy"; nullopt when `text` is not a "Tác giả:" line.
std::optional<std::string> AuthorFromCreditLine(absl::string_view text) {
  const size_t colon = text.find(':');
  if (colon == absl::string_view::npos ||
      text::FoldForSearch(text::TrimWhitespace(text.substr(0, colon))) != "tac gia") {
    return std::nullopt;
  }
  absl::string_view name = text::TrimWhitespace(text.substr(colon + 1));
  for (size_t next = name.find(':');
       next != absl::string_view::npos && IsCreditPhrase(name.substr(0, next));
       next = name.find(':')) {
    name = text::TrimWhitespace(name.substr(next + 1));
  }
  return std::string(name);
}

bool StartsWithUppercase(absl::string_view word) {
  const unsigned char lead = static_cast<unsigned char>(word.front());
  const size_t size = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  return text::CountLetterCases(word.substr(0, size)).upper == 1;
}

// "Hà Văn Dương", "Ngọc Thuấn": at most six capitalised words without digits ("và" or "-" may
// join two names) and no closing punctuation.
bool LooksLikeName(absl::string_view text) {
  if (absl::string_view(".:;,!?").find(text.back()) != absl::string_view::npos) return false;
  const std::vector<absl::string_view> words = absl::StrSplit(text, ' ');
  if (words.size() > 6) return false;
  for (size_t i = 0; i < words.size(); ++i) {
    const bool inner = i > 0 && i + 1 < words.size();
    if (inner && (words[i] == "và" || words[i] == "-")) continue;
    if (!StartsWithUppercase(words[i]) ||
        std::any_of(words[i].begin(), words[i].end(), absl::ascii_isdigit)) {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<ParsedPage> ParsePortalPage(absl::string_view file_name, absl::string_view text) {
  absl::StatusOr<std::vector<Paragraph>> split = SplitParagraphs(file_name, text);
  if (!split.ok()) return split.status();
  const std::vector<Paragraph>& paragraphs = *split;
  if (paragraphs.empty()) return LineError(file_name, 1, "empty page");

  size_t i = 0;
  const auto skip_chrome = [&] {
    while (i < paragraphs.size() && IsChrome(paragraphs[i].text)) ++i;
  };
  ParsedPage page;

  skip_chrome();
  if (i == paragraphs.size()) {
    return LineError(file_name, paragraphs.back().line, "no title, only site chrome");
  }
  if (IsLabelLine(paragraphs[i].text)) {
    size_t next = i + 1;
    while (next < paragraphs.size() && IsChrome(paragraphs[next].text)) ++next;
    // An all-capitals line right above the date is the title itself.
    if (next < paragraphs.size() && !IsDateShaped(paragraphs[next].text)) {
      page.source_label = paragraphs[i].text;
      i = next;
    }
  }
  if (IsDateShaped(paragraphs[i].text)) {
    return LineError(file_name, paragraphs[i].line, "no title before the date line");
  }
  page.title = paragraphs[i++].text;

  skip_chrome();
  if (i < paragraphs.size()) {
    absl::StatusOr<std::optional<DateLine>> date = ParseDateLine(file_name, paragraphs[i]);
    if (!date.ok()) return date.status();
    if (date->has_value()) {
      page.publish_time = (*date)->time;
      page.view_count = (*date)->view_count;
      page.comment_count = (*date)->comment_count;
      ++i;
    }
  }

  bool have_lead = false;
  bool have_credit_line = false;
  bool caption_next = false;
  std::vector<const Paragraph*> after_lead;
  for (; i < paragraphs.size(); ++i) {
    const Paragraph& p = paragraphs[i];
    if (IsChrome(p.text)) {
      // Chrome above the lead is a banner; below it, the article is over.
      if (have_lead) break;
      caption_next = false;
      continue;
    }
    if (IsImageMarker(p.text)) {
      caption_next = true;
      continue;
    }
    if (caption_next) {
      page.image_captions.push_back(p.text);
      // For now its index among after_lead; turned into a body position below.
      page.image_caption_positions.push_back(after_lead.size());
      caption_next = false;
      continue;
    }
    if (std::optional<std::string> author = AuthorFromCreditLine(p.text)) {
      page.author = *std::move(author);
      have_credit_line = true;
      continue;
    }
    if (!have_lead) {
      page.summary = p.text;
      have_lead = true;
      continue;
    }
    after_lead.push_back(&p);
  }

  if (!have_credit_line && !after_lead.empty() && LooksLikeName(after_lead.back()->text)) {
    page.author = after_lead.back()->text;
    after_lead.pop_back();
  }
  // Captions after image markers so far; body_before[k]: the body paragraphs among
  // after_lead[0, k).
  const size_t marked_captions = page.image_captions.size();
  std::vector<size_t> body_before;
  body_before.reserve(after_lead.size() + 1);
  for (const Paragraph* p : after_lead) {
    body_before.push_back(page.body_paragraphs.size());
    if (p->blank_lines_before >= 2) {
      page.image_captions.push_back(p->text);
      page.image_caption_positions.push_back(page.body_paragraphs.size());
    } else {
      page.body_paragraphs.push_back(p->text);
    }
  }
  body_before.push_back(page.body_paragraphs.size());
  for (size_t c = 0; c < marked_captions; ++c) {
    page.image_caption_positions[c] =
        body_before[std::min(page.image_caption_positions[c], after_lead.size())];
  }

  if (auto prefix = SplitSourcePrefix(page.summary)) {
    if (page.source_label.empty()) page.source_label = std::string(prefix->first);
    page.summary = std::string(prefix->second);
  }
  return page;
}

}  // namespace news::importer
