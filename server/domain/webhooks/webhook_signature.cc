#include "server/domain/webhooks/webhook_signature.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace news {
namespace {

constexpr char kSecretPrefix[] = "whsec_";
constexpr int kSecretBytes = 32;

}  // namespace

absl::StatusOr<std::string> GenerateWebhookSecret() {
  unsigned char key[kSecretBytes];
  if (RAND_bytes(key, sizeof(key)) != 1) {
    return absl::InternalError("the random generator failed to make a webhook secret");
  }
  return absl::StrCat(kSecretPrefix,
                      absl::Base64Escape(absl::string_view(reinterpret_cast<char*>(key),
                                                           sizeof(key))));
}

absl::StatusOr<std::string> SignWebhook(absl::string_view secret, absl::string_view message_id,
                                        int64_t timestamp_seconds, absl::string_view body) {
  std::string key;
  if (!absl::ConsumePrefix(&secret, kSecretPrefix) || !absl::Base64Unescape(secret, &key) ||
      key.empty()) {
    return absl::InvalidArgumentError("a webhook secret is \"whsec_\" followed by base64");
  }
  const std::string signed_content = absl::StrCat(message_id, ".", timestamp_seconds, ".", body);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(signed_content.data()), signed_content.size(), digest,
       &digest_length);
  return absl::StrCat(
      "v1,", absl::Base64Escape(absl::string_view(reinterpret_cast<char*>(digest), digest_length)));
}

}  // namespace news
