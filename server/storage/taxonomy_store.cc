#include "server/storage/taxonomy_store.h"

namespace news::storage {
namespace {

template <typename Message>
std::vector<Message> ReadRows(const pqxx::result& result) {
  std::vector<Message> rows;
  rows.reserve(result.size());
  for (const auto& row : result) {
    Message& message = rows.emplace_back();
    message.set_id(row[0].as<int64_t>());
    message.set_slug(row[1].as<std::string>());
    message.set_name(row[2].as<std::string>());
  }
  return rows;
}

}  // namespace

void TaxonomyStore::Prepare(pqxx::connection& connection) {
  connection.prepare("categories_list", "SELECT id, slug, name FROM categories ORDER BY name");
  connection.prepare("sources_list", "SELECT id, slug, name FROM sources ORDER BY name");
  // The no-op update makes RETURNING yield the existing row's id too.
  connection.prepare("category_ensure",
                     "INSERT INTO categories (slug, name) VALUES ($1, $2) ON CONFLICT (slug)"
                     " DO UPDATE SET slug = EXCLUDED.slug RETURNING id");
  connection.prepare("source_ensure",
                     "INSERT INTO sources (slug, name) VALUES ($1, $2) ON CONFLICT (slug)"
                     " DO UPDATE SET slug = EXCLUDED.slug RETURNING id");
}

std::vector<v1::Category> TaxonomyStore::ListCategories() {
  return ReadRows<v1::Category>(tx_.exec_prepared("categories_list"));
}

std::vector<v1::Source> TaxonomyStore::ListSources() {
  return ReadRows<v1::Source>(tx_.exec_prepared("sources_list"));
}

int64_t TaxonomyStore::EnsureCategory(const std::string& slug, const std::string& name) {
  return tx_.exec_prepared1("category_ensure", slug, name)[0].as<int64_t>();
}

int64_t TaxonomyStore::EnsureSource(const std::string& slug, const std::string& name) {
  return tx_.exec_prepared1("source_ensure", slug, name)[0].as<int64_t>();
}

}  // namespace news::storage
