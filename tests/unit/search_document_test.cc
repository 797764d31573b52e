// The shared tokenisation of search and related news, and the view/visit bookkeeping, without
// a database.

#include "server/text/search_document.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "server/domain/articles/view_counter.h"
#include "server/domain/discovery/related_news.h"
#include "server/domain/discovery/site_activity.h"

namespace news {
namespace {

using text::SearchWords;

TEST(SearchWordsTest, FoldsToneMarksCaseNfdAndPunctuation) {
  const std::vector<std::string> expected{"doi", "ngoai", "nhan", "dan"};
  EXPECT_EQ(SearchWords("Đối ngoại nhân dân"), expected);
  EXPECT_EQ(SearchWords("ĐỐI NGOẠI, NHÂN-DÂN!"), expected);
  EXPECT_EQ(SearchWords("\u0111o\u0302\u0301i ngoa\u0323i nha\u0302n da\u0302n"), expected);
  EXPECT_EQ(SearchWords("12-CT/TW"), (std::vector<std::string>{"12", "ct", "tw"}));
}

TEST(SearchWordsTest, KeepsLettersOfEveryScript) {
  using Words = std::vector<std::string>;
  EXPECT_EQ(SearchWords("МОСКВА, Москва!"), (Words{"москва", "москва"}));
  EXPECT_EQ(SearchWords("Ёлка"), (Words{"елка"}));  // Marks fold away in every script.
  EXPECT_EQ(SearchWords("Αθήνα ΑΘΗΝΑ"), (Words{"αθηνα", "αθηνα"}));
  EXPECT_EQ(SearchWords("تهران"), (Words{"تهران"}));
  EXPECT_EQ(SearchWords("Hà Nội – Москва 2025"), (Words{"ha", "noi", "москва", "2025"}));
  // Fullwidth forms and invisible characters fold away.
  EXPECT_EQ(SearchWords("ＨＡ\u200BＮＯＩ"), (Words{"hanoi"}));
  // Punctuation and symbols of any script separate words and are never words.
  EXPECT_EQ(SearchWords("«»—…！？、。※★€"), Words{});
}

TEST(SearchWordsTest, UnspacedScriptsGiveOverlappingPairs) {
  using Words = std::vector<std::string>;
  EXPECT_EQ(SearchWords("北京"), (Words{"北京", "京"}));
  EXPECT_EQ(SearchWords("北京市长"), (Words{"北京", "京市", "市长", "长"}));
  EXPECT_EQ(SearchWords("京"), (Words{"京"}));
  // Runs end at anything that is not an unspaced letter.
  EXPECT_EQ(SearchWords("北京2022年，上海"),
            (Words{"北京", "京", "2022", "年", "上海", "海"}));
  EXPECT_EQ(SearchWords("東京タワー"), (Words{"東京", "京タ", "タワ", "ワー", "ー"}));
  EXPECT_EQ(SearchWords("서울시"), (Words{"서울", "울시", "시"}));
  // Lao (Vientiane), Khmer (Phnom Penh), Thai (Bangkok) are written without spaces too;
  // their vowel signs and tone marks are marks and fold away like Vietnamese tone marks.
  EXPECT_EQ(SearchWords("ວຽງຈັນ"), SearchWords("ວຽງຈນ"));
  EXPECT_EQ(SearchWords("ភ្នំពេញ").front(), SearchWords("ភនព").front());
  EXPECT_FALSE(SearchWords("กรุงเทพ").empty());
  // Queries leave out the last letter of a run of two or more.
  EXPECT_EQ(text::SearchQueryWords("北京市"), (Words{"北京", "京市"}));
  EXPECT_EQ(text::SearchQueryWords("京"), (Words{"京"}));
  EXPECT_EQ(text::SearchQueryWords("Москва 北京"), (Words{"москва", "北京"}));
  EXPECT_EQ(text::SearchQueryWords("!!! ★"), Words{});
}

TEST(SearchWordsTest, DropsWordsTooLongForPostgres) {
  EXPECT_EQ(SearchWords(std::string(2047, 'a')).size(), 1u);
  EXPECT_TRUE(SearchWords(std::string(2048, 'a')).empty());
  EXPECT_EQ(SearchWords(std::string(3000, 'a') + " ok"), std::vector<std::string>{"ok"});
}

TEST(SearchDocumentTest, WeightsTitleSummaryAndBody) {
  const text::ArticleWords words = text::SplitArticleWords("Hà Nội", "Nội thành", {"Hà Giang"});
  // 2025-03-10 is day 20157 since the epoch: in 7-day block 2879 (alignment a) and 2880 (b).
  EXPECT_EQ(text::SearchDocument(words, absl::FromUnixSeconds(1741575600)),
            "'#7a2879' '#7b2880' '#28a719' '#28b720' '#112a179' '#112b180' '#448a44' '#448b45' "
            "'giang':6C 'ha':1A,5C 'noi':2A,3B 'thanh':4B");
}

TEST(SearchDocumentTest, TheRecentBlockCoversAtLeastHalfABlockUpToTheNewestDay) {
  for (int64_t day = 20100; day < 20200; ++day) {
    const absl::Time newest = absl::FromUnixSeconds(day * 86400 + 3600);
    for (const int block_days : text::kPublishBlockDays) {
      const std::string recent = text::RecentPublishBlockLexeme(newest, block_days);
      // It is one of the newest day's own blocks ...
      const std::vector<std::string> own = text::PublishBlockLexemes(newest);
      ASSERT_NE(std::find(own.begin(), own.end(), recent), own.end()) << recent;
      // ... and so is every day of the half block before.
      const std::vector<std::string> earlier =
          text::PublishBlockLexemes(newest - absl::Hours(24 * (block_days / 2)));
      EXPECT_NE(std::find(earlier.begin(), earlier.end(), recent), earlier.end())
          << "day " << day << ", " << block_days << " days: " << recent;
    }
  }
}

TEST(SearchDocumentTest, QueriesAreTsqueryLiterals) {
  EXPECT_EQ(text::AllWordsQuery({"doi", "ngoai"}), "'doi' & 'ngoai'");
  EXPECT_EQ(text::PhraseQuery({"doi", "ngoai"}), "'doi' <-> 'ngoai'");
  // A single unspaced letter matches every word it begins.
  EXPECT_EQ(text::AllWordsQuery({"москва", "北京", "京"}), "'москва' & '北京' & '京':*");
  EXPECT_EQ(text::PhraseQuery({"北京", "京"}), "'北京' <-> '京':*");
}

TEST(HighlightSnippetTest, MarksMatchesInTheOriginalText) {
  EXPECT_EQ(text::HighlightSnippet("Công tác ĐỐI NGOẠI nhân dân.", {"doi", "ngoai"}),
            "Công tác «ĐỐI» «NGOẠI» nhân dân.");
  EXPECT_EQ(text::HighlightSnippet("Không có gì.", {"doi"}), "");
  const std::string snippet = text::HighlightSnippet(
      "một hai ba bốn năm sáu bảy tám chín mười Đà Nẵng cuối", {"da", "nang"}, 4);
  EXPECT_EQ(snippet, "…mười «Đà» «Nẵng» cuối");
  EXPECT_EQ(text::HighlightSnippet("Tin từ Москва.", {"москва"}), "Tin từ «Москва».");
}

TEST(HighlightSnippetTest, MarksLettersOfUnspacedRuns) {
  EXPECT_EQ(text::HighlightSnippet("Đoàn đến 北京市长 hôm nay.", text::SearchQueryWords("北京")),
            "Đoàn đến «北京»市长 hôm nay.");
  EXPECT_EQ(text::HighlightSnippet("北京市长", text::SearchQueryWords("京市长")), "北«京市长»");
  EXPECT_EQ(text::HighlightSnippet("北京市长", text::SearchQueryWords("长")), "北京市«长»");
  EXPECT_EQ(text::HighlightSnippet("北京市长", text::SearchQueryWords("上海")), "");
}

TEST(RelatedTermsTest, BigramsAndStopSyllables) {
  const auto terms = ExtractTerms(text::SplitArticleWords("Đối ngoại nhân dân của tỉnh", "", {}));
  EXPECT_TRUE(terms.count("doi ngoai"));
  EXPECT_TRUE(terms.count("nhan dan"));
  EXPECT_TRUE(terms.count("doi"));
  EXPECT_FALSE(terms.count("nhan")) << "too common alone";
  EXPECT_FALSE(terms.count("cua"));
  EXPECT_FALSE(terms.count("dan cua"));
  EXPECT_DOUBLE_EQ(terms.at("doi ngoai"), 3.0) << "title weight";
}

TEST(ViewCounterTest, CountsOncePerClientAndArticlePerHalfHour) {
  ViewCounter views;
  const absl::Time start = absl::FromUnixSeconds(1741575600);
  EXPECT_TRUE(views.RecordView("a", 1, start));
  EXPECT_FALSE(views.RecordView("a", 1, start + absl::Minutes(29)));
  EXPECT_TRUE(views.RecordView("a", 2, start));
  EXPECT_TRUE(views.RecordView("b", 1, start));
  EXPECT_TRUE(views.RecordView("a", 1, start + absl::Minutes(30)));
  const ViewCounter::PendingViews pending = views.TakePending();
  const int64_t day = LocalDayNumber(start);
  EXPECT_EQ(FormatDayNumber(day), "2025-03-10");
  EXPECT_EQ(pending.at({1, day}), 3);
  EXPECT_EQ(pending.at({2, day}), 1);
  EXPECT_TRUE(views.TakePending().empty());
}

TEST(ViewCounterTest, PendingCountFollowsRecordTakeAndRestore) {
  ViewCounter views;
  const absl::Time start = absl::FromUnixSeconds(1741575600);
  views.RecordView("a", 1, start);
  views.RecordView("a", 1, start);
  views.RecordView("b", 1, start);
  views.RecordView("a", 2, start);
  EXPECT_EQ(views.pending_count(), 3);
  const ViewCounter::PendingViews taken = views.TakePending();
  EXPECT_EQ(views.pending_count(), 0);
  views.RecordView("c", 1, start);
  views.Restore(taken);
  EXPECT_EQ(views.pending_count(), 4);
}

TEST(ViewCounterTest, StaysBoundedAndCountsWhenFull) {
  ViewCounter views(/*max_remembered=*/2);
  const absl::Time start = absl::FromUnixSeconds(1741575600);
  EXPECT_TRUE(views.RecordView("a", 1, start));
  EXPECT_TRUE(views.RecordView("b", 1, start));
  // Full and nothing expired: counted, not remembered.
  EXPECT_TRUE(views.RecordView("c", 1, start));
  EXPECT_TRUE(views.RecordView("c", 1, start));
  // After the window the old pairs make room again.
  EXPECT_TRUE(views.RecordView("d", 1, start + absl::Minutes(31)));
  EXPECT_FALSE(views.RecordView("d", 1, start + absl::Minutes(32)));
}

TEST(LocalDayTest, UsesVietnameseTime) {
  // 2025-03-09 17:30 UTC is 00:30 on the 10th in Vietnam; its midnight was 17:00 UTC.
  EXPECT_EQ(FormatDayNumber(LocalDayNumber(absl::FromUnixSeconds(1741541400))), "2025-03-10");
  EXPECT_EQ(FormatDayNumber(LocalDayNumber(absl::FromUnixSeconds(1741539600))), "2025-03-10");
  EXPECT_EQ(FormatDayNumber(LocalDayNumber(absl::FromUnixSeconds(1741539599))), "2025-03-09");
}

TEST(SiteActivityTest, OnlineWindowAndVisitGap) {
  SiteActivity activity;
  const absl::Time start = absl::FromUnixSeconds(1741575600);
  activity.RecordRequest("a", start);
  activity.RecordRequest("b", start + absl::Minutes(1));
  EXPECT_EQ(activity.OnlineNow(start + absl::Minutes(4)), 2);
  EXPECT_EQ(activity.OnlineNow(start + absl::Minutes(7)), 0);
  activity.RecordRequest("a", start + absl::Minutes(20));
  EXPECT_EQ(activity.OnlineNow(start + absl::Minutes(21)), 1);
  EXPECT_EQ(activity.PendingVisits(), 2);
  activity.RecordRequest("a", start + absl::Minutes(50));
  EXPECT_EQ(activity.PendingVisits(), 3);
  EXPECT_EQ(activity.TakePendingVisits(), 3);
  activity.RestorePendingVisits(3);
  EXPECT_EQ(activity.PendingVisits(), 3);
}

}  // namespace
}  // namespace news
