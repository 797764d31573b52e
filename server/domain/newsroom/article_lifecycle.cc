#include "server/domain/newsroom/article_lifecycle.h"

#include "absl/strings/str_cat.h"
#include "server/domain/status_details.h"

namespace news {
namespace {

absl::string_view ActionName(ArticleAction action) {
  switch (action) {
    case ArticleAction::kUpdate:
      return "updated";
    case ArticleAction::kPublish:
      return "published";
    case ArticleAction::kUnpublish:
      return "unpublished";
    case ArticleAction::kDelete:
      return "deleted";
  }
  return "";
}

bool Allowed(ArticleState from, ArticleAction action) {
  switch (action) {
    case ArticleAction::kUpdate:
      return from != ArticleState::kDeleted;
    case ArticleAction::kPublish:
      return from == ArticleState::kDraft || from == ArticleState::kScheduled ||
             from == ArticleState::kExpired || from == ArticleState::kRetracted;
    case ArticleAction::kUnpublish:
      return from == ArticleState::kScheduled || from == ArticleState::kPublished ||
             from == ArticleState::kExpired;
    case ArticleAction::kDelete:
      return from == ArticleState::kDraft || from == ArticleState::kRetracted;
  }
  return false;
}

}  // namespace

ArticleState StateForPublishTime(absl::Time publish_time, absl::Time now) {
  return publish_time > now ? ArticleState::kScheduled : ArticleState::kPublished;
}

absl::Status CheckArticleAction(ArticleState from, ArticleAction action) {
  if (Allowed(from, action)) return absl::OkStatus();
  return WithErrorReason(
      absl::FailedPreconditionError(absl::StrCat("an article that is ", ArticleStateName(from),
                                                 " cannot be ", ActionName(action))),
      "ARTICLE_STATE_CONFLICT");
}

}  // namespace news
