#include "server/domain/status_details.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/rpc/error_details.pb.h"

namespace news {

void FieldViolations::Add(absl::string_view field, absl::string_view description) {
  violations_.emplace_back(std::string(field), std::string(description));
}

absl::Status FieldViolations::ToStatus() const {
  if (violations_.empty()) return absl::OkStatus();
  google::rpc::BadRequest details;
  std::vector<std::string> parts;
  for (const auto& [field, description] : violations_) {
    auto* violation = details.add_field_violations();
    violation->set_field(field);
    violation->set_description(description);
    parts.push_back(absl::StrCat(field, ": ", description));
  }
  absl::Status status = absl::InvalidArgumentError(absl::StrJoin(parts, "; "));
  status.SetPayload(kBadRequestTypeUrl, absl::Cord(details.SerializeAsString()));
  return status;
}

absl::Status InvalidFieldError(absl::string_view field, absl::string_view description) {
  FieldViolations violations;
  violations.Add(field, description);
  return violations.ToStatus();
}

absl::Status RetryLaterError(absl::string_view message, absl::Duration retry_delay) {
  google::rpc::RetryInfo details;
  const int64_t millis = absl::ToInt64Milliseconds(retry_delay);
  details.mutable_retry_delay()->set_seconds(millis / 1000);
  details.mutable_retry_delay()->set_nanos(static_cast<int32_t>(millis % 1000) * 1000000);
  absl::Status status = absl::ResourceExhaustedError(message);
  status.SetPayload(kRetryInfoTypeUrl, absl::Cord(details.SerializeAsString()));
  return status;
}

absl::Status WithErrorReason(absl::Status status, absl::string_view reason) {
  google::rpc::ErrorInfo details;
  details.set_reason(std::string(reason));
  details.set_domain("news.v1");
  status.SetPayload(kErrorInfoTypeUrl, absl::Cord(details.SerializeAsString()));
  return status;
}

}  // namespace news
