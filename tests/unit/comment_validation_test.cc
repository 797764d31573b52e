// Unit tests of the pure comment text rules and of lenient request parsing.

#include "server/domain/comments/comment_validation.h"

#include <gtest/gtest.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

#include "google/rpc/error_details.pb.h"
#include "news/v1/moderation.pb.h"
#include "server/domain/status_details.h"
#include "server/transport/lenient_request.h"

namespace news {
namespace {

std::vector<std::string> Fields(const absl::Status& status) {
  std::vector<std::string> fields;
  absl::optional<absl::Cord> payload = status.GetPayload(kBadRequestTypeUrl);
  google::rpc::BadRequest bad_request;
  if (payload && bad_request.ParseFromString(std::string(*payload))) {
    for (const auto& violation : bad_request.field_violations()) {
      fields.push_back(violation.field());
    }
  }
  return fields;
}

TEST(CommentValidationTest, NormalisesAndCountsCodePoints) {
  absl::StatusOr<CommentText> text =
      ValidateCommentText("  Ngo\xcc\x82 Va\xcc\x86n ", "\u3000Tuye\xcc\xa3\xcc\x82t\n");
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(text->author_name, "Ngô Văn");
  EXPECT_EQ(text->body, "Tuyệt");
  EXPECT_EQ(Fields(ValidateCommentText("", "Đúng").status()),
            (std::vector<std::string>{"author_name", "body"}));
}

TEST(CommentValidationTest, RejectsBrokenBytesAndControlCharactersOnAnyInput) {
  EXPECT_EQ(Fields(ValidateCommentText("An", "Xin ch\xc3\x28o bạn").status()),
            std::vector<std::string>{"body"});
  EXPECT_EQ(Fields(ValidateCommentText("An\tBình", "Xin chào bạn").status()),
            std::vector<std::string>{"author_name"});
  EXPECT_EQ(Fields(ValidateCommentText("An", std::string("Xin\0chào", 9)).status()),
            std::vector<std::string>{"body"});
  // Every single byte value, alone and after valid text, gives an answer and never crashes.
  for (int byte = 0; byte < 256; ++byte) {
    const std::string b(1, static_cast<char>(byte));
    (void)ValidateCommentText(b, b);
    (void)ValidateCommentText("Bình" + b, "Bình luận" + b);
  }
}

// The description of the violation of `field`, or "" when there is none.
std::string Violation(const absl::Status& status, const std::string& field) {
  absl::optional<absl::Cord> payload = status.GetPayload(kBadRequestTypeUrl);
  google::rpc::BadRequest bad_request;
  if (payload && bad_request.ParseFromString(std::string(*payload))) {
    for (const auto& violation : bad_request.field_violations()) {
      if (violation.field() == field) return violation.description();
    }
  }
  return "";
}

TEST(CommentValidationTest, InvisibleCharactersAreNotContent) {
  for (const char* body : {"\u200B\u200B\u200B\u200B\u200B", "\uFEFF\uFEFF\uFEFF\uFEFF\uFEFF",
                           "\u2060\u2060\u2060\u2060\u2060", "Hay\u200B\u200B",
                           "Hay\u200D\u200D", "Hay\uFE0F\uFE0F\uFE0F", " \u00AD\u00AD\u00AD "}) {
    const absl::Status status = ValidateCommentText("An", body).status();
    EXPECT_EQ(Fields(status), std::vector<std::string>{"body"}) << body;
    EXPECT_TRUE(absl::StartsWith(Violation(status, "body"), "must have at least 5 visible"))
        << Violation(status, "body");
  }
  for (const char* name : {"\u200B", "\u3164", "\u200E\u200F", " \uFEFF "}) {
    EXPECT_EQ(Fields(ValidateCommentText(name, "Bài viết hay").status()),
              std::vector<std::string>{"author_name"})
        << name;
  }
  // Stray invisibles are removed from what is stored; visible text passes.
  absl::StatusOr<CommentText> text =
      ValidateCommentText("\u200BNg\u00F4 An\uFEFF", "B\u00E0i\u200B vi\u1EBFt hay\u2060");
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(text->author_name, "Ng\u00F4 An");
  EXPECT_EQ(text->body, "B\u00E0i vi\u1EBFt hay");
  // An emoji sequence is one visible character and is kept whole.
  const std::string family = "\U0001F468\u200D\U0001F469\u200D\U0001F467";
  text = ValidateCommentText(family, family + " hay!");
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(text->author_name, family);
  EXPECT_EQ(Fields(ValidateCommentText("An", family + family + family + family).status()),
            std::vector<std::string>{"body"});
}

TEST(CommentValidationTest, RefusesDirectionControlsInEitherField) {
  EXPECT_EQ(Fields(ValidateCommentText("An\u202Egnol", "B\u00E0i vi\u1EBFt hay").status()),
            std::vector<std::string>{"author_name"});
  EXPECT_EQ(Fields(ValidateCommentText("An", "B\u00E0i \u2067vi\u1EBFt\u2069 hay").status()),
            std::vector<std::string>{"body"});
}

TEST(CommentValidationTest, LineBreaksBecomeNewlinesInTheBodyOnly) {
  absl::StatusOr<CommentText> text =
      ValidateCommentText("An", "D\u00F2ng th\u1EE9 nh\u1EA5t\r\nD\u00F2ng th\u1EE9 hai");
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(text->body, "D\u00F2ng th\u1EE9 nh\u1EA5t\nD\u00F2ng th\u1EE9 hai");
  for (const char* line_break : {"\r", "\u2028", "\u2029", "\u0085"}) {
    text = ValidateCommentText("An", absl::StrCat("M\u1ED9t", line_break, "Hai"));
    ASSERT_TRUE(text.ok()) << text.status();
    EXPECT_EQ(text->body, "M\u1ED9t\nHai");
    EXPECT_EQ(Fields(ValidateCommentText(absl::StrCat("An", line_break, "B"), "Bài viết hay")
                         .status()),
              std::vector<std::string>{"author_name"});
  }
  // The maximum is in code points of the normalised body: 500 passes, 501 does not, and CRLF
  // counts as one.
  EXPECT_TRUE(ValidateCommentText("An", std::string(498, 'a') + "\r\n" + "b").ok());
  EXPECT_EQ(Fields(ValidateCommentText("An", std::string(501, 'a')).status()),
            std::vector<std::string>{"body"});
}

TEST(CommentValidationTest, DuplicateKeyIgnoresCaseToneMarksAndSpacing) {
  EXPECT_EQ(DuplicateKey("Bài viết  RẤT hay\n"), DuplicateKey("bai viet rat hay"));
  EXPECT_EQ(DuplicateKey("Đường"), DuplicateKey("duong"));
  EXPECT_NE(DuplicateKey("Bài viết hay"), DuplicateKey("Bài viết dở"));
}

TEST(LenientRequestTest, NamesNestedStringFieldsWithInvalidUtf8) {
  v1::ListModerationQueueResponse message;
  auto* item = message.add_items();
  item->set_article_title("Tin tốt");
  item->mutable_comment()->set_body("placeholder");
  std::string bytes = message.SerializeAsString();
  const std::string placeholder = "placeholder";
  bytes.replace(bytes.find(placeholder), placeholder.size(),
                "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6\xf5");
  grpc::Slice slice(bytes);
  const grpc::ByteBuffer buffer(&slice, 1);
  v1::ListModerationQueueResponse parsed;
  const absl::Status status = ParseRequestLeniently(buffer, parsed);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Fields(status), std::vector<std::string>{"items.comment.body"});

  grpc::Slice good_slice(message.SerializeAsString());
  EXPECT_TRUE(ParseRequestLeniently(grpc::ByteBuffer(&good_slice, 1), parsed).ok());
  EXPECT_EQ(parsed.items(0).article_title(), "Tin tốt");
}

}  // namespace
}  // namespace news
