#ifndef NEWS_SERVER_DOMAIN_ARTICLE_LIFECYCLE_H_
#define NEWS_SERVER_DOMAIN_ARTICLE_LIFECYCLE_H_

// The article lifecycle (docs/newsroom.md): its states, which of them readers see, and which
// transitions the editorial actions may make. The importer, the generator, EditorialService and
// the scheduler all take their states from here.

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/storage/articles/article_state.h"

namespace news {

// The state of an article that is to appear at `publish_time`: scheduled while that is after
// `now`, else published.
ArticleState StateForPublishTime(absl::Time publish_time, absl::Time now);

// What an editor asks of an article.
enum class ArticleAction {
  kUpdate,     // change its fields
  kPublish,    // publish now or schedule
  kUnpublish,  // retract, with a reason
  kDelete,     // soft delete
};

// OK when `action` may be applied to an article in state `from`; FailedPrecondition (reason
// ARTICLE_STATE_CONFLICT) naming the state otherwise:
//   update:    every state but deleted
//   publish:   draft, scheduled, expired, retracted
//   unpublish: scheduled, published, expired
//   delete:    draft, retracted
absl::Status CheckArticleAction(ArticleState from, ArticleAction action);

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_ARTICLE_LIFECYCLE_H_
