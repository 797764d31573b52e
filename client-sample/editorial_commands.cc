#include "client-sample/editorial_commands.h"

#include <google/protobuf/util/time_util.h>

#include <cstdio>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "news/v1/editorial.grpc.pb.h"

namespace news::client {
namespace {

using google::protobuf::util::TimeUtil;

constexpr int kVietnamUtcOffsetSeconds = 7 * 3600;

const char* StatusName(v1::ArticleStatus status) {
  switch (status) {
    case v1::ARTICLE_STATUS_DRAFT:
      return "draft";
    case v1::ARTICLE_STATUS_SCHEDULED:
      return "scheduled";
    case v1::ARTICLE_STATUS_PUBLISHED:
      return "published";
    case v1::ARTICLE_STATUS_ARCHIVED:
      return "expired";
    case v1::ARTICLE_STATUS_RETRACTED:
      return "retracted";
    case v1::ARTICLE_STATUS_DELETED:
      return "deleted";
    default:
      return "?";
  }
}

void PrintArticle(const v1::EditorialArticle& article) {
  std::printf("#%lld [%s]%s %s\n  /%s  etag %s\n", static_cast<long long>(article.id()),
              StatusName(article.status()), article.breaking() ? " [breaking]" : "",
              article.title().c_str(), article.slug().c_str(), article.etag().c_str());
  if (article.status() == v1::ARTICLE_STATUS_SCHEDULED ||
      article.status() == v1::ARTICLE_STATUS_PUBLISHED) {
    std::printf("  publish time: %s\n", FormatLocalTime(article.publish_time()).c_str());
  }
  if (!article.retract_reason().empty()) {
    std::printf("  retracted: %s\n", article.retract_reason().c_str());
  }
}

// BODY: paragraphs separated by blank lines; "## " starts a heading, "> " a quote.
void AddBlocks(const std::string& body, v1::EditorialArticle& article) {
  for (absl::string_view part : absl::StrSplit(body, "\n\n", absl::SkipWhitespace())) {
    if (absl::ConsumePrefix(&part, "## ")) {
      article.add_blocks()->mutable_heading()->set_text(std::string(part));
    } else if (absl::ConsumePrefix(&part, "> ")) {
      article.add_blocks()->mutable_quote()->set_text(std::string(part));
    } else {
      article.add_blocks()->mutable_paragraph()->set_text(std::string(part));
    }
  }
}

int RunWrite(const Connection& connection, const CommandArgs& args) {
  const absl::StatusOr<int64_t> category_id = args.IntOption("category_id", 0);
  if (!category_id.ok()) return PrintUsageError(category_id.status());
  v1::CreateArticleRequest request;
  v1::EditorialArticle& article = *request.mutable_article();
  article.set_title(args.positionals()[0]);
  AddBlocks(args.positionals()[1], article);
  article.set_summary(args.Option("summary"));
  article.set_author(args.Option("author"));
  article.set_category_id(*category_id);
  for (absl::string_view tag : absl::StrSplit(args.Option("tags"), ',', absl::SkipEmpty())) {
    article.add_tags(std::string(tag));
  }
  const absl::StatusOr<bool> breaking = args.YesNoOption("breaking");
  if (!breaking.ok()) return PrintUsageError(breaking.status());
  article.set_breaking(*breaking);
  // Retrying with the same --request_id never writes the story twice.
  request.set_request_id(
      args.Option("request_id", absl::StrCat("news-client-", absl::ToUnixNanos(absl::Now()))));
  auto stub = v1::EditorialService::NewStub(connection.channel);
  v1::EditorialArticle created;
  const grpc::Status status =
      stub->CreateArticle(NewAdminCallContext(connection).get(), request, &created);
  if (!status.ok()) return PrintStatus("CreateArticle", status);
  PrintArticle(created);
  return kExitOk;
}

int RunDesk(const Connection& connection, const CommandArgs& args) {
  v1::ListEditorialArticlesRequest request;
  const std::string state = args.Option("status");
  if (!state.empty()) {
    v1::ArticleStatus status;
    const std::string name = absl::StrCat(
        "ARTICLE_STATUS_", state == "expired" ? "ARCHIVED" : absl::AsciiStrToUpper(state));
    if (!v1::ArticleStatus_Parse(name, &status)) {
      return PrintUsageError(absl::InvalidArgumentError(
          "--status must be draft, scheduled, published, expired, retracted or deleted"));
    }
    request.set_status(status);
  }
  const absl::StatusOr<int64_t> page_size = args.IntOption("page_size", 0);
  if (!page_size.ok()) return PrintUsageError(page_size.status());
  request.set_page_size(static_cast<int32_t>(*page_size));
  auto stub = v1::EditorialService::NewStub(connection.channel);
  v1::ListEditorialArticlesResponse response;
  const grpc::Status status =
      stub->ListArticles(NewAdminCallContext(connection).get(), request, &response);
  if (!status.ok()) return PrintStatus("ListArticles", status);
  for (const auto& article : response.articles()) PrintArticle(article);
  if (response.articles().empty()) std::printf("(no articles)\n");
  return kExitOk;
}

absl::StatusOr<int64_t> ArticleId(const CommandArgs& args) {
  int64_t id = 0;
  if (!absl::SimpleAtoi(args.positionals()[0], &id) || id <= 0) {
    return absl::InvalidArgumentError("ID must be a positive article id");
  }
  return id;
}

int RunEdit(const Connection& connection, const CommandArgs& args) {
  const absl::StatusOr<int64_t> id = ArticleId(args);
  if (!id.ok()) return PrintUsageError(id.status());
  v1::UpdateArticleRequest request;
  request.mutable_article()->set_id(*id);
  request.mutable_article()->set_etag(args.Option("etag"));
  for (const char* field : {"title", "summary", "author"}) {
    const std::string value = args.Option(field);
    if (value.empty()) continue;
    request.mutable_update_mask()->add_paths(field);
    if (std::string(field) == "title") request.mutable_article()->set_title(value);
    if (std::string(field) == "summary") request.mutable_article()->set_summary(value);
    if (std::string(field) == "author") request.mutable_article()->set_author(value);
  }
  if (request.update_mask().paths().empty()) {
    return PrintUsageError(absl::InvalidArgumentError("give --title, --summary or --author"));
  }
  auto stub = v1::EditorialService::NewStub(connection.channel);
  v1::EditorialArticle updated;
  const grpc::Status status =
      stub->UpdateArticle(NewAdminCallContext(connection).get(), request, &updated);
  if (!status.ok()) return PrintStatus("UpdateArticle", status);
  PrintArticle(updated);
  return kExitOk;
}

int RunPublish(const Connection& connection, const CommandArgs& args) {
  const absl::StatusOr<int64_t> id = ArticleId(args);
  if (!id.ok()) return PrintUsageError(id.status());
  v1::PublishArticleRequest request;
  request.set_id(*id);
  request.set_etag(args.Option("etag"));
  const std::string at = args.Option("at");
  if (!at.empty()) {
    absl::Time time;
    std::string error;
    if (!absl::ParseTime("%Y-%m-%d %H:%M", at, absl::FixedTimeZone(kVietnamUtcOffsetSeconds), &time,
                         &error)) {
      return PrintUsageError(absl::InvalidArgumentError(
          absl::StrCat("--at must be \"YYYY-MM-DD HH:MM\" (Vietnamese local time): ", error)));
    }
    *request.mutable_publish_time() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(time));
  }
  auto stub = v1::EditorialService::NewStub(connection.channel);
  v1::EditorialArticle published;
  const grpc::Status status =
      stub->PublishArticle(NewAdminCallContext(connection).get(), request, &published);
  if (!status.ok()) return PrintStatus("PublishArticle", status);
  PrintArticle(published);
  return kExitOk;
}

int RunRetract(const Connection& connection, const CommandArgs& args) {
  const absl::StatusOr<int64_t> id = ArticleId(args);
  if (!id.ok()) return PrintUsageError(id.status());
  v1::UnpublishArticleRequest request;
  request.set_id(*id);
  request.set_reason(args.positionals()[1]);
  request.set_etag(args.Option("etag"));
  auto stub = v1::EditorialService::NewStub(connection.channel);
  v1::EditorialArticle retracted;
  const grpc::Status status =
      stub->UnpublishArticle(NewAdminCallContext(connection).get(), request, &retracted);
  if (!status.ok()) return PrintStatus("UnpublishArticle", status);
  PrintArticle(retracted);
  return kExitOk;
}

int RunDelete(const Connection& connection, const CommandArgs& args) {
  const absl::StatusOr<int64_t> id = ArticleId(args);
  if (!id.ok()) return PrintUsageError(id.status());
  v1::DeleteArticleRequest request;
  request.set_id(*id);
  request.set_etag(args.Option("etag"));
  auto stub = v1::EditorialService::NewStub(connection.channel);
  v1::EditorialArticle deleted;
  const grpc::Status status =
      stub->DeleteArticle(NewAdminCallContext(connection).get(), request, &deleted);
  if (!status.ok()) return PrintStatus("DeleteArticle", status);
  PrintArticle(deleted);
  return kExitOk;
}

}  // namespace

std::vector<Command> EditorialCommands() {
  return {
      {"write",
       "editor (env NEWS_ADMIN_TOKEN): write a draft; BODY paragraphs split by blank lines, "
       "'## ' heading, '> ' quote",
       {"category_id", "summary", "author", "tags", "breaking", "request_id"},
       {"TITLE", "BODY"},
       RunWrite},
      {"desk",
       "editor: articles in every state, newest first (--status=draft|scheduled|...)",
       {"status", "page_size"},
       {},
       RunDesk},
      {"revise",
       "editor: change title, summary or author (--etag: only if unchanged since read)",
       {"title", "summary", "author", "etag"},
       {"ID"},
       RunEdit},
      {"publish",
       "editor: publish now, or schedule with --at=\"YYYY-MM-DD HH:MM\" (Vietnamese time)",
       {"at", "etag"},
       {"ID"},
       RunPublish},
      {"retract",
       "editor: withdraw an article with a reason",
       {"etag"},
       {"ID", "REASON"},
       RunRetract},
      {"delete", "editor: delete a draft or retracted article", {"etag"}, {"ID"}, RunDelete},
  };
}

}  // namespace news::client
