#ifndef NEWS_SERVER_APP_GENERATE_COMMAND_H_
#define NEWS_SERVER_APP_GENERATE_COMMAND_H_

#include <pqxx/pqxx>

namespace news {

// `newsctl generate --articles=N --comments=M --seed=S`: migrates, then writes a synthetic
// corpus (importer/corpus_generator.h) and prints what it wrote and how long it took. Returns
// the process exit code: 0, 1 on failure, 2 on bad flags.
int RunGenerateCommand(pqxx::connection& db);

}  // namespace news

#endif  // NEWS_SERVER_APP_GENERATE_COMMAND_H_
