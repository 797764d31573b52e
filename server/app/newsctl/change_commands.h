#ifndef NEWS_SERVER_APP_CHANGE_COMMANDS_H_
#define NEWS_SERVER_APP_CHANGE_COMMANDS_H_

// `newsctl changes ...`: the change log, for operators (docs/newsroom.md).
//   changes tail [--after=POSITION]   prints the log from after POSITION (default: the last 10
//                                     changes), then every change as it is stamped, one line
//                                     each: "POSITION TIME KIND article=ID [comment=ID]";
//                                     runs until interrupted

#include <pqxx/pqxx>
#include <vector>

namespace news {

// Runs `newsctl changes ARGS...` (`args` starts after "changes") and returns the exit status:
// 1 when the database fails, 2 for a bad command line; `tail` returns only on failure.
int RunChangesCommand(pqxx::connection& db, const std::vector<char*>& args);

}  // namespace news

#endif  // NEWS_SERVER_APP_CHANGE_COMMANDS_H_
