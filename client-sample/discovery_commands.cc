#include "client-sample/discovery_commands.h"

#include <cstdio>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "client-sample/display_text.h"
#include "news/v1/discovery.grpc.pb.h"

namespace news::client {
namespace {

void PrintArticleLine(const v1::ArticleSummary& article, const std::string& figure) {
  std::printf("[%lld] %s  (%s)\n    %s | %s\n", static_cast<long long>(article.id()),
              article.title().c_str(), figure.c_str(),
              FormatLocalTime(article.publish_time()).c_str(), article.slug().c_str());
}

int RunRelated(const Connection& connection, const CommandArgs& args) {
  int64_t article_id = 0;
  if (!absl::SimpleAtoi(args.positionals()[0], &article_id)) {
    return PrintUsageError(absl::InvalidArgumentError("ARTICLE_ID must be a number"));
  }
  const absl::StatusOr<int64_t> page_size = args.IntOption("page_size", 0);
  if (!page_size.ok()) return PrintUsageError(page_size.status());
  v1::ListRelatedArticlesRequest request;
  request.set_article_id(article_id);
  request.set_page_size(static_cast<int32_t>(*page_size));
  v1::ListRelatedArticlesResponse response;
  const grpc::Status status =
      v1::DiscoveryService::NewStub(connection.channel)
          ->ListRelatedArticles(NewCallContext(connection).get(), request, &response);
  if (!status.ok()) return PrintStatus("ListRelatedArticles", status);
  std::printf("Tin liên quan (%d):\n", response.related_articles_size());
  for (const auto& entry : response.related_articles()) {
    char score[32];
    std::snprintf(score, sizeof(score), "score %.3f", entry.score());
    PrintArticleLine(entry.article(), score);
  }
  return kExitOk;
}

int RunSearch(const Connection& connection, const CommandArgs& args) {
  const absl::StatusOr<CommandArgs::ListingOptions> listing = args.Listing();
  if (!listing.ok()) return PrintUsageError(listing.status());
  // The query goes to the server as typed: it validates and folds it.
  v1::SearchArticlesRequest request;
  request.set_query(args.positionals()[0]);
  request.set_page_size(static_cast<int32_t>(listing->page_size));
  request.set_category_id(listing->category_id);
  request.set_source_id(listing->source_id);
  auto stub = v1::DiscoveryService::NewStub(connection.channel);
  for (int64_t page = 1; page <= listing->pages; ++page) {
    v1::SearchArticlesResponse response;
    const grpc::Status status =
        stub->SearchArticles(NewCallContext(connection).get(), request, &response);
    if (!status.ok()) return PrintStatus("SearchArticles", status);
    std::printf("-- page %lld: %s --\n", static_cast<long long>(page),
                Counted(response.results_size(), "result", "results").c_str());
    for (const auto& result : response.results()) {
      char score[32];
      std::snprintf(score, sizeof(score), "score %.3f", result.score());
      PrintArticleLine(result.article(), score);
      if (!result.snippet().empty()) std::printf("    %s\n", result.snippet().c_str());
    }
    if (response.next_page_token().empty()) {
      std::printf("-- end of results --\n");
      return kExitOk;
    }
    request.set_page_token(response.next_page_token());
  }
  return kExitOk;
}

int RunMostViewed(const Connection& connection, const CommandArgs& args) {
  const std::string window = absl::AsciiStrToLower(args.Option("window", "week"));
  v1::ListMostViewedArticlesRequest request;
  if (window == "day") {
    request.set_window(v1::VIEW_WINDOW_DAY);
  } else if (window == "week") {
    request.set_window(v1::VIEW_WINDOW_WEEK);
  } else if (window == "month") {
    request.set_window(v1::VIEW_WINDOW_MONTH);
  } else if (window == "all") {
    request.set_window(v1::VIEW_WINDOW_ALL);
  } else {
    return PrintUsageError(absl::InvalidArgumentError("--window must be day, week, month or all"));
  }
  const absl::StatusOr<int64_t> page_size = args.IntOption("page_size", 0);
  if (!page_size.ok()) return PrintUsageError(page_size.status());
  request.set_page_size(static_cast<int32_t>(*page_size));
  v1::ListMostViewedArticlesResponse response;
  const grpc::Status status =
      v1::DiscoveryService::NewStub(connection.channel)
          ->ListMostViewedArticles(NewCallContext(connection).get(), request, &response);
  if (!status.ok()) return PrintStatus("ListMostViewedArticles", status);
  std::printf("Đọc nhiều nhất (%s):\n", window.c_str());
  for (const auto& entry : response.articles()) {
    PrintArticleLine(entry.article(), Counted(entry.window_views(), "view", "views"));
  }
  return kExitOk;
}

int RunSiteStats(const Connection& connection, const CommandArgs& /*args*/) {
  v1::SiteStats stats;
  const grpc::Status status = v1::DiscoveryService::NewStub(connection.channel)
                                  ->GetSiteStats(NewCallContext(connection).get(), {}, &stats);
  if (!status.ok()) return PrintStatus("GetSiteStats", status);
  std::printf("Đang truy cập: %lld\nTổng truy cập: %lld\n",
              static_cast<long long>(stats.online_now()),
              static_cast<long long>(stats.total_visits()));
  return kExitOk;
}

}  // namespace

std::vector<Command> DiscoveryCommands() {
  return {
      {"related",
       "related articles (Tin liên quan) of one article",
       {"page_size"},
       {"ARTICLE_ID"},
       RunRelated},
      {"search",
       "search published articles; tone marks and case do not matter",
       {"page_size", "pages", "category_id", "source_id"},
       {"QUERY"},
       RunSearch},
      {"most-viewed",
       "most viewed articles; --window=day|week|month|all",
       {"window", "page_size"},
       {},
       RunMostViewed},
      {"site-stats", "online now and total visits", {}, {}, RunSiteStats},
  };
}

}  // namespace news::client
