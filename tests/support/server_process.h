#ifndef NEWS_TESTS_SUPPORT_SERVER_PROCESS_H_
#define NEWS_TESTS_SUPPORT_SERVER_PROCESS_H_

// The built news-server binary run as its own process, as a deploy runs it: for tests of what
// only the real binary shows (signals, exit status, what it links).

#include <sys/types.h>

#include <string>
#include <vector>

namespace news::testing {

struct ServerProcess {
  pid_t pid = -1;
  // The port it listens on; 0 when it did not start within 15 s.
  int port = 0;
  // Its stdout and stderr.
  std::string log_file;
};

// Starts `binary` (news-server) on a free loopback port against `database_url`, with its metrics
// off and `extra_args` appended, logging into `dir`, and waits for its --port_file.
ServerProcess StartServerProcess(const std::string& binary, const std::string& database_url,
                                 const std::string& dir,
                                 const std::vector<std::string>& extra_args = {});

// The whole content of `path` ("" when it cannot be read).
std::string ReadFile(const std::string& path);

}  // namespace news::testing

#endif  // NEWS_TESTS_SUPPORT_SERVER_PROCESS_H_
