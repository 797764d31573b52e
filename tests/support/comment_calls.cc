#include "tests/support/comment_calls.h"

#include <atomic>
#include <chrono>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "tests/support/test_server.h"

namespace news::testing {
std::unique_ptr<grpc::ClientContext> ClientContext(const std::string& client_id) {
  auto context = ContextWithDeadline();
  context->AddMetadata("x-client-id", client_id);
  return context;
}

std::unique_ptr<grpc::ClientContext> AdminContext(const std::string& token) {
  auto context = ContextWithDeadline();
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
  return tx
      .exec_params1("SELECT comment_count FROM article_counters WHERE article_id = $1",
                    article_id)[0]
      .as<int64_t>();
}

}  // namespace news::testing
