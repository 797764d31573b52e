#ifndef NEWS_SERVER_STORAGE_ARTICLE_STATE_H_
#define NEWS_SERVER_STORAGE_ARTICLE_STATE_H_

// The states of an article (the article_status enum of the database; their meaning and
// transitions: domain/newsroom/article_lifecycle.h, docs/newsroom.md).

#include <optional>

#include "absl/strings/string_view.h"
#include "news/v1/article.pb.h"

namespace news {

enum class ArticleState { kDraft, kScheduled, kPublished, kExpired, kRetracted, kDeleted };

// The article_status enum value in the database: "draft", "scheduled", "published", "expired",
// "retracted", "deleted".
absl::string_view ArticleStateName(ArticleState state);
// Nullopt for any other text.
std::optional<ArticleState> ParseArticleState(absl::string_view name);

// ARTICLE_STATUS_ARCHIVED stands for kExpired.
v1::ArticleStatus ToProto(ArticleState state);
// Nullopt for ARTICLE_STATUS_UNSPECIFIED and unknown values.
std::optional<ArticleState> FromProto(v1::ArticleStatus status);

}  // namespace news

#endif  // NEWS_SERVER_STORAGE_ARTICLE_STATE_H_
