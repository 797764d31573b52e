#ifndef NEWS_SERVER_DOMAIN_STATUS_DETAILS_H_
#define NEWS_SERVER_DOMAIN_STATUS_DETAILS_H_

// Builders for absl::Status values that carry google.rpc error details (BadRequest, RetryInfo,
// ErrorInfo) as payloads keyed by their type URL. The transport layer turns the payloads into
// the grpc-status-details-bin trailer (transport/grpc_status.h); the domain layer never sees gRPC.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace news {

inline constexpr char kBadRequestTypeUrl[] = "type.googleapis.com/google.rpc.BadRequest";
inline constexpr char kRetryInfoTypeUrl[] = "type.googleapis.com/google.rpc.RetryInfo";
inline constexpr char kErrorInfoTypeUrl[] = "type.googleapis.com/google.rpc.ErrorInfo";

// Collects the bad fields of one request, so that an app can show every message at once.
class FieldViolations {
 public:
  void Add(absl::string_view field, absl::string_view description);
  bool empty() const { return violations_.empty(); }
  // OkStatus when nothing was added; otherwise InvalidArgument naming every field, with a
  // google.rpc.BadRequest payload.
  absl::Status ToStatus() const;

 private:
  std::vector<std::pair<std::string, std::string>> violations_;
};

// InvalidArgument for one bad field, with a google.rpc.BadRequest payload.
absl::Status InvalidFieldError(absl::string_view field, absl::string_view description);

// ResourceExhausted with a google.rpc.RetryInfo payload telling the client when to retry.
absl::Status RetryLaterError(absl::string_view message, absl::Duration retry_delay);

// `status` with a google.rpc.ErrorInfo payload whose reason is `reason` (UPPER_SNAKE_CASE) and
// domain "news.v1".
absl::Status WithErrorReason(absl::Status status, absl::string_view reason);

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_STATUS_DETAILS_H_
