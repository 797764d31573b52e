#ifndef NEWS_CLIENT_SAMPLE_WORD_LIST_COMMANDS_H_
#define NEWS_CLIENT_SAMPLE_WORD_LIST_COMMANDS_H_

// news-client commands for the banned and suspect word lists of ModerationService (words,
// add-word, remove-word), with the admin token from NEWS_ADMIN_TOKEN.

#include <vector>

#include "client-sample/command.h"

namespace news::client {

std::vector<Command> WordListCommands();

}  // namespace news::client

#endif  // NEWS_CLIENT_SAMPLE_WORD_LIST_COMMANDS_H_
