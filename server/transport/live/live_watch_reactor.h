#ifndef NEWS_SERVER_TRANSPORT_LIVE_LIVE_WATCH_REACTOR_H_
#define NEWS_SERVER_TRANSPORT_LIVE_LIVE_WATCH_REACTOR_H_

// One live stream (docs/live.md): a gRPC server-write reactor that the hub offers events to.
//
// Start: with a resume token older than the hub's position, the stream registers with the hub
// first, holding what the hub offers, replays the change log from the token up to the position
// the hub gave at registration (in batches, on the read pool, as the client drains them), then
// sends CAUGHT_UP and the held events after that position: no gap, no repeat. Without a token
// (or one at or past the hub's position) it sends CAUGHT_UP at once and goes live.
//
// Bounded: at most LiveOptions::queue_events events wait in the queue, and as many are held
// during a replay (when live events come faster than that, the held ones are dropped and the
// replay reads on to the newest instead). One more queued event ends the stream with
// RESOURCE_EXHAUSTED, as does the hub's stream limit. One write is in flight at a
// time; gRPC's flow control stops it when the client does not read.

#include <grpcpp/grpcpp.h>

#include <deque>
#include <mutex>
#include <string>
#include <utility>

#include "server/db/database_pool.h"
#include "server/domain/live/live_events.h"
#include "server/domain/live/live_hub.h"

namespace news {

// `Event` is v1::CommentEvent or v1::ArticleEvent.
template <typename Event>
class WatchReactor final : public grpc::ServerWriteReactor<Event>, public LiveStream {
 public:
  // Deletes itself when the call is done. `hub`, `tokens` and `reads` must outlive every call.
  static WatchReactor* Start(LiveHub& hub, const LiveTokens& tokens, db::DatabasePool& reads,
                             LiveScope scope, const std::string& resume_token);

  const LiveScope& scope() const override { return scope_; }
  void Offer(const LiveEventPtr& event) override;
  void End(const absl::Status& status) override;

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  WatchReactor(LiveHub& hub, const LiveTokens& tokens, db::DatabasePool& reads, LiveScope scope)
      : hub_(hub), tokens_(tokens), reads_(reads), scope_(scope) {}

  // Under mutex_:
  void Enqueue(LiveEventPtr event, int64_t token_position);
  // Ends the replay: CAUGHT_UP, then the held events after cursor_.
  void CatchUp();
  // Starts the next write; true when the next replay batch must be read (SubmitReplay, after
  // releasing the lock).
  bool MaybeWrite();
  void CutOff();
  void FinishLocked(const absl::Status& status);

  // Without mutex_: reads the next replay batch on the read pool.
  void SubmitReplay();
  void OnReplayed(absl::StatusOr<LiveReplay> replay);

  LiveHub& hub_;
  const LiveTokens& tokens_;
  db::DatabasePool& reads_;
  const LiveScope scope_;
  std::mutex mutex_;
  // Events to write, each with the position its resume token carries.
  std::deque<std::pair<LiveEventPtr, int64_t>> queue_;
  // The last position queued (the like events' token position).
  int64_t cursor_ = 0;
  // Replaying (cursor_, replay_upto_]; meanwhile the hub's events wait in held_.
  bool replaying_ = false;
  int64_t replay_upto_ = 0;
  std::deque<LiveEventPtr> held_;
  bool replay_in_flight_ = false;
  bool writing_ = false;
  bool finished_ = false;
  bool done_ = false;
  // The event being written: gRPC holds a pointer to it until OnWriteDone.
  Event message_;
};

}  // namespace news

#endif  // NEWS_SERVER_TRANSPORT_LIVE_LIVE_WATCH_REACTOR_H_
