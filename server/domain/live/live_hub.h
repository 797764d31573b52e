#ifndef NEWS_SERVER_DOMAIN_LIVE_LIVE_HUB_H_
#define NEWS_SERVER_DOMAIN_LIVE_LIVE_HUB_H_

// The fan-out of live streams (docs/live.md): a ChangeSubscriber that receives this instance's
// change-log batches from the ChangeLogFollower without blocking it, and a pump thread (the
// LivePump job) that builds each change's event once, reading its subject on a database
// connection, encodes it once per scope (LiveFrame: the message with its resume token, serialized)
// and offers that frame to every stream of the scope. Once a second the pump also reads
// the like counts of the approved comments of articles that have watchers and sends the changed
// ones. Replay (a stream resuming from a token) reads the change log for that one stream.
//
// Lock order: the hub's lock, then a stream's own lock (the hub calls Offer and End with its
// lock held).

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <pqxx/pqxx>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/domain/change_subscriber.h"
#include "server/domain/live/live_events.h"

namespace news {

struct LiveOptions {
  // Serve news.v1.LiveService (and follow the change log for it).
  bool enabled = true;
  // Streams open at once on this instance; more are RESOURCE_EXHAUSTED.
  int max_streams = 10000;
  // Events one stream may have waiting for its client; a client that lets more pile up is ended
  // with RESOURCE_EXHAUSTED. Also the replay batch.
  int queue_events = 256;
  // How often like counts are read for watched articles.
  absl::Duration like_interval = absl::Seconds(1);
};

// One open stream, as the hub sees it (transport/live implements it).
class LiveStream {
 public:
  virtual ~LiveStream() = default;
  virtual const LiveScope& scope() const = 0;
  // An event of the stream's scope, encoded for it, in position order; like events (position 0)
  // interleaved, with the token of the hub's position (every change up to it was offered
  // before). Called with the hub's lock held: must not block.
  virtual void Offer(const LiveFramePtr& frame) = 0;
  // Ends the stream with `status` (UNAVAILABLE at shutdown). Called with the hub's lock held.
  virtual void End(const absl::Status& status) = 0;
};

// What a resuming stream missed: the events of one batch of the change log.
struct LiveReplay {
  std::vector<LiveEventPtr> events;
  // The last position read (events of other kinds and left-out ones included).
  int64_t through = 0;
  // Nothing more up to the replay's end.
  bool complete = false;
};

class LiveHub : public ChangeSubscriber {
 public:
  // `tokens` must outlive the hub.
  LiveHub(LiveOptions options, const LiveTokens& tokens) : options_(options), tokens_(tokens) {}

  const LiveOptions& options() const { return options_; }

  // ChangeSubscriber: queues the batch for the pump (a bounded inbox: past it, the pump reads
  // the changes from the log instead).
  void OnChanges(absl::Span<const storage::Change> changes) override;
  // Nothing to do: the follower resumes after the last position, and the pump fills any gap
  // from the log.
  void OnSessionReset() override {}

  // The log position streams start from; call once before serving.
  void StartAt(int64_t position);

  // Adds `stream` (until Unregister) and returns the position up to which it must replay
  // missed changes itself: the hub offers it every change after it. ResourceExhausted (reason
  // TOO_MANY_STREAMS) at max_streams; Unavailable after EndAll.
  absl::StatusOr<int64_t> Register(LiveStream* stream);
  // After it returns the hub no longer calls `stream`.
  void Unregister(LiveStream* stream);
  // Ends every stream with `status` and refuses new ones (shutdown).
  void EndAll(const absl::Status& status);

  // For the pump: waits up to `timeout` for changes to deliver or a due like poll.
  bool WaitForWork(absl::Duration timeout);
  // For the pump: delivers the waiting changes and polls like counts when due, reading on `db`.
  // Throws pqxx exceptions; what failed is delivered by the next call.
  void Process(pqxx::connection& db);

  // The events of `scope` with a position in (after, upto], at most `limit` changes read.
  // FailedPrecondition (reason RESUME_TOKEN_EXPIRED) when the log no longer holds position
  // after + 1.
  static absl::StatusOr<LiveReplay> Replay(pqxx::connection& db, const LiveScope& scope,
                                           int64_t after, int64_t upto, int limit);

  // Metrics.
  int64_t open_streams() const { return open_streams_.load(std::memory_order_relaxed); }
  int64_t events_sent() const { return events_sent_.load(std::memory_order_relaxed); }
  int64_t streams_cut_off() const { return streams_cut_off_.load(std::memory_order_relaxed); }
  void CountSent() { events_sent_.fetch_add(1, std::memory_order_relaxed); }
  void CountCutOff() { streams_cut_off_.fetch_add(1, std::memory_order_relaxed); }

 private:
  using StreamSet = absl::flat_hash_set<LiveStream*>;

  // Offers `event`, encoded once per scope, to the streams that watch it; hub lock held.
  void FanOut(const LiveEventPtr& event);
  void PollLikes(pqxx::connection& db, const std::vector<int64_t>& article_ids);
  StreamSet& StreamsOf(const LiveScope& scope);

  const LiveOptions options_;
  const LiveTokens& tokens_;
  std::mutex mutex_;
  std::condition_variable work_;
  // The last position offered to the streams; -1 before StartAt.
  int64_t position_ = -1;
  // The last position the follower handed over, and its changes after position_ (unless
  // inbox_truncated_, when the pump reads them from the log).
  int64_t latest_ = -1;
  std::vector<storage::Change> inbox_;
  bool inbox_truncated_ = false;
  bool ended_ = false;
  absl::Status end_status_;
  // Streams by article (comment streams) and by category (article streams, 0: all).
  absl::flat_hash_map<int64_t, StreamSet> comment_streams_;
  absl::flat_hash_map<int64_t, StreamSet> article_streams_;
  // The like counts last seen, by article and comment, of articles with comment watchers.
  absl::flat_hash_map<int64_t, absl::flat_hash_map<int64_t, int64_t>> likes_;
  absl::Time next_like_poll_ = absl::InfinitePast();
  std::atomic<int64_t> open_streams_{0};
  std::atomic<int64_t> events_sent_{0};
  std::atomic<int64_t> streams_cut_off_{0};
};

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_LIVE_LIVE_HUB_H_
