#ifndef NEWS_TESTS_SUPPORT_TEST_SERVER_H_
#define NEWS_TESTS_SUPPORT_TEST_SERVER_H_

// The real news server, in-process on an ephemeral loopback port, over a fresh database of the
// shared test cluster; tests call it through the generated stubs.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "server/app/news_server.h"

namespace news::testing {

struct TestServer {
  std::string database_url;
  std::unique_ptr<NewsServer> server;
  std::shared_ptr<grpc::Channel> channel;

  // Creates database `database_name` (dropping an old one), starts a server on it with
  // `options` (listen address and database URL are filled in), and connects a channel.
  static std::unique_ptr<TestServer> Start(const std::string& database_name,
                                           ServerOptions options = {});

  // Starts another server on an existing database (a restart, or a second instance), without
  // touching its contents.
  static std::unique_ptr<TestServer> StartOnDatabase(const std::string& database_url,
                                                     ServerOptions options = {});
};

// Imports the four sample pages of db/samples into `database_url`.
void ImportSamplePages(const std::string& database_url);

// A client context whose deadline is `seconds` from now, as every real client call should have.
std::unique_ptr<grpc::ClientContext> ContextWithDeadline(int seconds = 10);

}  // namespace news::testing

#endif  // NEWS_TESTS_SUPPORT_TEST_SERVER_H_
