#include "server/storage/articles/article_state.h"

namespace news {

absl::string_view ArticleStateName(ArticleState state) {
  switch (state) {
    case ArticleState::kDraft:
      return "draft";
    case ArticleState::kScheduled:
      return "scheduled";
    case ArticleState::kPublished:
      return "published";
    case ArticleState::kExpired:
      return "expired";
    case ArticleState::kRetracted:
      return "retracted";
    case ArticleState::kDeleted:
      return "deleted";
  }
  return "";
}

std::optional<ArticleState> ParseArticleState(absl::string_view name) {
  for (ArticleState state :
       {ArticleState::kDraft, ArticleState::kScheduled, ArticleState::kPublished,
        ArticleState::kExpired, ArticleState::kRetracted, ArticleState::kDeleted}) {
    if (ArticleStateName(state) == name) return state;
  }
  return std::nullopt;
}

v1::ArticleStatus ToProto(ArticleState state) {
  switch (state) {
    case ArticleState::kDraft:
      return v1::ARTICLE_STATUS_DRAFT;
    case ArticleState::kScheduled:
      return v1::ARTICLE_STATUS_SCHEDULED;
    case ArticleState::kPublished:
      return v1::ARTICLE_STATUS_PUBLISHED;
    case ArticleState::kExpired:
      return v1::ARTICLE_STATUS_ARCHIVED;
    case ArticleState::kRetracted:
      return v1::ARTICLE_STATUS_RETRACTED;
    case ArticleState::kDeleted:
      return v1::ARTICLE_STATUS_DELETED;
  }
  return v1::ARTICLE_STATUS_UNSPECIFIED;
}

std::optional<ArticleState> FromProto(v1::ArticleStatus status) {
  switch (status) {
    case v1::ARTICLE_STATUS_DRAFT:
      return ArticleState::kDraft;
    case v1::ARTICLE_STATUS_SCHEDULED:
      return ArticleState::kScheduled;
    case v1::ARTICLE_STATUS_PUBLISHED:
      return ArticleState::kPublished;
    case v1::ARTICLE_STATUS_ARCHIVED:
      return ArticleState::kExpired;
    case v1::ARTICLE_STATUS_RETRACTED:
      return ArticleState::kRetracted;
    case v1::ARTICLE_STATUS_DELETED:
      return ArticleState::kDeleted;
    default:
      return std::nullopt;
  }
}

}  // namespace news
