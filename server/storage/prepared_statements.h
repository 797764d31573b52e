#ifndef NEWS_SERVER_STORAGE_PREPARED_STATEMENTS_H_
#define NEWS_SERVER_STORAGE_PREPARED_STATEMENTS_H_

#include <pqxx/pqxx>

namespace news::storage {

// Registers the prepared statements of every store on `connection`. Statements are prepared on
// the server lazily, at first use; calling this again on the same connection is harmless.
void PrepareStatements(pqxx::connection& connection);

}  // namespace news::storage

#endif  // NEWS_SERVER_STORAGE_PREPARED_STATEMENTS_H_
