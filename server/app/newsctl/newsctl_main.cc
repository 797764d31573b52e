// newsctl: operator commands against the news database (DATABASE_URL).
//   newsctl migrate                      apply pending schema migrations
//   newsctl import [--category=NAME] FILE...   import portal pages (docs/importer.md)
//   newsctl reindex                      rebuild search documents and related-news terms
//   newsctl generate --articles=N --comments=M --seed=S   synthetic corpus (docs/discovery.md)
//   newsctl token create|revoke|list            admin tokens (docs/comments.md)
//   newsctl changes tail [--after=POSITION]     follow the change log (docs/newsroom.md)
//   newsctl webhook add|list|remove|dead|replay  push hooks (docs/live.md)

#include <cstdio>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "server/app/environment.h"
#include "server/app/newsctl/change_commands.h"
#include "server/app/newsctl/generate_command.h"
#include "server/app/newsctl/token_commands.h"
#include "server/app/newsctl/webhook_commands.h"
#include "server/db/migrations.h"
#include "server/domain/discovery/related_news.h"
#include "server/importer/article_importer.h"
#include "server/storage/prepared_statements.h"

ABSL_FLAG(std::string, database_url, news::EnvOr("DATABASE_URL", ""),
          "libpq URI of the PostgreSQL database (env DATABASE_URL)");
ABSL_FLAG(std::string, category, "Thời sự", "import: category for the imported articles");

namespace {

constexpr char kUsage[] =
    "newsctl COMMAND [flags] [args]\n"
    "  migrate                        apply pending schema migrations\n"
    "  import [--category=NAME] FILE...  import portal article pages\n"
    "  reindex                        after an upgrade: rebuild the search documents migrations\n"
    "                                 queued and extract every article's related-news terms again\n"
    "  generate --articles=N --comments=M --seed=S   synthetic corpus (docs/discovery.md)\n"
    "  token create --role=moderator|editor|admin --name=NAME   make an admin token (shown once)\n"
    "  token revoke ID                 revoke an admin token\n"
    "  token list                      list admin tokens (no secrets)\n"
    "  changes tail [--after=POSITION]  print the change log as it grows (docs/newsroom.md)\n"
    "  webhook add URL [--published [--categories=1,2]] [--breaking] [--reply_to=7,9]\n"
    "              [--description=TEXT]   register a push hook (prints its secret once)\n"
    "  webhook list | remove ID | dead [--webhook=ID] | replay ID   (docs/live.md)";

int Migrate(pqxx::connection& db) {
  absl::Status status = news::db::ApplyMigrations(db, news::db::EmbeddedMigrations());
  if (!status.ok()) {
    std::fprintf(stderr, "newsctl migrate: %s\n", std::string(status.message()).c_str());
    return 1;
  }
  std::printf("schema is up to date\n");
  return 0;
}

// Imports every file it can; a file that fails is reported and skipped, and the exit status
// is 1 if any failed.
int Import(pqxx::connection& db, const std::vector<char*>& files) {
  if (files.empty()) {
    std::fprintf(stderr, "newsctl import: name at least one FILE\n");
    return 2;
  }
  if (Migrate(db) != 0) return 1;
  news::importer::ImportOptions options;
  options.category_name = absl::GetFlag(FLAGS_category);
  int failures = 0;
  for (const char* file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "%s: cannot open file\n", file);
      ++failures;
      continue;
    }
    std::stringstream content;
    content << in.rdbuf();
    auto outcome = news::importer::ImportPortalPage(db, file, content.str(), options);
    if (!outcome.ok()) {
      std::fprintf(stderr, "%s\n", std::string(outcome.status().message()).c_str());
      ++failures;
      continue;
    }
    std::printf("%s: %s article %lld (%s)\n", file, outcome->created ? "created" : "updated",
                static_cast<long long>(outcome->article_id), outcome->slug.c_str());
  }
  return failures == 0 ? 0 : 1;
}

// Everything a migration may leave to rebuild from the articles' text: the search documents it
// queued, then every article's related-news terms, 1000 articles per transaction, marking their
// lists stale; news-server then recomputes them in the background (docs/discovery.md).
int Reindex(pqxx::connection& db) {
  if (Migrate(db) != 0) return 1;
  const int64_t rebuilt = news::importer::RebuildQueuedSearchDocuments(db);
  std::printf("rebuilt %lld search documents\n", static_cast<long long>(rebuilt));
  news::storage::PrepareStatements(db);
  int64_t last_id = 0;
  bool reindexed_any = false;
  while (true) {
    pqxx::work tx(db);
    const int64_t next = news::ReindexRelatedTerms(tx, last_id, 1000);
    tx.commit();
    if (next == 0) break;
    last_id = next;
    reindexed_any = true;
    std::fprintf(stderr, "\rreindexed up to article %lld", static_cast<long long>(last_id));
  }
  std::printf("%sterms extracted; news-server recomputes the stale related lists\n",
              reindexed_any ? "\n" : "");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(kUsage);
  // --help lists the program's own flags; absl's default looks only in a file named after the
  // binary. Abseil's built-in flags stay under --helpfull.
  absl::FlagsUsageConfig usage_config;
  usage_config.contains_help_flags = [](absl::string_view file) {
    return !absl::StrContains(file, "absl/");
  };
  absl::SetFlagsUsageConfig(usage_config);
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() < 2) {
    std::fprintf(stderr, "%s\n", kUsage);
    return 2;
  }
  const std::string command = args[1];
  const std::vector<char*> rest(args.begin() + 2, args.end());
  if (absl::GetFlag(FLAGS_database_url).empty()) {
    std::fprintf(stderr, "newsctl: set --database_url or DATABASE_URL\n");
    return 2;
  }
  try {
    pqxx::connection db(absl::GetFlag(FLAGS_database_url));
    if (command == "migrate") return Migrate(db);
    if (command == "import") return Import(db, rest);
    if (command == "reindex") return Reindex(db);
    if (command == "generate") return news::RunGenerateCommand(db);
    if (command == "token") return news::RunTokenCommand(db, rest);
    if (command == "changes") return news::RunChangesCommand(db, rest);
    if (command == "webhook") return news::RunWebhookCommand(db, rest);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "newsctl %s: %s\n", command.c_str(), e.what());
    return 1;
  }
  std::fprintf(stderr, "newsctl: unknown command '%s'\n%s\n", command.c_str(), kUsage);
  return 2;
}
