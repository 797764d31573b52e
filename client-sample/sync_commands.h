#ifndef NEWS_CLIENT_SAMPLE_SYNC_COMMANDS_H_
#define NEWS_CLIENT_SAMPLE_SYNC_COMMANDS_H_

// news-client sync: keeps an offline copy of the published articles in a local SQLite file with
// ArticleService.ListArticleChanges, the way an app keeps one on the phone (docs/sync.md).

#include <vector>

#include "client-sample/command.h"

namespace news::client {

std::vector<Command> SyncCommands();

}  // namespace news::client

#endif  // NEWS_CLIENT_SAMPLE_SYNC_COMMANDS_H_
