#include "client-sample/display_text.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace news::client {

std::string Counted(int64_t count, absl::string_view singular, absl::string_view plural) {
  return absl::StrCat(count, " ", count == 1 ? singular : plural);
}

std::string IndentLines(absl::string_view text, absl::string_view indent) {
  return absl::StrCat(indent, absl::StrJoin(absl::StrSplit(text, '\n'),
                                            absl::StrCat("\n", indent)));
}

}  // namespace news::client
