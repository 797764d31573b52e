#ifndef NEWS_SERVER_DOMAIN_CHANGE_SUBSCRIBER_H_
#define NEWS_SERVER_DOMAIN_CHANGE_SUBSCRIBER_H_

// What follows the change log inside one instance (docs/newsroom.md, "The change log"). The
// instance's one ChangeLogFollower (server/app/jobs/change_log/change_log_follower.h) reads the log once
// and hands every batch to each subscriber: the response caches' invalidation, and whatever else
// must react to committed changes.

#include "absl/types/span.h"
#include "server/storage/newsroom/newsroom_store.h"

namespace news {

class ChangeSubscriber {
 public:
  virtual ~ChangeSubscriber() = default;

  // Changes in position order, each position once and without gaps, on the follower's thread.
  // Must not block: the next batch waits for every subscriber.
  virtual void OnChanges(absl::Span<const storage::Change> changes) = 0;

  // The follower's session was (re)opened or lost: notifications sent meanwhile are gone, so
  // whatever relied on them being prompt must not trust what it holds. Reading resumes after the
  // last position delivered, so OnChanges still sees every change.
  virtual void OnSessionReset() = 0;
};

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_CHANGE_SUBSCRIBER_H_
