#ifndef NEWS_CLIENT_SAMPLE_LIVE_COMMANDS_H_
#define NEWS_CLIENT_SAMPLE_LIVE_COMMANDS_H_

// news.v1.LiveService: `watch` follows an article's comments and the article feed as an app's
// open screens do, resuming each stream with its last resume_token after a break.

#include <vector>

#include "client-sample/command.h"

namespace news::client {

std::vector<Command> LiveCommands();

}  // namespace news::client

#endif  // NEWS_CLIENT_SAMPLE_LIVE_COMMANDS_H_
