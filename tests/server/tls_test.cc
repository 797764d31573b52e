// Optional TLS: with --tls_cert/--tls_key the server speaks only TLS. The certificate is
// self-signed, made by the openssl CLI in the test; the client trusts it as its root.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "news/v1/article.grpc.pb.h"
#include "tests/support/test_server.h"

namespace news {
namespace {

using testing::ContextWithDeadline;

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(std::filesystem::temp_directory_path() /
                           absl::StrCat("news-tls-", getpid()));
    std::filesystem::create_directories(*dir_);
    const std::string command =
        absl::StrCat("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost",
                     " -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout ", *dir_,
                     "/key.pem -out ", *dir_, "/cert.pem >", *dir_, "/openssl.log 2>&1");
    ASSERT_EQ(std::system(command.c_str()), 0) << command;

    ServerOptions options;
    options.tls_cert_file = *dir_ + "/cert.pem";
    options.tls_key_file = *dir_ + "/key.pem";
    server_ = testing::TestServer::Start("tls_test", options).release();
    ASSERT_NE(server_, nullptr);
  }

  static void TearDownTestSuite() {
    delete server_;
    std::error_code ignored;
    std::filesystem::remove_all(*dir_, ignored);
    delete dir_;
  }

  static std::string ReadFile(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  static grpc::Status ListCategoriesOver(std::shared_ptr<grpc::ChannelCredentials> credentials) {
    grpc::ChannelArguments arguments;
    arguments.SetSslTargetNameOverride("localhost");
    auto channel = grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", server_->server->port()),
                                             credentials, arguments);
    v1::ListCategoriesResponse response;
    return v1::ArticleService::NewStub(channel)->ListCategories(ContextWithDeadline(3).get(), {},
                                                                &response);
  }

  static inline std::string* dir_ = nullptr;
  static inline testing::TestServer* server_ = nullptr;
};

TEST_F(TlsTest, ClientTrustingTheCertificateIsServed) {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = ReadFile(*dir_ + "/cert.pem");
  const grpc::Status status = ListCategoriesOver(grpc::SslCredentials(ssl));
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(TlsTest, PlaintextClientIsNotServed) {
  EXPECT_EQ(ListCategoriesOver(grpc::InsecureChannelCredentials()).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, ClientTrustingAnotherRootIsNotServed) {
  const std::string other = *dir_ + "/other";
  ASSERT_EQ(std::system(absl::StrCat("openssl req -x509 -newkey rsa:2048 -nodes -days 1",
                                     " -subj /CN=localhost -keyout ", other, "-key.pem -out ",
                                     other, "-cert.pem >/dev/null 2>&1")
                            .c_str()),
            0);
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = ReadFile(other + "-cert.pem");
  EXPECT_EQ(ListCategoriesOver(grpc::SslCredentials(ssl)).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, CertificateWithoutKeyIsRefusedAtStartUp) {
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.database_url = server_->database_url;
  options.tls_cert_file = *dir_ + "/cert.pem";
  EXPECT_EQ(NewsServer::Start(options).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace news
