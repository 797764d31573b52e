#include "client-sample/reflection_client.h"

#include <google/protobuf/unknown_field_set.h>
#include <grpcpp/generic/generic_stub.h>

#include <memory>

#include "absl/strings/str_cat.h"

namespace news::client {
namespace {

// Debian ships no reflection stubs, so the messages are encoded by field number:
// ServerReflectionRequest.file_containing_symbol (4) and .list_services (7);
// ServerReflectionResponse.file_descriptor_response (4) -> FileDescriptorResponse
// .file_descriptor_proto (1), .list_services_response (6) -> ListServiceResponse.service (1) ->
// ServiceResponse.name (1), and .error_response (7) -> ErrorResponse.error_code (1),
// .error_message (2).
constexpr char kMethod[] = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";

// The length-delimited values numbered `number` in `message`.
std::vector<std::string> Strings(const google::protobuf::UnknownFieldSet& message, int number) {
  std::vector<std::string> values;
  for (int i = 0; i < message.field_count(); ++i) {
    if (message.field(i).number() == number &&
        message.field(i).type() == google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) {
      values.push_back(message.field(i).length_delimited());
    }
  }
  return values;
}

// `bytes` parsed as a message of unknown type (empty when they are not one).
std::unique_ptr<google::protobuf::UnknownFieldSet> Parse(const std::string& bytes) {
  auto fields = std::make_unique<google::protobuf::UnknownFieldSet>();
  if (!fields->ParseFromString(bytes)) fields->Clear();
  return fields;
}

// Sends one ServerReflectionRequest with `field` = `value` and returns the response.
absl::StatusOr<std::unique_ptr<google::protobuf::UnknownFieldSet>> Ask(
    const std::shared_ptr<grpc::Channel>& channel, int field, const std::string& value,
    absl::Duration timeout) {
  google::protobuf::UnknownFieldSet request_fields;
  request_fields.AddLengthDelimited(field, value);
  std::string request_bytes;
  request_fields.SerializeToString(&request_bytes);

  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  grpc::CompletionQueue queue;
  auto call = stub.PrepareCall(&context, kMethod, &queue);
  void* tag = nullptr;
  bool ok = false;
  // One operation at a time, so each Next() returns the tag just started.
  auto step = [&](int id) {
    return queue.Next(&tag, &ok) && tag == reinterpret_cast<void*>(id) && ok;
  };

  call->StartCall(reinterpret_cast<void*>(1));
  grpc::ByteBuffer response_buffer;
  bool exchanged = step(1);
  if (exchanged) {
    grpc::Slice slice(request_bytes);
    grpc::ByteBuffer request(&slice, 1);
    call->Write(request, reinterpret_cast<void*>(2));
    exchanged = step(2);
  }
  if (exchanged) {
    call->WritesDone(reinterpret_cast<void*>(3));
    exchanged = step(3);
  }
  if (exchanged) {
    call->Read(&response_buffer, reinterpret_cast<void*>(4));
    exchanged = step(4);
  }
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  queue.Next(&tag, &ok);
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  }
  if (!exchanged) return absl::UnavailableError("reflection stream ended early");
  std::vector<grpc::Slice> slices;
  response_buffer.Dump(&slices);
  std::string response;
  for (const auto& slice : slices) {
    response.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  auto response_fields = std::make_unique<google::protobuf::UnknownFieldSet>();
  if (!response_fields->ParseFromString(response)) {
    return absl::InternalError("unparsable reflection response");
  }
  for (const std::string& error_bytes : Strings(*response_fields, 7)) {
    const auto error = Parse(error_bytes);
    int code = static_cast<int>(absl::StatusCode::kUnknown);
    std::string message;
    for (int i = 0; i < error->field_count(); ++i) {
      if (error->field(i).number() == 1) code = static_cast<int>(error->field(i).varint());
      if (error->field(i).number() == 2) message = error->field(i).length_delimited();
    }
    return absl::Status(static_cast<absl::StatusCode>(code), message);
  }
  return response_fields;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ListServicesByReflection(
    const std::shared_ptr<grpc::Channel>& channel, absl::Duration timeout) {
  auto response = Ask(channel, 7, "", timeout);
  if (!response.ok()) return response.status();
  std::vector<std::string> names;
  for (const std::string& list : Strings(**response, 6)) {
    for (const std::string& service : Strings(*Parse(list), 1)) {
      for (std::string& name : Strings(*Parse(service), 1)) names.push_back(std::move(name));
    }
  }
  return names;
}

absl::StatusOr<std::vector<std::string>> DescribeSymbolByReflection(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& symbol,
    absl::Duration timeout) {
  auto response = Ask(channel, 4, symbol, timeout);
  if (!response.ok()) return response.status();
  std::vector<std::string> files;
  for (const std::string& descriptors : Strings(**response, 4)) {
    for (std::string& file : Strings(*Parse(descriptors), 1)) files.push_back(std::move(file));
  }
  if (files.empty()) return absl::NotFoundError(absl::StrCat("no file describes ", symbol));
  return files;
}

}  // namespace news::client
