#ifndef NEWS_TESTS_SUPPORT_COMMENT_CALLS_H_
#define NEWS_TESTS_SUPPORT_COMMENT_CALLS_H_

// Shared by the CommentService and ModerationService integration tests: call contexts that
// carry an app's client id or an admin token, and articles to comment on.

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "tests/support/error_details.h"

namespace news::testing {

// A 10-second-deadline context sending `x-client-id: client_id`.
std::unique_ptr<grpc::ClientContext> ClientContext(const std::string& client_id);

// A 10-second-deadline context sending `authorization: Bearer token` (nothing when `token` is
// empty).
std::unique_ptr<grpc::ClientContext> AdminContext(const std::string& token);

// Inserts a published article titled `title` and returns its id.
int64_t InsertArticle(const std::string& database_url, const std::string& title);

// The article's comment_count (article_counters).
int64_t CommentCount(const std::string& database_url, int64_t article_id);

}  // namespace news::testing

#endif  // NEWS_TESTS_SUPPORT_COMMENT_CALLS_H_
