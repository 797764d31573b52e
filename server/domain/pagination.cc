#include "server/domain/pagination.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "server/domain/status_details.h"

namespace news {
namespace {

// 2 since scopes are PageScope encodings: tokens of version 1 were bound to joined strings.
constexpr char kVersion = 2;
// 96 bits of MAC are plenty against guessing and keep tokens short.
constexpr size_t kMacBytes = 12;

void AppendBigEndian(uint64_t value, std::string& out) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

}  // namespace

absl::StatusOr<int> ResolvePageSize(int32_t requested, int default_size, int max_size) {
  if (requested < 0) return InvalidFieldError("page_size", "must not be negative");
  if (requested == 0) return default_size;
  return requested > max_size ? max_size : static_cast<int>(requested);
}

PageScope::PageScope(absl::string_view rpc) { Add(rpc); }

// Parts are self-delimiting (a kind byte, then 8 bytes, or an 8-byte length and the text), so
// the concatenation decodes back to one list of parts only.
PageScope& PageScope::Add(int64_t number) {
  bytes_.push_back('i');
  AppendBigEndian(static_cast<uint64_t>(number), bytes_);
  return *this;
}

PageScope& PageScope::Add(absl::string_view text) {
  bytes_.push_back('s');
  AppendBigEndian(text.size(), bytes_);
  bytes_.append(text.data(), text.size());
  return *this;
}

PageTokenCodec::PageTokenCodec(std::string secret) : secret_(std::move(secret)) {}

std::string PageTokenCodec::Mac(const PageScope& scope, absl::string_view payload) const {
  // The scope's encoding is self-delimiting, so no (scope, payload) pair can imitate another.
  const std::string message = absl::StrCat(scope.bytes(), payload);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &digest_len);
  return std::string(reinterpret_cast<const char*>(digest), kMacBytes);
}

std::string PageTokenCodec::Encode(const PageScope& scope, absl::Span<const int64_t> keys) const {
  std::string payload(1, kVersion);
  for (int64_t key : keys) AppendBigEndian(static_cast<uint64_t>(key), payload);
  std::string token;
  absl::WebSafeBase64Escape(absl::StrCat(payload, Mac(scope, payload)), &token);
  return token;
}

absl::StatusOr<std::vector<int64_t>> PageTokenCodec::Decode(absl::string_view token,
                                                            const PageScope& scope,
                                                            size_t key_count,
                                                            absl::string_view field) const {
  std::string raw;
  const size_t payload_size = 1 + 8 * key_count;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() != payload_size + kMacBytes ||
      raw[0] != kVersion) {
    return InvalidFieldError(field, "is not a valid token");
  }
  const absl::string_view payload(raw.data(), payload_size);
  const std::string expected = Mac(scope, payload);
  if (CRYPTO_memcmp(expected.data(), raw.data() + payload_size, kMacBytes) != 0) {
    return InvalidFieldError(field,
                             "does not belong to this request (altered, or the filters changed)");
  }
  std::vector<int64_t> keys;
  keys.reserve(key_count);
  for (size_t i = 0; i < key_count; ++i) {
    uint64_t value = 0;
    for (size_t b = 0; b < 8; ++b) {
      value = (value << 8) | static_cast<unsigned char>(payload[1 + 8 * i + b]);
    }
    keys.push_back(static_cast<int64_t>(value));
  }
  return keys;
}

}  // namespace news
