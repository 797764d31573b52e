#include "server/transport/articles/counter_fragment.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/wire_format_lite.h>

#include "news/v1/article.pb.h"

namespace news {

std::string ArticleCounterFragment(const storage::ArticleCounters& counters) {
  using google::protobuf::internal::WireFormatLite;
  std::string fragment;
  {
    google::protobuf::io::StringOutputStream stream(&fragment);
    google::protobuf::io::CodedOutputStream out(&stream);
    // A serialized message would leave zero counts out, and a cached non-zero one would stand.
    WireFormatLite::WriteInt64(v1::Article::kViewCountFieldNumber, counters.view_count, &out);
    WireFormatLite::WriteInt64(v1::Article::kCommentCountFieldNumber, counters.comment_count,
                               &out);
  }
  return fragment;
}

}  // namespace news
