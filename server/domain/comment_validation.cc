#include "server/domain/comment_validation.h"

#include "absl/strings/str_cat.h"
#include "server/domain/status_details.h"
#include "server/text/unicode_text.h"

namespace news {
namespace {

// Normalises one field and adds a violation when it breaks a rule; returns the normalised
// text (meaningless when a violation was added).
std::string CheckField(absl::string_view field, absl::string_view raw, size_t min_chars,
                       size_t max_chars, bool allow_newline, FieldViolations& violations) {
  if (!text::IsValidUtf8(raw)) {
    violations.Add(field, "must be valid UTF-8");
    return "";
  }
  absl::StatusOr<std::string> nfc = text::ToNfc(text::TrimWhitespace(raw));
  if (!nfc.ok()) {
    violations.Add(field, "must be valid UTF-8");
    return "";
  }
  if (text::HasControlCharacters(*nfc, allow_newline)) {
    violations.Add(field, allow_newline ? "must not contain control characters other than newline"
                                        : "must not contain control characters");
    return "";
  }
  const size_t chars = text::CodePointCount(*nfc);
  if (chars < min_chars || chars > max_chars) {
    violations.Add(field, absl::StrCat("must be ", min_chars, " to ", max_chars,
                                       " characters long, not ", chars));
  }
  return *std::move(nfc);
}

}  // namespace

CommentText CheckCommentText(absl::string_view author_name, absl::string_view body,
                             FieldViolations& violations) {
  CommentText text;
  text.author_name =
      CheckField("author_name", author_name, 1, kMaxAuthorNameChars, false, violations);
  text.body =
      CheckField("body", body, kMinCommentBodyChars, kMaxCommentBodyChars, true, violations);
  return text;
}

absl::StatusOr<CommentText> ValidateCommentText(absl::string_view author_name,
                                                absl::string_view body) {
  FieldViolations violations;
  CommentText text = CheckCommentText(author_name, body, violations);
  if (!violations.empty()) return violations.ToStatus();
  return text;
}

std::string DuplicateKey(absl::string_view body) {
  return text::CollapseWhitespace(text::FoldForSearch(body));
}

}  // namespace news
