#include "tests/support/server_process.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>

#include "absl/time/clock.h"

namespace news::testing {

ServerProcess StartServerProcess(const std::string& binary, const std::string& database_url,
                                 const std::string& dir,
                                 const std::vector<std::string>& extra_args) {
  ServerProcess process;
  const std::string port_file = dir + "/port";
  process.log_file = dir + "/server.log";
  std::vector<std::string> args = {binary, "--listen=127.0.0.1:0",
                                   "--database_url=" + database_url, "--port_file=" + port_file,
                                   "--metrics_listen="};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  process.pid = fork();
  if (process.pid == 0) {
    std::FILE* log = std::fopen(process.log_file.c_str(), "w");
    if (log != nullptr) {
      dup2(fileno(log), STDOUT_FILENO);
      dup2(fileno(log), STDERR_FILENO);
    }
    std::vector<char*> argv;
    for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  const absl::Time give_up = absl::Now() + absl::Seconds(15);
  while (absl::Now() < give_up && process.port == 0) {
    std::ifstream in(port_file);
    if (!(in >> process.port)) absl::SleepFor(absl::Milliseconds(20));
  }
  return process;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace news::testing
