#ifndef NEWS_CLIENT_SAMPLE_CLIENT_COMMANDS_H_
#define NEWS_CLIENT_SAMPLE_CLIENT_COMMANDS_H_

// news.v1.ClientService: `register` obtains this install's signed client id once and stores it,
// as an app does on first start.

#include <string>
#include <vector>

#include "client-sample/command.h"

namespace news::client {

std::vector<Command> ClientCommands();

// The id `register` stored (file NEWS_CLIENT_ID_FILE, default ~/.news-client-id); empty when
// there is none.
std::string StoredClientId();

}  // namespace news::client

#endif  // NEWS_CLIENT_SAMPLE_CLIENT_COMMANDS_H_
