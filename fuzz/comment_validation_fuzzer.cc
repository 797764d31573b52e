// Comment text comes straight from users: validation of arbitrary bytes must accept or answer
// InvalidArgument, never crash, and accepted text must be valid UTF-8 within the length limits.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "server/domain/comments/comment_validation.h"
#include "server/text/unicode_text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  // The first byte splits the input into author name and body.
  const size_t split = size == 0 ? 0 : std::min<size_t>(data[0], size - 1) + 1;
  const absl::string_view author = input.substr(0, split);
  const absl::string_view body = input.substr(split);
  const auto text = news::ValidateCommentText(author, body);
  if (!text.ok()) {
    if (text.status().code() != absl::StatusCode::kInvalidArgument) std::abort();
    news::DuplicateKey(news::text::IsValidUtf8(body) ? body : "");
    return 0;
  }
  if (!news::text::IsValidUtf8(text->author_name) || !news::text::IsValidUtf8(text->body)) {
    std::abort();
  }
  if (news::text::CodePointCount(text->body) < news::kMinCommentBodyChars ||
      news::text::CodePointCount(text->body) > news::kMaxCommentBodyChars ||
      news::text::CodePointCount(text->author_name) > news::kMaxAuthorNameChars) {
    std::abort();
  }
  news::DuplicateKey(text->body);
  return 0;
}
