#include "server/transport/lenient_request.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/unknown_field_set.h>
#include <grpcpp/support/slice.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/domain/status_details.h"
#include "server/text/unicode_text.h"

namespace news {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::UnknownField;
using google::protobuf::UnknownFieldSet;

// Nesting deeper than this is not a request of ours; protobuf's own limit is 100.
constexpr int kMaxDepth = 32;

// UnknownFieldSet keeps every field as raw wire data without checking UTF-8; the descriptor
// tells which of them are strings or messages.
void FindInvalidUtf8(const UnknownFieldSet& fields, const Descriptor& descriptor,
                     const std::string& prefix, int depth, FieldViolations& violations) {
  for (int i = 0; i < fields.field_count(); ++i) {
    const UnknownField& field = fields.field(i);
    if (field.type() != UnknownField::TYPE_LENGTH_DELIMITED) continue;
    const FieldDescriptor* field_descriptor = descriptor.FindFieldByNumber(field.number());
    if (field_descriptor == nullptr) continue;
    const std::string path = absl::StrCat(prefix, field_descriptor->name());
    if (field_descriptor->type() == FieldDescriptor::TYPE_STRING) {
      if (!text::IsValidUtf8(field.length_delimited())) {
        violations.Add(path, "must be valid UTF-8");
      }
    } else if (field_descriptor->type() == FieldDescriptor::TYPE_MESSAGE && depth < kMaxDepth) {
      UnknownFieldSet nested;
      if (nested.ParseFromString(field.length_delimited())) {
        FindInvalidUtf8(nested, *field_descriptor->message_type(), absl::StrCat(path, "."),
                        depth + 1, violations);
      }
    }
  }
}

}  // namespace

absl::Status ParseRequestLeniently(const grpc::ByteBuffer& buffer,
                                   google::protobuf::Message& message) {
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) return absl::InvalidArgumentError("unreadable request");
  std::string bytes;
  for (const grpc::Slice& slice : slices) {
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  UnknownFieldSet fields;
  if (!fields.ParseFromString(bytes)) {
    return absl::InvalidArgumentError("the request is not a serialized protocol buffer");
  }
  FieldViolations violations;
  FindInvalidUtf8(fields, *message.GetDescriptor(), "", 0, violations);
  if (!violations.empty()) return violations.ToStatus();
  if (!message.ParseFromString(bytes)) {
    return absl::InvalidArgumentError(
        absl::StrCat("the request is not a valid ", message.GetTypeName()));
  }
  return absl::OkStatus();
}

absl::Status SerializeResponse(const google::protobuf::Message& message, grpc::ByteBuffer& buffer) {
  std::string bytes;
  if (!message.SerializeToString(&bytes)) {
    return absl::InternalError("the response could not be serialized");
  }
  grpc::Slice slice(std::move(bytes));
  buffer = grpc::ByteBuffer(&slice, 1);
  return absl::OkStatus();
}

}  // namespace news
