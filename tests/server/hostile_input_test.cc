// Hostile strings (SQL fragments, quotes, NUL bytes, 1 MB strings, invalid UTF-8, RTL and
// zero-width characters) through every string field of the public RPCs, sent as raw bytes with
// grpc::GenericStub so that even invalid UTF-8 reaches the server. Each call gets a clear status
// (never INTERNAL or UNKNOWN) and the data stays intact.

#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "news/v1/article.grpc.pb.h"
#include "news/v1/comment.grpc.pb.h"
#include "news/v1/discovery.grpc.pb.h"
#include "news/v1/moderation.grpc.pb.h"
#include "server/transport/metrics_interceptor.h"
#include "tests/support/test_server.h"

namespace news {
namespace {

struct Hostile {
  std::string name;
  std::string value;
};

std::vector<Hostile> HostileStrings() {
  return {
      {"sql_or", "' OR '1'='1' --"},
      {"sql_drop", "'); DROP TABLE articles; DROP TABLE comments; --"},
      {"quotes", "\"double\" 'single' `back` \\backslash\\"},
      {"like_wildcards", "%_%\\%"},
      {"nul_byte", std::string("before\0after NUL", 16)},
      {"invalid_utf8", "bad \xff\xfe bytes \xc3\x28"},
      {"overlong_utf8", "slash \xc0\xaf overlong"},
      {"rtl_override", "abc \u202Egnp.exe\u202C def"},
      {"arabic_hebrew", "مرحبا بالعالم שלום"},
      {"zero_width", "ze\u200Bro\u200Cwi\u200Ddth\uFEFF text"},
      {"nfd_vietnamese", "Vie\u0323\u0302t Nam ti\u00EA\u0301ng"},
      {"newlines", "line one\r\nline two\n\tindent"},
      {"large_50k", std::string(50 * 1024, 'a')},
      {"huge_1mb", std::string(1 << 20, 'x')},
  };
}

// One string field of one RPC: builds the request with `value` in that field.
struct FieldCase {
  std::string method;
  std::string field;
  std::function<std::string(const std::string& value, int serial)> request;
};

class HostileInputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = testing::TestServer::Start("hostile_input_test").release();
    ASSERT_NE(server_, nullptr);
    testing::ImportSamplePages(server_->database_url);
    pqxx::connection db(server_->database_url);
    pqxx::work tx(db);
    article_id_ = tx.exec1("SELECT min(id) FROM articles")[0].as<int64_t>();
  }

  static void TearDownTestSuite() { delete server_; }

  // Sends `request` bytes to `method`; returns the status.
  static grpc::Status Call(const std::string& method, const std::string& request,
                           const std::string& client_id) {
    grpc::GenericStub stub(server_->channel);
    auto context = testing::ContextWithDeadline(10);
    context->AddMetadata("x-client-id", client_id);
    grpc::Slice slice(request);
    grpc::ByteBuffer send(&slice, 1);
    grpc::ByteBuffer receive;
    std::mutex mutex;
    std::condition_variable done_cv;
    bool done = false;
    grpc::Status result;
    stub.UnaryCall(context.get(), method, grpc::StubOptions(), &send, &receive,
                   [&](grpc::Status status) {
                     std::lock_guard lock(mutex);
                     result = std::move(status);
                     done = true;
                     done_cv.notify_one();
                   });
    std::unique_lock lock(mutex);
    done_cv.wait(lock, [&] { return done; });
    return result;
  }

  static std::vector<FieldCase> Cases() {
    const int64_t article = article_id_;
    return {
        {"/news.v1.ArticleService/GetArticle", "slug",
         [](const std::string& v, int) {
           v1::GetArticleRequest r;
           r.set_slug(v);
           return r.SerializeAsString();
         }},
        {"/news.v1.ArticleService/ListArticles", "tag",
         [](const std::string& v, int) {
           v1::ListArticlesRequest r;
           r.set_tag(v);
           return r.SerializeAsString();
         }},
        {"/news.v1.ArticleService/ListArticles", "page_token",
         [](const std::string& v, int) {
           v1::ListArticlesRequest r;
           r.set_page_token(v);
           return r.SerializeAsString();
         }},
        {"/news.v1.ArticleService/ListArticleChanges", "sync_token",
         [](const std::string& v, int) {
           v1::ListArticleChangesRequest r;
           r.set_sync_token(v);
           return r.SerializeAsString();
         }},
        {"/news.v1.CommentService/ListComments", "page_token",
         [article](const std::string& v, int) {
           v1::ListCommentsRequest r;
           r.set_article_id(article);
           r.set_page_token(v);
           return r.SerializeAsString();
         }},
        {"/news.v1.CommentService/CreateComment", "author_name",
         [article](const std::string& v, int serial) {
           v1::CreateCommentRequest r;
           r.set_article_id(article);
           r.set_author_name(v);
           r.set_body(absl::StrCat("Bình luận thử nghiệm ", serial));
           r.set_request_id(absl::StrCat("hostile-author-", serial));
           return r.SerializeAsString();
         }},
        {"/news.v1.CommentService/CreateComment", "body",
         [article](const std::string& v, int serial) {
           v1::CreateCommentRequest r;
           r.set_article_id(article);
           r.set_author_name("Người đọc");
           r.set_body(v);
           r.set_request_id(absl::StrCat("hostile-body-", serial));
           return r.SerializeAsString();
         }},
        {"/news.v1.CommentService/CreateComment", "request_id",
         [article](const std::string& v, int serial) {
           v1::CreateCommentRequest r;
           r.set_article_id(article);
           r.set_author_name("Người đọc");
           r.set_body(absl::StrCat("Bình luận thử nghiệm mã ", serial));
           r.set_request_id(v);
           return r.SerializeAsString();
         }},
        {"/news.v1.DiscoveryService/SearchArticles", "query",
         [](const std::string& v, int) {
           v1::SearchArticlesRequest r;
           r.set_query(v);
           return r.SerializeAsString();
         }},
        {"/news.v1.DiscoveryService/SearchArticles", "page_token",
         [](const std::string& v, int) {
           v1::SearchArticlesRequest r;
           r.set_query("thanh tra");
           r.set_page_token(v);
           return r.SerializeAsString();
         }},
        {"/news.v1.ModerationService/BanClient", "client_id (no token)",
         [](const std::string& v, int) {
           v1::BanClientRequest r;
           r.set_client_id(v);
           r.set_reason(v);
           return r.SerializeAsString();
         }},
    };
  }

  static inline testing::TestServer* server_ = nullptr;
  static inline int64_t article_id_ = 0;
};

TEST_F(HostileInputTest, EveryStringFieldGetsAClearStatusAndTheDataStaysIntact) {
  int64_t articles_before = 0;
  {
    pqxx::connection db(server_->database_url);
    pqxx::work tx(db);
    articles_before = tx.exec1("SELECT count(*) FROM articles")[0].as<int64_t>();
  }
  int serial = 0;
  std::map<std::string, std::string> table;
  for (const FieldCase& field : Cases()) {
    for (const Hostile& hostile : HostileStrings()) {
      ++serial;
      const grpc::Status status = Call(field.method, field.request(hostile.value, serial),
                                       absl::StrCat("hostile-", serial));
      const grpc::StatusCode code = status.error_code();
      EXPECT_TRUE(code != grpc::StatusCode::INTERNAL && code != grpc::StatusCode::UNKNOWN &&
                  code != grpc::StatusCode::UNAVAILABLE && code != grpc::StatusCode::UNIMPLEMENTED)
          << field.method << " " << field.field << " <- " << hostile.name << ": "
          << StatusCodeName(code) << " " << status.error_message();
      if (hostile.name == "invalid_utf8" || hostile.name == "overlong_utf8") {
        EXPECT_EQ(code, grpc::StatusCode::INVALID_ARGUMENT) << field.method << " " << field.field;
      }
      if (hostile.name == "huge_1mb") {
        EXPECT_EQ(code, grpc::StatusCode::RESOURCE_EXHAUSTED) << field.method;
      }
      absl::StrAppend(&table[absl::StrCat(field.method, " ", field.field)], hostile.name, "=",
                      StatusCodeName(code), " ");
    }
  }
  for (const auto& [field, outcomes] : table)
    std::printf("%s: %s\n", field.c_str(), outcomes.c_str());

  pqxx::connection db(server_->database_url);
  pqxx::work tx(db);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM articles")[0].as<int64_t>(), articles_before);
  // Accepted comments hold exactly the text sent (these strings are already NFC and trimmed).
  for (const char* body : {"'); DROP TABLE articles; DROP TABLE comments; --",
                           "\"double\" 'single' `back` \\backslash\\"}) {
    EXPECT_EQ(tx.exec_params1("SELECT count(*) FROM comments WHERE body = $1", body)[0].as<int>(),
              1)
        << body;
  }
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM comments WHERE body LIKE 'before%'")[0].as<int>(), 0)
      << "a NUL byte must not silently truncate a stored comment";
}

}  // namespace
}  // namespace news
