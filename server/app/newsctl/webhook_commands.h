#ifndef NEWS_SERVER_APP_WEBHOOK_COMMANDS_H_
#define NEWS_SERVER_APP_WEBHOOK_COMMANDS_H_

// `newsctl webhook ...`: push-hook endpoints and their dead letters (docs/live.md, "Push hooks").
//   webhook add URL [--published] [--categories=1,2] [--breaking] [--reply_to=7,9]
//               [--description=TEXT] [--request_id=ID]   prints the id, then the secret once
//   webhook list                                         ids, urls, events; never secrets
//   webhook remove ID
//   webhook dead [--webhook=ID]                          the dead letters, oldest first
//   webhook replay ID                                    queues a dead letter again
// newsctl knows no server's ports, so it checks the URL's scheme and shape only; every server
// still refuses to deliver to its own gRPC or metrics port.

#include <pqxx/pqxx>
#include <vector>

namespace news {

// Runs `newsctl webhook ARGS...` (`args` starts after "webhook") and returns the exit status: 0,
// 1 when the database refused or an id is unknown, 2 for a bad command line. Changes are
// recorded in the audit log with actor "newsctl:$USER".
int RunWebhookCommand(pqxx::connection& db, const std::vector<char*>& args);

}  // namespace news

#endif  // NEWS_SERVER_APP_WEBHOOK_COMMANDS_H_
