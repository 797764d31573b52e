#ifndef NEWS_CLIENT_SAMPLE_DISCOVERY_COMMANDS_H_
#define NEWS_CLIENT_SAMPLE_DISCOVERY_COMMANDS_H_

// news-client commands for news.v1.DiscoveryService: related, search, most-viewed, site-stats.

#include <vector>

#include "client-sample/command.h"

namespace news::client {

std::vector<Command> DiscoveryCommands();

}  // namespace news::client

#endif  // NEWS_CLIENT_SAMPLE_DISCOVERY_COMMANDS_H_
