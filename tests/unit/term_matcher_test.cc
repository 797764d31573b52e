// Word-list matching and link counting on their own (server/text/term_matcher.h,
// server/text/link_count.h); the RPCs that use them are in comment_policy_test.cc.

#include "server/text/term_matcher.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/text/link_count.h"

namespace news::text {
namespace {

std::string Found(const TermMatcher& matcher, const std::string& text) {
  std::optional<TermMatch> match = matcher.Find(text);
  if (!match) return "";
  return absl::StrCat(match->list == TermList::kBanned ? "banned:" : "suspect:", match->term);
}

TEST(TermKeyTest, FoldsCollapsesAndKeepsWordBreaks) {
  EXPECT_EQ(TermKey("Đồ  CHÓÓ!"), "do cho");
  EXPECT_EQ(TermKey("do cho"), "do cho");
  EXPECT_EQ(TermKey("Do\u0300 cho\u0301"), "do cho");  // NFD
  EXPECT_EQ(TermKey("s.p.a.m"), "s p a m");
  EXPECT_EQ(TermKey("spaaam"), "spam");
  EXPECT_EQ(TermKey("123 !!"), "");
}

class TermMatcherTest : public ::testing::Test {
 protected:
  TermMatcher matcher_{{{TermList::kBanned, "spam"},
                        {TermList::kBanned, "đồ chó"},
                        {TermList::kSuspect, "lừa đảo"},
                        {TermList::kSuspect, "cave"}}};
};

TEST_F(TermMatcherTest, FindsWholeWordsInAnyFoldedForm) {
  EXPECT_EQ(Found(matcher_, "this is spam"), "banned:spam");
  EXPECT_EQ(Found(matcher_, "SPAM!"), "banned:spam");
  EXPECT_EQ(Found(matcher_, "Mày là đồ chó"), "banned:đồ chó");
  EXPECT_EQ(Found(matcher_, "may la do cho"), "banned:đồ chó");      // tone marks removed
  EXPECT_EQ(Found(matcher_, "MÀY LÀ ĐỒ CHÓ"), "banned:đồ chó");      // upper case
  EXPECT_EQ(Found(matcher_, "đo\u0302\u0300 cho\u0301"), "banned:đồ chó");  // NFD
  EXPECT_EQ(Found(matcher_, "trang này lừa đảo"), "suspect:lừa đảo");
  EXPECT_EQ(Found(matcher_, "LUA DAO"), "suspect:lừa đảo");
}

TEST_F(TermMatcherTest, IsNotFooledByInsertedCharactersOrRepeats) {
  EXPECT_EQ(Found(matcher_, "s\u200Bp\u200Ba\u200Bm"), "banned:spam");  // zero-width spaces
  EXPECT_EQ(Found(matcher_, "s.p.a.m"), "banned:spam");
  EXPECT_EQ(Found(matcher_, "s p a m"), "banned:spam");
  EXPECT_EQ(Found(matcher_, "s-pam"), "banned:spam");
  EXPECT_EQ(Found(matcher_, "spa.m"), "banned:spam");
  EXPECT_EQ(Found(matcher_, "spaaaaam"), "banned:spam");
  EXPECT_EQ(Found(matcher_, "SSPPAAMM"), "banned:spam");
  EXPECT_EQ(Found(matcher_, "đồchó"), "banned:đồ chó");
  EXPECT_EQ(Found(matcher_, "đ.ồ c.h.ó"), "banned:đồ chó");
  EXPECT_EQ(Found(matcher_, "đồ...chóóóó"), "banned:đồ chó");
  EXPECT_EQ(Found(matcher_, "l.ừ.a đ.ả.o"), "suspect:lừa đảo");
}

TEST_F(TermMatcherTest, DoesNotMatchInsideLongerWords) {
  EXPECT_EQ(Found(matcher_, "spamalot"), "");
  EXPECT_EQ(Found(matcher_, "antispam"), "");
  EXPECT_EQ(Found(matcher_, "đồ chơi cho chó"), "");  // "đồ chơi" is not "đồ chó"
  EXPECT_EQ(Found(matcher_, "caveat"), "");
  // Two words that happen to spell a term are not joined: only one-letter fragments are.
  EXPECT_EQ(Found(matcher_, "cà vẻ"), "");
  // The break of "kho nan" is not the break of "khốn nạn" (inside its shared "n").
  const TermMatcher shared_letter({{TermList::kBanned, "khốn nạn"}});
  EXPECT_EQ(Found(shared_letter, "Khốn khó nạn đói năm ấy"), "");
  EXPECT_EQ(Found(shared_letter, "khốnnnn nạạạn"), "banned:khốn nạn");
  EXPECT_EQ(Found(matcher_, "sp am"), "");
  EXPECT_EQ(Found(matcher_, "Bài viết rất hay, cảm ơn tác giả"), "");
}

TEST_F(TermMatcherTest, BannedWinsOverSuspect) {
  EXPECT_EQ(Found(matcher_, "lừa đảo và spam"), "banned:spam");
}

TEST(TermMatcherSizeTest, TenThousandTermsAndSharedPrefixes) {
  std::vector<ListedTerm> terms;
  for (int i = 0; i < 10000; ++i) terms.push_back({TermList::kSuspect, absl::StrCat("tu", i)});
  terms.push_back({TermList::kBanned, "an nam"});
  terms.push_back({TermList::kSuspect, "nam"});
  terms.push_back({TermList::kSuspect, "!!!"});  // no letters: ignored
  const TermMatcher matcher(terms);
  EXPECT_EQ(matcher.size(), 10002u);
  // Digits separate words, so every "tu<n>" is the word "tu": none of them is a whole word of
  // "tuyet voi", and "an nam" (whose shared "n" collapses) still matches.
  EXPECT_EQ(Found(matcher, "tuyệt vời"), "");
  EXPECT_EQ(Found(matcher, "nước An Nam"), "banned:an nam");
  EXPECT_EQ(Found(matcher, "anam"), "banned:an nam");
  EXPECT_EQ(Found(matcher, "năm nam"), "suspect:nam");
}

TEST(CountLinksTest, UrlsAndBareDomains) {
  EXPECT_EQ(CountLinks("Bài viết rất hay"), 0u);
  EXPECT_EQ(CountLinks("xem https://example.com/a?b=c#d"), 1u);
  EXPECT_EQ(CountLinks("example.com"), 1u);
  EXPECT_EQ(CountLinks("vào bit.ly/x ngay"), 1u);
  EXPECT_EQ(CountLinks("bit.ly/a.com"), 1u);
  EXPECT_EQ(CountLinks("example.com và www.tin-moi.com.vn."), 2u);
  EXPECT_EQ(CountLinks("http://a.vn http://b.vn"), 2u);
  EXPECT_EQ(CountLinks("tại:example.com"), 1u);
  EXPECT_EQ(CountLinks("EXAMPLE.COM"), 1u);
}

TEST(CountLinksTest, VietnameseAbbreviationsAndNumbersAreNotLinks) {
  EXPECT_EQ(CountLinks("TP.HCM và TP.HN, v.v."), 0u);
  EXPECT_EQ(CountLinks("giá 1.000.000 đồng, tăng 3.5%"), 0u);
  EXPECT_EQ(CountLinks("Hay quá.Cảm ơn"), 0u);
  EXPECT_EQ(CountLinks(".com"), 0u);
}

}  // namespace
}  // namespace news::text
