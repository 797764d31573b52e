#include "server/text/unicode_text.h"

#include <string>

#include "absl/status/status.h"
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
