#ifndef NEWS_SERVER_APP_TOKEN_COMMANDS_H_
#define NEWS_SERVER_APP_TOKEN_COMMANDS_H_

// `newsctl token ...`: admin tokens for ModerationService (docs/comments.md).
//   token create --role=moderator|editor|admin --name="..."   prints the new token once
//   token revoke ID
//   token list                                         ids, names, roles; never secrets

#include <pqxx/pqxx>
#include <vector>

namespace news {

// Runs `newsctl token ARGS...` (`args` starts after "token") and returns the exit status: 0,
// 1 when the database refused, 2 for a bad command line. Token actions are recorded in the
// moderation audit log with actor "newsctl:$USER".
int RunTokenCommand(pqxx::connection& db, const std::vector<char*>& args);

}  // namespace news

#endif  // NEWS_SERVER_APP_TOKEN_COMMANDS_H_
