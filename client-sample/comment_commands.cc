#include "client-sample/comment_commands.h"

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "client-sample/client_commands.h"
#include "news/v1/comment.grpc.pb.h"
#include "news/v1/moderation.grpc.pb.h"

namespace news::client {
namespace {

// An app sends one id per install on every call: the signed id `register` stored, else a fixed
// made-up one (servers that require signed ids refuse it for writes). NEWS_CLIENT_ID overrides
// both.
std::string ClientId() {
  const char* id = std::getenv("NEWS_CLIENT_ID");
  if (id != nullptr && *id != '\0') return id;
  const std::string stored = StoredClientId();
  return stored.empty() ? "news-client-sample" : stored;
}

std::unique_ptr<grpc::ClientContext> ReaderContext(const Connection& connection) {
  auto context = NewCallContext(connection);
  context->AddMetadata("x-client-id", ClientId());
  return context;
}

// A random UUID-shaped request id: the same id must be reused when a create is retried.
std::string NewRequestId() {
  std::random_device random;
  std::uniform_int_distribution<uint32_t> word;
  return absl::StrFormat("%08x-%04x-4%03x-%04x-%04x%08x", word(random), word(random) & 0xffff,
                         word(random) & 0xfff, (word(random) & 0x3fff) | 0x8000,
                         word(random) & 0xffff, word(random));
}

absl::StatusOr<int64_t> PositiveId(const std::string& text, absl::string_view what) {
  int64_t id = 0;
  if (!absl::SimpleAtoi(text, &id) || id <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(what, " must be a positive number"));
  }
  return id;
}

void PrintComment(const v1::Comment& comment, const char* indent) {
  if (comment.state() == v1::COMMENT_STATE_DELETED) {
    std::printf("%s[%lld] (deleted)\n", indent, static_cast<long long>(comment.id()));
    return;
  }
  std::printf("%s[%lld] %s - %s - %lld like(s)\n%s    %s\n", indent,
              static_cast<long long>(comment.id()), comment.author_name().c_str(),
              FormatLocalTime(comment.create_time()).c_str(),
              static_cast<long long>(comment.like_count()), indent, comment.body().c_str());
}

int RunComments(const Connection& connection, const CommandArgs& args) {
  const absl::StatusOr<int64_t> article_id = PositiveId(args.positionals()[0], "ARTICLE_ID");
  if (!article_id.ok()) return PrintUsageError(article_id.status());
  const absl::StatusOr<int64_t> page_size = args.IntOption("page_size", 0);
  if (!page_size.ok()) return PrintUsageError(page_size.status());
  v1::ListCommentsRequest request;
  request.set_article_id(*article_id);
  request.set_page_size(static_cast<int32_t>(*page_size));
  const std::string order = args.Option("order", "oldest");
  v1::CommentOrder parsed_order;
  if (!v1::CommentOrder_Parse(absl::StrCat("COMMENT_ORDER_", absl::AsciiStrToUpper(order)),
                              &parsed_order)) {
    return PrintUsageError(absl::InvalidArgumentError("--order must be oldest, newest or top"));
  }
  request.set_order(parsed_order);

  auto stub = v1::CommentService::NewStub(connection.channel);
  v1::ListCommentsResponse response;
  const grpc::Status status =
      stub->ListComments(ReaderContext(connection).get(), request, &response);
  if (!status.ok()) return PrintStatus("ListComments", status);
  for (const auto& comment : response.comments()) {
    PrintComment(comment, "");
    for (const auto& reply : comment.replies()) PrintComment(reply, "    ");
  }
  if (!response.next_page_token().empty()) {
    std::printf("-- more: page_token %s --\n", response.next_page_token().c_str());
  }
  return kExitOk;
}

int RunComment(const Connection& connection, const CommandArgs& args) {
  const absl::StatusOr<int64_t> article_id = PositiveId(args.positionals()[0], "ARTICLE_ID");
  if (!article_id.ok()) return PrintUsageError(article_id.status());
  const absl::StatusOr<int64_t> parent_id = args.IntOption("parent_id", 0);
  if (!parent_id.ok()) return PrintUsageError(parent_id.status());
  v1::CreateCommentRequest request;
  request.set_article_id(*article_id);
  request.set_parent_id(*parent_id);
  request.set_author_name(args.Option("author", "Bạn đọc"));
  request.set_body(args.positionals()[1]);
  request.set_request_id(args.Option("request_id", NewRequestId()));

  auto stub = v1::CommentService::NewStub(connection.channel);
  v1::Comment comment;
  const grpc::Status status =
      stub->CreateComment(ReaderContext(connection).get(), request, &comment);
  if (!status.ok()) return PrintStatus("CreateComment", status);
  PrintComment(comment, "");
  std::printf("state: %s (request_id %s)\n", v1::CommentState_Name(comment.state()).c_str(),
              request.request_id().c_str());
  return kExitOk;
}

int RunLike(const Connection& connection, const CommandArgs& args) {
  const absl::StatusOr<int64_t> id = PositiveId(args.positionals()[0], "COMMENT_ID");
  if (!id.ok()) return PrintUsageError(id.status());
  v1::LikeCommentRequest request;
  request.set_comment_id(*id);
  auto stub = v1::CommentService::NewStub(connection.channel);
  v1::Comment comment;
  const grpc::Status status = stub->LikeComment(ReaderContext(connection).get(), request, &comment);
  if (!status.ok()) return PrintStatus("LikeComment", status);
  PrintComment(comment, "");
  return kExitOk;
}

// Admin calls carry `authorization: Bearer $NEWS_ADMIN_TOKEN`; without the variable the server
// answers UNAUTHENTICATED, which is shown like any other error.
std::unique_ptr<grpc::ClientContext> AdminContext(const Connection& connection) {
  auto context = NewCallContext(connection);
  const char* token = std::getenv("NEWS_ADMIN_TOKEN");
  if (token != nullptr && *token != '\0') {
    context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
  }
  return context;
}

int RunQueue(const Connection& connection, const CommandArgs& args) {
  const absl::StatusOr<int64_t> article_id = args.IntOption("article_id", 0);
  const absl::StatusOr<int64_t> page_size = args.IntOption("page_size", 0);
  for (const auto* option : {&article_id, &page_size}) {
    if (!option->ok()) return PrintUsageError(option->status());
  }
  v1::ListModerationQueueRequest request;
  request.set_article_id(*article_id);
  request.set_page_size(static_cast<int32_t>(*page_size));
  v1::CommentState state;
  if (!v1::CommentState_Parse(
          absl::StrCat("COMMENT_STATE_", absl::AsciiStrToUpper(args.Option("state", "pending"))),
          &state)) {
    return PrintUsageError(
        absl::InvalidArgumentError("--state must be pending, approved, rejected, spam or deleted"));
  }
  request.set_state(state);
  auto stub = v1::ModerationService::NewStub(connection.channel);
  v1::ListModerationQueueResponse response;
  const grpc::Status status =
      stub->ListModerationQueue(AdminContext(connection).get(), request, &response);
  if (!status.ok()) return PrintStatus("ListModerationQueue", status);
  for (const auto& item : response.items()) {
    std::printf("[%lld] on \"%s\" by %s (client %s%s), %s\n    %s\n",
                static_cast<long long>(item.comment().id()), item.article_title().c_str(),
                item.comment().author_name().c_str(), item.client_id().c_str(),
                item.client_address().empty()
                    ? ""
                    : absl::StrCat(", address ", item.client_address()).c_str(),
                FormatLocalTime(item.comment().create_time()).c_str(),
                item.comment().body().c_str());
  }
  std::printf("-- %d comment(s)%s --\n", response.items_size(),
              response.next_page_token().empty() ? "" : ", more in the queue");
  return kExitOk;
}

int Moderate(const Connection& connection, const CommandArgs& args, v1::ModerationAction action) {
  v1::ModerateCommentsRequest request;
  for (absl::string_view part : absl::StrSplit(args.positionals()[0], ',')) {
    const absl::StatusOr<int64_t> id = PositiveId(std::string(part), "each of IDS");
    if (!id.ok()) return PrintUsageError(id.status());
    request.add_comment_ids(*id);
  }
  request.set_action(action);
  request.set_reason(args.Option("reason"));
  auto stub = v1::ModerationService::NewStub(connection.channel);
  v1::ModerateCommentsResponse response;
  const grpc::Status status =
      stub->ModerateComments(AdminContext(connection).get(), request, &response);
  if (!status.ok()) return PrintStatus("ModerateComments", status);
  int failures = 0;
  for (const auto& result : response.results()) {
    const bool ok = result.status().code() == 0;
    failures += !ok;
    std::printf(
        "[%lld] %s%s\n", static_cast<long long>(result.comment_id()),
        ok ? v1::CommentState_Name(result.state()).c_str() : result.status().message().c_str(),
        ok && !result.changed() ? " (already)" : "");
  }
  return failures == 0 ? kExitOk : kExitCallFailed;
}

int RunApprove(const Connection& connection, const CommandArgs& args) {
  return Moderate(connection, args, v1::MODERATION_ACTION_APPROVE);
}
int RunReject(const Connection& connection, const CommandArgs& args) {
  return Moderate(connection, args, v1::MODERATION_ACTION_REJECT);
}
int RunSpam(const Connection& connection, const CommandArgs& args) {
  return Moderate(connection, args, v1::MODERATION_ACTION_MARK_SPAM);
}

int RunBan(const Connection& connection, const CommandArgs& args) {
  const absl::StatusOr<int64_t> hours = args.IntOption("hours", 0);
  if (!hours.ok()) return PrintUsageError(hours.status());
  v1::BanClientRequest request;
  // Client ids as the queue shows them start with "id:" or "addr:"; anything else is an address
  // or CIDR range.
  const std::string& target = args.positionals()[0];
  if (absl::StartsWith(target, "id:") || absl::StartsWith(target, "addr:")) {
    request.set_client_id(target);
  } else {
    request.set_address_range(target);
  }
  request.mutable_duration()->set_seconds(*hours * 3600);
  request.set_reason(args.Option("reason"));
  auto stub = v1::ModerationService::NewStub(connection.channel);
  v1::Ban ban;
  const grpc::Status status = stub->BanClient(AdminContext(connection).get(), request, &ban);
  if (!status.ok()) return PrintStatus("BanClient", status);
  std::printf("banned %s %s\n",
              (ban.client_id().empty() ? ban.address_range() : ban.client_id()).c_str(),
              ban.has_expire_time()
                  ? absl::StrCat("until ", FormatLocalTime(ban.expire_time())).c_str()
                  : "permanently");
  return kExitOk;
}

}  // namespace

std::vector<Command> CommentCommands() {
  return {
      {"comments",
       "approved comments of an article with their replies (--order=oldest|newest|top)",
       {"order", "page_size"},
       {"ARTICLE_ID"},
       RunComments},
      {"comment",
       "post a comment as this install (env NEWS_CLIENT_ID); reuse --request_id to retry",
       {"author", "parent_id", "request_id"},
       {"ARTICLE_ID", "BODY"},
       RunComment},
      {"like", "like an approved comment", {}, {"COMMENT_ID"}, RunLike},
      {"queue",
       "admin (env NEWS_ADMIN_TOKEN): comments waiting for moderation, oldest first",
       {"state", "article_id", "page_size"},
       {},
       RunQueue},
      {"approve",
       "admin: approve pending comments (IDS: 12,13,14)",
       {"reason"},
       {"IDS"},
       RunApprove},
      {"reject", "admin: reject pending comments", {"reason"}, {"IDS"}, RunReject},
      {"spam", "admin: mark pending comments as spam", {"reason"}, {"IDS"}, RunSpam},
      {"ban",
       "admin: stop a client (id as the queue shows it) or an address range (198.51.100.0/24) "
       "from commenting; --hours=0 is permanent",
       {"hours", "reason"},
       {"CLIENT_ID_OR_RANGE"},
       RunBan},
  };
}

}  // namespace news::client
