#ifndef NEWS_SERVER_TEXT_LINK_COUNT_H_
#define NEWS_SERVER_TEXT_LINK_COUNT_H_

// Counting links in user text for the link hold (docs/comments.md, "Links"). Pure.

#include <cstddef>

#include "absl/strings/string_view.h"

namespace news::text {

// Links in `text`: URLs with a scheme ("https://...", "ftp://..."; the rest of the URL is not
// looked at again) and bare domains ("example.com", "bit.ly/x", "www.tin-moi.com.vn",
// "a@b.com": at least two dot-separated labels of ASCII letters, digits and '-', the last of
// them a top-level domain on a built-in list of common ones). The list keeps Vietnamese
// abbreviations such as "TP.HCM", "TP.HN" and "v.v." from counting; domains under other
// top-level domains and internationalised domains are not counted.
size_t CountLinks(absl::string_view text);

}  // namespace news::text

#endif  // NEWS_SERVER_TEXT_LINK_COUNT_H_
