#include "server/importer/portal_page_parser.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/text/unicode_text.h"

namespace news::importer {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kPage000[] = "000_95ead8c916b72e87.txt";
constexpr char kPage002[] = "002_e628794ba6af07c2.txt";
constexpr char kPage003[] = "003_dbc14d009e467cf4.txt";
constexpr char kPage004[] = "004_bcc9d3f070f74c9b.txt";

constexpr char kSharedTitle[] =
    "Tăng cường sự lãnh đạo của Đảng, nâng cao hiệu quả đối ngoại nhân dân trong tình hình mới";

std::string ReadSample(absl::string_view name) {
  std::ifstream in(absl::StrCat(NEWS_SAMPLES_DIR, "/", name), std::ios::binary);
  EXPECT_TRUE(in) << "cannot open sample " << name;
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

ParsedPage ParseSample(absl::string_view name) {
  absl::StatusOr<ParsedPage> page = ParsePortalPage(name, ReadSample(name));
  EXPECT_TRUE(page.ok()) << page.status();
  return page.ok() ? *std::move(page) : ParsedPage();
}

absl::Time Utc(int year, int month, int day, int hour, int minute) {
  return absl::FromCivil(absl::CivilMinute(year, month, day, hour, minute), absl::UTCTimeZone());
}

std::vector<std::string> AllStrings(const ParsedPage& page) {
  std::vector<std::string> all = {page.title, page.source_label, page.summary, page.author};
  all.insert(all.end(), page.body_paragraphs.begin(), page.body_paragraphs.end());
  all.insert(all.end(), page.image_captions.begin(), page.image_captions.end());
  return all;
}

// Every field is NFC and trimmed, and none holds site chrome or an image marker.
void ExpectCleanFields(const ParsedPage& page) {
  constexpr absl::string_view kChrome[] = {"Thống kê truy cập",
                                           "Đang truy cập",
                                           "Tổng truy cập",
                                           "Tin liên quan",
                                           "BÌNH LUẬN",
                                           "Bạn còn",
                                           "Bạn vui lòng nhập",
                                           "Tin mới",
                                           "Những tin",
                                           "Bạn đã không sử dụng Site",
                                           "Thời gian chờ",
                                           "dongoai",
                                           "Tác giả"};
  for (const std::string& field : AllStrings(page)) {
    EXPECT_EQ(text::ToNfc(field).value_or(""), field);
    EXPECT_EQ(text::TrimWhitespace(field), field);
    EXPECT_EQ(field.find("\u00a0"), std::string::npos) << field;
    for (absl::string_view chrome : kChrome) {
      EXPECT_FALSE(absl::StrContains(field, chrome)) << chrome << " in: " << field;
    }
  }
  for (const std::string& paragraph : page.body_paragraphs) EXPECT_FALSE(paragraph.empty());
}

TEST(PortalPageParserTest, Page000LabelAboveTitleAndDashedDate) {
  const ParsedPage page = ParseSample(kPage000);
  EXPECT_EQ(page.title, kSharedTitle);
  EXPECT_EQ(page.source_label, "PROVINCE INSPECTORATE");
  EXPECT_EQ(page.publish_time, Utc(2022, 4, 25, 7, 41));
  EXPECT_EQ(page.view_count, std::nullopt);
  EXPECT_EQ(page.comment_count, std::nullopt);
  // The NBSP-only line above the lead is blank and does not make the lead a caption.
  EXPECT_THAT(page.summary,
              StartsWith("Ngày 20/4/2022, Đảng uỷ Khối các cơ quan tỉnh Thái Nguyên ban hành"));
  EXPECT_TRUE(page.image_captions.empty());
  ASSERT_EQ(page.body_paragraphs.size(), 12u);
  EXPECT_EQ(page.body_paragraphs[0], "1. Mục đích, yêu cầu");
  EXPECT_THAT(page.body_paragraphs[1], StartsWith("- Nâng cao nhận thức của các cấp ủy chi bộ"));
  EXPECT_EQ(page.body_paragraphs[4], "2. Nhiệm vụ, giải pháp");
  EXPECT_THAT(page.body_paragraphs[11],
              StartsWith("- Cấp ủy các chi bộ, đảng bộ cơ sở là các cơ quan thông tin"));
  EXPECT_EQ(page.author, "Hà Văn Dương");
  ExpectCleanFields(page);
}

TEST(PortalPageParserTest, Page002HasNoDate) {
  const ParsedPage page = ParseSample(kPage002);
  EXPECT_EQ(page.title, "Công tác đối ngoại nhân dân trong tình hình mới");
  EXPECT_EQ(page.publish_time, std::nullopt);
  EXPECT_EQ(page.view_count, std::nullopt);
  EXPECT_EQ(page.comment_count, std::nullopt);
  EXPECT_EQ(page.source_label, "");
  EXPECT_THAT(page.summary, StartsWith("Đại hội XIII của Đảng đã nhấn mạnh: “Tiếp tục phát huy"));
  ASSERT_EQ(page.body_paragraphs.size(), 7u);
  EXPECT_THAT(page.body_paragraphs[0], StartsWith("Những năm qua, dưới sự lãnh đạo"));
  EXPECT_THAT(page.body_paragraphs[6], StartsWith("Tiếp tục kêu gọi kiều bào Sơn La"));
  EXPECT_TRUE(page.image_captions.empty());
  EXPECT_EQ(page.author, "Ngọc Thuấn");
  ExpectCleanFields(page);
}

TEST(PortalPageParserTest, Page003SourcePrefixCaptionAfterBlankLinesAndCreditLine) {
  const ParsedPage page = ParseSample(kPage003);
  EXPECT_EQ(page.title, "Nâng cao hiệu quả công tác đối ngoại đảng, đối ngoại nhân dân");
  EXPECT_EQ(page.publish_time, Utc(2022, 9, 5, 15, 28));
  EXPECT_EQ(page.view_count, std::nullopt);
  EXPECT_EQ(page.source_label, "DIC");
  EXPECT_THAT(page.summary,
              StartsWith("Triển khai hiệu quả công tác đối ngoại giai đoạn 2022 - 2023"));
  EXPECT_THAT(page.image_captions,
              ElementsAre("Đồng chí Lò Văn Mừng, Ủy viên Ban Thường vụ Tỉnh ủy, Chủ tịch Ủy ban "
                          "MTTQ Việt Nam tỉnh, Trưởng ban Dân vận Tỉnh ủy tặng hoa đón Đoàn đại "
                          "biểu Mặt trận Lào Xây dựng đất nước tỉnh Phông-sa-ly (nước CHDCND Lào) "
                          "sang thăm và làm việc với Ủy ban MTTQ Việt Nam tỉnh."));
  // The image stood before the first body paragraph.
  EXPECT_THAT(page.image_caption_positions, ElementsAre(0u));
  ASSERT_EQ(page.body_paragraphs.size(), 3u);
  EXPECT_THAT(page.body_paragraphs[0],
              StartsWith("Ủy ban MTTQ Việt Nam tỉnh thường xuyên tuyên truyền"));
  EXPECT_THAT(page.body_paragraphs[1], StartsWith("Trên cơ sở tiềm năng, thế mạnh"));
  EXPECT_THAT(page.body_paragraphs[2], StartsWith("Ủy ban MTTQ Việt Nam tỉnh tiếp tục cụ thể hóa"));
  EXPECT_EQ(page.author, "Minh Thùy");
  ExpectCleanFields(page);
}

TEST(PortalPageParserTest, Page004CountersImageMarkerAndCaption) {
  const ParsedPage page = ParseSample(kPage004);
  EXPECT_EQ(page.title, kSharedTitle);
  EXPECT_EQ(page.publish_time, Utc(2023, 1, 11, 21, 44));
  EXPECT_EQ(page.view_count, 120);
  EXPECT_EQ(page.comment_count, 0);
  EXPECT_EQ(page.source_label, "");
  EXPECT_THAT(page.summary,
              StartsWith("Ban Thường vụ Thành ủy vừa ban hành công văn chỉ đạo về tiếp tục"));
  // The NBSP inside the caption becomes a plain space.
  EXPECT_THAT(page.image_captions,
              ElementsAre("Lãnh đạo thành phố tiếp và làm việc với Đoàn công tác TP Nasushiobara "
                          "Nhật Bản. Ảnh minh họa: Ảnh: PV."));
  EXPECT_THAT(page.image_caption_positions, ElementsAre(0u));
  ASSERT_EQ(page.body_paragraphs.size(), 5u);
  EXPECT_THAT(page.body_paragraphs[0], StartsWith("Ban Thường vụ Thành ủy yêu cầu các cấp ủy"));
  EXPECT_THAT(page.body_paragraphs[4], StartsWith("Ban cán sự đảng Ủy ban nhân dân lãnh đạo"));
  EXPECT_EQ(page.author, "Ngô Phương Văn");
  ExpectCleanFields(page);
}

// Captions keep the place of their images among the paragraphs, both kinds of caption: after an
// image marker and after two blank lines.
TEST(PortalPageParserTest, CaptionPositionsFollowTheImages) {
  absl::StatusOr<ParsedPage> page = ParsePortalPage(
      "inline.txt",
      "Tiêu đề bài có ảnh\n\nThứ hai - 05/09/2022 22:28\nDIC - Đoạn dẫn của bài.\n\n"
      "Đoạn thứ nhất.\n12 1 anh_mot\nChú thích ảnh một.\nĐoạn thứ hai.\n\n\n"
      "Chú thích ảnh hai.\n\nĐoạn thứ ba.\n\nTác giả: Minh Thùy\n");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(page->body_paragraphs,
              ElementsAre("Đoạn thứ nhất.", "Đoạn thứ hai.", "Đoạn thứ ba."));
  EXPECT_THAT(page->image_captions, ElementsAre("Chú thích ảnh một.", "Chú thích ảnh hai."));
  EXPECT_THAT(page->image_caption_positions, ElementsAre(1u, 2u));
}

TEST(PortalPageParserTest, Pages000And004ShareTheTitle) {
  EXPECT_EQ(ParseSample(kPage000).title, ParseSample(kPage004).title);
}

TEST(PortalPageParserTest, InvalidUtf8NamesFileAndLine) {
  std::string text = ReadSample(kPage002);
  // Corrupt line 7 ("Bối cảnh tình hình ...") with a truncated sequence.
  const size_t line7 = text.find("Bối cảnh tình hình");
  ASSERT_NE(line7, std::string::npos);
  text.insert(line7 + 1, "\xE1\xBB");
  const absl::StatusOr<ParsedPage> page = ParsePortalPage(kPage002, text);
  EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(page.status().message(), absl::StrCat(kPage002, ":7: invalid UTF-8"));
}

TEST(PortalPageParserTest, InvalidUtf8OnFirstLine) {
  const absl::StatusOr<ParsedPage> page = ParsePortalPage("x.txt", "Ti\xC0\xAF\xC3\xAAu \n");
  EXPECT_EQ(page.status().message(), "x.txt:1: invalid UTF-8");
}

TEST(PortalPageParserTest, ImpossibleDatesAreErrorsNamingTheLine) {
  const absl::StatusOr<ParsedPage> february =
      ParsePortalPage("a.txt", "Tiêu đề\n\nThứ hai - 31/02/2022 10:00\nTóm tắt.\n");
  EXPECT_EQ(february.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(february.status().message()), StartsWith("a.txt:3: "));
  EXPECT_THAT(std::string(february.status().message()), HasSubstr("31/02/2022"));

  const absl::StatusOr<ParsedPage> clock =
      ParsePortalPage("b.txt", "NHÃN\n\nTiêu đề\n\n\n25-04-2022 25:61\n\nTóm tắt.");
  EXPECT_THAT(std::string(clock.status().message()), StartsWith("b.txt:6: "));
  EXPECT_THAT(std::string(clock.status().message()), HasSubstr("25:61"));

  const absl::StatusOr<ParsedPage> month =
      ParsePortalPage("c.txt", "Tiêu đề\n13-13-2022 10:00\nTóm tắt.");
  EXPECT_THAT(std::string(month.status().message()), StartsWith("c.txt:2: "));
}

TEST(PortalPageParserTest, UnknownWeekdayIsAnError) {
  const absl::StatusOr<ParsedPage> page =
      ParsePortalPage("d.txt", "Tiêu đề\n\nThứ tám - 05/09/2022 22:28\nTóm tắt.");
  EXPECT_THAT(std::string(page.status().message()), StartsWith("d.txt:3: unknown weekday"));
}

TEST(PortalPageParserTest, WeekdayCaseAndSundayAreAccepted) {
  const absl::StatusOr<ParsedPage> lower =
      ParsePortalPage("e.txt", "Tiêu đề\nTHỨ HAI - 05/09/2022 22:28\nTóm tắt.");
  ASSERT_TRUE(lower.ok()) << lower.status();
  EXPECT_EQ(lower->publish_time, Utc(2022, 9, 5, 15, 28));
  EXPECT_EQ(lower->summary, "Tóm tắt.");

  // 00:30 local on 1 January is still the previous year in UTC.
  const absl::StatusOr<ParsedPage> sunday =
      ParsePortalPage("f.txt", "Tiêu đề\nChủ nhật - 1/1/2023 0:30 7 2\nTóm tắt.");
  ASSERT_TRUE(sunday.ok()) << sunday.status();
  EXPECT_EQ(sunday->publish_time, Utc(2022, 12, 31, 17, 30));
  EXPECT_EQ(sunday->view_count, 7);
  EXPECT_EQ(sunday->comment_count, 2);
}

TEST(PortalPageParserTest, EmptyPagesAreErrors) {
  EXPECT_EQ(ParsePortalPage("empty.txt", "").status().message(), "empty.txt:1: empty page");
  const absl::StatusOr<ParsedPage> blank = ParsePortalPage("blank.txt", " \n\u00a0\n\t\r\n\n");
  EXPECT_EQ(blank.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(blank.status().message(), "blank.txt:1: empty page");
}

TEST(PortalPageParserTest, PagesWithoutTitleAreErrors) {
  const absl::StatusOr<ParsedPage> chrome_only =
      ParsePortalPage("g.txt", "Tin liên quan\n\nBÌNH LUẬN\n\nTổng truy cập: 5");
  EXPECT_EQ(chrome_only.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(chrome_only.status().message()), StartsWith("g.txt:5: no title"));

  const absl::StatusOr<ParsedPage> date_first =
      ParsePortalPage("h.txt", "\n25-04-2022 14:41\n\nTóm tắt.");
  EXPECT_THAT(std::string(date_first.status().message()), StartsWith("h.txt:2: no title"));
}

TEST(PortalPageParserTest, NfdInputComesOutNfc) {
  // "Công tác đối ngoại" and "Tác giả: Minh Thùy" in NFD, with NBSPs around the title.
  const std::string text =
      "\u00a0Co\u0302ng ta\u0301c \u0111o\u0302\u0301i ngoa\u0323i\u00a0\n"
      "25-04-2022 14:41\n"
      "Ta\u0301c gia\u0309: Minh Thu\u0300y\n";
  const absl::StatusOr<ParsedPage> page = ParsePortalPage("nfd.txt", text);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->title, "Công tác đối ngoại");
  EXPECT_EQ(page->author, "Minh Thùy");
  EXPECT_EQ(page->summary, "");
}

TEST(PortalPageParserTest, ChromeMatchesWhateverTheCounters) {
  const absl::StatusOr<ParsedPage> page = ParsePortalPage(
      "i.txt",
      "Bạn đã không sử dụng Site, Bấm vào đây để duy trì trạng thái đăng nhập. Thời gian chờ: 30 "
      "giây\nTiêu đề\n\nTóm tắt.\n\nThân bài.\n\nĐang truy cập: 42\nBạn còn 12/500 ký tự\n"
      "Thân bài sau chrome.");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->title, "Tiêu đề");
  EXPECT_EQ(page->summary, "Tóm tắt.");
  EXPECT_THAT(page->body_paragraphs, ElementsAre("Thân bài."));
}

TEST(PortalPageParserTest, AllCapitalsTitleAboveDateIsNotALabel) {
  const absl::StatusOr<ParsedPage> page =
      ParsePortalPage("j.txt", "ĐỐI NGOẠI NHÂN DÂN\n25-04-2022 14:41\nVTV - Tóm tắt.\nThân bài.");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->title, "ĐỐI NGOẠI NHÂN DÂN");
  EXPECT_EQ(page->source_label, "VTV");
  EXPECT_EQ(page->summary, "Tóm tắt.");
  EXPECT_THAT(page->body_paragraphs, ElementsAre("Thân bài."));
  EXPECT_EQ(page->author, "");
}

TEST(PortalPageParserTest, AuthorCreditWordsAreStripped) {
  const absl::StatusOr<ParsedPage> page = ParsePortalPage(
      "k.txt", "Tiêu đề\nTóm tắt.\nTác giả: Bài và ảnh: Lê Văn An\nThân bài sau tác giả.");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->author, "Lê Văn An");
  EXPECT_THAT(page->body_paragraphs, ElementsAre("Thân bài sau tác giả."));
}

TEST(PortalPageParserTest, ControlCharactersAreErrors) {
  const absl::StatusOr<ParsedPage> page = ParsePortalPage("l.txt", "Tiêu đề\nTóm\x01 tắt.");
  EXPECT_EQ(page.status().message(), "l.txt:2: control character");
}

}  // namespace
}  // namespace news::importer
