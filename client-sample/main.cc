// news-client: a command-line client for news-server, written as the how-to for calling the API
// from an app. See README.md ("Calling the API").
//
//   news-client [--server=HOST:PORT] [--deadline_ms=N] COMMAND [--key=value...] [ARGS...]

#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client-sample/article_commands.h"
#include "client-sample/client_commands.h"
#include "client-sample/command.h"
#include "client-sample/comment_commands.h"
#include "client-sample/discovery_commands.h"
#include "client-sample/editorial_commands.h"
#include "client-sample/sync_commands.h"
#include "client-sample/live_commands.h"
#include "client-sample/word_list_commands.h"

ABSL_FLAG(std::string, server, "127.0.0.1:50051", "HOST:PORT of news-server");
ABSL_FLAG(int, deadline_ms, 5000, "deadline of every call, in milliseconds");

namespace news::client {
namespace {

// The command table: one line per command group. A group is a function in its own
// *_commands.cc that returns its Command entries (command.h).
using CommandGroup = std::vector<Command> (*)();
constexpr CommandGroup kCommandGroups[] = {
    ArticleCommands,
    CommentCommands,
    ClientCommands,
    DiscoveryCommands,
    EditorialCommands,
    WordListCommands,
    SyncCommands,
    LiveCommands,
};

std::vector<Command> AllCommands() {
  std::vector<Command> commands;
  for (CommandGroup group : kCommandGroups) {
    for (Command& command : group()) commands.push_back(std::move(command));
  }
  return commands;
}

// "  feed [--page_size=...] [--tag=...]\n      description\n"
std::string CommandUsage(const Command& command) {
  std::string usage = absl::StrCat("  ", command.name);
  for (const std::string& option : command.options) {
    absl::StrAppend(&usage, " [--", option, "=...]");
  }
  for (const std::string& positional : command.positionals) {
    absl::StrAppend(&usage, " ", positional);
  }
  absl::StrAppend(&usage, "\n      ", command.description, "\n");
  return usage;
}

std::string UsageText(const std::vector<Command>& commands) {
  std::string usage =
      "news-client [--server=HOST:PORT] [--deadline_ms=N] COMMAND [--key=value...] [ARGS...]\n"
      "Global flags go before COMMAND. Commands:\n";
  for (const Command& command : commands) absl::StrAppend(&usage, CommandUsage(command));
  return usage;
}

int Main(int argc, char** argv) {
  const std::vector<Command> commands = AllCommands();
  const std::string usage = UsageText(commands);
  absl::SetProgramUsageMessage(usage);
  // --help lists the program's own flags; absl's default looks only in a file named after the
  // binary. Abseil's built-in flags stay under --helpfull.
  absl::FlagsUsageConfig usage_config;
  usage_config.contains_help_flags = [](absl::string_view file) {
    return !absl::StrContains(file, "absl/");
  };
  absl::SetFlagsUsageConfig(usage_config);

  // absl parses only the global flags before the command: the command's own --key=value
  // options are not absl flags, and absl would reject them as unknown.
  int command_index = 1;
  while (command_index < argc && absl::StartsWith(argv[command_index], "-")) ++command_index;
  absl::ParseCommandLine(command_index, argv);
  if (command_index == argc) {
    std::fprintf(stderr, "%s", usage.c_str());
    return kExitUsage;
  }

  const std::string name = argv[command_index];
  const std::vector<std::string> command_args(argv + command_index + 1, argv + argc);
  for (const Command& command : commands) {
    if (command.name != name) continue;
    absl::StatusOr<CommandArgs> args =
        CommandArgs::Parse(command_args, command.options, command.positionals.size());
    if (!args.ok()) {
      PrintUsageError(args.status());
      std::fprintf(stderr, "usage:\n%s", CommandUsage(command).c_str());
      return kExitUsage;
    }
    const Connection connection{NewChannel(absl::GetFlag(FLAGS_server)),
                                absl::Milliseconds(absl::GetFlag(FLAGS_deadline_ms))};
    return command.run(connection, *args);
  }
  std::fprintf(stderr, "news-client: unknown command '%s'\n%s", name.c_str(), usage.c_str());
  return kExitUsage;
}

}  // namespace
}  // namespace news::client

int main(int argc, char** argv) { return news::client::Main(argc, argv); }
