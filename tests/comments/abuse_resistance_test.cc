// Abuse resistance (docs/comments.md, "Abuse resistance"): each way a spammer escaped the limits
// by making up a new x-client-id, tried against the real server and PostgreSQL. All traffic is
// loopback; other addresses exist only as X-Forwarded-For values (documentation ranges
// 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) that the server believes because the test's
// loopback address is named a trusted proxy.

#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "news/v1/client.grpc.pb.h"
#include "news/v1/comment.grpc.pb.h"
#include "news/v1/moderation.grpc.pb.h"
#include "server/domain/clients/admin_auth.h"
#include "server/storage/prepared_statements.h"
#include "tests/support/comment_calls.h"
#include "tests/support/test_server.h"

namespace news {
namespace {

using testing::AdminContext;
using testing::ErrorReason;
using testing::ViolatedFields;

// A call from `client_id` (none when empty) that a trusted proxy forwarded for `forwarded_for`
// (no header when empty).
std::unique_ptr<grpc::ClientContext> From(const std::string& client_id,
                                          const std::string& forwarded_for) {
  auto context = testing::ContextWithDeadline();
  if (!client_id.empty()) context->AddMetadata("x-client-id", client_id);
  if (!forwarded_for.empty()) context->AddMetadata("x-forwarded-for", forwarded_for);
  return context;
}

// One server and its stubs.
struct Site {
  std::unique_ptr<testing::TestServer> server;
  std::unique_ptr<v1::CommentService::Stub> comments;
  std::unique_ptr<v1::ModerationService::Stub> moderation;
  std::unique_ptr<v1::ClientService::Stub> clients;
  int64_t article_id = 0;

  static std::unique_ptr<Site> Start(const std::string& name, ServerOptions options) {
    auto site = std::make_unique<Site>();
    site->server = testing::TestServer::Start(name, options);
    if (!site->server) return nullptr;
    site->comments = v1::CommentService::NewStub(site->server->channel);
    site->moderation = v1::ModerationService::NewStub(site->server->channel);
    site->clients = v1::ClientService::NewStub(site->server->channel);
    site->article_id = testing::InsertArticle(site->server->database_url, "Bài có bình luận");
    return site;
  }

  grpc::Status Post(const std::string& client_id, const std::string& forwarded_for,
                    const std::string& body, v1::Comment* comment = nullptr,
                    const std::string& request_id = "") {
    static int counter = 0;
    v1::CreateCommentRequest request;
    request.set_article_id(article_id);
    request.set_author_name("Độc giả");
    request.set_body(body);
    request.set_request_id(request_id.empty() ? absl::StrCat("abuse-", ++counter) : request_id);
    v1::Comment ignored;
    return comments->CreateComment(From(client_id, forwarded_for).get(), request,
                                   comment != nullptr ? comment : &ignored);
  }

  grpc::Status Like(const std::string& client_id, const std::string& forwarded_for,
                    int64_t comment_id, bool like = true, v1::Comment* comment = nullptr) {
    v1::Comment ignored;
    if (!like) {
      v1::UnlikeCommentRequest request;
      request.set_comment_id(comment_id);
      return comments->UnlikeComment(From(client_id, forwarded_for).get(), request,
                                     comment != nullptr ? comment : &ignored);
    }
    v1::LikeCommentRequest request;
    request.set_comment_id(comment_id);
    return comments->LikeComment(From(client_id, forwarded_for).get(), request,
                                 comment != nullptr ? comment : &ignored);
  }

  grpc::Status Register(const std::string& forwarded_for, std::string* client_id = nullptr) {
    v1::RegisterClientResponse response;
    grpc::Status status = clients->RegisterClient(From("", forwarded_for).get(),
                                                  v1::RegisterClientRequest(), &response);
    if (client_id != nullptr) *client_id = response.client_id();
    return status;
  }

  // The address and network the server recorded for a comment.
  std::pair<std::string, std::string> RecordedAddress(int64_t comment_id) const {
    pqxx::connection db(server->database_url);
    pqxx::nontransaction tx(db);
    const pqxx::row row = tx.exec_params1(
        "SELECT host(client_address), client_network::text FROM comment_addresses"
        " WHERE comment_id = $1",
        comment_id);
    return {row[0].as<std::string>(), row[1].as<std::string>()};
  }

  std::string IssueModeratorToken() const {
    pqxx::connection db(server->database_url);
    storage::PrepareStatements(db);
    pqxx::work tx(db);
    absl::StatusOr<IssuedToken> issued =
        IssueToken(tx, AdminRole::kModerator, "Biên tập viên", "newsctl:test");
    EXPECT_TRUE(issued.ok()) << issued.status();
    tx.commit();
    return issued->token;
  }
};

class AbuseResistanceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Behind a proxy on loopback: the server believes X-Forwarded-For from 127.0.0.0/8 and ::1.
    ServerOptions proxied;
    proxied.comment_rules.moderation = CommentModeration::kPost;
    proxied.comment_rules.flood_limit = 5;
    proxied.comment_rules.address_flood_limit = 10;
    proxied.comment_rules.address_like_limit = 3;
    proxied.caller_rules.trusted_proxies = {*ParseIpRange("127.0.0.0/8"), *ParseIpRange("::1")};
    proxied.client_registration_rules.limit = 3;
    proxied.client_id_secret = "proxied-site-secret";
    proxied_ = Site::Start("abuse_proxied_test", proxied).release();
    ASSERT_NE(proxied_, nullptr);

    // Its proxy is elsewhere (192.0.2.0/24): the test's own X-Forwarded-For must be ignored.
    ServerOptions direct;
    direct.comment_rules.moderation = CommentModeration::kPost;
    direct.comment_rules.address_flood_limit = 4;
    direct.caller_rules.trusted_proxies = {*ParseIpRange("192.0.2.0/24")};
    direct_ = Site::Start("abuse_direct_test", direct).release();
    ASSERT_NE(direct_, nullptr);

    // Behind the same proxy, with the per-network rules off.
    ServerOptions unlimited = proxied;
    unlimited.comment_rules.address_flood_limit = 0;
    unlimited_ = Site::Start("abuse_unlimited_test", unlimited).release();
    ASSERT_NE(unlimited_, nullptr);

    // Writes need a server-issued id.
    ServerOptions strict;
    strict.comment_rules.moderation = CommentModeration::kPost;
    strict.caller_rules.require_signed_client_id = true;
    strict.client_id_secret = "strict-site-secret";
    strict_ = Site::Start("abuse_strict_test", strict).release();
    ASSERT_NE(strict_, nullptr);
  }

  static void TearDownTestSuite() {
    delete proxied_;
    delete direct_;
    delete strict_;
    delete unlimited_;
  }

  static Site* proxied_;
  static Site* direct_;
  static Site* strict_;
  static Site* unlimited_;
};

Site* AbuseResistanceTest::proxied_ = nullptr;
Site* AbuseResistanceTest::direct_ = nullptr;
Site* AbuseResistanceTest::strict_ = nullptr;
Site* AbuseResistanceTest::unlimited_ = nullptr;

TEST_F(AbuseResistanceTest, TwelveClientIdsFromOneAddressStopAtTheAddressCeiling) {
  std::vector<grpc::Status> statuses;
  v1::Comment first;
  for (int i = 0; i < 12; ++i) {
    statuses.push_back(proxied_->Post(absl::StrCat("spammer-", i), "198.51.100.1",
                                      absl::StrCat("Quảng cáo số ", i, " giá rẻ"),
                                      i == 0 ? &first : nullptr, i == 0 ? "flood-first" : ""));
  }
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(statuses[i].ok()) << i << statuses[i].error_message();
  for (int i = 10; i < 12; ++i) {
    EXPECT_EQ(statuses[i].error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << i;
    EXPECT_EQ(ErrorReason(statuses[i]), "ADDRESS_RATE_LIMITED");
    EXPECT_GT(testing::RetryDelay(statuses[i]), absl::ZeroDuration());
  }
  EXPECT_EQ(proxied_->RecordedAddress(first.id()),
            std::make_pair(std::string("198.51.100.1"), std::string("198.51.100.1/32")));

  // A retry of an accepted request is still answered with its comment.
  v1::Comment again;
  ASSERT_TRUE(
      proxied_->Post("spammer-0", "198.51.100.1", "Quảng cáo số 0 giá rẻ", &again, "flood-first")
          .ok());
  EXPECT_EQ(again.id(), first.id());
  // Another address has its own budget.
  EXPECT_TRUE(proxied_->Post("spammer-0", "198.51.100.2", "Một bình luận khác hẳn").ok());
}

// The creates of one network wait for each other (through commit) only to count exactly: with
// the per-network rules off, a create does not wait for another create from its network.
TEST_F(AbuseResistanceTest, CreatesOfOneNetworkQueueOnlyWhileItsRulesAreOn) {
  const std::string address = "198.51.100.77";
  for (Site* site : {proxied_, unlimited_}) {
    // A create of the network in progress: its transaction holds the network's lock.
    pqxx::connection holder(site->server->database_url);
    pqxx::work in_progress(holder);
    in_progress.exec_params("SELECT pg_advisory_xact_lock(7304, hashtext($1::cidr::text))",
                            address + "/32");
    auto context = testing::ContextWithDeadline(1);
    context->AddMetadata("x-client-id", "queued-reader");
    context->AddMetadata("x-forwarded-for", address);
    v1::CreateCommentRequest request;
    request.set_article_id(site->article_id);
    request.set_author_name("Độc giả");
    request.set_body("Bình luận trong lúc người cùng mạng đang gửi");
    request.set_request_id(site == proxied_ ? "queued-on" : "queued-off");
    v1::Comment comment;
    const grpc::Status status = site->comments->CreateComment(context.get(), request, &comment);
    if (site == proxied_) {
      EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
    } else {
      ASSERT_TRUE(status.ok()) << status.error_message();
      EXPECT_EQ(site->RecordedAddress(comment.id()),
                std::make_pair(address, std::string("198.51.100.77/32")));
    }
  }
}

TEST_F(AbuseResistanceTest, SameTextUnderANewIdFromOneAddressIsADuplicate) {
  ASSERT_TRUE(proxied_->Post("dup-a", "198.51.100.3", "Mua hàng tại trang web này nhé").ok());
  const grpc::Status repeated =
      proxied_->Post("dup-b", "198.51.100.3", "MUA HANG tai trang web nay nhe");
  EXPECT_EQ(repeated.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(ErrorReason(repeated), "DUPLICATE_COMMENT");
  // Another address may say the same.
  EXPECT_TRUE(proxied_->Post("dup-c", "198.51.100.4", "Mua hàng tại trang web này nhé").ok());
}

TEST_F(AbuseResistanceTest, IpV6AddressesShareTheirSlash64) {
  v1::Comment first;
  for (int i = 0; i < 10; ++i) {
    // Every comment from a different address and id, all inside 2001:db8:1:2::/64.
    const std::string address = absl::StrCat("2001:db8:1:2:", i, "::", i + 1);
    ASSERT_TRUE(proxied_
                    ->Post(absl::StrCat("v6-", i), address, absl::StrCat("Ý kiến thứ ", i),
                           i == 0 ? &first : nullptr)
                    .ok())
        << address;
  }
  const grpc::Status limited =
      proxied_->Post("v6-new", "2001:db8:1:2:ffff:ffff:ffff:ffff", "Ý kiến thêm nữa");
  EXPECT_EQ(limited.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(ErrorReason(limited), "ADDRESS_RATE_LIMITED");
  EXPECT_EQ(proxied_->RecordedAddress(first.id()),
            std::make_pair(std::string("2001:db8:1:2::1"), std::string("2001:db8:1:2::/64")));
  // The next /64 is another subscriber.
  EXPECT_TRUE(proxied_->Post("v6-new", "[2001:db8:1:3::1]:443", "Ý kiến của nhà bên").ok());
}

TEST_F(AbuseResistanceTest, LikeInflationFromOneAddressIsCapped) {
  v1::Comment comment;
  ASSERT_TRUE(proxied_->Post("author", "203.0.113.1", "Bình luận được nhiều người thích", &comment)
                  .ok());
  std::vector<grpc::Status> likes;
  for (int i = 0; i < 6; ++i) {
    likes.push_back(proxied_->Like(absl::StrCat("liker-", i), "203.0.113.5", comment.id()));
  }
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(likes[i].ok()) << i << likes[i].error_message();
  for (int i = 3; i < 6; ++i) {
    EXPECT_EQ(likes[i].error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << i;
    EXPECT_EQ(ErrorReason(likes[i]), "ADDRESS_LIKE_LIMIT");
  }
  // A repeated like is still a no-op success; the count holds the 3 likes.
  v1::Comment liked;
  ASSERT_TRUE(proxied_->Like("liker-0", "203.0.113.5", comment.id(), true, &liked).ok());
  EXPECT_EQ(liked.like_count(), 3);
  // Another address may like; an unlike frees a place for the capped address.
  EXPECT_TRUE(proxied_->Like("reader", "203.0.113.6", comment.id()).ok());
  ASSERT_TRUE(proxied_->Like("liker-1", "203.0.113.5", comment.id(), false).ok());
  ASSERT_TRUE(proxied_->Like("liker-4", "203.0.113.5", comment.id(), true, &liked).ok());
  EXPECT_EQ(liked.like_count(), 4);
}

TEST_F(AbuseResistanceTest, AddressBanStopsEveryIdAndEveryWriteFromTheRange) {
  const std::string token = proxied_->IssueModeratorToken();
  v1::Comment target;
  ASSERT_TRUE(proxied_->Post("innocent", "198.51.100.200", "Bình luận để thích", &target).ok());
  ASSERT_TRUE(proxied_->Like("banned-before", "198.51.100.70", target.id()).ok());
  v1::Comment own;
  ASSERT_TRUE(proxied_->Post("banned-before", "198.51.100.70", "Ý kiến tôi sẽ sửa", &own).ok());

  // Moderators see where a comment came from, to ban that address or its range.
  v1::ListModerationQueueRequest queue_request;
  queue_request.set_state(v1::COMMENT_STATE_APPROVED);
  queue_request.set_article_id(proxied_->article_id);
  queue_request.set_page_size(200);
  v1::ListModerationQueueResponse queue;
  ASSERT_TRUE(proxied_->moderation
                  ->ListModerationQueue(AdminContext(token).get(), queue_request, &queue)
                  .ok());
  std::string shown_address;
  for (const v1::ModerationItem& item : queue.items()) {
    if (item.comment().id() == target.id()) shown_address = item.client_address();
  }
  EXPECT_EQ(shown_address, "198.51.100.200");

  v1::BanClientRequest bad;
  bad.set_address_range("198.51.100.70/26");
  v1::Ban ban;
  grpc::Status status = proxied_->moderation->BanClient(AdminContext(token).get(), bad, &ban);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"address_range"});
  bad.set_client_id("id:someone");
  status = proxied_->moderation->BanClient(AdminContext(token).get(), bad, &ban);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  v1::BanClientRequest request;
  request.set_address_range("198.51.100.64/26");
  request.set_reason("spam từ một dải địa chỉ");
  ASSERT_TRUE(proxied_->moderation->BanClient(AdminContext(token).get(), request, &ban).ok());
  EXPECT_EQ(ban.address_range(), "198.51.100.64/26");
  EXPECT_EQ(ban.client_id(), "");

  // Whatever id it sends, nothing is written from inside the range.
  for (const std::string& id : {"banned-before", "brand-new-id", ""}) {
    status = proxied_->Post(id, "198.51.100.70", "Tôi đã đổi tên rồi đây");
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << id;
    EXPECT_EQ(ErrorReason(status), "CLIENT_BANNED");
  }
  status = proxied_->Like("another-new-id", "198.51.100.127", target.id());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ErrorReason(status), "CLIENT_BANNED");
  status = proxied_->Like("banned-before", "198.51.100.70", target.id(), false);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  status = proxied_->Register("198.51.100.65");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ErrorReason(status), "CLIENT_BANNED");
  // Reports, edits and withdrawals are writes too, even with the comment's own edit token.
  v1::ReportCommentRequest report;
  report.set_comment_id(target.id());
  report.set_reason(v1::REPORT_REASON_SPAM);
  v1::ReportCommentResponse reported;
  status = proxied_->comments->ReportComment(From("another-new-id", "198.51.100.90").get(), report,
                                             &reported);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ErrorReason(status), "CLIENT_BANNED");
  v1::UpdateCommentRequest update;
  update.set_comment_id(own.id());
  update.set_body("Tôi sửa từ trong dải bị cấm");
  update.set_edit_token(own.edit_token());
  v1::Comment updated;
  status = proxied_->comments->UpdateComment(From("banned-before", "198.51.100.70").get(), update,
                                             &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ErrorReason(status), "CLIENT_BANNED");
  v1::DeleteCommentRequest withdraw;
  withdraw.set_comment_id(own.id());
  withdraw.set_edit_token(own.edit_token());
  google::protobuf::Empty empty;
  status = proxied_->comments->DeleteComment(From("banned-before", "198.51.100.70").get(),
                                             withdraw, &empty);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ErrorReason(status), "CLIENT_BANNED");
  // Just outside the range.
  EXPECT_TRUE(proxied_->Post("brand-new-id", "198.51.100.128", "Tôi ở ngoài dải bị cấm").ok());

  // ListBans shows it, the audit log has it, LiftBan by the same range ends it.
  v1::ListBansResponse bans;
  ASSERT_TRUE(proxied_->moderation
                  ->ListBans(AdminContext(token).get(), v1::ListBansRequest(), &bans)
                  .ok());
  std::set<std::string> ranges;
  for (const v1::Ban& listed : bans.bans()) ranges.insert(listed.address_range());
  EXPECT_TRUE(ranges.count("198.51.100.64/26"));
  v1::ListModerationEventsRequest events_request;
  events_request.set_action("BAN");
  v1::ListModerationEventsResponse events;
  ASSERT_TRUE(proxied_->moderation
                  ->ListModerationEvents(AdminContext(token).get(), events_request, &events)
                  .ok());
  ASSERT_GE(events.events_size(), 1);
  EXPECT_EQ(events.events(0).detail(), "range 198.51.100.64/26; permanent");
  EXPECT_EQ(events.events(0).reason(), "spam từ một dải địa chỉ");

  v1::LiftBanRequest lift;
  lift.set_address_range("198.51.100.70");  // an address inside is not the ban
  v1::LiftBanResponse lifted;
  EXPECT_EQ(proxied_->moderation->LiftBan(AdminContext(token).get(), lift, &lifted).error_code(),
            grpc::StatusCode::NOT_FOUND);
  lift.set_address_range("198.51.100.64/26");
  ASSERT_TRUE(proxied_->moderation->LiftBan(AdminContext(token).get(), lift, &lifted).ok());
  EXPECT_TRUE(proxied_->Post("brand-new-id", "198.51.100.70", "Đã được gỡ lệnh cấm").ok());
}

TEST_F(AbuseResistanceTest, SingleIpV6AddressBan) {
  const std::string token = proxied_->IssueModeratorToken();
  v1::BanClientRequest request;
  request.set_address_range("2001:db8:9::1");
  v1::Ban ban;
  ASSERT_TRUE(proxied_->moderation->BanClient(AdminContext(token).get(), request, &ban).ok());
  EXPECT_EQ(ban.address_range(), "2001:db8:9::1/128");
  EXPECT_EQ(proxied_->Post("v6-banned", "2001:db8:9::1", "Bị cấm theo địa chỉ").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(proxied_->Post("v6-banned", "2001:db8:9::2", "Địa chỉ bên cạnh").ok());
}

TEST_F(AbuseResistanceTest, ForwardedForIsIgnoredUnlessThePeerIsATrustedProxy) {
  // direct_ trusts 192.0.2.0/24 only: every comment below counts against 127.0.0.1.
  std::vector<grpc::Status> statuses;
  std::vector<v1::Comment> posted(6);
  for (int i = 0; i < 6; ++i) {
    statuses.push_back(direct_->Post(absl::StrCat("forger-", i), absl::StrCat("198.51.100.", i),
                                     absl::StrCat("Giả mạo địa chỉ lần ", i), &posted[i]));
  }
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(statuses[i].ok()) << i << statuses[i].error_message();
  for (int i = 4; i < 6; ++i) {
    EXPECT_EQ(statuses[i].error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << i;
  }
  EXPECT_EQ(direct_->RecordedAddress(posted[0].id()).first, "127.0.0.1");
}

TEST_F(AbuseResistanceTest, ProxyChainIsWalkedFromTheRightPastTrustedHops) {
  struct Case {
    std::string header;
    std::string caller;
  };
  const Case cases[] = {
      // A client-supplied entry left of the real one is ignored.
      {"192.0.2.99, 203.0.113.77, 127.0.0.9", "203.0.113.77"},
      {"203.0.113.78:5123", "203.0.113.78"},
      // Garbage stops the walk at the trusted hop that reported it.
      {"203.0.113.79, not-an-address", "127.0.0.1"},
      {"", "127.0.0.1"},
  };
  int i = 0;
  for (const Case& c : cases) {
    v1::Comment comment;
    ASSERT_TRUE(proxied_->Post(absl::StrCat("chain-", i), c.header,
                               absl::StrCat("Chuỗi proxy số ", i++), &comment)
                    .ok())
        << c.header;
    EXPECT_EQ(proxied_->RecordedAddress(comment.id()).first, c.caller) << c.header;
  }
}

TEST_F(AbuseResistanceTest, SignedIdsAreIssuedAtALimitedRatePerAddress) {
  std::set<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    std::string id;
    ASSERT_TRUE(proxied_->Register("203.0.113.20", &id).ok());
    EXPECT_EQ(id.rfind("nc1.", 0), 0u) << id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 3u);
  const grpc::Status limited = proxied_->Register("203.0.113.20");
  EXPECT_EQ(limited.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(ErrorReason(limited), "CLIENT_REGISTRATION_RATE_LIMITED");
  EXPECT_GT(testing::RetryDelay(limited), absl::Minutes(50));
  EXPECT_TRUE(proxied_->Register("203.0.113.21").ok());

  // A signed id writes; the same id altered, or signed by another server's secret, does not.
  const std::string id = *ids.begin();
  v1::Comment comment;
  ASSERT_TRUE(proxied_->Post(id, "203.0.113.20", "Bình luận với mã đã ký", &comment).ok());
  std::string altered = id;
  altered.back() = altered.back() == '0' ? '1' : '0';
  std::string other_site_id;
  ASSERT_TRUE(strict_->Register("", &other_site_id).ok());
  for (const std::string& forged : {altered, other_site_id, std::string("nc1.made-up")}) {
    grpc::Status status = proxied_->Post(forged, "203.0.113.22", "Mã giả mạo đây");
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << forged;
    EXPECT_EQ(ErrorReason(status), "INVALID_CLIENT_ID");
    status = proxied_->Like(forged, "203.0.113.22", comment.id());
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << forged;
  }
}

TEST_F(AbuseResistanceTest, StrictServerTakesWritesOnlyFromSignedIds) {
  for (const std::string& id : {std::string("made-up-id"), std::string()}) {
    const grpc::Status status = strict_->Post(id, "", "Không có mã đã ký");
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << id;
    EXPECT_EQ(ErrorReason(status), "CLIENT_ID_NOT_REGISTERED");
  }
  std::string id;
  ASSERT_TRUE(strict_->Register("", &id).ok());
  v1::Comment comment;
  ASSERT_TRUE(strict_->Post(id, "", "Có mã đã ký rồi", &comment).ok());
  EXPECT_TRUE(strict_->Like(id, "", comment.id()).ok());
  EXPECT_EQ(strict_->Like("made-up-id", "", comment.id()).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // Reading needs no id at all.
  v1::ListCommentsRequest list;
  list.set_article_id(strict_->article_id);
  v1::ListCommentsResponse listed;
  ASSERT_TRUE(strict_->comments->ListComments(From("made-up-id", "").get(), list, &listed).ok());
  EXPECT_EQ(listed.comments_size(), 1);
}

}  // namespace
}  // namespace news
