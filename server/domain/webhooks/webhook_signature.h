#ifndef NEWS_SERVER_DOMAIN_WEBHOOK_SIGNATURE_H_
#define NEWS_SERVER_DOMAIN_WEBHOOK_SIGNATURE_H_

// Standard Webhooks signing (https://www.standardwebhooks.com, docs/live.md "Signatures"): a
// secret per endpoint, "whsec_" + base64 of 32 random bytes, and per delivery the header
// webhook-signature = "v1," + base64(HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>"))
// where key is the secret's bytes after the prefix.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace news {

// A new secret from OpenSSL's CSPRNG. Internal if the generator fails.
absl::StatusOr<std::string> GenerateWebhookSecret();

// The webhook-signature header value for a delivery of `body` with event id `message_id` at
// `timestamp_seconds` (Unix seconds, as sent in webhook-timestamp). InvalidArgument when
// `secret` is not "whsec_" + base64.
absl::StatusOr<std::string> SignWebhook(absl::string_view secret, absl::string_view message_id,
                                        int64_t timestamp_seconds, absl::string_view body);

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_WEBHOOK_SIGNATURE_H_
