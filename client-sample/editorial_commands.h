#ifndef NEWS_CLIENT_SAMPLE_EDITORIAL_COMMANDS_H_
#define NEWS_CLIENT_SAMPLE_EDITORIAL_COMMANDS_H_

// news-client commands for the newsroom (EditorialService, docs/newsroom.md), as an editor with
// the token from the environment variable NEWS_ADMIN_TOKEN (role editor or admin): write a
// draft, list articles by state, edit, publish now or schedule, retract, delete.

#include <vector>

#include "client-sample/command.h"

namespace news::client {

std::vector<Command> EditorialCommands();

}  // namespace news::client

#endif  // NEWS_CLIENT_SAMPLE_EDITORIAL_COMMANDS_H_
