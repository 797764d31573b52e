#include "client-sample/client_commands.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "news/v1/client.grpc.pb.h"

namespace news::client {
namespace {

std::string ClientIdFile() {
  if (const char* file = std::getenv("NEWS_CLIENT_ID_FILE"); file != nullptr && *file != '\0') {
    return file;
  }
  const char* home = std::getenv("HOME");
  return absl::StrCat(home != nullptr ? home : ".", "/.news-client-id");
}

// An app registers once per install and keeps the id for good: asking again on every start
// would spend the address's issuance budget (the server allows a few ids per address per hour).
int RunRegister(const Connection& connection, const CommandArgs& /*args*/) {
  if (const std::string stored = StoredClientId(); !stored.empty()) {
    std::printf("%s (already registered, in %s)\n", stored.c_str(), ClientIdFile().c_str());
    return kExitOk;
  }
  auto stub = v1::ClientService::NewStub(connection.channel);
  v1::RegisterClientResponse response;
  const grpc::Status status = stub->RegisterClient(NewCallContext(connection).get(),
                                                   v1::RegisterClientRequest(), &response);
  if (!status.ok()) return PrintStatus("RegisterClient", status);
  const std::string file = ClientIdFile();
  // Written whole under a temporary name, then renamed, so a crash never leaves half an id.
  const std::string temporary = file + ".tmp";
  std::ofstream(temporary) << response.client_id() << "\n";
  if (std::rename(temporary.c_str(), file.c_str()) != 0) {
    std::fprintf(stderr, "news-client: cannot write %s\n", file.c_str());
    return kExitCallFailed;
  }
  std::printf("%s (stored in %s)\n", response.client_id().c_str(), file.c_str());
  return kExitOk;
}

}  // namespace

std::string StoredClientId() {
  std::ifstream in(ClientIdFile());
  std::string id;
  std::getline(in, id);
  return std::string(absl::StripAsciiWhitespace(id));
}

std::vector<Command> ClientCommands() {
  return {
      {"register",
       "get this install's signed client id once and store it (env NEWS_CLIENT_ID_FILE, default "
       "~/.news-client-id); comment commands then send it",
       {},
       {},
       RunRegister},
  };
}

}  // namespace news::client
