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
#include "client-sample/channel_policy.h"
#include "client-sample/client_commands.h"
#include "client-sample/display_text.h"
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
  std::printf("%s[%lld] %s%s - %s%s - %s\n%s\n", indent, static_cast<long long>(comment.id()),
              comment.featured() ? "* " : "", comment.author_name().c_str(),
              FormatLocalTime(comment.create_time()).c_str(),
              comment.has_edit_time()
                  ? absl::StrCat(" (edited ", FormatLocalTime(comment.edit_time()), ")").c_str()
                  : "",
              Counted(comment.like_count(), "like", "likes").c_str(),
              IndentLines(comment.body(), absl::StrCat(indent, "    ")).c_str());
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
  const absl::StatusOr<bool> featured_first = args.YesNoOption("featured_first");
  if (!featured_first.ok()) return PrintUsageError(featured_first.status());
  request.set_featured_first(*featured_first);
  request.set_page_token(args.Option("page_token"));

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
  // The channel already retried UNAVAILABLE within the deadline. When the outcome is still
  // unknown, the app sends the very same request (same request_id) again with a fresh deadline:
  // the server stores the comment once and answers the resend with it.
  constexpr int kMaxSends = 4;
  grpc::Status status;
  for (int send = 1; send <= kMaxSends; ++send) {
    status = stub->CreateComment(ReaderContext(connection).get(), request, &comment);
    if (status.ok() || !ShouldResendCreate(status.error_code()) || send == kMaxSends) break;
    const absl::Duration delay = CreateResendDelay(send);
    std::fprintf(stderr, "CreateComment: %s; sending request_id %s again in %s\n",
                 status.error_message().c_str(), request.request_id().c_str(),
                 absl::FormatDuration(delay).c_str());
    absl::SleepFor(delay);
  }
  if (!status.ok()) return PrintStatus("CreateComment", status);
  PrintComment(comment, "");
  std::printf("state: %s (request_id %s)\nedit_token: %s (keep it to edit or withdraw)\n",
              v1::CommentState_Name(comment.state()).c_str(), request.request_id().c_str(),
              comment.edit_token().c_str());
  return kExitOk;
}

int RunReport(const Connection& connection, const CommandArgs& args) {
  const absl::StatusOr<int64_t> id = PositiveId(args.positionals()[0], "COMMENT_ID");
  if (!id.ok()) return PrintUsageError(id.status());
  v1::ReportCommentRequest request;
  request.set_comment_id(*id);
  v1::ReportReason reason;
  if (!v1::ReportReason_Parse(
          absl::StrCat("REPORT_REASON_", absl::AsciiStrToUpper(args.positionals()[1])), &reason) ||
      reason == v1::REPORT_REASON_UNSPECIFIED) {
    return PrintUsageError(
        absl::InvalidArgumentError("REASON must be spam, abuse, off_topic or other"));
  }
  request.set_reason(reason);
  request.set_note(args.Option("note"));
  auto stub = v1::CommentService::NewStub(connection.channel);
  v1::ReportCommentResponse response;
  const grpc::Status status =
      stub->ReportComment(ReaderContext(connection).get(), request, &response);
  if (!status.ok()) return PrintStatus("ReportComment", status);
  std::printf("[%lld] %s\n", static_cast<long long>(response.comment_id()),
              response.recorded() ? "reported" : "already reported by this install");
  return kExitOk;
}

int RunEdit(const Connection& connection, const CommandArgs& args) {
  const absl::StatusOr<int64_t> id = PositiveId(args.positionals()[0], "COMMENT_ID");
  if (!id.ok()) return PrintUsageError(id.status());
  v1::UpdateCommentRequest request;
  request.set_comment_id(*id);
  request.set_edit_token(args.positionals()[1]);
  request.set_body(args.positionals()[2]);
  auto stub = v1::CommentService::NewStub(connection.channel);
  v1::Comment comment;
  const grpc::Status status =
      stub->UpdateComment(ReaderContext(connection).get(), request, &comment);
  if (!status.ok()) return PrintStatus("UpdateComment", status);
  PrintComment(comment, "");
  std::printf("state: %s\n", v1::CommentState_Name(comment.state()).c_str());
  return kExitOk;
}

int RunWithdraw(const Connection& connection, const CommandArgs& args) {
  const absl::StatusOr<int64_t> id = PositiveId(args.positionals()[0], "COMMENT_ID");
  if (!id.ok()) return PrintUsageError(id.status());
  v1::DeleteCommentRequest request;
  request.set_comment_id(*id);
  request.set_edit_token(args.positionals()[1]);
  auto stub = v1::CommentService::NewStub(connection.channel);
  google::protobuf::Empty response;
  const grpc::Status status =
      stub->DeleteComment(ReaderContext(connection).get(), request, &response);
  if (!status.ok()) return PrintStatus("DeleteComment", status);
  std::printf("[%lld] withdrawn\n", static_cast<long long>(*id));
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
  v1::QueueOrder order;
  if (!v1::QueueOrder_Parse(
          absl::StrCat("QUEUE_ORDER_", absl::AsciiStrToUpper(args.Option("order", "oldest"))),
          &order)) {
    return PrintUsageError(
        absl::InvalidArgumentError("--order must be oldest, newest or most_reported"));
  }
  request.set_order(order);
  const absl::StatusOr<bool> reported = args.YesNoOption("reported");
  if (!reported.ok()) return PrintUsageError(reported.status());
  request.set_reported_only(*reported);
  request.set_matched_term(args.Option("term"));
  request.set_page_token(args.Option("page_token"));
  auto stub = v1::ModerationService::NewStub(connection.channel);
  v1::ListModerationQueueResponse response;
  const grpc::Status status =
      stub->ListModerationQueue(NewAdminCallContext(connection).get(), request, &response);
  if (!status.ok()) return PrintStatus("ListModerationQueue", status);
  for (const auto& item : response.items()) {
    std::printf("[%lld] on \"%s\" by %s (client %s%s), %s\n%s\n",
                static_cast<long long>(item.comment().id()), item.article_title().c_str(),
                item.comment().author_name().c_str(), item.client_id().c_str(),
                item.client_address().empty()
                    ? ""
                    : absl::StrCat(", address ", item.client_address()).c_str(),
                FormatLocalTime(item.comment().create_time()).c_str(),
                IndentLines(item.comment().body(), "    ").c_str());
    if (item.has_hold()) {
      std::printf("    held:%s%s\n",
                  item.hold().matched_term().empty()
                      ? ""
                      : absl::StrCat(" suspect term \"", item.hold().matched_term(), "\"").c_str(),
                  item.hold().link_count() == 0
                      ? ""
                      : absl::StrCat(" ", item.hold().link_count(), " links").c_str());
    }
    if (item.report_count() > 0) {
      std::printf("    %s%s\n", Counted(item.report_count(), "report", "reports").c_str(),
                  item.reported() ? ", hidden until you decide" : "");
    }
    for (const auto& previous : item.previous_bodies()) {
      std::printf("    before an edit: %s\n", previous.c_str());
    }
  }
  std::printf("-- %s --\n", Counted(response.items_size(), "comment", "comments").c_str());
  if (!response.next_page_token().empty()) {
    std::printf("-- more: page_token %s --\n", response.next_page_token().c_str());
  }
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
      stub->ModerateComments(NewAdminCallContext(connection).get(), request, &response);
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
  const grpc::Status status = stub->BanClient(NewAdminCallContext(connection).get(), request, &ban);
  if (!status.ok()) return PrintStatus("BanClient", status);
  std::printf("banned %s %s\n",
              (ban.client_id().empty() ? ban.address_range() : ban.client_id()).c_str(),
              ban.has_expire_time()
                  ? absl::StrCat("until ", FormatLocalTime(ban.expire_time())).c_str()
                  : "permanently");
  return kExitOk;
}

int SetFeatured(const Connection& connection, const CommandArgs& args, bool featured) {
  const absl::StatusOr<int64_t> id = PositiveId(args.positionals()[0], "COMMENT_ID");
  if (!id.ok()) return PrintUsageError(id.status());
  v1::SetCommentFeaturedRequest request;
  request.set_comment_id(*id);
  request.set_featured(featured);
  auto stub = v1::ModerationService::NewStub(connection.channel);
  v1::Comment comment;
  const grpc::Status status =
      stub->SetCommentFeatured(NewAdminCallContext(connection).get(), request, &comment);
  if (!status.ok()) return PrintStatus("SetCommentFeatured", status);
  PrintComment(comment, "");
  return kExitOk;
}

int RunFeature(const Connection& connection, const CommandArgs& args) {
  return SetFeatured(connection, args, true);
}
int RunUnfeature(const Connection& connection, const CommandArgs& args) {
  return SetFeatured(connection, args, false);
}

int RunRemoveAll(const Connection& connection, const CommandArgs& args) {
  const absl::StatusOr<int64_t> hours = args.IntOption("hours", 0);
  if (!hours.ok()) return PrintUsageError(hours.status());
  v1::RemoveClientCommentsRequest request;
  request.set_client_id(args.positionals()[0]);
  request.mutable_duration()->set_seconds(*hours * 3600);
  request.set_reason(args.Option("reason"));
  v1::ModerationAction action;
  if (!v1::ModerationAction_Parse(
          absl::StrCat("MODERATION_ACTION_", absl::AsciiStrToUpper(args.Option("as", "delete"))),
          &action)) {
    return PrintUsageError(absl::InvalidArgumentError("--as must be delete, reject or mark_spam"));
  }
  request.set_action(action);
  auto stub = v1::ModerationService::NewStub(connection.channel);
  v1::RemoveClientCommentsResponse response;
  const grpc::Status status =
      stub->RemoveClientComments(NewAdminCallContext(connection).get(), request, &response);
  if (!status.ok()) return PrintStatus("RemoveClientComments", status);
  int failures = 0;
  for (const auto& result : response.results()) {
    const bool ok = result.status().code() == 0;
    failures += !ok;
    std::printf(
        "[%lld] %s\n", static_cast<long long>(result.comment_id()),
        ok ? v1::CommentState_Name(result.state()).c_str() : result.status().message().c_str());
  }
  std::printf("banned %s; removed %s\n", response.ban().client_id().c_str(),
              Counted(response.removed_count(), "comment", "comments").c_str());
  return failures == 0 ? kExitOk : kExitCallFailed;
}

}  // namespace

std::vector<Command> CommentCommands() {
  return {
      {"comments",
       "approved comments of an article with their replies (--order=oldest|newest|top; "
       "--featured_first=1 puts featured comments, marked *, first)",
       {"order", "page_size", "page_token", "featured_first"},
       {"ARTICLE_ID"},
       RunComments},
      {"comment",
       "post a comment as this install (env NEWS_CLIENT_ID); reuse --request_id to retry",
       {"author", "parent_id", "request_id"},
       {"ARTICLE_ID", "BODY"},
       RunComment},
      {"like", "like an approved comment", {}, {"COMMENT_ID"}, RunLike},
      {"report",
       "report a comment to the moderators (REASON: spam, abuse, off_topic, other)",
       {"note"},
       {"COMMENT_ID", "REASON"},
       RunReport},
      {"edit",
       "replace the text of your comment within the edit window (EDIT_TOKEN from `comment`)",
       {},
       {"COMMENT_ID", "EDIT_TOKEN", "BODY"},
       RunEdit},
      {"withdraw", "withdraw your comment", {}, {"COMMENT_ID", "EDIT_TOKEN"}, RunWithdraw},
      {"queue",
       "admin (env NEWS_ADMIN_TOKEN): the moderation queue (--order=oldest|newest|"
       "most_reported, --reported=1 for reported comments only, --term=T for comments held by "
       "suspect term T)",
       {"state", "article_id", "page_size", "page_token", "order", "reported", "term"},
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
      {"feature", "admin: feature an approved comment", {}, {"COMMENT_ID"}, RunFeature},
      {"unfeature", "admin: stop featuring a comment", {}, {"COMMENT_ID"}, RunUnfeature},
      {"remove-all",
       "admin: ban a client and remove all its pending and approved comments "
       "(--as=delete|reject|mark_spam)",
       {"hours", "reason", "as"},
       {"CLIENT_ID"},
       RunRemoveAll},
  };
}

}  // namespace news::client
