#include "server/storage/articles/source_store.h"

namespace news::storage {

void SourceStore::Prepare(pqxx::connection& connection) {
  connection.prepare("sources_list", "SELECT id, slug, name FROM sources ORDER BY name");
  // The no-op update makes RETURNING yield the existing row's id too.
  connection.prepare("source_ensure",
                     "INSERT INTO sources (slug, name) VALUES ($1, $2) ON CONFLICT (slug)"
                     " DO UPDATE SET slug = EXCLUDED.slug RETURNING id");
}

std::vector<v1::Source> SourceStore::List() {
  const pqxx::result result = tx_.exec_prepared("sources_list");
  std::vector<v1::Source> rows;
  rows.reserve(result.size());
  for (const auto& row : result) {
    v1::Source& source = rows.emplace_back();
    source.set_id(row[0].as<int64_t>());
    source.set_slug(row[1].as<std::string>());
    source.set_name(row[2].as<std::string>());
  }
  return rows;
}

int64_t SourceStore::Ensure(const std::string& slug, const std::string& name) {
  return tx_.exec_prepared1("source_ensure", slug, name)[0].as<int64_t>();
}

}  // namespace news::storage
