#include "server/transport/live/live_watch_reactor.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "news/v1/live.pb.h"
#include "server/domain/status_details.h"
#include "server/transport/grpc_status.h"

namespace news {
namespace {

// A replay batch that waits this long for a pool worker fails the stream (UNAVAILABLE or
// DEADLINE_EXCEEDED); the client resumes from its token.
constexpr absl::Duration kReplayDeadline = absl::Seconds(10);

LiveEventPtr CaughtUpEvent(LiveScope::Topic topic) {
  static const LiveEventPtr comments = [] {
    auto caught_up = std::make_shared<LiveEvent>();
    caught_up->comment.set_type(v1::COMMENT_EVENT_TYPE_CAUGHT_UP);
    return caught_up;
  }();
  static const LiveEventPtr articles = [] {
    auto caught_up = std::make_shared<LiveEvent>();
    caught_up->article.set_type(v1::ARTICLE_EVENT_TYPE_CAUGHT_UP);
    return caught_up;
  }();
  return topic == LiveScope::Topic::kComments ? comments : articles;
}

// The frame's bytes as one message, without a copy: the slice keeps a reference to the frame
// for as long as gRPC holds the slice (possibly past OnWriteDone).
grpc::ByteBuffer WireMessage(LiveFramePtr frame) {
  auto* owner = new LiveFramePtr(std::move(frame));
  grpc::Slice slice(
      const_cast<char*>((*owner)->bytes.data()), (*owner)->bytes.size(),
      [](void* frame) { delete static_cast<LiveFramePtr*>(frame); }, owner);
  return grpc::ByteBuffer(&slice, 1);
}

}  // namespace

WatchReactor* WatchReactor::Start(LiveHub& hub, const LiveTokens& tokens, db::DatabasePool& reads,
                                  LiveScope scope, const std::string& resume_token) {
  auto* reactor = new WatchReactor(hub, tokens, reads, scope);
  std::optional<int64_t> resume;
  if (!resume_token.empty()) {
    absl::StatusOr<int64_t> decoded = tokens.Decode(scope, resume_token);
    if (!decoded.ok()) {
      std::lock_guard lock(reactor->mutex_);
      reactor->FinishLocked(decoded.status());
      return reactor;
    }
    resume = *decoded;
  }
  bool replay = false;
  {
    // Held until the registration's position says what to replay: every event the hub offers
    // from now on comes after that position.
    std::lock_guard lock(reactor->mutex_);
    reactor->replaying_ = true;
    reactor->replay_upto_ = -1;
  }
  absl::StatusOr<int64_t> position = hub.Register(reactor);
  {
    std::lock_guard lock(reactor->mutex_);
    if (!position.ok()) {
      reactor->FinishLocked(position.status());
      return reactor;
    }
    if (resume.has_value() && *resume < *position) {
      reactor->cursor_ = *resume;
      reactor->replay_upto_ = *position;
      replay = reactor->MaybeWrite();
    } else {
      // A token past this instance's position comes from an instance that was ahead: what the
      // hub offers up to it was sent already.
      reactor->cursor_ = std::max(resume.value_or(*position), *position);
      reactor->CatchUp();
      reactor->MaybeWrite();
    }
  }
  if (replay) reactor->SubmitReplay();
  return reactor;
}

void WatchReactor::Offer(const LiveFramePtr& frame) {
  std::lock_guard lock(mutex_);
  if (finished_) return;
  const int64_t position = frame->event->position;
  const size_t limit = static_cast<size_t>(hub_.options().queue_events);
  if (replaying_) {
    // Like counts are not replayed; the next poll after catching up sends the changed ones.
    if (position == 0) return;
    if (replay_upto_ >= 0 && position <= replay_upto_) return;
    if (held_.size() < limit) {
      held_.push_back(frame);
    } else if (replay_upto_ >= 0) {
      // Live events come faster than the replay: the replay reads them from the log instead.
      held_.clear();
      replay_upto_ = position;
    } else {
      CutOff();
    }
    return;
  }
  if (position != 0 && position <= cursor_) return;
  Enqueue(frame);
  if (queue_.size() > limit) {
    CutOff();
  } else {
    MaybeWrite();
  }
}

void WatchReactor::End(const absl::Status& status) {
  std::lock_guard lock(mutex_);
  FinishLocked(status);
}

void WatchReactor::Enqueue(LiveFramePtr frame) {
  const int64_t position = frame->event->position;
  if (position != 0) {
    cursor_ = position;
  } else if (frame->token_position < cursor_) {
    // A like event on a stream whose token came from an instance ahead of this hub: its token
    // must not go back.
    frame = EncodeLiveFrame(tokens_, scope_, frame->event, cursor_);
  }
  queue_.push_back(std::move(frame));
}

void WatchReactor::CatchUp() {
  replaying_ = false;
  Enqueue(EncodeLiveFrame(tokens_, scope_, CaughtUpEvent(scope_.topic), cursor_));
  for (LiveFramePtr& frame : held_) {
    if (frame->event->position > cursor_) Enqueue(std::move(frame));
  }
  held_.clear();
}

bool WatchReactor::MaybeWrite() {
  if (writing_ || finished_) return false;
  if (queue_.empty()) {
    // The next replay batch once the client has taken the previous one: a replay never holds
    // more than a queue's worth of events.
    if (replaying_ && replay_upto_ >= 0 && !replay_in_flight_) {
      replay_in_flight_ = true;
      return true;
    }
    return false;
  }
  message_ = WireMessage(std::move(queue_.front()));
  queue_.pop_front();
  writing_ = true;
  StartWrite(&message_);
  return false;
}

void WatchReactor::SubmitReplay() {
  int64_t after = 0;
  int64_t upto = 0;
  {
    std::lock_guard lock(mutex_);
    after = cursor_;
    upto = replay_upto_;
  }
  auto result = std::make_shared<absl::StatusOr<LiveReplay>>(absl::UnknownError("not run"));
  // `done` may run on this thread (a refused job), so no lock is held here.
  reads_.Submit(
      absl::Now() + kReplayDeadline, db::RetryPolicy::kRetryOnLostConnection,
      [result, scope = scope_, after, upto,
       limit = hub_.options().queue_events](pqxx::connection& db) -> absl::Status {
        *result = LiveHub::Replay(db, scope, after, upto, limit);
        return result->status();
      },
      [this, result](absl::Status status) {
        OnReplayed(status.ok() ? std::move(*result) : absl::StatusOr<LiveReplay>(status));
      });
}

void WatchReactor::OnReplayed(absl::StatusOr<LiveReplay> replay) {
  // Encoded before taking the lock, which the hub's fan-out may be waiting for.
  std::vector<LiveFramePtr> frames;
  if (replay.ok()) {
    frames.reserve(replay->events.size());
    for (LiveEventPtr& event : replay->events) {
      const int64_t position = event->position;
      frames.push_back(EncodeLiveFrame(tokens_, scope_, std::move(event), position));
    }
  }
  bool remove = false;
  bool more = false;
  {
    std::lock_guard lock(mutex_);
    replay_in_flight_ = false;
    if (done_) {
      remove = true;
    } else if (!finished_) {
      if (!replay.ok()) {
        FinishLocked(replay.status());
      } else {
        for (LiveFramePtr& frame : frames) Enqueue(std::move(frame));
        cursor_ = std::max(cursor_, replay->through);
        // The end may have moved on meanwhile (Offer): then the replay goes on.
        if (replay->complete && cursor_ >= replay_upto_) CatchUp();
        more = MaybeWrite();
      }
    }
  }
  if (remove) {
    delete this;
  } else if (more) {
    SubmitReplay();
  }
}

void WatchReactor::OnWriteDone(bool ok) {
  bool replay = false;
  {
    std::lock_guard lock(mutex_);
    writing_ = false;
    if (!ok) {
      FinishLocked(absl::CancelledError("the client went away"));
      return;
    }
    hub_.CountSent();
    replay = MaybeWrite();
  }
  if (replay) SubmitReplay();
}

void WatchReactor::OnCancel() {
  std::lock_guard lock(mutex_);
  FinishLocked(absl::CancelledError("cancelled"));
}

void WatchReactor::OnDone() {
  hub_.Unregister(this);
  bool remove = false;
  {
    std::lock_guard lock(mutex_);
    done_ = true;
    remove = !replay_in_flight_;
  }
  if (remove) delete this;
}

void WatchReactor::CutOff() {
  hub_.CountCutOff();
  FinishLocked(WithErrorReason(
      absl::ResourceExhaustedError("the client did not read its events in time; call again "
                                   "with the last resume_token"),
      "CLIENT_TOO_SLOW"));
}

void WatchReactor::FinishLocked(const absl::Status& status) {
  if (finished_) return;
  finished_ = true;
  queue_.clear();
  held_.clear();
  Finish(ToGrpcStatus(status));
}

}  // namespace news
