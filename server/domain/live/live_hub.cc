#include "server/domain/live/live_hub.h"

#include <algorithm>
#include <utility>

#include "absl/time/clock.h"
#include "server/domain/status_details.h"
#include "server/storage/comments/comment_store.h"

namespace news {
namespace {

// Changes the inbox holds before the pump reads them from the log instead.
constexpr size_t kInboxLimit = 50'000;
// Changes read per statement when the pump reads the log itself.
constexpr int kLogBatch = 1000;
// Changes one Process round reads at most: a long gap (an archive imported and stamped at once)
// is worked through in rounds of bounded memory instead of at once.
constexpr int64_t kMaxChangesPerRound = 10 * kLogBatch;

}  // namespace

void LiveHub::OnChanges(absl::Span<const storage::Change> changes) {
  if (changes.empty()) return;
  std::lock_guard lock(mutex_);
  if (inbox_.size() + changes.size() > kInboxLimit) {
    inbox_.clear();
    inbox_truncated_ = true;
  }
  if (!inbox_truncated_) inbox_.insert(inbox_.end(), changes.begin(), changes.end());
  latest_ = std::max(latest_, changes.back().position);
  work_.notify_one();
}

void LiveHub::StartAt(int64_t position) {
  std::lock_guard lock(mutex_);
  position_ = position;
  latest_ = std::max(latest_, position);
}

LiveHub::StreamSet& LiveHub::StreamsOf(const LiveScope& scope) {
  return scope.topic == LiveScope::Topic::kComments ? comment_streams_[scope.id]
                                                    : article_streams_[scope.id];
}

absl::StatusOr<int64_t> LiveHub::Register(LiveStream* stream) {
  std::lock_guard lock(mutex_);
  if (ended_ || position_ < 0) return absl::UnavailableError("the server is shutting down");
  if (open_streams() >= options_.max_streams) {
    return WithErrorReason(
        absl::ResourceExhaustedError("this server has as many live streams as it may; retry "
                                     "later (another instance may take it)"),
        "TOO_MANY_STREAMS");
  }
  StreamsOf(stream->scope()).insert(stream);
  open_streams_.fetch_add(1, std::memory_order_relaxed);
  work_.notify_one();
  return position_;
}

void LiveHub::Unregister(LiveStream* stream) {
  std::lock_guard lock(mutex_);
  const LiveScope& scope = stream->scope();
  auto& index = scope.topic == LiveScope::Topic::kComments ? comment_streams_ : article_streams_;
  auto found = index.find(scope.id);
  if (found == index.end() || found->second.erase(stream) == 0) return;
  if (found->second.empty()) index.erase(found);
  open_streams_.fetch_sub(1, std::memory_order_relaxed);
}

void LiveHub::EndAll(const absl::Status& status) {
  std::lock_guard lock(mutex_);
  ended_ = true;
  for (auto* index : {&comment_streams_, &article_streams_}) {
    for (auto& [id, streams] : *index) {
      for (LiveStream* stream : streams) stream->End(status);
    }
  }
  work_.notify_all();
}

bool LiveHub::WaitForWork(absl::Duration timeout) {
  std::unique_lock lock(mutex_);
  auto has_work = [this] {
    return (position_ >= 0 && latest_ > position_) ||
           (!comment_streams_.empty() && absl::Now() >= next_like_poll_);
  };
  if (has_work()) return true;
  work_.wait_for(lock, absl::ToChronoNanoseconds(timeout));
  return has_work();
}

void LiveHub::FanOut(const LiveEventPtr& event) {
  // A like event is not in the log: its token says what was offered before it.
  const int64_t token_position = event->position != 0 ? event->position : position_;
  const auto offer = [&](const LiveScope& scope, const StreamSet& streams) {
    const LiveFramePtr frame = EncodeLiveFrame(tokens_, scope, event, token_position);
    for (LiveStream* stream : streams) stream->Offer(frame);
  };
  if (event->comment.type() != v1::COMMENT_EVENT_TYPE_UNSPECIFIED) {
    auto found = comment_streams_.find(event->article_id);
    if (found != comment_streams_.end()) {
      offer(LiveScope{LiveScope::Topic::kComments, event->article_id}, found->second);
    }
    return;
  }
  for (int64_t key : {int64_t{0}, event->category_id}) {
    auto found = article_streams_.find(key);
    if (found != article_streams_.end()) {
      offer(LiveScope{LiveScope::Topic::kArticles, key}, found->second);
    }
    if (event->category_id == 0) break;
  }
}

void LiveHub::Process(pqxx::connection& db) {
  int64_t from = 0;
  int64_t target = 0;
  std::vector<storage::Change> changes;
  bool read_log = false;
  std::vector<int64_t> watched_articles;
  bool poll_likes = false;
  {
    std::lock_guard lock(mutex_);
    from = position_;
    target = std::min(latest_, position_ + kMaxChangesPerRound);
    if (comment_streams_.empty() && article_streams_.empty()) {
      // Nobody watches: no event is owed, and a stream that registers later starts here (or
      // replays the log from its own token).
      position_ = target;
      std::erase_if(inbox_,
                    [target](const storage::Change& change) { return change.position <= target; });
      if (inbox_truncated_ && latest_ <= target) inbox_truncated_ = false;
      return;
    }
    for (const storage::Change& change : inbox_) {
      if (change.position > from && change.position <= target) changes.push_back(change);
    }
    // The inbox must continue the position exactly; otherwise (a truncated inbox, a follower
    // that started after the hub's position) the log fills the gap.
    read_log = inbox_truncated_ || changes.empty() || changes.front().position != from + 1 ||
               changes.back().position != target ||
               static_cast<int64_t>(changes.size()) != target - from;
    const absl::Time now = absl::Now();
    if (!comment_streams_.empty() && now >= next_like_poll_) {
      poll_likes = true;
      next_like_poll_ = now + options_.like_interval;
      for (const auto& [article_id, streams] : comment_streams_) {
        watched_articles.push_back(article_id);
      }
    }
  }
  if (from >= 0 && target > from) {
    std::vector<LiveEventPtr> events;
    {
      pqxx::read_transaction tx(db);
      if (read_log) {
        changes.clear();
        storage::NewsroomStore store(tx);
        for (int64_t after = from; after < target;) {
          std::vector<storage::Change> batch = store.ListChangesAfter(after, kLogBatch);
          if (batch.empty()) break;
          for (storage::Change& change : batch) {
            if (change.position <= target) changes.push_back(std::move(change));
          }
          after = batch.back().position;
        }
      }
      events = BuildLiveEvents(tx, changes);
    }
    std::lock_guard lock(mutex_);
    for (const LiveEventPtr& event : events) FanOut(event);
    position_ = target;
    std::erase_if(inbox_,
                  [target](const storage::Change& change) { return change.position <= target; });
    if (inbox_truncated_ && latest_ <= target) inbox_truncated_ = false;
  }
  if (poll_likes) PollLikes(db, watched_articles);
}

void LiveHub::PollLikes(pqxx::connection& db, const std::vector<int64_t>& article_ids) {
  std::vector<v1::Comment> counts;
  {
    pqxx::read_transaction tx(db);
    counts = storage::CommentStore(tx).ListApprovedLikeCounts(article_ids);
  }
  std::lock_guard lock(mutex_);
  // An article seen for the first time only sets what later polls compare with.
  absl::flat_hash_set<int64_t> first_seen;
  for (int64_t article_id : article_ids) {
    if (!likes_.contains(article_id)) first_seen.insert(article_id);
  }
  for (const v1::Comment& comment : counts) {
    int64_t& seen = likes_[comment.article_id()][comment.id()];
    const bool changed = seen != comment.like_count();
    seen = comment.like_count();
    if (!changed || first_seen.contains(comment.article_id())) continue;
    auto event = std::make_shared<LiveEvent>();
    event->article_id = comment.article_id();
    event->comment.set_type(v1::COMMENT_EVENT_TYPE_LIKES);
    *event->comment.mutable_comment() = comment;
    FanOut(event);
  }
  for (int64_t article_id : first_seen) likes_.try_emplace(article_id);
  absl::erase_if(likes_, [this](const auto& entry) {
    return !comment_streams_.contains(entry.first);
  });
}

absl::StatusOr<LiveReplay> LiveHub::Replay(pqxx::connection& db, const LiveScope& scope,
                                           int64_t after, int64_t upto, int limit) {
  pqxx::read_transaction tx(db);
  storage::NewsroomStore store(tx);
  if (after + 1 < store.OldestPosition()) {
    return WithErrorReason(
        absl::FailedPreconditionError("the change log no longer holds what this resume token "
                                      "missed; reload, then watch without a token"),
        "RESUME_TOKEN_EXPIRED");
  }
  const std::vector<storage::Change> changes =
      scope.topic == LiveScope::Topic::kComments
          ? store.ListCommentChanges(scope.id, after, upto, limit)
          : store.ListArticleChanges(scope.id, after, upto, limit);
  LiveReplay replay;
  replay.complete = static_cast<int>(changes.size()) < limit;
  replay.through = replay.complete ? upto : changes.back().position;
  for (LiveEventPtr& event : BuildLiveEvents(tx, changes)) {
    if (event->Matches(scope)) replay.events.push_back(std::move(event));
  }
  return replay;
}

}  // namespace news
