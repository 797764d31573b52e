#ifndef NEWS_SERVER_IMPORTER_ARTICLE_IMPORTER_H_
#define NEWS_SERVER_IMPORTER_ARTICLE_IMPORTER_H_

// Stores parsed portal pages as articles (docs/importer.md): one transaction per page, so a page
// is imported whole or not at all, and re-importing a page updates its article in place.

#include <cstdint>
#include <pqxx/pqxx>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/storage/articles/article_state.h"

namespace news::importer {

struct ImportOptions {
  // The category imported articles are filed under (the sample pages name none).
  std::string category_name = "Thời sự";
};

struct ImportOutcome {
  int64_t article_id;
  std::string slug;
  bool created;
  // Scheduled for a page dated in the future; a re-imported article keeps a state an editor
  // gave it (docs/newsroom.md).
  ArticleState state;
};

// Parses `content` (the text of file `file_path`) and upserts it. The page's identity is the
// file's base name without extension (the crawler names files after the page URL's hash), so
// the same file imported again updates the same article. InvalidArgument "FILE:LINE: ..." when
// the page cannot be parsed (nothing is written); database errors throw pqxx exceptions.
absl::StatusOr<ImportOutcome> ImportPortalPage(pqxx::connection& db, absl::string_view file_path,
                                               absl::string_view content,
                                               const ImportOptions& options);

// Rebuilds the search documents that migrations queued after a change of the tokenisation
// (db/migrations/0007), `batch_size` articles per transaction, until the queue is empty; returns
// how many it rebuilt. Safe to interrupt and to run beside the server, an import or another
// rebuild. Database errors throw pqxx exceptions.
int64_t RebuildQueuedSearchDocuments(pqxx::connection& db, int batch_size = 500);

}  // namespace news::importer

#endif  // NEWS_SERVER_IMPORTER_ARTICLE_IMPORTER_H_
