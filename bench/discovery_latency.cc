// discovery-latency: measures SearchArticles and ListRelatedArticles latency against a running
// news-server, one call at a time, and prints p50/p95 per RPC (bench/discovery_latency.sh runs
// it over a 100k-article generated corpus).

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_format.h"
#include "news/v1/discovery.grpc.pb.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "news-server HOST:PORT");
ABSL_FLAG(int, requests, 1000, "calls per RPC");
ABSL_FLAG(int64_t, max_article_id, 100000, "related news asks for ids in [1, max_article_id]");

namespace {

// Words and phrases the generated corpus uses, typed the way readers type them: some with tone
// marks, most without.
const std::vector<std::string>& Queries() {
  static const auto* queries =
      new std::vector<std::string>{"ha noi",           "Đà Nẵng",         "xuat khau",
                                   "giá vàng",         "hoc sinh",        "tuyen sinh dai hoc",
                                   "benh vien",        "bóng đá",         "doi tuyen",
                                   "lua gao",          "cà phê",          "du khach",
                                   "le hoi",           "lua dao",         "giao thong",
                                   "nha o xa hoi",     "di san",          "chuyển đổi số",
                                   "tri tue nhan tao", "khu cong nghiep", "thu hoach sau rieng",
                                   "khanh thanh",      "ky ket hop tac",  "phong",
                                   "thanh hoa"};
  return *queries;
}

struct Percentiles {
  double p50_ms;
  double p95_ms;
  int failures;
};

template <typename Call>
Percentiles Measure(int requests, Call call) {
  std::vector<double> millis;
  int failures = 0;
  for (int i = 0; i < requests; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const bool ok = call(i);
    const auto end = std::chrono::steady_clock::now();
    if (!ok) ++failures;
    millis.push_back(std::chrono::duration<double, std::milli>(end - start).count());
  }
  std::sort(millis.begin(), millis.end());
  auto at = [&](double q) { return millis[static_cast<size_t>(q * (millis.size() - 1))]; };
  return Percentiles{at(0.50), at(0.95), failures};
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return context;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("Measures search and related-news latency of a news-server.");
  absl::ParseCommandLine(argc, argv);
  auto channel =
      grpc::CreateChannel(absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials());
  auto stub = news::v1::DiscoveryService::NewStub(channel);
  const int requests = std::max(1, absl::GetFlag(FLAGS_requests));
  const int64_t max_id = std::max<int64_t>(1, absl::GetFlag(FLAGS_max_article_id));

  const Percentiles search = Measure(requests, [&](int i) {
    news::v1::SearchArticlesRequest request;
    request.set_query(Queries()[i % Queries().size()]);
    request.set_page_size(10);
    news::v1::SearchArticlesResponse response;
    return stub->SearchArticles(Context().get(), request, &response).ok();
  });
  const Percentiles related = Measure(requests, [&](int i) {
    news::v1::ListRelatedArticlesRequest request;
    // A fixed stride walks the whole id range without a random generator.
    request.set_article_id(1 + (static_cast<int64_t>(i) * 7919) % max_id);
    request.set_page_size(5);
    news::v1::ListRelatedArticlesResponse response;
    const grpc::Status status = stub->ListRelatedArticles(Context().get(), request, &response);
    return status.ok() || status.error_code() == grpc::StatusCode::NOT_FOUND;
  });
  std::printf(
      "search p50 %.2f ms p95 %.2f ms, related p50 %.2f ms p95 %.2f ms (%d sequential calls "
      "each, %d+%d failed)\n",
      search.p50_ms, search.p95_ms, related.p50_ms, related.p95_ms, requests, search.failures,
      related.failures);
  return search.failures + related.failures == 0 ? 0 : 1;
}
