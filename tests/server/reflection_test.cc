// Reflection-only clients (grpcurl, buf curl, grpc-js-reflection-client): every service that the
// real news-server binary lists can be described from reflection alone, every method's types
// resolve, and grpc.health.v1.Health/Check can be called with nothing but those descriptors.
// The binary runs as its own process: a test binary links the generated descriptors it uses
// itself, which would hide one the server lacks.

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/descriptor_database.h>
#include <google/protobuf/dynamic_message.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client-sample/reflection_client.h"
#include "tests/support/server_process.h"
#include "tests/support/test_postgres.h"

namespace news {
namespace {

using google::protobuf::DescriptorPool;
using google::protobuf::FileDescriptorProto;
using google::protobuf::SimpleDescriptorDatabase;

class ReflectionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string database_url =
        testing::TestPostgres::Instance().CreateDatabase("reflection_test");
    dir_ = std::filesystem::temp_directory_path() / absl::StrCat("news-reflection-", getpid());
    std::filesystem::create_directories(dir_);
    server_ = testing::StartServerProcess(NEWS_SERVER_BINARY, database_url, dir_);
  }

  static void TearDownTestSuite() {
    if (server_.pid > 0) {
      kill(server_.pid, SIGKILL);
      waitpid(server_.pid, nullptr, 0);
    }
    std::filesystem::remove_all(dir_);
  }

  void SetUp() override {
    ASSERT_GT(server_.port, 0) << testing::ReadFile(server_.log_file);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_.port),
                                   grpc::InsecureChannelCredentials());
  }

  // Adds the files reflection sends for `symbol` to `files`; their names to `names`.
  void Describe(const std::string& symbol, SimpleDescriptorDatabase& files,
                std::set<std::string>& names) {
    absl::StatusOr<std::vector<std::string>> described =
        client::DescribeSymbolByReflection(channel_, symbol, absl::Seconds(5));
    ASSERT_TRUE(described.ok()) << symbol << ": " << described.status();
    for (const std::string& bytes : *described) {
      FileDescriptorProto file;
      ASSERT_TRUE(file.ParseFromString(bytes)) << symbol;
      if (names.insert(file.name()).second) ASSERT_TRUE(files.Add(file)) << file.name();
    }
  }

  static std::string dir_;
  static testing::ServerProcess server_;
  std::shared_ptr<grpc::Channel> channel_;
};

std::string ReflectionTest::dir_;
testing::ServerProcess ReflectionTest::server_;

TEST_F(ReflectionTest, EveryListedServiceIsDescribedWithAllItsTypes) {
  absl::StatusOr<std::vector<std::string>> services =
      client::ListServicesByReflection(channel_, absl::Seconds(5));
  ASSERT_TRUE(services.ok()) << services.status();
  const std::set<std::string> listed(services->begin(), services->end());
  for (const char* expected : {"news.v1.ArticleService", "news.v1.CommentService",
                               "news.v1.DiscoveryService", "news.v1.ModerationService",
                               "grpc.health.v1.Health"}) {
    EXPECT_TRUE(listed.contains(expected)) << expected;
  }

  for (const std::string& service_name : listed) {
    SCOPED_TRACE(service_name);
    SimpleDescriptorDatabase files;
    std::set<std::string> names;
    Describe(service_name, files, names);
    // Each service in a pool of its own: nothing one service sent may complete another.
    DescriptorPool pool(&files);
    const google::protobuf::ServiceDescriptor* service = pool.FindServiceByName(service_name);
    ASSERT_NE(service, nullptr) << "the files sent do not build (a missing import?)";
    ASSERT_GT(service->method_count(), 0);
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* method = service->method(i);
      SCOPED_TRACE(method->full_name());
      ASSERT_NE(method->input_type(), nullptr);
      ASSERT_NE(method->output_type(), nullptr);
      // A client resolves a method's types by name too: the server must answer for them.
      SimpleDescriptorDatabase by_type;
      std::set<std::string> type_files;
      Describe(method->input_type()->full_name(), by_type, type_files);
      Describe(method->output_type()->full_name(), by_type, type_files);
      DescriptorPool type_pool(&by_type);
      EXPECT_NE(type_pool.FindMessageTypeByName(method->input_type()->full_name()), nullptr);
      EXPECT_NE(type_pool.FindMessageTypeByName(method->output_type()->full_name()), nullptr);
    }
  }
}

TEST_F(ReflectionTest, UnknownSymbolsAreNotFound) {
  absl::StatusOr<std::vector<std::string>> described = client::DescribeSymbolByReflection(
      channel_, "news.v1.NoSuchService", absl::Seconds(5));
  EXPECT_EQ(described.status().code(), absl::StatusCode::kNotFound) << described.status();
}

// What buf curl does: Health/Check with messages built from reflection's descriptors only.
TEST_F(ReflectionTest, HealthCheckCanBeCalledFromReflectionAlone) {
  SimpleDescriptorDatabase files;
  std::set<std::string> names;
  Describe("grpc.health.v1.Health", files, names);
  DescriptorPool pool(&files);
  const google::protobuf::MethodDescriptor* check =
      pool.FindMethodByName("grpc.health.v1.Health.Check");
  ASSERT_NE(check, nullptr);
  google::protobuf::DynamicMessageFactory factory(&pool);
  std::unique_ptr<google::protobuf::Message> request(
      factory.GetPrototype(check->input_type())->New());
  // The server as a whole: "" (the default).
  request->GetReflection()->SetString(request.get(),
                                      check->input_type()->FindFieldByName("service"), "");
  std::string request_bytes;
  ASSERT_TRUE(request->SerializeToString(&request_bytes));

  // The database may still be connecting: the server answers NOT_SERVING until it is.
  std::string status_name;
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (status_name != "SERVING" && absl::Now() < give_up) {
    grpc::GenericStub stub(channel_);
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    grpc::CompletionQueue queue;
    grpc::Slice slice(request_bytes);
    grpc::ByteBuffer request_buffer(&slice, 1);
    auto call = stub.PrepareUnaryCall(&context, "/grpc.health.v1.Health/Check", request_buffer,
                                      &queue);
    call->StartCall();
    grpc::ByteBuffer response_buffer;
    grpc::Status status;
    call->Finish(&response_buffer, &status, reinterpret_cast<void*>(1));
    void* tag = nullptr;
    bool ok = false;
    ASSERT_TRUE(queue.Next(&tag, &ok));
    queue.Shutdown();
    while (queue.Next(&tag, &ok)) {
    }
    ASSERT_TRUE(status.ok()) << status.error_message();
    std::vector<grpc::Slice> slices;
    response_buffer.Dump(&slices);
    std::string response_bytes;
    for (const auto& piece : slices) {
      response_bytes.append(reinterpret_cast<const char*>(piece.begin()), piece.size());
    }
    std::unique_ptr<google::protobuf::Message> response(
        factory.GetPrototype(check->output_type())->New());
    ASSERT_TRUE(response->ParseFromString(response_bytes));
    status_name = response->GetReflection()
                      ->GetEnum(*response, check->output_type()->FindFieldByName("status"))
                      ->name();
    if (status_name != "SERVING") absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_EQ(status_name, "SERVING");
}

}  // namespace
}  // namespace news
