#include "server/domain/comments/comment_validation.h"

#include "absl/strings/str_cat.h"
#include "server/domain/status_details.h"
#include "server/text/unicode_text.h"

namespace news {
namespace {

// Normalises one field and adds a violation when it breaks a rule; returns the normalised
// text (meaningless when a violation was added).
std::string CheckField(absl::string_view field, absl::string_view raw, size_t min_chars,
                       size_t max_chars, text::LineBreaks line_breaks,
                       FieldViolations& violations) {
  absl::StatusOr<text::DisplayText> display = text::NormalizeDisplayText(raw, line_breaks);
  if (!display.ok()) {
    violations.Add(field, display.status().message());
    return "";
  }
  if (display->visible_chars < min_chars) {
    violations.Add(field, absl::StrCat("must have at least ", min_chars, " visible character",
                                       min_chars == 1 ? "" : "s", ", not ",
                                       display->visible_chars));
  } else if (display->code_points > max_chars) {
    violations.Add(field, absl::StrCat("must be at most ", max_chars, " characters long, not ",
                                       display->code_points));
  }
  return std::move(display->text);
}

}  // namespace

CommentText CheckCommentText(absl::string_view author_name, absl::string_view body,
                             FieldViolations& violations) {
  CommentText text;
  text.author_name = CheckField("author_name", author_name, 1, kMaxAuthorNameChars,
                                text::LineBreaks::kRefuse, violations);
  text.body = CheckCommentBody(body, violations);
  return text;
}

std::string CheckCommentBody(absl::string_view body, FieldViolations& violations) {
  return CheckField("body", body, kMinCommentBodyChars, kMaxCommentBodyChars,
                    text::LineBreaks::kAllow, violations);
}

std::string CheckReportNote(absl::string_view note, FieldViolations& violations) {
  return CheckField("note", note, 0, kMaxReportNoteChars, text::LineBreaks::kAllow, violations);
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
