// cache-coherence: how long a committed change takes to show on every news-server instance
// (docs/caching.md, issue 13's aim: p99 100 ms while the change-log followers listen, 1 s when
// their listening sessions were just killed). For each change it reads one article on every
// instance until each serves its current title (so that their caches hold it), optionally
// terminates the followers' sessions, commits a new title, then reads the article on every
// instance in turn, as fast as they answer, until each serves the new title. The change's delay
// is from the commit's return to the last instance serving it. bench/cache_coherence.sh runs it
// against two instances on a throwaway database.

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "news/v1/article.grpc.pb.h"

ABSL_FLAG(std::string, targets, "127.0.0.1:50051", "news-server instances, HOST:PORT,HOST:PORT");
ABSL_FLAG(std::string, database_url, "", "libpq URI of the instances' database");
ABSL_FLAG(int, changes, 200, "changes to measure");
ABSL_FLAG(bool, kill_listeners, false,
          "terminate the change followers' sessions (pg_terminate_backend) just before each "
          "change");

namespace {

using Clock = std::chrono::steady_clock;

constexpr char kFollowers[] =
    " FROM pg_stat_activity WHERE datname = current_database()"
    " AND application_name = 'news-server change follower'";
// A change not visible after this is counted as missed.
constexpr auto kGiveUp = std::chrono::seconds(10);

std::string TitleOn(news::v1::ArticleService::Stub& stub, int64_t id) {
  news::v1::GetArticleRequest request;
  request.set_id(id);
  news::v1::Article article;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  return stub.GetArticle(&context, request, &article).ok() ? article.title() : "";
}

// Reads on every instance until each serves `title`; false after kGiveUp.
bool VisibleEverywhere(std::vector<std::unique_ptr<news::v1::ArticleService::Stub>>& stubs,
                       int64_t id, const std::string& title) {
  std::vector<bool> seen(stubs.size(), false);
  const auto give_up = Clock::now() + kGiveUp;
  for (size_t left = stubs.size(); left > 0;) {
    if (Clock::now() > give_up) return false;
    for (size_t i = 0; i < stubs.size(); ++i) {
      if (!seen[i] && TitleOn(*stubs[i], id) == title) {
        seen[i] = true;
        --left;
      }
    }
  }
  return true;
}

double Percentile(const std::vector<double>& sorted, double q) {
  return sorted[static_cast<size_t>(q * static_cast<double>(sorted.size() - 1) + 0.5)];
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("Measures how long a committed change takes to show everywhere.");
  absl::ParseCommandLine(argc, argv);
  std::vector<std::unique_ptr<news::v1::ArticleService::Stub>> stubs;
  for (absl::string_view target : absl::StrSplit(absl::GetFlag(FLAGS_targets), ',')) {
    stubs.push_back(news::v1::ArticleService::NewStub(
        grpc::CreateChannel(std::string(target), grpc::InsecureChannelCredentials())));
  }
  pqxx::connection db(absl::GetFlag(FLAGS_database_url));
  const int64_t id = pqxx::nontransaction(db)
                         .exec1("SELECT max(id) FROM articles WHERE status = 'published'")[0]
                         .as<int64_t>();
  const bool kill = absl::GetFlag(FLAGS_kill_listeners);
  std::vector<double> millis;
  int missed = 0;
  for (int change = 0; change < absl::GetFlag(FLAGS_changes); ++change) {
    const std::string current =
        pqxx::nontransaction(db).exec_params1("SELECT title FROM articles WHERE id = $1", id)[0]
            .as<std::string>();
    if (!VisibleEverywhere(stubs, id, current)) {
      std::fprintf(stderr, "article %ld: the instances do not serve its title\n", id);
      return 1;
    }
    if (kill) {
      // Kills listening sessions, not ones still reconnecting after the previous kill.
      pqxx::nontransaction tx(db);
      while (tx.exec1(absl::StrCat("SELECT count(*)", kFollowers))[0].as<size_t>() <
             stubs.size()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      tx.exec(absl::StrCat("SELECT pg_terminate_backend(pid)", kFollowers));
    }
    const std::string title = absl::StrCat("Tin cập nhật lần ", change, " (", id, ")");
    {
      pqxx::work tx(db);
      tx.exec_params("UPDATE articles SET title = $1 WHERE id = $2", title, id);
      tx.commit();
    }
    const auto committed = Clock::now();
    if (VisibleEverywhere(stubs, id, title)) {
      millis.push_back(
          std::chrono::duration<double, std::milli>(Clock::now() - committed).count());
    } else {
      ++missed;
    }
  }
  if (millis.empty()) {
    std::printf("no change became visible (%d missed)\n", missed);
    return 1;
  }
  std::sort(millis.begin(), millis.end());
  std::printf("%zu changes %s, visible on all %zu instances after p50 %.1f ms, p90 %.1f ms, "
              "p99 %.1f ms, max %.1f ms (%d not within 10 s)\n",
              millis.size() + missed,
              kill ? "each just after the followers' sessions were terminated"
                   : "while the followers listen",
              stubs.size(), Percentile(millis, 0.5), Percentile(millis, 0.9),
              Percentile(millis, 0.99), millis.back(), missed);
  return missed == 0 ? 0 : 1;
}
