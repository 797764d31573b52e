#ifndef NEWS_SERVER_TRANSPORT_ARTICLES_COUNTER_FRAGMENT_H_
#define NEWS_SERVER_TRANSPORT_ARTICLES_COUNTER_FRAGMENT_H_

// GetArticle's counters on top of a cached response (docs/caching.md): protobuf parsers keep the
// last occurrence of a scalar field, so a serialized news.v1.Article followed by this fragment
// parses as that article with these counters, without re-serializing the cached bytes.

#include <string>

#include "server/storage/articles/article_counter_store.h"

namespace news {

// news.v1.Article's view_count and comment_count fields set to `counters`, serialized (zero
// values included, so they replace non-zero cached ones).
std::string ArticleCounterFragment(const storage::ArticleCounters& counters);

}  // namespace news

#endif  // NEWS_SERVER_TRANSPORT_ARTICLES_COUNTER_FRAGMENT_H_
