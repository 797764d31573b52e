// CommentService end to end: a real PostgreSQL cluster, the real server on a loopback port, the
// generated stubs (and a generic stub for requests the generated code cannot send).

#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "news/v1/comment.grpc.pb.h"
#include "tests/support/comment_calls.h"
#include "tests/support/test_server.h"

namespace news {
namespace {

using testing::ClientContext;
using testing::ViolatedFields;

std::string Repeat(const std::string& piece, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += piece;
  return out;
}

// Protobuf wire format by hand, so that a string field can hold bytes the generated code
// would refuse to send.
void AppendTag(std::string& out, int number, int wire_type) {
  out.push_back(static_cast<char>((number << 3) | wire_type));
}
void AppendVarint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}
void AppendBytesField(std::string& out, int number, const std::string& bytes) {
  AppendTag(out, number, 2);
  AppendVarint(out, bytes.size());
  out += bytes;
}
void AppendIntField(std::string& out, int number, int64_t value) {
  AppendTag(out, number, 0);
  AppendVarint(out, static_cast<uint64_t>(value));
}

class CommentServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ServerOptions options;
    options.comment_rules.flood_limit = 5;
    server_ = testing::TestServer::Start("comment_service_test", options).release();
    ASSERT_NE(server_, nullptr);
    stub_ = v1::CommentService::NewStub(server_->channel).release();
    ServerOptions post;
    post.comment_rules.moderation = CommentModeration::kPost;
    post_server_ = testing::TestServer::Start("comment_service_post_test", post).release();
    ASSERT_NE(post_server_, nullptr);
    post_stub_ = v1::CommentService::NewStub(post_server_->channel).release();
    article_id_ = testing::InsertArticle(server_->database_url, "Bài để bình luận");
  }

  static void TearDownTestSuite() {
    delete stub_;
    delete post_stub_;
    delete server_;
    delete post_server_;
  }

  static v1::CreateCommentRequest Request(const std::string& body,
                                          const std::string& author = "Nguyễn Văn An") {
    static int counter = 0;
    v1::CreateCommentRequest request;
    request.set_article_id(article_id_);
    request.set_author_name(author);
    request.set_body(body);
    request.set_request_id(absl::StrCat("req-", ++counter));
    return request;
  }

  static grpc::Status Create(v1::CommentService::Stub* stub, const std::string& client,
                             const v1::CreateCommentRequest& request, v1::Comment* comment) {
    return stub->CreateComment(ClientContext(client).get(), request, comment);
  }

  static grpc::Status Create(const std::string& client, const v1::CreateCommentRequest& request,
                             v1::Comment* comment = nullptr) {
    v1::Comment ignored;
    return Create(stub_, client, request, comment != nullptr ? comment : &ignored);
  }

  static testing::TestServer* server_;
  static v1::CommentService::Stub* stub_;
  static testing::TestServer* post_server_;
  static v1::CommentService::Stub* post_stub_;
  static int64_t article_id_;
};

testing::TestServer* CommentServiceTest::server_ = nullptr;
v1::CommentService::Stub* CommentServiceTest::stub_ = nullptr;
testing::TestServer* CommentServiceTest::post_server_ = nullptr;
v1::CommentService::Stub* CommentServiceTest::post_stub_ = nullptr;
int64_t CommentServiceTest::article_id_ = 0;

TEST_F(CommentServiceTest, BodyLengthIsCountedInCodePointsOfVietnameseText) {
  // "Đúng" is 4 characters and 6 bytes; "Tuyệt" 5 characters and 7 bytes.
  grpc::Status status = Create("len-4", Request("Đúng"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"body"});

  v1::Comment comment;
  ASSERT_TRUE(Create("len-5", Request("Tuyệt"), &comment).ok());
  EXPECT_EQ(comment.body(), "Tuyệt");
  EXPECT_EQ(comment.state(), v1::COMMENT_STATE_PENDING);
  EXPECT_GT(comment.id(), 0);

  // 500 "ố" are 1500 bytes and still allowed; 501 are not.
  ASSERT_TRUE(Create("len-500", Request(Repeat("ố", 500)), &comment).ok());
  EXPECT_EQ(comment.body(), Repeat("ố", 500));
  status = Create("len-501", Request(Repeat("ố", 501)));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"body"});

  // Surrounding white space does not count.
  status = Create("len-trim", Request("  \u00a0Đúng \n "));
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"body"});
}

TEST_F(CommentServiceTest, DecomposedInputIsStoredInNfcAndCountedAfterNormalisation) {
  // "Tuyệt" in NFD: ệ is e + U+0323 + U+0302, so 7 code points before normalisation.
  const std::string nfd = "Tuye\xcc\xa3\xcc\x82t";
  v1::Comment comment;
  ASSERT_TRUE(Create("nfd-5", Request(nfd, "Ngo\xcc\x82 Va\xcc\x86n"), &comment).ok());
  EXPECT_EQ(comment.body(), "Tuyệt");
  EXPECT_EQ(comment.author_name(), "Ngô Văn");

  // 500 "ố" in NFD are 1500 code points, 500 after NFC.
  ASSERT_TRUE(Create("nfd-500", Request(Repeat("o\xcc\x82\xcc\x81", 500)), &comment).ok());
  EXPECT_EQ(comment.body(), Repeat("ố", 500));
  grpc::Status status = Create("nfd-501", Request(Repeat("o\xcc\x82\xcc\x81", 501)));
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"body"});
}

TEST_F(CommentServiceTest, AuthorNameAndControlCharactersAreChecked) {
  EXPECT_TRUE(Create("name-50", Request("Bình luận rất hay", Repeat("Ạ", 50))).ok());
  grpc::Status status = Create("name-51", Request("Bình luận rất hay", Repeat("Ạ", 51)));
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"author_name"});
  status = Create("name-0", Request("Bình luận rất hay", " \t "));
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"author_name"});

  // A newline is allowed in the body; other control characters are not, anywhere.
  EXPECT_TRUE(Create("ctl-ok", Request("Dòng một\nDòng hai")).ok());
  status = Create("ctl-bad", Request("Xin chào\x07 bạn", "An\x1b[31m"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), (std::vector<std::string>{"author_name", "body"}));

  v1::CreateCommentRequest no_request_id = Request("Bình luận rất hay");
  no_request_id.clear_request_id();
  EXPECT_EQ(ViolatedFields(Create("no-rid", no_request_id)),
            std::vector<std::string>{"request_id"});
}

TEST_F(CommentServiceTest, InvisibleCharactersDoNotCountAsContent) {
  // Zero width spaces, BOMs, word joiners, and three letters padded with invisible characters.
  for (const std::string& body : {Repeat("\u200B", 5), Repeat("\uFEFF", 5), Repeat("\u2060", 5),
                                  std::string("Hay\u200B\u200B"), std::string("Hay\u00AD\u200E"),
                                  std::string("Hay\u200D\u200D")}) {
    const grpc::Status status = Create("invisible-body", Request(body));
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << body;
    EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"body"}) << body;
  }
  for (const std::string& name : {std::string("\u200B"), std::string("\u3164"),
                                  std::string(" \uFEFF\u2060 ")}) {
    const grpc::Status status = Create("invisible-name", Request("Bình luận rất hay", name));
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << name;
    EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"author_name"}) << name;
  }
  // Direction controls that would make a name or body display reordered are refused.
  grpc::Status status =
      Create("bidi", Request("Bình luận \u202Erất hay", "An\u202E\u2066lanh\u2069"));
  EXPECT_EQ(ViolatedFields(status), (std::vector<std::string>{"author_name", "body"}));

  // Visible text with stray invisible characters is stored, and shown, without them.
  const int64_t article = testing::InsertArticle(post_server_->database_url, "Bài vô hình");
  v1::CreateCommentRequest request = Request("\u200BBài\u2060 viết\uFEFF hay", "\u200BAn\u200B");
  request.set_article_id(article);
  v1::Comment comment;
  status = Create(post_stub_, "invisible-ok", request, &comment);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(comment.body(), "Bài viết hay");
  EXPECT_EQ(comment.author_name(), "An");
  v1::ListCommentsRequest list;
  list.set_article_id(article);
  v1::ListCommentsResponse listed;
  ASSERT_TRUE(post_stub_->ListComments(ClientContext("reader").get(), list, &listed).ok());
  ASSERT_EQ(listed.comments_size(), 1);
  EXPECT_EQ(listed.comments(0).body(), "Bài viết hay");
  EXPECT_EQ(listed.comments(0).author_name(), "An");
}

TEST_F(CommentServiceTest, LineBreaksAreStoredAndListedAsNewlines) {
  const int64_t article = testing::InsertArticle(post_server_->database_url, "Bài nhiều dòng");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"Dòng thứ nhất\r\nDòng thứ hai", "Dòng thứ nhất\nDòng thứ hai"},
      {"Dòng một\rDòng hai", "Dòng một\nDòng hai"},
      {"Dòng ba\u2028Dòng bốn", "Dòng ba\nDòng bốn"},
      {"Đoạn một\u2029Đoạn hai\u0085Đoạn ba", "Đoạn một\nĐoạn hai\nĐoạn ba"},
  };
  std::set<std::string> expected;
  for (size_t i = 0; i < cases.size(); ++i) {
    v1::CreateCommentRequest request = Request(cases[i].first);
    request.set_article_id(article);
    v1::Comment comment;
    const grpc::Status status =
        Create(post_stub_, absl::StrCat("lines-", i), request, &comment);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(comment.body(), cases[i].second);
    expected.insert(cases[i].second);
  }
  v1::ListCommentsRequest list;
  list.set_article_id(article);
  v1::ListCommentsResponse listed;
  ASSERT_TRUE(post_stub_->ListComments(ClientContext("reader").get(), list, &listed).ok());
  std::set<std::string> bodies;
  for (const auto& thread : listed.comments()) bodies.insert(thread.body());
  EXPECT_EQ(bodies, expected);

  // A name is one line, whatever the line break.
  for (const std::string& line_break : {"\n", "\r\n", "\r", "\u2028"}) {
    const grpc::Status status =
        Create("lines-name", Request("Bình luận rất hay", "Nguyễn" + line_break + "An"));
    EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"author_name"});
  }
}

TEST_F(CommentServiceTest, InvalidUtf8SentAsRawBytesIsInvalidArgumentNamingTheField) {
  grpc::GenericStub generic(server_->channel);
  auto call_raw = [&](const std::string& bytes, grpc::ByteBuffer* response) {
    grpc::Slice slice(bytes);
    grpc::ByteBuffer request(&slice, 1);
    auto context = ClientContext("raw-bytes");
    grpc::CompletionQueue queue;
    auto call = generic.PrepareUnaryCall(context.get(), "/news.v1.CommentService/CreateComment",
                                         request, &queue);
    call->StartCall();
    grpc::Status status;
    call->Finish(response, &status, reinterpret_cast<void*>(1));
    void* tag = nullptr;
    bool ok = false;
    EXPECT_TRUE(queue.Next(&tag, &ok));
    queue.Shutdown();
    while (queue.Next(&tag, &ok)) {
    }
    return status;
  };

  std::string bad_body;
  AppendIntField(bad_body, 1, article_id_);
  AppendBytesField(bad_body, 3, "Trần Thị Bình");
  AppendBytesField(bad_body, 4, "Xin ch\xc3\x28o b\xe1\xba");  // broken 2- and 3-byte sequences
  AppendBytesField(bad_body, 5, "raw-1");
  // The generated code refuses these bytes, which is why CreateComment parses them itself.
  EXPECT_FALSE(v1::CreateCommentRequest().ParseFromString(bad_body));
  grpc::ByteBuffer response;
  grpc::Status status = call_raw(bad_body, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"body"});

  std::string both_bad;
  AppendIntField(both_bad, 1, article_id_);
  AppendBytesField(both_bad, 3, "\xff\xfe");
  AppendBytesField(both_bad, 4, "\xed\xa0\x80 surrogate");
  AppendBytesField(both_bad, 5, "raw-2");
  status = call_raw(both_bad, &response);
  EXPECT_EQ(ViolatedFields(status), (std::vector<std::string>{"author_name", "body"}));

  // Valid raw bytes go through the same handler and create the comment.
  std::string good;
  AppendIntField(good, 1, article_id_);
  AppendBytesField(good, 3, "Trần Thị Bình");
  AppendBytesField(good, 4, "Bình luận rất hay");
  AppendBytesField(good, 5, "raw-3");
  status = call_raw(good, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(response.Dump(&slices).ok());
  std::string bytes;
  for (const auto& slice : slices) {
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  v1::Comment comment;
  ASSERT_TRUE(comment.ParseFromString(bytes));
  EXPECT_EQ(comment.body(), "Bình luận rất hay");

  // Bytes that are not a message at all.
  status = call_raw(std::string("\x0a\xff\xff\xff", 4), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(CommentServiceTest, ConcurrentRetriesOfOneRequestIdCreateOneComment) {
  const v1::CreateCommentRequest request = Request("Gửi lại nhiều lần vẫn chỉ một bình luận");
  std::vector<v1::Comment> results(10);
  std::vector<grpc::Status> statuses(10);
  std::vector<std::thread> threads;
  for (int i = 0; i < 10; ++i) {
    threads.emplace_back([&, i] { statuses[i] = Create("retrier", request, &results[i]); });
  }
  for (auto& thread : threads) thread.join();
  std::set<int64_t> ids;
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(statuses[i].ok()) << statuses[i].error_message();
    ids.insert(results[i].id());
  }
  EXPECT_EQ(ids.size(), 1u);

  pqxx::connection db(server_->database_url);
  pqxx::nontransaction tx(db);
  EXPECT_EQ(
      tx.exec_params1("SELECT count(*) FROM comments WHERE client_id = 'id:retrier'")[0].as<int>(),
      1);

  // A later retry with other fields still returns the first comment.
  v1::CreateCommentRequest changed = request;
  changed.set_body("Nội dung khác hẳn");
  v1::Comment again;
  ASSERT_TRUE(Create("retrier", changed, &again).ok());
  EXPECT_EQ(again.id(), *ids.begin());
  EXPECT_EQ(again.body(), request.body());
}

TEST_F(CommentServiceTest, FloodControlAllowsFivePerMinuteThenAsksToRetryLater) {
  std::vector<v1::CreateCommentRequest> sent;
  for (int i = 0; i < 5; ++i) {
    sent.push_back(Request(absl::StrCat("Bình luận số ", i, " của tôi")));
    grpc::Status status = Create("flooder", sent.back());
    ASSERT_TRUE(status.ok()) << i << ": " << status.error_message();
  }
  grpc::Status status = Create("flooder", Request("Bình luận thứ sáu trong một phút"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_GT(testing::RetryDelay(status), absl::ZeroDuration());
  EXPECT_LE(testing::RetryDelay(status), absl::Minutes(1));
  EXPECT_EQ(testing::ErrorReason(status), "COMMENT_RATE_LIMITED");

  // A retry of an accepted request is not a new comment, so it is not limited.
  EXPECT_TRUE(Create("flooder", sent.front()).ok());
  // Other clients are not affected.
  EXPECT_TRUE(Create("calm-reader", Request("Bình luận thứ sáu trong một phút")).ok());
}

TEST_F(CommentServiceTest, SameTextOnSameArticleWithinTenMinutesIsAlreadyExists) {
  ASSERT_TRUE(Create("repeater", Request("Bài viết rất hay, cảm ơn tác giả")).ok());
  // Case, spacing and tone marks do not make it a different comment.
  grpc::Status status = Create("repeater", Request("bài  viết RẤT hay, cam on tac gia "));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(testing::ErrorReason(status), "DUPLICATE_COMMENT");

  // Another client, or another article, may say the same.
  EXPECT_TRUE(Create("other-reader", Request("Bài viết rất hay, cảm ơn tác giả")).ok());
  v1::CreateCommentRequest elsewhere = Request("Bài viết rất hay, cảm ơn tác giả");
  elsewhere.set_article_id(testing::InsertArticle(server_->database_url, "Bài khác"));
  EXPECT_TRUE(Create("repeater", elsewhere).ok());
}

TEST_F(CommentServiceTest, ArticleAndParentChecks) {
  v1::CreateCommentRequest unknown = Request("Bài này không tồn tại");
  unknown.set_article_id(987654321);
  EXPECT_EQ(Create("checker", unknown).error_code(), grpc::StatusCode::NOT_FOUND);

  const int64_t closed = testing::InsertArticle(server_->database_url, "Bài đã khoá bình luận");
  {
    pqxx::connection db(server_->database_url);
    pqxx::nontransaction(db).exec_params("UPDATE articles SET comments_open = false WHERE id = $1",
                                         closed);
  }
  v1::CreateCommentRequest on_closed = Request("Bình luận vào bài đã khoá");
  on_closed.set_article_id(closed);
  grpc::Status status = Create("checker", on_closed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(testing::ErrorReason(status), "COMMENTS_CLOSED");

  // Replies must stay on their parent's article: elsewhere the parent does not exist.
  const int64_t other = testing::InsertArticle(post_server_->database_url, "Bài thứ nhất");
  const int64_t mine = testing::InsertArticle(post_server_->database_url, "Bài thứ hai");
  v1::CreateCommentRequest parent_request = Request("Bình luận gốc ở bài thứ nhất");
  parent_request.set_article_id(other);
  v1::Comment parent;
  ASSERT_TRUE(Create(post_stub_, "parent-author", parent_request, &parent).ok());
  v1::CreateCommentRequest cross = Request("Trả lời nhầm bài");
  cross.set_article_id(mine);
  cross.set_parent_id(parent.id());
  v1::Comment ignored;
  status = Create(post_stub_, "replier", cross, &ignored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  cross.set_parent_id(parent.id() + 1000);
  EXPECT_EQ(Create(post_stub_, "replier", cross, &ignored).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(CommentServiceTest, PostModerationShowsThreadsPagedWithRepliesAndCounts) {
  const int64_t article = testing::InsertArticle(post_server_->database_url, "Bài có thảo luận");
  auto create = [&](const std::string& client, const std::string& body, int64_t parent) {
    v1::CreateCommentRequest request = Request(body);
    request.set_article_id(article);
    request.set_parent_id(parent);
    v1::Comment comment;
    grpc::Status status = Create(post_stub_, client, request, &comment);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return comment;
  };
  std::vector<int64_t> top;
  for (int i = 0; i < 5; ++i) {
    const v1::Comment comment =
        create(absl::StrCat("thread-", i), "Ý kiến số " + std::to_string(i), 0);
    EXPECT_EQ(comment.state(), v1::COMMENT_STATE_APPROVED);
    top.push_back(comment.id());
  }
  const v1::Comment reply = create("replier-a", "Tôi đồng ý với bạn", top[1]);
  EXPECT_EQ(reply.parent_id(), top[1]);
  // A reply to a reply joins the thread of the top-level comment.
  const v1::Comment nested = create("replier-b", "Tôi cũng đồng ý", reply.id());
  EXPECT_EQ(nested.parent_id(), top[1]);
  EXPECT_EQ(testing::CommentCount(post_server_->database_url, article), 7);

  v1::ListCommentsRequest list;
  list.set_article_id(article);
  list.set_page_size(2);
  std::vector<int64_t> seen;
  v1::ListCommentsResponse page;
  int pages = 0;
  do {
    ASSERT_TRUE(post_stub_->ListComments(ClientContext("reader").get(), list, &page).ok());
    for (const auto& comment : page.comments()) {
      seen.push_back(comment.id());
      if (comment.id() == top[1]) {
        ASSERT_EQ(comment.replies_size(), 2);
        EXPECT_EQ(comment.replies(0).body(), "Tôi đồng ý với bạn");
        EXPECT_EQ(comment.replies(1).body(), "Tôi cũng đồng ý");
      } else {
        EXPECT_EQ(comment.replies_size(), 0);
      }
    }
    list.set_page_token(page.next_page_token());
    ++pages;
  } while (!list.page_token().empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, top);

  // Newest first, and likes: one per client.
  list.clear_page_token();
  list.set_page_size(10);
  list.set_order(v1::COMMENT_ORDER_NEWEST);
  ASSERT_TRUE(post_stub_->ListComments(ClientContext("reader").get(), list, &page).ok());
  ASSERT_EQ(page.comments_size(), 5);
  EXPECT_EQ(page.comments(0).id(), top[4]);

  v1::LikeCommentRequest like;
  like.set_comment_id(top[3]);
  v1::Comment liked;
  ASSERT_TRUE(post_stub_->LikeComment(ClientContext("fan-1").get(), like, &liked).ok());
  ASSERT_TRUE(post_stub_->LikeComment(ClientContext("fan-1").get(), like, &liked).ok());
  EXPECT_EQ(liked.like_count(), 1);
  ASSERT_TRUE(post_stub_->LikeComment(ClientContext("fan-2").get(), like, &liked).ok());
  EXPECT_EQ(liked.like_count(), 2);
  v1::UnlikeCommentRequest unlike;
  unlike.set_comment_id(top[3]);
  ASSERT_TRUE(post_stub_->UnlikeComment(ClientContext("fan-2").get(), unlike, &liked).ok());
  ASSERT_TRUE(post_stub_->UnlikeComment(ClientContext("fan-2").get(), unlike, &liked).ok());
  EXPECT_EQ(liked.like_count(), 1);

  list.set_order(v1::COMMENT_ORDER_TOP);
  ASSERT_TRUE(post_stub_->ListComments(ClientContext("reader").get(), list, &page).ok());
  EXPECT_EQ(page.comments(0).id(), top[3]);
  EXPECT_EQ(page.comments(0).like_count(), 1);

  // A token is bound to its order.
  list.set_page_size(1);
  ASSERT_TRUE(post_stub_->ListComments(ClientContext("reader").get(), list, &page).ok());
  list.set_page_token(page.next_page_token());
  list.set_order(v1::COMMENT_ORDER_OLDEST);
  EXPECT_EQ(post_stub_->ListComments(ClientContext("reader").get(), list, &page).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(CommentServiceTest, PendingCommentsAreNotListedOrLikeable) {
  const int64_t article = testing::InsertArticle(server_->database_url, "Bài chờ duyệt");
  v1::CreateCommentRequest request = Request("Bình luận đang chờ duyệt");
  request.set_article_id(article);
  v1::Comment pending;
  ASSERT_TRUE(Create("waiting", request, &pending).ok());
  EXPECT_EQ(pending.state(), v1::COMMENT_STATE_PENDING);
  EXPECT_EQ(testing::CommentCount(server_->database_url, article), 0);

  v1::ListCommentsRequest list;
  list.set_article_id(article);
  v1::ListCommentsResponse page;
  ASSERT_TRUE(stub_->ListComments(ClientContext("reader").get(), list, &page).ok());
  EXPECT_EQ(page.comments_size(), 0);
  EXPECT_TRUE(page.next_page_token().empty());

  v1::LikeCommentRequest like;
  like.set_comment_id(pending.id());
  v1::Comment ignored;
  EXPECT_EQ(stub_->LikeComment(ClientContext("fan").get(), like, &ignored).error_code(),
            grpc::StatusCode::NOT_FOUND);
  list.set_article_id(123456789);
  EXPECT_EQ(stub_->ListComments(ClientContext("reader").get(), list, &page).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace news
