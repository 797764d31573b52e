#include "tests/support/comment_calls.h"

#include <atomic>
#include <chrono>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace news::testing {
namespace {

std::unique_ptr<grpc::ClientContext> WithDeadline() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return context;
}

google::rpc::Status Details(const grpc::Status& status) {
  google::rpc::Status details;
  details.ParseFromString(status.error_details());
  return details;
}

}  // namespace

std::unique_ptr<grpc::ClientContext> ClientContext(const std::string& client_id) {
  auto context = WithDeadline();
  context->AddMetadata("x-client-id", client_id);
  return context;
}

std::unique_ptr<grpc::ClientContext> AdminContext(const std::string& token) {
  auto context = WithDeadline();
  if (!token.empty()) context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
  return context;
}

int64_t InsertArticle(const std::string& database_url, const std::string& title) {
  static std::atomic<int> counter{0};
  pqxx::connection db(database_url);
  pqxx::work tx(db);
  const int64_t category_id =
      tx.exec1(
            "INSERT INTO categories (slug, name) VALUES ('binh-luan', 'Bình luận') "
            "ON CONFLICT (slug) DO UPDATE SET slug = EXCLUDED.slug RETURNING id")[0]
          .as<int64_t>();
  const int64_t id =
      tx.exec_params1(
            "INSERT INTO articles (slug, title, category_id, publish_time) "
            "VALUES ($1, $2, $3, now()) RETURNING id",
            absl::StrCat("comment-test-", ++counter, "-", std::rand()), title, category_id)[0]
          .as<int64_t>();
  tx.commit();
  return id;
}

int64_t CommentCount(const std::string& database_url, int64_t article_id) {
  pqxx::connection db(database_url);
  pqxx::nontransaction tx(db);
  return tx.exec_params1("SELECT comment_count FROM articles WHERE id = $1", article_id)[0]
      .as<int64_t>();
}

std::vector<std::string> ViolatedFields(const grpc::Status& status) {
  std::vector<std::string> fields;
  const google::rpc::Status details = Details(status);
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad_request;
    if (!any.UnpackTo(&bad_request)) continue;
    for (const auto& violation : bad_request.field_violations()) {
      fields.push_back(violation.field());
    }
  }
  return fields;
}

absl::Duration RetryDelay(const grpc::Status& status) {
  const google::rpc::Status details = Details(status);
  for (const auto& any : details.details()) {
    google::rpc::RetryInfo retry;
    if (any.UnpackTo(&retry)) {
      return absl::Seconds(retry.retry_delay().seconds()) +
             absl::Nanoseconds(retry.retry_delay().nanos());
    }
  }
  return absl::Seconds(-1);
}

std::string ErrorReason(const grpc::Status& status) {
  const google::rpc::Status details = Details(status);
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info)) return info.reason();
  }
  return "";
}

}  // namespace news::testing
