#include "server/storage/articles/category_store.h"

namespace news::storage {

void CategoryStore::Prepare(pqxx::connection& connection) {
  connection.prepare("categories_list", "SELECT id, slug, name FROM categories ORDER BY name");
  // The no-op update makes RETURNING yield the existing row's id too.
  connection.prepare("category_ensure",
                     "INSERT INTO categories (slug, name) VALUES ($1, $2) ON CONFLICT (slug)"
                     " DO UPDATE SET slug = EXCLUDED.slug RETURNING id");
}

std::vector<v1::Category> CategoryStore::List() {
  const pqxx::result result = tx_.exec_prepared("categories_list");
  std::vector<v1::Category> rows;
  rows.reserve(result.size());
  for (const auto& row : result) {
    v1::Category& category = rows.emplace_back();
    category.set_id(row[0].as<int64_t>());
    category.set_slug(row[1].as<std::string>());
    category.set_name(row[2].as<std::string>());
  }
  return rows;
}

int64_t CategoryStore::Ensure(const std::string& slug, const std::string& name) {
  return tx_.exec_prepared1("category_ensure", slug, name)[0].as<int64_t>();
}

}  // namespace news::storage
