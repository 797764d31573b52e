#include "server/storage/prepared_statements.h"

#include "server/storage/article_store.h"
#include "server/storage/taxonomy_store.h"

namespace news::storage {

void PrepareStatements(pqxx::connection& connection) {
  ArticleStore::Prepare(connection);
  TaxonomyStore::Prepare(connection);
}

}  // namespace news::storage
