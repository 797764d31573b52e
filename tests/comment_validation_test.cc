// Unit tests of the pure comment text rules and of lenient request parsing.

#include "server/domain/comment_validation.h"

#include <gtest/gtest.h>

#include <string>

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
