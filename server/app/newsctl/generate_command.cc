#include "server/app/newsctl/generate_command.h"

#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/time/clock.h"
#include "server/db/migrations.h"
#include "server/importer/corpus_generator.h"

ABSL_FLAG(int64_t, articles, 1000, "generate: number of articles");
ABSL_FLAG(int64_t, comments, 0, "generate: number of comments (when the comments table exists)");
ABSL_FLAG(uint64_t, seed, 1, "generate: the same seed gives the same corpus");
ABSL_FLAG(int64_t, batch_size, 25000, "generate: articles per transaction");

namespace news {

int RunGenerateCommand(pqxx::connection& db) {
  const absl::Status migrated = db::ApplyMigrations(db, db::EmbeddedMigrations());
  if (!migrated.ok()) {
    std::fprintf(stderr, "newsctl generate: %s\n", std::string(migrated.message()).c_str());
    return 1;
  }
  importer::CorpusOptions options;
  options.articles = absl::GetFlag(FLAGS_articles);
  options.comments = absl::GetFlag(FLAGS_comments);
  options.seed = absl::GetFlag(FLAGS_seed);
  options.batch_size = absl::GetFlag(FLAGS_batch_size);
  const absl::Time start = absl::Now();
  absl::StatusOr<importer::CorpusOutcome> outcome =
      importer::GenerateCorpus(db, options, [&](int64_t written) {
        std::fprintf(stderr, "  %lld articles (%.1f s)\n", static_cast<long long>(written),
                     absl::ToDoubleSeconds(absl::Now() - start));
      });
  if (!outcome.ok()) {
    std::fprintf(stderr, "newsctl generate: %s\n", std::string(outcome.status().message()).c_str());
    return absl::IsInvalidArgument(outcome.status()) ? 2 : 1;
  }
  std::printf("generated %lld articles and %lld comments (seed %llu) in %.1f s\n",
              static_cast<long long>(outcome->articles), static_cast<long long>(outcome->comments),
              static_cast<unsigned long long>(options.seed),
              absl::ToDoubleSeconds(absl::Now() - start));
  return 0;
}

}  // namespace news
