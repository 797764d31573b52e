#ifndef NEWS_SERVER_DOMAIN_COMMENT_VALIDATION_H_
#define NEWS_SERVER_DOMAIN_COMMENT_VALIDATION_H_

// The text rules of a new comment (see ../shared/guide/vietnamese-text.md). Pure functions of
// their input, safe on arbitrary bytes, so they can be fuzzed on their own.

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/domain/status_details.h"

namespace news {

inline constexpr size_t kMinCommentBodyChars = 5;
inline constexpr size_t kMaxCommentBodyChars = 500;
inline constexpr size_t kMaxAuthorNameChars = 50;
inline constexpr size_t kMaxRequestIdBytes = 100;
inline constexpr size_t kMaxReportNoteChars = 300;

// A comment's user text after text::NormalizeDisplayText.
struct CommentText {
  // One line; at least 1 visible character, at most 50 code points.
  std::string author_name;
  // Line breaks are '\n'; at least 5 visible characters, at most 500 code points.
  std::string body;
};

// Normalises `author_name` (LineBreaks::kRefuse) and `body` (LineBreaks::kAllow) with
// text::NormalizeDisplayText, then checks the minimum in visible characters and the maximum in
// code points of the normalised text. InvalidArgument with a google.rpc.BadRequest violation for
// each bad field ("author_name", "body"): a character NormalizeDisplayText refuses, too few
// visible characters (e.g. a body of five U+200B) or too many code points.
absl::StatusOr<CommentText> ValidateCommentText(absl::string_view author_name,
                                                absl::string_view body);

// As ValidateCommentText, but adds the violations to `violations` (so a caller can report them
// with its own) and returns the normalised text, meaningless for fields that were violated.
CommentText CheckCommentText(absl::string_view author_name, absl::string_view body,
                             FieldViolations& violations);

// The body rule of CheckCommentText alone (for UpdateComment): adds a "body" violation or
// returns the normalised body.
std::string CheckCommentBody(absl::string_view body, FieldViolations& violations);

// A report's optional note: the display-text rules of a body (line breaks allowed), no minimum,
// at most 300 code points; adds a "note" violation or returns the normalised note.
std::string CheckReportNote(absl::string_view note, FieldViolations& violations);

// What the duplicate rule compares: `body` (valid UTF-8) folded for search (case, tone marks,
// "đ" -> "d") with white space runs collapsed, so "Bài  viết HAY" and "bài viết hay" match.
std::string DuplicateKey(absl::string_view body);

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_COMMENT_VALIDATION_H_
