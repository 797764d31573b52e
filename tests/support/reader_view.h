#ifndef NEWS_TESTS_SUPPORT_READER_VIEW_H_
#define NEWS_TESTS_SUPPORT_READER_VIEW_H_

// What readers can see of one article, asked through every reader RPC: the feed, GetArticle by
// id and slug, search, related lists, most viewed and the newer/older links of the other
// articles. The newsroom tests use it to prove that an article is visible or gone everywhere.

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <memory>
#include <string>

namespace news::testing {

struct ReaderView {
  bool in_feed = false;
  // OK, NOT_FOUND, ...
  grpc::StatusCode get_by_id = grpc::StatusCode::UNKNOWN;
  grpc::StatusCode get_by_slug = grpc::StatusCode::UNKNOWN;
  bool in_search = false;
  bool in_related = false;
  bool in_most_viewed = false;
  bool is_neighbour = false;

  // In no feed, search result, related list, most-viewed list or neighbour link.
  bool InNoList() const {
    return !in_feed && !in_search && !in_related && !in_most_viewed && !is_neighbour;
  }
};

// Asks every reader RPC of the server behind `channel` about article `id` (`slug`).
// `search_query` should match the article's title. Feeds and lists are read whole (test
// databases are small).
ReaderView ObserveArticle(const std::shared_ptr<grpc::Channel>& channel, int64_t id,
                          const std::string& slug, const std::string& search_query);

}  // namespace news::testing

#endif  // NEWS_TESTS_SUPPORT_READER_VIEW_H_
