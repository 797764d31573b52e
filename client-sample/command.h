#ifndef NEWS_CLIENT_SAMPLE_COMMAND_H_
#define NEWS_CLIENT_SAMPLE_COMMAND_H_

// What a news-client command is, and the helpers every command uses to call the server the way
// an app should: one channel, a deadline on every call, errors shown with their code and
// google.rpc details, times in Vietnamese local time.
//
// A command group (article_commands.cc, and later comment_commands.cc, ...) is a function that
// returns its Command entries; main.cc lists the groups in its command table.

#include <google/protobuf/timestamp.pb.h>
#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace news::client {

// Exit codes of every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitCallFailed = 1;
inline constexpr int kExitUsage = 2;

// The server every command talks to, from the global flags.
struct Connection {
  std::shared_ptr<grpc::Channel> channel;
  // Added to "now" for each call's deadline.
  absl::Duration call_timeout;
};

// A plaintext channel to `address` (HOST:PORT, or any gRPC target) with the retry, keepalive and
// load-balancing policy of channel_policy.h. Connecting is lazy: an unreachable server shows up
// as UNAVAILABLE (after the policy's retries) or DEADLINE_EXCEEDED on the first call.
std::shared_ptr<grpc::Channel> NewChannel(const std::string& address);

// A context for one call whose deadline is `connection.call_timeout` from now. Use a fresh one
// per call: gRPC forbids reusing a ClientContext.
std::unique_ptr<grpc::ClientContext> NewCallContext(const Connection& connection);

// A call context as NewCallContext, with `authorization: Bearer $NEWS_ADMIN_TOKEN` (admin,
// moderator and editor calls); without the variable the server answers UNAUTHENTICATED, which
// is shown like any other error.
std::unique_ptr<grpc::ClientContext> NewAdminCallContext(const Connection& connection);

// Prints a failed call to stderr: "RPC failed: CODE_NAME: message", then each
// google.rpc.BadRequest field violation, RetryInfo delay and ErrorInfo reason found in the
// grpc-status-details-bin trailer. Returns kExitCallFailed, so commands can
// `return PrintStatus(...)`.
int PrintStatus(absl::string_view rpc, const grpc::Status& status);

// Prints "news-client: <message>" to stderr for a bad command line. Returns kExitUsage.
int PrintUsageError(const absl::Status& status);

// "Thứ năm - 12/01/2023 04:44": weekday - d/m/Y H:MM in Vietnamese local time (UTC+7), as the
// portals write dates. Empty for an unset timestamp.
std::string FormatLocalTime(const google::protobuf::Timestamp& timestamp);

// A command's own arguments, split into --key=value options and positional arguments.
class CommandArgs {
 public:
  // InvalidArgument for an option without "=value", an option not in `allowed_options`, or a
  // number of positional arguments other than `positional_count`.
  static absl::StatusOr<CommandArgs> Parse(const std::vector<std::string>& args,
                                           const std::vector<std::string>& allowed_options,
                                           size_t positional_count);

  // The option's value, or `fallback` when it was not given.
  std::string Option(const std::string& key, const std::string& fallback = "") const;
  // The option's value as an integer, or `fallback` when it was not given. InvalidArgument when
  // it is not an integer.
  absl::StatusOr<int64_t> IntOption(const std::string& key, int64_t fallback) const;
  // A yes/no option: 1, true or yes, 0, false or no (any case); false when it was not given.
  // InvalidArgument for anything else.
  absl::StatusOr<bool> YesNoOption(const std::string& key) const;

  const std::vector<std::string>& positionals() const { return positionals_; }

  // The options of the paged article listings (feed, search): --page_size (0: the server's
  // default), --pages (1), --category_id and --source_id (0: any). InvalidArgument when one is
  // not an integer.
  struct ListingOptions {
    int64_t page_size = 0;
    int64_t pages = 1;
    int64_t category_id = 0;
    int64_t source_id = 0;
  };
  absl::StatusOr<ListingOptions> Listing() const;

 private:
  std::map<std::string, std::string> options_;
  std::vector<std::string> positionals_;
};

// One entry of main.cc's command table.
struct Command {
  // The first positional argument that selects it, e.g. "feed".
  std::string name;
  std::string description;
  // The --key=value options it accepts, without the dashes, e.g. {"page_size", "tag"}.
  std::vector<std::string> options;
  // Names of its positional arguments for the usage text, e.g. {"ID_OR_SLUG"}; main() checks
  // that exactly this many are given.
  std::vector<std::string> positionals;
  // Runs the command and returns the process exit code (kExitOk, kExitCallFailed, ...).
  int (*run)(const Connection& connection, const CommandArgs& args);
};

}  // namespace news::client

#endif  // NEWS_CLIENT_SAMPLE_COMMAND_H_
