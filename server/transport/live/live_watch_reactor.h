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
//
// Cheap per stream: the stream writes raw bytes (gRPC's raw callback API). The hub encodes each
// live event once per scope (LiveFrame: the message with its resume token, serialized); every
// stream of the scope writes a buffer that references those bytes, without copying, encoding or
// serializing them again. Only what is the stream's own is encoded for it: CAUGHT_UP, its
// replay, and a like event on a stream whose token is ahead of the hub.

#include <grpcpp/grpcpp.h>

#include <deque>
#include <mutex>
#include <string>

#include "server/db/database_pool.h"
#include "server/domain/live/live_events.h"
#include "server/domain/live/live_hub.h"

namespace news {

// Writes serialized v1::CommentEvent or v1::ArticleEvent messages, by the scope's topic.
class WatchReactor final : public grpc::ServerWriteReactor<grpc::ByteBuffer>, public LiveStream {
 public:
  // Deletes itself when the call is done. `hub`, `tokens` and `reads` must outlive every call.
  static WatchReactor* Start(LiveHub& hub, const LiveTokens& tokens, db::DatabasePool& reads,
                             LiveScope scope, const std::string& resume_token);

  const LiveScope& scope() const override { return scope_; }
  void Offer(const LiveFramePtr& frame) override;
  void End(const absl::Status& status) override;

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  WatchReactor(LiveHub& hub, const LiveTokens& tokens, db::DatabasePool& reads, LiveScope scope)
      : hub_(hub), tokens_(tokens), reads_(reads), scope_(scope) {}

  // Under mutex_:
  void Enqueue(LiveFramePtr frame);
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
  // Events to write.
  std::deque<LiveFramePtr> queue_;
  // The last position queued (the position of CAUGHT_UP's token).
  int64_t cursor_ = 0;
  // Replaying (cursor_, replay_upto_]; meanwhile the hub's events wait in held_.
  bool replaying_ = false;
  int64_t replay_upto_ = 0;
  std::deque<LiveFramePtr> held_;
  bool replay_in_flight_ = false;
  bool writing_ = false;
  bool finished_ = false;
  bool done_ = false;
  // The message being written (it references its frame's bytes): gRPC holds a pointer to it
  // until OnWriteDone.
  grpc::ByteBuffer message_;
};

}  // namespace news

#endif  // NEWS_SERVER_TRANSPORT_LIVE_LIVE_WATCH_REACTOR_H_
