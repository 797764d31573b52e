#ifndef NEWS_SERVER_DOMAIN_LIVE_LIVE_EVENTS_H_
#define NEWS_SERVER_DOMAIN_LIVE_LIVE_EVENTS_H_

// What live streams send (news.v1.LiveService, docs/live.md): events built from change-log rows
// with their subjects as readers see them, the scope a stream watches, and its resume tokens.

#include <cstdint>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "news/v1/live.pb.h"
#include "server/domain/pagination.h"
#include "server/storage/newsroom/newsroom_store.h"

namespace news {

// What one stream watches: the comments of one article, or the articles of one category (0:
// all).
struct LiveScope {
  enum class Topic { kComments, kArticles };
  Topic topic = Topic::kComments;
  int64_t id = 0;
};

// One event, the same for every stream it goes to (LiveFrame adds the resume token).
struct LiveEvent {
  // The change-log position; 0 for a like-count event, which is not in the log and goes out
  // with the token of the stream's last position.
  int64_t position = 0;
  // The article of a comment event, or the article of an article event.
  int64_t article_id = 0;
  // Article events: the article's category.
  int64_t category_id = 0;
  // Exactly one is set, by the topic.
  v1::CommentEvent comment;
  v1::ArticleEvent article;

  bool Matches(const LiveScope& scope) const;
};

using LiveEventPtr = std::shared_ptr<const LiveEvent>;

// The events of `changes`, in order, with their subjects read on `tx` once: one per change whose
// subject readers may see (docs/live.md says which are left out). Reads through the comment and
// article stores.
std::vector<LiveEventPtr> BuildLiveEvents(pqxx::transaction_base& tx,
                                          absl::Span<const storage::Change> changes);

// Resume tokens: a change-log position under the page-token MAC (PageTokenCodec), bound to the
// stream's RPC and article or category.
class LiveTokens {
 public:
  // `codec` must outlive this.
  explicit LiveTokens(const PageTokenCodec& codec) : codec_(codec) {}

  std::string Encode(const LiveScope& scope, int64_t position) const;
  // The position of a token Encode made for `scope`; InvalidArgument (field resume_token)
  // otherwise.
  absl::StatusOr<int64_t> Decode(const LiveScope& scope, absl::string_view token) const;

 private:
  const PageTokenCodec& codec_;
};

// An event as streams of one scope write it: the v1::CommentEvent or v1::ArticleEvent (by the
// scope's topic) with its resume token, serialized once; every stream that sends it writes these
// same bytes.
struct LiveFrame {
  LiveEventPtr event;
  // The change-log position the resume token carries: the event's own, or for a like event or
  // CAUGHT_UP the position the stream has delivered everything of its scope up to.
  int64_t token_position = 0;
  std::string bytes;
};

using LiveFramePtr = std::shared_ptr<const LiveFrame>;

// `event` for streams of `scope`, with the resume token of `token_position`.
LiveFramePtr EncodeLiveFrame(const LiveTokens& tokens, const LiveScope& scope, LiveEventPtr event,
                             int64_t token_position);

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_LIVE_LIVE_EVENTS_H_
