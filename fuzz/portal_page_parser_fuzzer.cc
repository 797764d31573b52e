// Feeds arbitrary bytes to the portal page parser: it must return a page or InvalidArgument,
// never crash, and a parsed page must hold valid, trimmed UTF-8 with a title.

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "server/importer/portal_page_parser.h"
#include "server/text/unicode_text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  const auto page = news::importer::ParsePortalPage("fuzz.txt", text);
  if (!page.ok()) {
    if (page.status().code() != absl::StatusCode::kInvalidArgument) std::abort();
    return 0;
  }
  if (page->title.empty() || !news::text::IsValidUtf8(page->title)) std::abort();
  for (const std::string& paragraph : page->body_paragraphs) {
    if (!news::text::IsValidUtf8(paragraph)) std::abort();
  }
  if (!news::text::IsValidUtf8(page->summary) || !news::text::IsValidUtf8(page->author)) {
    std::abort();
  }
  return 0;
}
