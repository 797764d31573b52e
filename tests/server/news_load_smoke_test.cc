// news-load end to end: a couple of seconds against the real server with the sample articles,
// then its JSON report; and its refusal of targets outside loopback.

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/transport/client_identity.h"
#include "tests/support/test_server.h"

namespace news {
namespace {

struct CommandOutput {
  int exit_code = -1;
  std::string stdout_text;
};

// Runs news-load with `arguments` (stderr goes to the test log).
CommandOutput RunNewsLoad(const std::string& arguments) {
  CommandOutput output;
  FILE* pipe = popen(absl::StrCat(NEWS_LOAD_BINARY, " ", arguments).c_str(), "r");
  if (pipe == nullptr) return output;
  char buffer[4096];
  size_t read;
  while ((read = fread(buffer, 1, sizeof(buffer), pipe)) > 0)
    output.stdout_text.append(buffer, read);
  const int status = pclose(pipe);
  output.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return output;
}

double Number(const google::protobuf::Struct& object, const std::string& key) {
  auto it = object.fields().find(key);
  EXPECT_NE(it, object.fields().end()) << key;
  return it == object.fields().end() ? -1 : it->second.number_value();
}

TEST(NewsLoadSmokeTest, LoadsTheServerAndReportsOrderedPercentiles) {
  auto server = testing::TestServer::Start("news_load_smoke_test");
  ASSERT_NE(server, nullptr);
  testing::ImportSamplePages(server->database_url);

  const CommandOutput output = RunNewsLoad(absl::StrCat(
      "--target=127.0.0.1:", server->server->port(),
      " --mix=get=70,list=20,categories=5,sources=5 --zipf=1.1 --concurrency=8 --connections=2"
      " --warmup=300ms --duration=2s --deadline=5s --max-requests=200000 --json"));
  ASSERT_EQ(output.exit_code, 0) << output.stdout_text;

  google::protobuf::Struct report;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(output.stdout_text, &report).ok())
      << output.stdout_text;
  EXPECT_EQ(report.fields().at("mode").string_value(), "closed");
  const auto& rpcs = report.fields().at("rpcs").list_value().values();
  ASSERT_EQ(rpcs.size(), 5);  // four RPCs and the total
  for (const auto& value : rpcs) {
    const google::protobuf::Struct& rpc = value.struct_value();
    const std::string name = rpc.fields().at("rpc").string_value();
    SCOPED_TRACE(name);
    EXPECT_GT(Number(rpc, "count"), 0);
    EXPECT_GT(Number(rpc, "throughput"), 0);
    EXPECT_EQ(Number(rpc, "error_count"), 0);
    EXPECT_TRUE(rpc.fields().at("errors").struct_value().fields().empty());
    EXPECT_GT(Number(rpc, "mean_response_bytes"), 0);
    const google::protobuf::Struct& latency = rpc.fields().at("latency_ms").struct_value();
    EXPECT_GT(Number(latency, "p50"), 0);
    EXPECT_LE(Number(latency, "p50"), Number(latency, "p90"));
    EXPECT_LE(Number(latency, "p90"), Number(latency, "p99"));
    EXPECT_LE(Number(latency, "p99"), Number(latency, "p99_9"));
    EXPECT_LE(Number(latency, "p99_9"), Number(latency, "max"));
  }
  const google::protobuf::Struct& total = rpcs.rbegin()->struct_value();
  EXPECT_EQ(total.fields().at("rpc").string_value(), "total");
  double sum = 0;
  for (int i = 0; i + 1 < rpcs.size(); ++i) sum += Number(rpcs[i].struct_value(), "count");
  EXPECT_EQ(Number(total, "count"), sum);
}

TEST(NewsLoadSmokeTest, OpenLoopSendsAtTheRequestedRate) {
  auto server = testing::TestServer::Start("news_load_smoke_open_loop");
  ASSERT_NE(server, nullptr);
  testing::ImportSamplePages(server->database_url);

  const CommandOutput output =
      RunNewsLoad(absl::StrCat("--target=127.0.0.1:", server->server->port(),
                               " --mix=get,list --rps=200 --warmup=0s --duration=2s --json"));
  ASSERT_EQ(output.exit_code, 0) << output.stdout_text;
  google::protobuf::Struct report;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(output.stdout_text, &report).ok());
  EXPECT_EQ(report.fields().at("mode").string_value(), "open");
  const google::protobuf::Struct& total =
      report.fields().at("rpcs").list_value().values().rbegin()->struct_value();
  // 400 calls scheduled over 2 s; allow slack for a loaded CI machine.
  EXPECT_GE(Number(total, "count"), 360);
  EXPECT_LE(Number(total, "count"), 401);
  EXPECT_EQ(Number(total, "error_count"), 0);
}

// The drill mode (scripts/cluster-drills.sh): the sample client's retry policy, creates resent
// with their request_id, and a completions file whose acknowledged creates are all stored once.
TEST(NewsLoadSmokeTest, CompletionsFileListsEveryAcknowledgedCreateAsStored) {
  auto server = testing::TestServer::Start("news_load_smoke_drill");
  ASSERT_NE(server, nullptr);
  testing::ImportSamplePages(server->database_url);
  const std::string completions_path =
      absl::StrCat(::testing::TempDir(), "news_load_smoke_completions.tsv");

  const CommandOutput output = RunNewsLoad(absl::StrCat(
      "--target=ipv4:127.0.0.1:", server->server->port(), ",127.0.0.1:", server->server->port(),
      " --retry_policy --resend_creates=10s --mix=create_comment=1,get=1 --concurrency=4"
      " --warmup=0s --duration=1s --max-requests=40 --completions_file=", completions_path,
      " --json"));
  ASSERT_EQ(output.exit_code, 0) << output.stdout_text;

  std::ifstream completions(completions_path);
  std::string line;
  int acknowledged = 0;
  int reads = 0;
  pqxx::connection db(server->database_url);
  while (std::getline(completions, line)) {
    const std::vector<std::string> fields = absl::StrSplit(line, '\t');
    ASSERT_EQ(fields.size(), 7) << line;
    EXPECT_EQ(fields[2], "0") << line;
    if (fields[1] == "get") {
      ++reads;
      continue;
    }
    ASSERT_EQ(fields[1], "create_comment") << line;
    EXPECT_EQ(fields[3], "1") << line;  // nothing failed, so nothing was resent
    ++acknowledged;
    pqxx::nontransaction query(db);
    const pqxx::row stored = query.exec_params1(
        "SELECT count(*), min(id) FROM comments WHERE request_id = $1", fields[4]);
    EXPECT_EQ(stored[0].as<int>(), 1) << line;
    EXPECT_EQ(stored[1].as<std::string>(), fields[6]) << line;
  }
  EXPECT_GT(acknowledged, 0);
  EXPECT_GT(reads, 0);
  std::remove(completions_path.c_str());
}

// Behind --trusted_proxies, as bench/run.sh runs the server, every RPC news-load sends arrives
// from many readers: none trips a per-client or per-network limit. Creates beyond one network's
// comment flood limit used to come from the load generator's own address and were all refused
// with RESOURCE_EXHAUSTED.
TEST(NewsLoadSmokeTest, EveryRpcComesFromManyReadersBehindATrustedProxy) {
  ServerOptions options;
  options.caller_rules.trusted_proxies = *ParseIpRangeList("127.0.0.1/32");
  options.comment_rules.address_flood_limit = 10;
  auto server = testing::TestServer::Start("news_load_smoke_readers", options);
  ASSERT_NE(server, nullptr);
  testing::ImportSamplePages(server->database_url);

  const CommandOutput output = RunNewsLoad(absl::StrCat(
      "--target=127.0.0.1:", server->server->port(),
      " --mix=get,list,categories,sources,related,search,most_viewed,comments,create_comment=6"
      " --concurrency=4 --warmup=0s --duration=20s --deadline=10s --max-requests=300 --json"));
  ASSERT_EQ(output.exit_code, 0) << output.stdout_text;
  google::protobuf::Struct report;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(output.stdout_text, &report).ok())
      << output.stdout_text;
  double creates = 0;
  for (const auto& value : report.fields().at("rpcs").list_value().values()) {
    const google::protobuf::Struct& rpc = value.struct_value();
    const std::string name = rpc.fields().at("rpc").string_value();
    SCOPED_TRACE(name);
    EXPECT_EQ(Number(rpc, "error_count"), 0) << output.stdout_text;
    if (name == "create_comment") creates = Number(rpc, "count");
  }
  EXPECT_GT(creates, 3 * options.comment_rules.address_flood_limit);
}

TEST(NewsLoadSmokeTest, RefusesTargetsOutsideLoopback) {
  const CommandOutput refused =
      RunNewsLoad("--target=192.0.2.1:50051 --duration=1s --max-requests=1 2>/dev/null");
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_TRUE(refused.stdout_text.empty());
  const CommandOutput by_name =
      RunNewsLoad("--target=dns:///example.com:443 --duration=1s --max-requests=1 2>/dev/null");
  EXPECT_EQ(by_name.exit_code, 2);
  const CommandOutput in_a_list = RunNewsLoad(
      "--target=ipv4:127.0.0.1:50051,192.0.2.1:50051 --duration=1s --max-requests=1 2>/dev/null");
  EXPECT_EQ(in_a_list.exit_code, 2);
}

TEST(NewsLoadSmokeTest, RejectsAnUnknownRpcInTheMix) {
  const CommandOutput output = RunNewsLoad("--mix=get=70,teleport=30 2>/dev/null");
  EXPECT_EQ(output.exit_code, 2);
}

}  // namespace
}  // namespace news
