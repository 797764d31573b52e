#include "client-sample/article_commands.h"

#include <cstdio>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client-sample/display_text.h"
#include "client-sample/reflection_client.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "news/v1/article.grpc.pb.h"

namespace news::client {
namespace {

// "Thứ năm - 12/01/2023 04:44 | Ngô Phương Văn | DIC | Thời sự | 120 views, 0 comments", leaving
// out what the article does not have.
std::string DescribeLine(const google::protobuf::Timestamp& publish_time, const std::string& author,
                         const v1::Source& source, const v1::Category& category, int64_t view_count,
                         int64_t comment_count) {
  std::vector<std::string> parts;
  for (const std::string& part :
       {FormatLocalTime(publish_time), author, source.name(), category.name()}) {
    if (!part.empty()) parts.push_back(part);
  }
  parts.push_back(absl::StrCat(Counted(view_count, "view", "views"), ", ",
                               Counted(comment_count, "comment", "comments")));
  return absl::StrJoin(parts, " | ");
}

void PrintSummary(const v1::ArticleSummary& article) {
  std::printf("[%lld] %s\n", static_cast<long long>(article.id()), article.title().c_str());
  std::printf("    %s\n",
              DescribeLine(article.publish_time(), article.author(), article.source(),
                           article.category(), article.view_count(), article.comment_count())
                  .c_str());
  std::printf("    slug: %s\n", article.slug().c_str());
}

void PrintNeighbour(const char* heading, bool present, const v1::ArticleSummary& neighbour) {
  std::printf("%s:\n", heading);
  if (!present) {
    std::printf("    (none)\n");
    return;
  }
  std::printf("    %s - %s\n    slug: %s\n", neighbour.title().c_str(),
              FormatLocalTime(neighbour.publish_time()).c_str(), neighbour.slug().c_str());
}

int RunFeed(const Connection& connection, const CommandArgs& args) {
  const absl::StatusOr<CommandArgs::ListingOptions> listing = args.Listing();
  if (!listing.ok()) return PrintUsageError(listing.status());

  // page_size is passed through unchecked: the server answers a bad one with INVALID_ARGUMENT
  // and a BadRequest detail naming the field, which PrintStatus shows.
  v1::ListArticlesRequest request;
  request.set_page_size(static_cast<int32_t>(listing->page_size));
  request.set_category_id(listing->category_id);
  request.set_source_id(listing->source_id);
  request.set_tag(args.Option("tag"));

  auto stub = v1::ArticleService::NewStub(connection.channel);
  for (int64_t page = 1; page <= listing->pages; ++page) {
    v1::ListArticlesResponse response;
    const grpc::Status status =
        stub->ListArticles(NewCallContext(connection).get(), request, &response);
    if (!status.ok()) return PrintStatus("ListArticles", status);
    std::printf("-- page %lld: %s --\n", static_cast<long long>(page),
                Counted(response.articles_size(), "article", "articles").c_str());
    for (const auto& article : response.articles()) PrintSummary(article);
    if (response.next_page_token().empty()) {
      std::printf("-- end of feed --\n");
      return kExitOk;
    }
    // The next request is the same one plus the token: a token only continues the filters it
    // was issued for (changing them is INVALID_ARGUMENT); page_size may change.
    request.set_page_token(response.next_page_token());
  }
  std::printf("-- more: next_page_token=%s --\n", request.page_token().c_str());
  return kExitOk;
}

int RunArticle(const Connection& connection, const CommandArgs& args) {
  const std::string& id_or_slug = args.positionals()[0];
  v1::GetArticleRequest request;
  // Slugs are made from titles and never all digits, so a number is an id.
  int64_t id = 0;
  if (absl::SimpleAtoi(id_or_slug, &id)) {
    request.set_id(id);
  } else {
    request.set_slug(id_or_slug);
  }

  auto stub = v1::ArticleService::NewStub(connection.channel);
  v1::Article article;
  const grpc::Status status = stub->GetArticle(NewCallContext(connection).get(), request, &article);
  if (!status.ok()) return PrintStatus("GetArticle", status);

  std::printf("%s\n", article.title().c_str());
  std::printf("%s | %s, %s\n", FormatLocalTime(article.publish_time()).c_str(),
              Counted(article.view_count(), "view", "views").c_str(),
              Counted(article.comment_count(), "comment", "comments").c_str());
  // Author, source, tags and cover image are optional: portal pages do not always have them.
  if (!article.author().empty()) std::printf("Author: %s\n", article.author().c_str());
  if (article.has_source()) std::printf("Source: %s\n", article.source().name().c_str());
  std::printf("Category: %s\n", article.category().name().c_str());
  if (article.tags_size() > 0) {
    std::printf("Tags: %s\n", absl::StrJoin(article.tags(), ", ").c_str());
  }
  std::printf("id: %lld  slug: %s\n\n", static_cast<long long>(article.id()),
              article.slug().c_str());
  std::printf("%s\n\n", article.summary().c_str());
  for (const std::string& paragraph : article.body_paragraphs()) {
    std::printf("%s\n\n", paragraph.c_str());
  }
  const v1::Image& cover = article.cover_image();
  if (!cover.url().empty()) std::printf("Cover image: %s\n", cover.url().c_str());
  if (!cover.caption().empty()) std::printf("Cover image caption: %s\n", cover.caption().c_str());
  if (!cover.url().empty() || !cover.caption().empty()) std::printf("\n");
  PrintNeighbour("Những tin mới hơn", article.has_newer(), article.newer());
  PrintNeighbour("Những tin cũ hơn", article.has_older(), article.older());
  return kExitOk;
}

int RunCategories(const Connection& connection, const CommandArgs&) {
  auto stub = v1::ArticleService::NewStub(connection.channel);
  v1::ListCategoriesResponse response;
  const grpc::Status status = stub->ListCategories(NewCallContext(connection).get(), {}, &response);
  if (!status.ok()) return PrintStatus("ListCategories", status);
  for (const auto& category : response.categories()) {
    std::printf("%lld\t%s\t%s\n", static_cast<long long>(category.id()), category.slug().c_str(),
                category.name().c_str());
  }
  return kExitOk;
}

int RunSources(const Connection& connection, const CommandArgs&) {
  auto stub = v1::ArticleService::NewStub(connection.channel);
  v1::ListSourcesResponse response;
  const grpc::Status status = stub->ListSources(NewCallContext(connection).get(), {}, &response);
  if (!status.ok()) return PrintStatus("ListSources", status);
  for (const auto& source : response.sources()) {
    std::printf("%lld\t%s\t%s\n", static_cast<long long>(source.id()), source.slug().c_str(),
                source.name().c_str());
  }
  return kExitOk;
}

int RunServices(const Connection& connection, const CommandArgs&) {
  const absl::StatusOr<std::vector<std::string>> services =
      ListServicesByReflection(connection.channel, connection.call_timeout);
  if (!services.ok()) {
    return PrintStatus("ServerReflectionInfo",
                       grpc::Status(static_cast<grpc::StatusCode>(services.status().code()),
                                    std::string(services.status().message())));
  }
  for (const std::string& service : *services) std::printf("%s\n", service.c_str());
  return kExitOk;
}

int RunHealth(const Connection& connection, const CommandArgs& args) {
  auto stub = grpc::health::v1::Health::NewStub(connection.channel);
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(args.Option("service"));
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status status = stub->Check(NewCallContext(connection).get(), request, &response);
  if (!status.ok()) return PrintStatus("Health.Check", status);
  std::printf("%s\n",
              grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status()).c_str());
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING ? kExitOk
                                                                             : kExitCallFailed;
}

}  // namespace

std::vector<Command> ArticleCommands() {
  return {
      {"feed",
       "published articles, newest first, page by page",
       {"page_size", "pages", "category_id", "source_id", "tag"},
       {},
       RunFeed},
      {"article",
       "one article with its newer and older neighbours",
       {},
       {"ID_OR_SLUG"},
       RunArticle},
      {"categories", "the categories (ids for feed --category_id)", {}, {}, RunCategories},
      {"sources", "the publishers (ids for feed --source_id)", {}, {}, RunSources},
      {"services", "the services the server lists through gRPC reflection", {}, {}, RunServices},
      {"health",
       "grpc.health.v1 status of the server or --service=NAME; exit 0 only if SERVING",
       {"service"},
       {},
       RunHealth},
  };
}

}  // namespace news::client
