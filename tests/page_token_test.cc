#include <gtest/gtest.h>

#include "google/rpc/error_details.pb.h"
#include "server/domain/pagination.h"
#include "server/domain/status_details.h"

namespace news {
namespace {

std::string ViolatedField(const absl::Status& status) {
  auto payload = status.GetPayload(kBadRequestTypeUrl);
  if (!payload) return "";
  google::rpc::BadRequest details;
  details.ParseFromString(std::string(*payload));
  return details.field_violations_size() > 0 ? details.field_violations(0).field() : "";
}

TEST(PageTokenTest, RoundTripsKeys) {
  PageTokenCodec codec("secret");
  const std::string token = codec.Encode("scope", {1650872460000000, -5, 42});
  auto keys = codec.Decode(token, "scope", 3);
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(*keys, (std::vector<int64_t>{1650872460000000, -5, 42}));
  // base64url: safe in URLs and metadata without escaping.
  EXPECT_EQ(token.find_first_of("+/="), std::string::npos);
}

TEST(PageTokenTest, RejectsEveryAlteredCharacter) {
  PageTokenCodec codec("secret");
  const std::string token = codec.Encode("scope", {123456789, 7});
  for (size_t i = 0; i < token.size(); ++i) {
    std::string altered = token;
    altered[i] = altered[i] == 'A' ? 'B' : 'A';
    auto keys = codec.Decode(altered, "scope", 2);
    EXPECT_EQ(keys.status().code(), absl::StatusCode::kInvalidArgument) << "position " << i;
    EXPECT_EQ(ViolatedField(keys.status()), "page_token");
  }
}

TEST(PageTokenTest, RejectsOtherScopeSecretOrShape) {
  PageTokenCodec codec("secret");
  const std::string token = codec.Encode("ListArticles/c1", {1, 2});
  EXPECT_FALSE(codec.Decode(token, "ListArticles/c2", 2).ok());
  EXPECT_FALSE(PageTokenCodec("other").Decode(token, "ListArticles/c1", 2).ok());
  EXPECT_FALSE(codec.Decode(token, "ListArticles/c1", 3).ok());
  EXPECT_FALSE(codec.Decode("not a token!", "ListArticles/c1", 2).ok());
  EXPECT_FALSE(codec.Decode(token.substr(0, token.size() - 2), "ListArticles/c1", 2).ok());
}

TEST(PageSizeTest, DefaultsCoercesAndRejectsNegative) {
  EXPECT_EQ(*ResolvePageSize(0, 20, 100), 20);
  EXPECT_EQ(*ResolvePageSize(7, 20, 100), 7);
  EXPECT_EQ(*ResolvePageSize(1000, 20, 100), 100);
  auto negative = ResolvePageSize(-1, 20, 100);
  EXPECT_EQ(negative.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ViolatedField(negative.status()), "page_size");
}

}  // namespace
}  // namespace news
