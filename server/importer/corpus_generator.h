#ifndef NEWS_SERVER_IMPORTER_CORPUS_GENERATOR_H_
#define NEWS_SERVER_IMPORTER_CORPUS_GENERATOR_H_

// A synthetic corpus for load tests and for judging related news at scale (docs/discovery.md):
// Vietnamese-like articles built from syllable and phrase lists across categories and sources,
// grouped into stories (clusters of articles on one topic, close in time), with publish times
// spread over two years and denser towards the end, plus optional comments. The same seed gives
// the same corpus. Rows are written with COPY in batches, each batch one transaction, search
// documents and related news included.

#include <cstdint>
#include <functional>
#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace news::importer {

struct CorpusOptions {
  int64_t articles = 1000;
  // Ignored (reported as 0) when the database has no comments table.
  int64_t comments = 0;
  uint64_t seed = 1;
  // The newest publish time; fixed by default so that a seed always gives the same corpus.
  absl::Time latest_publish_time = absl::FromUnixSeconds(1767225600);  // 2026-01-01 UTC
  // Articles per transaction; related lists are computed within a batch.
  int64_t batch_size = 25000;
};

struct CorpusOutcome {
  int64_t articles = 0;
  int64_t comments = 0;
};

// Writes the corpus into `db`, whose schema must be migrated. `progress` (may be empty) is
// called after each batch with the articles written so far. InvalidArgument for negative counts
// or a non-positive batch size; AlreadyExists when this seed's corpus is already there (its
// articles' import keys are taken). Other database errors throw pqxx exceptions; earlier
// batches stay committed.
absl::StatusOr<CorpusOutcome> GenerateCorpus(pqxx::connection& db, const CorpusOptions& options,
                                             const std::function<void(int64_t)>& progress = {});

}  // namespace news::importer

#endif  // NEWS_SERVER_IMPORTER_CORPUS_GENERATOR_H_
