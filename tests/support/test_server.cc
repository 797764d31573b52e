#include "tests/support/test_server.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "server/importer/article_importer.h"
#include "tests/support/test_postgres.h"

namespace news::testing {

std::unique_ptr<TestServer> TestServer::Start(const std::string& database_name,
                                              ServerOptions options) {
  return StartOnDatabase(TestPostgres::Instance().CreateDatabase(database_name),
                         std::move(options));
}

std::unique_ptr<TestServer> TestServer::StartOnDatabase(const std::string& database_url,
                                                        ServerOptions options) {
  auto test_server = std::make_unique<TestServer>();
  test_server->database_url = database_url;
  options.listen_address = "127.0.0.1:0";
  options.database_url = database_url;
  auto server = NewsServer::Start(options);
  if (!server.ok()) {
    ADD_FAILURE() << "server did not start: " << server.status();
    return nullptr;
  }
  test_server->server = *std::move(server);
  test_server->channel = grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", test_server->server->port()), grpc::InsecureChannelCredentials());
  return test_server;
}

void ImportSamplePages(const std::string& database_url) {
  pqxx::connection db(database_url);
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(NEWS_SAMPLES_DIR)) {
    files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_EQ(files.size(), 4u) << "expected the four sample pages in " << NEWS_SAMPLES_DIR;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    auto outcome = importer::ImportPortalPage(db, file.string(), content.str(), {});
    ASSERT_TRUE(outcome.ok()) << outcome.status();
  }
}

std::unique_ptr<grpc::ClientContext> ContextWithDeadline(int seconds) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  return context;
}

}  // namespace news::testing
