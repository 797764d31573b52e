#ifndef NEWS_SERVER_IMPORTER_PORTAL_PAGE_PARSER_H_
#define NEWS_SERVER_IMPORTER_PORTAL_PAGE_PARSER_H_

// Parses the plain-text dumps of Vietnamese provincial news portal article pages (the format of
// db/samples/) into the fields of an article, with the site chrome removed.
// docs/importer.md describes the rules.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace news::importer {

struct ParsedPage {
  std::string title;
  // Absent when the page shows no date. Pages write local time, UTC+7.
  std::optional<absl::Time> publish_time;
  // The two counters after the time in "Thứ năm - 12/01/2023 04:44 120 0"; absent otherwise.
  std::optional<int64_t> view_count;
  // The portal's count of its own comments, which are not imported: the importer ignores it.
  std::optional<int64_t> comment_count;
  // The publisher label, e.g. "PROVINCE INSPECTORATE" (a line above the title) or "DIC" (the
  // "DIC - " prefix of the lead); empty when the page names none.
  std::string source_label;
  // The lead paragraph, without a source prefix.
  std::string summary;
  std::vector<std::string> body_paragraphs;
  std::string author;
  std::vector<std::string> image_captions;
  // For each of image_captions, how many body_paragraphs come before its image.
  std::vector<size_t> image_caption_positions;
};

// Parses one page. All strings in the result are NFC and trimmed. On failure returns
// InvalidArgument with a message "FILE_NAME:LINE: what is wrong" (LINE is 1-based), e.g. for
// invalid UTF-8, an empty page, no title, or a date line with an impossible date.
absl::StatusOr<ParsedPage> ParsePortalPage(absl::string_view file_name, absl::string_view text);

}  // namespace news::importer

#endif  // NEWS_SERVER_IMPORTER_PORTAL_PAGE_PARSER_H_
