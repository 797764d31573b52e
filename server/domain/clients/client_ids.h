#ifndef NEWS_SERVER_DOMAIN_CLIENT_IDS_H_
#define NEWS_SERVER_DOMAIN_CLIENT_IDS_H_

// Client ids the server issues (ClientService.RegisterClient) and recognises: "nc1." + 32 hex
// digits of randomness + "." + 32 hex digits of HMAC-SHA256 over them under the server's
// client-id secret (69 characters). The server tells its own ids from made-up ones without
// storing them; ids made under another secret no longer verify. docs/comments.md,
// "Abuse resistance".

#include <string>

#include "absl/strings/string_view.h"

namespace news {

class ClientIdSigner {
 public:
  // `secret` must be the same on every server instance serving one database.
  explicit ClientIdSigner(std::string secret) : secret_(std::move(secret)) {}

  // A new id with 128 random bits from OpenSSL RAND_bytes. Throws std::runtime_error if the
  // random generator fails.
  std::string Issue() const;

  enum class Kind {
    // Not in the issued form: an id the app made up (or none).
    kUnsigned,
    // Issued by a server with this secret.
    kSigned,
    // In the issued form ("nc1." prefix) but the MAC does not match: forged or altered.
    kForged,
  };
  Kind Classify(absl::string_view client_id) const;

 private:
  // The 32 hex digits of the MAC of `random_hex`.
  std::string Mac(absl::string_view random_hex) const;

  std::string secret_;
};

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_CLIENT_IDS_H_
