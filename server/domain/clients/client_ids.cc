#include "server/domain/clients/client_ids.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace news {
namespace {

constexpr absl::string_view kPrefix = "nc1.";
constexpr size_t kRandomBytes = 16;
constexpr size_t kMacBytes = 16;

}  // namespace

std::string ClientIdSigner::Mac(absl::string_view random_hex) const {
  // Domain-separated from page tokens, in case an operator reuses one secret for both.
  const std::string message = absl::StrCat("news.v1 client id\n", random_hex);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &digest_len);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), kMacBytes));
}

std::string ClientIdSigner::Issue() const {
  unsigned char random[kRandomBytes];
  if (RAND_bytes(random, sizeof(random)) != 1) {
    throw std::runtime_error("RAND_bytes failed to make a client id");
  }
  const std::string random_hex =
      absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(random), kRandomBytes));
  return absl::StrCat(kPrefix, random_hex, ".", Mac(random_hex));
}

ClientIdSigner::Kind ClientIdSigner::Classify(absl::string_view client_id) const {
  if (!absl::StartsWith(client_id, kPrefix)) return Kind::kUnsigned;
  const absl::string_view rest = client_id.substr(kPrefix.size());
  const size_t dot = rest.find('.');
  if (dot != 2 * kRandomBytes || rest.size() != dot + 1 + 2 * kMacBytes) return Kind::kForged;
  const absl::string_view random_hex = rest.substr(0, dot);
  const absl::string_view mac = rest.substr(dot + 1);
  const std::string expected = Mac(random_hex);
  return CRYPTO_memcmp(expected.data(), mac.data(), expected.size()) == 0 ? Kind::kSigned
                                                                          : Kind::kForged;
}

}  // namespace news
