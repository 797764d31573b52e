#ifndef NEWS_SERVER_TRANSPORT_LENIENT_REQUEST_H_
#define NEWS_SERVER_TRANSPORT_LENIENT_REQUEST_H_

// Request parsing for raw-callback RPCs that take user text. protobuf refuses to parse a proto3
// string field holding invalid UTF-8, so with generated handlers such a call fails inside gRPC
// before our code runs, with a code and message an app cannot act on. Raw handlers parse with
// these functions instead and answer INVALID_ARGUMENT naming the field.

#include <google/protobuf/message.h>
#include <grpcpp/support/byte_buffer.h>

#include "absl/status/status.h"

namespace news {

// Parses `buffer` into `message`. InvalidArgument with a google.rpc.BadRequest violation per
// string field (nested ones as "parent.child") that holds invalid UTF-8; InvalidArgument when
// the bytes are not a `message` at all.
absl::Status ParseRequestLeniently(const grpc::ByteBuffer& buffer,
                                   google::protobuf::Message& message);

// The serialized `message`, as a raw handler's response. Internal when serialization fails.
absl::Status SerializeResponse(const google::protobuf::Message& message, grpc::ByteBuffer& buffer);

}  // namespace news

#endif  // NEWS_SERVER_TRANSPORT_LENIENT_REQUEST_H_
