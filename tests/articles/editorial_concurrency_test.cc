// Concurrent editorial writes on different articles (docs/newsroom.md, "Concurrency"): editors
// creating, updating, publishing and retracting articles whose texts share most of their words
// (so their terms, document frequencies and related lists overlap) never deadlock in the
// database, so no caller sees ABORTED; the related-news document count stays exact.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <pqxx/pqxx>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "news/v1/editorial.grpc.pb.h"
#include "server/domain/clients/admin_auth.h"
#include "server/storage/prepared_statements.h"
#include "tests/support/comment_calls.h"
#include "tests/support/test_server.h"

namespace news {
namespace {

// Shared vocabulary: every text is a shuffle of most of it, so concurrent writers upsert mostly
// the same term rows, in orders that differ from text to text.
const std::vector<std::string>& Words() {
  static const auto* words = new std::vector<std::string>{
      "bão",   "lũ",    "miền",  "trung", "sông",   "hương", "mưa",   "lớn",   "đê",   "vỡ",
      "cứu",   "hộ",    "quân",  "đội",   "dân",    "làng",  "ruộng", "lúa",   "ngập", "sâu",
      "điện",  "lưới",  "trạm",  "bơm",   "nước",   "sạch",  "trường", "học",  "nghỉ", "sớm",
      "cầu",   "đường", "sạt",   "lở",    "núi",    "đồi",   "thủy",  "điện",  "xả",   "lũ"};
  return *words;
}

std::string Text(std::mt19937& random, size_t words) {
  std::vector<std::string> shuffled = Words();
  std::shuffle(shuffled.begin(), shuffled.end(), random);
  shuffled.resize(words);
  return absl::StrJoin(shuffled, " ");
}

class EditorialConcurrencyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = testing::TestServer::Start("editorial_concurrency_test").release();
    ASSERT_NE(server_, nullptr);
    editorial_ = v1::EditorialService::NewStub(server_->channel).release();
  }

  static void TearDownTestSuite() {
    delete editorial_;
    delete server_;
  }

  static std::string IssueEditorToken(int editor) {
    pqxx::connection db(server_->database_url);
    storage::PrepareStatements(db);
    pqxx::work tx(db);
    std::string token =
        IssueToken(tx, AdminRole::kEditor, absl::StrCat("Biên tập ", editor), "test")->token;
    tx.commit();
    return token;
  }

  static int64_t QueryInt(const std::string& sql) {
    pqxx::connection db(server_->database_url);
    pqxx::nontransaction tx(db);
    return tx.exec1(sql)[0].as<int64_t>();
  }

  static testing::TestServer* server_;
  static v1::EditorialService::Stub* editorial_;
};

testing::TestServer* EditorialConcurrencyTest::server_ = nullptr;
v1::EditorialService::Stub* EditorialConcurrencyTest::editorial_ = nullptr;

TEST_F(EditorialConcurrencyTest, WritesOnDifferentArticlesNeverAbort) {
  const int64_t category = QueryInt(
      "INSERT INTO categories (slug, name) VALUES ('bao-lu', 'Bão lũ') RETURNING id");
  const int64_t documents_before = QueryInt("SELECT documents FROM indexed_document_count");
  constexpr int kEditors = 6;
  const absl::Duration kWriting = absl::Milliseconds(1500);
  std::vector<std::string> tokens;
  for (int e = 0; e < kEditors; ++e) tokens.push_back(IssueEditorToken(e));

  std::atomic<bool> writing{true};
  std::atomic<int> creates{0};
  std::atomic<int> writes{0};
  std::vector<std::thread> editors;
  for (int e = 0; e < kEditors; ++e) {
    editors.emplace_back([&, e] {
      std::mt19937 random(e);
      // This editor's own articles, each with whether it is published.
      std::vector<std::pair<int64_t, bool>> own;
      int n = 0;
      while (writing) {
        const int action = own.empty() ? 0 : static_cast<int>(random() % 4);
        v1::EditorialArticle out;
        grpc::Status status;
        if (action == 0) {
          v1::CreateArticleRequest request;
          request.set_request_id(absl::StrCat("editor-", e, "-", ++n));
          v1::EditorialArticle& article = *request.mutable_article();
          article.set_title(Text(random, 8));
          article.set_summary(Text(random, 15));
          article.set_author("Phóng viên");
          article.set_category_id(category);
          article.add_blocks()->mutable_paragraph()->set_text(Text(random, 35));
          status = editorial_->CreateArticle(testing::AdminContext(tokens[e]).get(), request,
                                             &out);
          if (status.ok()) {
            own.emplace_back(out.id(), false);
            ++creates;
          }
        } else {
          auto& [id, published] = own[random() % own.size()];
          if (action == 1) {
            v1::UpdateArticleRequest request;
            request.mutable_article()->set_id(id);
            request.mutable_article()->set_title(Text(random, 8));
            request.mutable_article()->add_blocks()->mutable_paragraph()->set_text(
                Text(random, 35));
            request.mutable_update_mask()->add_paths("title");
            request.mutable_update_mask()->add_paths("blocks");
            status = editorial_->UpdateArticle(testing::AdminContext(tokens[e]).get(), request,
                                               &out);
          } else if (!published) {
            v1::PublishArticleRequest request;
            request.set_id(id);
            status = editorial_->PublishArticle(testing::AdminContext(tokens[e]).get(), request,
                                                &out);
            if (status.ok()) published = true;
          } else {
            v1::UnpublishArticleRequest request;
            request.set_id(id);
            request.set_reason("Cần kiểm tra lại");
            status = editorial_->UnpublishArticle(testing::AdminContext(tokens[e]).get(),
                                                  request, &out);
            if (status.ok()) published = false;
          }
        }
        // Every write is on this editor's own article and valid: anything but OK (ABORTED
        // above all, a deadlock or serialisation failure) is the fault.
        EXPECT_TRUE(status.ok()) << "editor " << e << " action " << action << ": "
                                 << status.error_code() << " " << status.error_message();
        ++writes;
      }
    });
  }
  absl::SleepFor(kWriting);
  writing = false;
  for (auto& editor : editors) editor.join();

  EXPECT_GT(writes, 2 * kEditors);
  EXPECT_GT(creates, kEditors);
  // Each create counted once into the corpus, none lost to a rolled-back transaction.
  EXPECT_EQ(QueryInt("SELECT documents FROM indexed_document_count"), documents_before + creates);
}

}  // namespace
}  // namespace news
