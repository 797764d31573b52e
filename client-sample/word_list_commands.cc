#include "client-sample/word_list_commands.h"

#include <cstdio>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "client-sample/command.h"
#include "client-sample/display_text.h"
#include "news/v1/moderation.grpc.pb.h"

namespace news::client {
namespace {

// "banned" / "suspect" -> the enum; "" -> UNSPECIFIED (both lists) when `allow_both`.
absl::StatusOr<v1::WordList> ParseList(const std::string& name, bool allow_both) {
  if (name.empty() && allow_both) return v1::WORD_LIST_UNSPECIFIED;
  v1::WordList list;
  if (!v1::WordList_Parse(absl::StrCat("WORD_LIST_", absl::AsciiStrToUpper(name)), &list) ||
      list == v1::WORD_LIST_UNSPECIFIED) {
    return absl::InvalidArgumentError("the list must be banned or suspect");
  }
  return list;
}

const char* ListName(v1::WordList list) {
  return list == v1::WORD_LIST_BANNED ? "banned" : "suspect";
}

int RunWords(const Connection& connection, const CommandArgs& args) {
  const absl::StatusOr<v1::WordList> list = ParseList(args.Option("list"), true);
  if (!list.ok()) return PrintUsageError(list.status());
  v1::ListWordListTermsRequest request;
  request.set_list(*list);
  request.set_page_size(200);
  auto stub = v1::ModerationService::NewStub(connection.channel);
  int count = 0;
  while (true) {
    v1::ListWordListTermsResponse response;
    const grpc::Status status =
        stub->ListWordListTerms(NewAdminCallContext(connection).get(), request, &response);
    if (!status.ok()) return PrintStatus("ListWordListTerms", status);
    for (const auto& term : response.terms()) {
      std::printf("%s\t%s\t(by %s, %s)\n", ListName(term.list()), term.term().c_str(),
                  term.created_by().c_str(), FormatLocalTime(term.create_time()).c_str());
    }
    count += response.terms_size();
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  std::printf("-- %s --\n", Counted(count, "term", "terms").c_str());
  return kExitOk;
}

int RunAddWord(const Connection& connection, const CommandArgs& args) {
  const absl::StatusOr<v1::WordList> list = ParseList(args.positionals()[0], false);
  if (!list.ok()) return PrintUsageError(list.status());
  v1::AddWordListTermRequest request;
  request.set_list(*list);
  request.set_term(args.positionals()[1]);
  auto stub = v1::ModerationService::NewStub(connection.channel);
  v1::WordListTerm term;
  const grpc::Status status = stub->AddWordListTerm(NewAdminCallContext(connection).get(), request, &term);
  if (!status.ok()) return PrintStatus("AddWordListTerm", status);
  std::printf("added [%lld] %s\t%s\n", static_cast<long long>(term.id()), ListName(term.list()),
              term.term().c_str());
  return kExitOk;
}

int RunRemoveWord(const Connection& connection, const CommandArgs& args) {
  const absl::StatusOr<v1::WordList> list = ParseList(args.positionals()[0], false);
  if (!list.ok()) return PrintUsageError(list.status());
  v1::RemoveWordListTermRequest request;
  request.set_list(*list);
  request.set_term(args.positionals()[1]);
  auto stub = v1::ModerationService::NewStub(connection.channel);
  v1::RemoveWordListTermResponse response;
  const grpc::Status status =
      stub->RemoveWordListTerm(NewAdminCallContext(connection).get(), request, &response);
  if (!status.ok()) return PrintStatus("RemoveWordListTerm", status);
  std::printf("removed\n");
  return kExitOk;
}

}  // namespace

std::vector<Command> WordListCommands() {
  return {
      {"words",
       "admin (env NEWS_ADMIN_TOKEN): the banned and suspect word lists (--list=banned|suspect)",
       {"list"},
       {},
       RunWords},
      {"add-word",
       "admin role: add a word or phrase; banned refuses comments, suspect holds them",
       {},
       {"banned|suspect", "TERM"},
       RunAddWord},
      {"remove-word", "admin role: remove a term", {}, {"banned|suspect", "TERM"}, RunRemoveWord},
  };
}

}  // namespace news::client
