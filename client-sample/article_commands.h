#ifndef NEWS_CLIENT_SAMPLE_ARTICLE_COMMANDS_H_
#define NEWS_CLIENT_SAMPLE_ARTICLE_COMMANDS_H_

// news-client commands for news.v1.ArticleService and the standard services every server offers:
// feed, article, categories, sources, services (reflection) and health.

#include <vector>

#include "client-sample/command.h"

namespace news::client {

std::vector<Command> ArticleCommands();

}  // namespace news::client

#endif  // NEWS_CLIENT_SAMPLE_ARTICLE_COMMANDS_H_
