#ifndef NEWS_SERVER_STORAGE_CATEGORY_STORE_H_
#define NEWS_SERVER_STORAGE_CATEGORY_STORE_H_

// All SQL on the categories table. Methods run in the caller's transaction and throw pqxx
// exceptions on database errors.

#include <cstdint>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "news/v1/article.pb.h"

namespace news::storage {

class CategoryStore {
 public:
  explicit CategoryStore(pqxx::transaction_base& tx) : tx_(tx) {}

  static void Prepare(pqxx::connection& connection);

  // All rows, ordered by name.
  std::vector<v1::Category> List();

  // The id of the row with this slug, creating it with `name` when missing.
  int64_t Ensure(const std::string& slug, const std::string& name);

 private:
  pqxx::transaction_base& tx_;
};

}  // namespace news::storage

#endif  // NEWS_SERVER_STORAGE_CATEGORY_STORE_H_
