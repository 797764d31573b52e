#ifndef NEWS_CLIENT_SAMPLE_COMMENT_COMMANDS_H_
#define NEWS_CLIENT_SAMPLE_COMMENT_COMMANDS_H_

// news-client commands for comments: as a reader (comments, comment, like, report, edit,
// withdraw) with the `x-client-id` of this install, and as a moderator (queue, approve, reject,
// spam, ban, feature, unfeature, remove-all) with the admin token from the environment variable
// NEWS_ADMIN_TOKEN.

#include <vector>

#include "client-sample/command.h"

namespace news::client {

std::vector<Command> CommentCommands();

}  // namespace news::client

#endif  // NEWS_CLIENT_SAMPLE_COMMENT_COMMANDS_H_
