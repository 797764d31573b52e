#include "server/text/unicode_text.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace news::text {
namespace {

// "Công tác đối ngoại" in NFD: base letters followed by combining circumflex (U+0302), acute
// (U+0301) and dot below (U+0323). The compiler keeps \u escapes as written, unnormalised.
constexpr char kNfdCongTacDoiNgoai[] = "Co\u0302ng ta\u0301c \u0111o\u0302\u0301i ngoa\u0323i";

TEST(IsValidUtf8Test, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("Bình luận rất hay"));
  EXPECT_TRUE(IsValidUtf8(kNfdCongTacDoiNgoai));
  EXPECT_TRUE(IsValidUtf8("\U0001F600"));
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));      // U+10FFFF, the last code point.
  EXPECT_TRUE(IsValidUtf8(std::string("a\0b", 3)));  // U+0000 is well-formed.
}

TEST(IsValidUtf8Test, RejectsOverlongSurrogateTruncatedAndOutOfRange) {
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // Overlong '/'.
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // Overlong '/', three bytes.
  EXPECT_FALSE(IsValidUtf8("\xF0\x80\x80\xAF"));  // Overlong '/', four bytes.
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // U+D800, a surrogate.
  EXPECT_FALSE(IsValidUtf8("\xED\xBF\xBF"));      // U+DFFF, a surrogate.
  EXPECT_FALSE(IsValidUtf8("B\xC3"));             // "Bì" cut inside "ì".
  EXPECT_FALSE(IsValidUtf8("\xE1\xBB"));          // "ố" cut after two of three bytes.
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // U+110000.
  EXPECT_FALSE(IsValidUtf8("\x80"));              // Lone continuation byte.
  EXPECT_FALSE(IsValidUtf8("\xFF"));
}

TEST(ToNfcTest, ComposesNfdInput) {
  const absl::StatusOr<std::string> nfc = ToNfc(kNfdCongTacDoiNgoai);
  ASSERT_TRUE(nfc.ok()) << nfc.status();
  EXPECT_EQ(*nfc, "Công tác đối ngoại");
  EXPECT_EQ(nfc->size(), std::string("Công tác đối ngoại").size());
}

TEST(ToNfcTest, LeavesNfcInputUnchanged) {
  EXPECT_EQ(ToNfc("Đảng uỷ Khối các cơ quan").value(), "Đảng uỷ Khối các cơ quan");
  EXPECT_EQ(ToNfc("").value(), "");
}

TEST(ToNfcTest, RejectsInvalidUtf8) {
  EXPECT_EQ(ToNfc("Bi\xC3").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ToNfc("\xED\xA0\x80").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(CodePointCountTest, CountsCodePointsNotBytes) {
  const std::string comment = "Bình luận rất hay";
  EXPECT_EQ(CodePointCount(comment), 17u);
  EXPECT_EQ(comment.size(), 22u);
  EXPECT_EQ(CodePointCount(""), 0u);
  EXPECT_EQ(CodePointCount("\U0001F600"), 1u);
}

TEST(CodePointCountTest, NfdCountsCombiningMarksSeparately) {
  EXPECT_EQ(CodePointCount("ố"), 1u);
  EXPECT_EQ(CodePointCount("o\u0302\u0301"), 3u);
  EXPECT_EQ(CodePointCount(kNfdCongTacDoiNgoai), 23u);
  EXPECT_EQ(CodePointCount(ToNfc(kNfdCongTacDoiNgoai).value()), 18u);
}

TEST(TrimWhitespaceTest, TrimsUnicodeWhitespaceIncludingNbsp) {
  EXPECT_EQ(TrimWhitespace("\u00a0 Bình luận\u3000\t\r\n"), "Bình luận");
  EXPECT_EQ(TrimWhitespace("\u00a0"), "");
  EXPECT_EQ(TrimWhitespace(""), "");
  EXPECT_EQ(TrimWhitespace("  a\u00a0 b  "), "a\u00a0 b");
  // U+200B ZERO WIDTH SPACE is a format character, not white space.
  EXPECT_EQ(TrimWhitespace("\u200bz"), "\u200bz");
}

TEST(CollapseWhitespaceTest, CollapsesRunsToOneSpace) {
  EXPECT_EQ(CollapseWhitespace("\u00a0 Đối\t\tngoại \u00a0nhân "), "Đối ngoại nhân");
  EXPECT_EQ(CollapseWhitespace(" \u00a0\t"), "");
  EXPECT_EQ(CollapseWhitespace("Nam,\u00a0Kế"), "Nam, Kế");
}

TEST(CountLetterCasesTest, CountsUpperAndLowerLetters) {
  const LetterCaseCounts label = CountLetterCases("PROVINCE INSPECTORATE");
  EXPECT_EQ(label.upper, 20u);
  EXPECT_EQ(label.lower, 0u);
  const LetterCaseCounts dang = CountLetterCases("Đảng 12-CT/TW");
  EXPECT_EQ(dang.upper, 5u);
  EXPECT_EQ(dang.lower, 3u);
  EXPECT_EQ(CountLetterCases("ỦY BAN").lower, 0u);
}

TEST(HasControlCharactersTest, FindsControlCharacters) {
  EXPECT_FALSE(HasControlCharacters("Bình luận rất hay", false));
  EXPECT_TRUE(HasControlCharacters("Bình\nluận", false));
  EXPECT_FALSE(HasControlCharacters("Bình\nluận", true));
  EXPECT_TRUE(HasControlCharacters("Bình\tluận", true));
  EXPECT_TRUE(HasControlCharacters("a\x01z", true));
  EXPECT_TRUE(HasControlCharacters("a\x7F", true));
  EXPECT_TRUE(HasControlCharacters("a\u0085", true));  // A C1 control.
  EXPECT_TRUE(HasControlCharacters(std::string("a\0b", 3), true));
  EXPECT_FALSE(HasControlCharacters("a\u00a0z", false));  // NBSP is not a control.
}

TEST(FoldForSearchTest, StripsToneMarksCaseAndDStroke) {
  EXPECT_EQ(FoldForSearch("ĐỐI NGOẠI NHÂN DÂN"), "doi ngoai nhan dan");
  EXPECT_EQ(FoldForSearch("đối ngoại nhân dân"), "doi ngoai nhan dan");
  EXPECT_EQ(FoldForSearch("Tăng cường sự lãnh đạo của Đảng"), "tang cuong su lanh dao cua dang");
  EXPECT_EQ(FoldForSearch("Ưu tiên Ơn"), "uu tien on");
}

TEST(FoldForSearchTest, FoldsNfdInputTheSameWay) {
  // "ĐỐI NGOẠI NHÂN DÂN" decomposed.
  EXPECT_EQ(FoldForSearch("\u0110O\u0302\u0301I NGOA\u0323I NHA\u0302N DA\u0302N"),
            "doi ngoai nhan dan");
  EXPECT_EQ(FoldForSearch(kNfdCongTacDoiNgoai), "cong tac doi ngoai");
}

TEST(FoldForSearchTest, DropsInvalidSequences) {
  EXPECT_EQ(FoldForSearch("Đ\xFF\xC3ảng"), "dang");
  EXPECT_EQ(FoldForSearch("\xED\xA0\x80"), "");
}

// The normalised text of `s`, or the error message.
std::string Display(absl::string_view s, LineBreaks line_breaks = LineBreaks::kAllow) {
  absl::StatusOr<DisplayText> display = NormalizeDisplayText(s, line_breaks);
  return display.ok() ? display->text : std::string(display.status().message());
}

size_t Visible(absl::string_view s) {
  absl::StatusOr<DisplayText> display = NormalizeDisplayText(s, LineBreaks::kAllow);
  EXPECT_TRUE(display.ok()) << display.status();
  return display.ok() ? display->visible_chars : 0;
}

TEST(NormalizeDisplayTextTest, RemovesStrayInvisibleCharacters) {
  // Zero width space, zero width no-break space (BOM), word joiner, soft hyphen, LRM, RLM, ALM,
  // Hangul filler, invisible times, Mongolian vowel separator, interlinear annotation anchor.
  for (const char* invisible : {"\u200B", "\uFEFF", "\u2060", "\u00AD", "\u200E", "\u200F",
                                "\u061C", "\u3164", "\u2062", "\u180E", "\uFFF9"}) {
    const std::string five = absl::StrCat(invisible, invisible, invisible, invisible, invisible);
    EXPECT_EQ(Display(five), "") << invisible;
    EXPECT_EQ(Visible(five), 0u) << invisible;
    EXPECT_EQ(Display(absl::StrCat("Hay", invisible, invisible)), "Hay") << invisible;
    EXPECT_EQ(Display(absl::StrCat(invisible, "Bình", invisible, " luận")), "Bình luận")
        << invisible;
  }
  // Joiners, variation selectors and tags that join no visible character.
  for (const char* joiner : {"\u200D", "\u200C", "\uFE0F", "\U000E0067", "\u034F"}) {
    const std::string five = absl::StrCat(joiner, joiner, joiner, joiner, joiner);
    EXPECT_EQ(Display(five), "") << joiner;
    EXPECT_EQ(Display(absl::StrCat("a ", joiner, "b")), "a b") << joiner;
    EXPECT_EQ(Visible(absl::StrCat("Hay", joiner, joiner)), 3u) << joiner;
  }
  EXPECT_EQ(Visible("Hay\u200B\u200B"), 3u);
  // Removing invisibles can leave white space at the ends, which is trimmed too.
  EXPECT_EQ(Display(" \u200B Hay \u200B "), "Hay");
}

TEST(NormalizeDisplayTextTest, KeepsJoinersAndSelectorsInsideAVisibleCharacter) {
  // Family (ZWJ sequence), red heart with emoji presentation, thumbs up with skin tone, a flag.
  const std::string family = "\U0001F468\u200D\U0001F469\u200D\U0001F467";
  EXPECT_EQ(Display(family), family);
  EXPECT_EQ(Visible(family), 1u);
  EXPECT_EQ(Display("\u2764\uFE0F"), "\u2764\uFE0F");
  EXPECT_EQ(Visible("\u2764\uFE0F \U0001F44D\U0001F3FD \U0001F1FB\U0001F1F3"), 5u);
  // Persian "mi-khaham" keeps its zero width non-joiner between letters.
  EXPECT_EQ(Display("\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645"),
            "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645");
  // ... but not after white space, where it joins nothing.
  EXPECT_EQ(Display("ab \u200D\u200Dcd"), "ab cd");
  // Combining marks belong to their letter: one visible character however many there are.
  EXPECT_EQ(Visible("a\u0301\u0302\u0303\u0304\u0305"), 1u);
}

TEST(NormalizeDisplayTextTest, CountsRunsOfWhiteSpaceOnce) {
  EXPECT_EQ(Visible("Tuye\u0323\u0302t"), 5u);
  EXPECT_EQ(Visible("Ok \u1EA1!"), 5u);
  EXPECT_EQ(Visible("a    b"), 3u);
  EXPECT_EQ(Visible("a\n\n\nb"), 3u);
  EXPECT_EQ(Visible("a\u00A0\u3000b"), 3u);
}

TEST(NormalizeDisplayTextTest, RefusesTextDirectionControls) {
  for (const char* control : {"\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066",
                              "\u2067", "\u2068", "\u2069"}) {
    const absl::StatusOr<DisplayText> display =
        NormalizeDisplayText(absl::StrCat("Bình ", control, "luận"), LineBreaks::kAllow);
    EXPECT_EQ(display.status().code(), absl::StatusCode::kInvalidArgument) << control;
    EXPECT_TRUE(absl::StrContains(display.status().message(), "direction")) << control;
  }
}

TEST(NormalizeDisplayTextTest, NormalisesLineBreaks) {
  EXPECT_EQ(Display("D\u00F2ng th\u1EE9 nh\u1EA5t\r\nD\u00F2ng th\u1EE9 hai"),
            "D\u00F2ng th\u1EE9 nh\u1EA5t\nD\u00F2ng th\u1EE9 hai");
  EXPECT_EQ(Display("a\rb\u2028c\u2029d\u0085e\r\n\r\nf\n\rg"), "a\nb\nc\nd\ne\n\nf\n\ng");
  EXPECT_EQ(Display("Hay\r\n"), "Hay");
  // Other controls stay refused, a tab and a vertical tab included.
  EXPECT_EQ(Display("a\tb"), "must not contain control characters other than line breaks");
  EXPECT_EQ(Display("a\vb"), "must not contain control characters other than line breaks");
  // A single-line field refuses every kind of line break.
  for (const char* line_break : {"\n", "\r", "\r\n", "\u2028", "\u2029", "\u0085"}) {
    EXPECT_EQ(Display(absl::StrCat("Ng\u00F4", line_break, "An"), LineBreaks::kRefuse),
              "must be a single line")
        << line_break;
  }
  EXPECT_EQ(Display("Ng\u00F4 An", LineBreaks::kRefuse), "Ng\u00F4 An");
}

TEST(NormalizeDisplayTextTest, NormalisesToNfcAndRefusesInvalidUtf8) {
  EXPECT_EQ(Display("Tuye\u0323\u0302t"), "Tuy\u1EC7t");
  EXPECT_EQ(Display("Xin ch\xc3\x28o"), "must be valid UTF-8");
  // Every single byte value, alone and after text, gives an answer.
  for (int byte = 0; byte < 256; ++byte) {
    (void)NormalizeDisplayText(std::string(1, static_cast<char>(byte)), LineBreaks::kAllow);
    (void)NormalizeDisplayText("B\u00ECnh" + std::string(1, static_cast<char>(byte)),
                               LineBreaks::kRefuse);
  }
}

TEST(FoldForSearchTest, FoldsOtherScriptsCompatibilityFormsAndIgnorables) {
  EXPECT_EQ(FoldForSearch("\u041C\u041E\u0421\u041A\u0412\u0410"),
            "\u043C\u043E\u0441\u043A\u0432\u0430");  // МОСКВА -> москва
  EXPECT_EQ(FoldForSearch("\u5317\u4EAC"), "\u5317\u4EAC");  // 北京 stays.
  EXPECT_EQ(FoldForSearch("\uFF28\u00E0 N\u1ED9i"), "ha noi");  // Fullwidth Ｈ.
  EXPECT_EQ(FoldForSearch("Mo\u200Bs\u00ADkva"), "moskva");
}

TEST(SlugifyTest, SlugOfSampleTitle) {
  constexpr char kTitle[] =
      "Tăng cường sự lãnh đạo của Đảng, nâng cao hiệu quả đối ngoại nhân dân trong tình hình mới";
  EXPECT_EQ(Slugify(kTitle, 200),
            "tang-cuong-su-lanh-dao-cua-dang-nang-cao-hieu-qua-doi-ngoai-nhan-dan-trong-tinh-hinh-"
            "moi");
  // The full slug is 88 bytes; the default limit of 80 cuts before "hinh".
  EXPECT_EQ(Slugify(kTitle),
            "tang-cuong-su-lanh-dao-cua-dang-nang-cao-hieu-qua-doi-ngoai-nhan-dan-trong-tinh");
}

TEST(SlugifyTest, SeparatorsAndLimits) {
  EXPECT_EQ(Slugify("  Đối ngoại -- 2022/2023!  "), "doi-ngoai-2022-2023");
  EXPECT_EQ(Slugify("!!!"), "");
  EXPECT_EQ(Slugify(""), "");
  EXPECT_EQ(Slugify("Công tác đối ngoại", 10), "cong-tac");
  EXPECT_EQ(Slugify("Công tác đối ngoại", 8), "cong-tac");
  EXPECT_EQ(Slugify("Công tác đối ngoại", 7), "cong");
  EXPECT_EQ(Slugify("Nasushiobara", 5), "nasus");
  EXPECT_EQ(Slugify("Công", 0), "");
}

}  // namespace
}  // namespace news::text
