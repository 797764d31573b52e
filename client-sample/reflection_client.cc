#include "client-sample/reflection_client.h"

#include <google/protobuf/unknown_field_set.h>
#include <grpcpp/generic/generic_stub.h>

#include "absl/strings/str_cat.h"

namespace news::client {
namespace {

// Debian ships no reflection stubs, so the messages are encoded by field number:
// ServerReflectionRequest.list_services (7) and ServerReflectionResponse.list_services_response
// (6) -> ListServiceResponse.service (1) -> ServiceResponse.name (1).
constexpr char kListServicesRequest[] = {0x3a, 0x00};
constexpr char kMethod[] = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";

std::vector<std::string> ServiceNames(const std::string& response) {
  std::vector<std::string> names;
  google::protobuf::UnknownFieldSet fields;
  if (!fields.ParseFromString(response)) return names;
  for (int i = 0; i < fields.field_count(); ++i) {
    if (fields.field(i).number() != 6) continue;
    google::protobuf::UnknownFieldSet list;
    list.ParseFromString(fields.field(i).length_delimited());
    for (int j = 0; j < list.field_count(); ++j) {
      google::protobuf::UnknownFieldSet service;
      service.ParseFromString(list.field(j).length_delimited());
      for (int k = 0; k < service.field_count(); ++k) {
        if (service.field(k).number() == 1) names.push_back(service.field(k).length_delimited());
      }
    }
  }
  return names;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ListServicesByReflection(
    const std::shared_ptr<grpc::Channel>& channel, absl::Duration timeout) {
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
    grpc::Slice slice(kListServicesRequest, sizeof(kListServicesRequest));
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
  return ServiceNames(response);
}

}  // namespace news::client
