// Page tokens come from clients: decoding arbitrary bytes must give keys only for tokens the
// server made, InvalidArgument otherwise, and never crash. The first bytes also choose keys that
// must survive an encode/decode round trip.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "server/domain/pagination.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const news::PageTokenCodec codec("fuzz-secret");
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  for (size_t key_count = 0; key_count <= 3; ++key_count) {
    const auto keys = codec.Decode(input, news::PageScope("fuzz"), key_count);
    if (!keys.ok() && keys.status().code() != absl::StatusCode::kInvalidArgument) std::abort();
    if (keys.ok() && keys->size() != key_count) std::abort();
  }

  std::vector<int64_t> keys;
  for (size_t offset = 0; offset + sizeof(int64_t) <= size && keys.size() < 3;
       offset += sizeof(int64_t)) {
    int64_t key;
    std::memcpy(&key, data + offset, sizeof(key));
    keys.push_back(key);
  }
  const news::PageScope scope = news::PageScope("fuzz").Add(input);
  const std::string token = codec.Encode(scope, keys);
  const auto decoded = codec.Decode(token, scope, keys.size());
  if (!decoded.ok() || *decoded != keys) std::abort();
  return 0;
}
