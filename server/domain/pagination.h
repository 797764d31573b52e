#ifndef NEWS_SERVER_DOMAIN_PAGINATION_H_
#define NEWS_SERVER_DOMAIN_PAGINATION_H_

// AIP-158 pagination shared by every List RPC: page size rules and opaque keyset page tokens.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace news {

// The page size to use for a request's `page_size`: 0 means `default_size`, values above
// `max_size` are coerced down. InvalidArgument (field "page_size") when negative.
absl::StatusOr<int> ResolvePageSize(int32_t requested, int default_size, int max_size);

// The request a page token continues: the RPC's name and every request field that shapes its
// results, in a fixed order per RPC. The one way to build a scope: each part is written with its
// kind and (for text) its length, so two different lists of parts never encode to the same bytes,
// whatever a free-text filter contains; e.g. {"a/t", "b"} and {"a", "t/b"} differ.
//   PageScope("ListArticles").Add(category_id).Add(source_id).Add(tag)
class PageScope {
 public:
  explicit PageScope(absl::string_view rpc);

  PageScope& Add(int64_t number);
  PageScope& Add(absl::string_view text);

  // The encoding that tokens are bound to.
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

// Page tokens carry a keyset position (a few int64 keys, e.g. publish time and id of the last
// item) and are bound to the PageScope of the request they continue. Tokens are base64url and
// authenticated with HMAC-SHA256 under a server secret, so a token that was altered, forged, or
// is replayed with other filters is rejected.
class PageTokenCodec {
 public:
  // `secret` must be the same on every server instance behind one load balancer.
  explicit PageTokenCodec(std::string secret);

  std::string Encode(const PageScope& scope, absl::Span<const int64_t> keys) const;

  // The keys of a token that Encode made for the same `scope` with `key_count` keys.
  // InvalidArgument naming `field` (the request field that carried the token) for anything else.
  absl::StatusOr<std::vector<int64_t>> Decode(absl::string_view token, const PageScope& scope,
                                              size_t key_count,
                                              absl::string_view field = "page_token") const;

 private:
  std::string Mac(const PageScope& scope, absl::string_view payload) const;

  std::string secret_;
};

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_PAGINATION_H_
