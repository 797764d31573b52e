#include "server/app/newsctl/webhook_commands.h"

#include <google/protobuf/util/time_util.h>
#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/escaping.h"
#include "server/db/migrations.h"
#include "server/domain/webhooks/webhook_desk.h"
#include "server/storage/prepared_statements.h"
#include "server/storage/webhooks/webhook_outbox_store.h"

ABSL_FLAG(bool, published, false, "webhook add: deliver article.published");
ABSL_FLAG(std::string, categories, "",
          "webhook add: with --published, only articles of these category ids (1,2,...)");
ABSL_FLAG(bool, breaking, false, "webhook add: deliver article.breaking");
ABSL_FLAG(std::string, reply_to, "",
          "webhook add: deliver comment.reply for replies to these comment ids (7,9,...)");
ABSL_FLAG(std::string, description, "", "webhook add: what the endpoint is for");
ABSL_FLAG(std::string, request_id, "",
          "webhook add: the same value retries the same add (default: a new endpoint)");
ABSL_FLAG(int64_t, webhook, 0, "webhook dead: only the dead letters of this webhook id");

namespace news {
namespace {

using google::protobuf::util::TimeUtil;

constexpr char kUsage[] =
    "  webhook add URL [--published [--categories=1,2]] [--breaking] [--reply_to=7,9]\n"
    "              [--description=TEXT] [--request_id=ID]   register (prints the secret once)\n"
    "  webhook list                    list webhooks (no secrets)\n"
    "  webhook remove ID               delete a webhook and its pending deliveries\n"
    "  webhook dead [--webhook=ID]     list dead letters (deliveries given up)\n"
    "  webhook replay ID               queue a dead letter again";

std::string Actor() {
  const char* user = std::getenv("USER");
  return absl::StrCat("newsctl:", user != nullptr && *user != '\0' ? user : "unknown");
}

int Fail(absl::string_view what, const absl::Status& status) {
  std::fprintf(stderr, "newsctl webhook %s: %s\n", std::string(what).c_str(),
               std::string(status.message()).c_str());
  if (status.code() == absl::StatusCode::kInvalidArgument) return 2;
  return 1;
}

template <typename Repeated>
bool ParseIds(const std::string& text, Repeated& ids) {
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    int64_t id = 0;
    if (!absl::SimpleAtoi(part, &id)) return false;
    ids.Add(id);
  }
  return true;
}

std::string Events(const v1::WebhookEvents& events) {
  std::vector<std::string> names;
  if (events.article_published()) {
    names.push_back(events.category_ids().empty()
                        ? "article.published"
                        : absl::StrCat("article.published(categories ",
                                       absl::StrJoin(events.category_ids(), ","), ")"));
  }
  if (events.breaking_news()) names.push_back("article.breaking");
  if (!events.reply_to_comment_ids().empty()) {
    names.push_back(absl::StrCat("comment.reply(to ",
                                 absl::StrJoin(events.reply_to_comment_ids(), ","), ")"));
  }
  return absl::StrJoin(names, " ");
}

int Add(pqxx::connection& db, const char* url) {
  v1::Webhook webhook;
  webhook.set_url(url);
  webhook.set_description(absl::GetFlag(FLAGS_description));
  v1::WebhookEvents& events = *webhook.mutable_events();
  events.set_article_published(absl::GetFlag(FLAGS_published));
  events.set_breaking_news(absl::GetFlag(FLAGS_breaking));
  if (!ParseIds(absl::GetFlag(FLAGS_categories), *events.mutable_category_ids()) ||
      !ParseIds(absl::GetFlag(FLAGS_reply_to), *events.mutable_reply_to_comment_ids())) {
    std::fprintf(stderr, "newsctl webhook add: --categories and --reply_to take ids: 1,2,3\n");
    return 2;
  }
  std::string request_id = absl::GetFlag(FLAGS_request_id);
  if (request_id.empty()) {
    unsigned char random[16];
    if (RAND_bytes(random, sizeof(random)) != 1) {
      std::fprintf(stderr, "newsctl webhook add: the random generator failed\n");
      return 1;
    }
    request_id = absl::BytesToHexString(
        absl::string_view(reinterpret_cast<char*>(random), sizeof(random)));
  }
  pqxx::work tx(db);
  // No server's ports are known here; each server checks its own at every delivery.
  const OwnListeners none;
  absl::StatusOr<v1::Webhook> created = RegisterWebhook(
      tx, webhook, absl::StrCat("newsctl/", request_id), Actor(), none, /*field_prefix=*/"");
  if (!created.ok()) return Fail("add", created.status());
  tx.commit();
  std::fprintf(stderr, "webhook %lld: %s %s; its secret is shown only now:\n",
               static_cast<long long>(created->id()), created->url().c_str(),
               Events(created->events()).c_str());
  std::printf("%s\n", created->secret().c_str());
  return 0;
}

int List(pqxx::connection& db) {
  pqxx::read_transaction tx(db);
  std::printf("%-6s %-21s %s\n", "ID", "CREATED", "URL EVENTS [DESCRIPTION]");
  for (const v1::Webhook& webhook : ListWebhookEndpoints(tx)) {
    std::printf("%-6lld %-21s %s %s%s\n", static_cast<long long>(webhook.id()),
                TimeUtil::ToString(webhook.create_time()).substr(0, 19).c_str(),
                webhook.url().c_str(), Events(webhook.events()).c_str(),
                webhook.description().empty()
                    ? ""
                    : absl::StrCat(" [", webhook.description(), "]").c_str());
  }
  return 0;
}

bool ParseId(const char* text, int64_t& id) { return absl::SimpleAtoi(text, &id) && id > 0; }

int Remove(pqxx::connection& db, const char* id_text) {
  int64_t id = 0;
  if (!ParseId(id_text, id)) {
    std::fprintf(stderr, "newsctl webhook remove: ID must be a webhook id from 'webhook list'\n");
    return 2;
  }
  pqxx::work tx(db);
  if (absl::Status removed = RemoveWebhook(tx, id, Actor()); !removed.ok()) {
    return Fail("remove", removed);
  }
  tx.commit();
  std::printf("webhook %lld removed\n", static_cast<long long>(id));
  return 0;
}

int Dead(pqxx::connection& db) {
  pqxx::read_transaction tx(db);
  storage::WebhookOutboxStore outbox(tx);
  std::printf("%-8s %-8s %-18s %-8s %-21s %s\n", "ID", "WEBHOOK", "EVENT", "ATTEMPTS", "DEAD",
              "LAST ERROR");
  int64_t after = 0;
  while (true) {
    const std::vector<v1::DeadLetter> page = outbox.ListDead(absl::GetFlag(FLAGS_webhook), after,
                                                             200);
    for (const v1::DeadLetter& dead : page) {
      std::printf("%-8lld %-8lld %-18s %-8d %-21s %s\n", static_cast<long long>(dead.id()),
                  static_cast<long long>(dead.webhook_id()), dead.event_type().c_str(),
                  dead.attempts(), TimeUtil::ToString(dead.dead_time()).substr(0, 19).c_str(),
                  dead.last_error().c_str());
    }
    if (page.size() < 200) break;
    after = page.back().id();
  }
  return 0;
}

int Replay(pqxx::connection& db, const char* id_text) {
  int64_t id = 0;
  if (!ParseId(id_text, id)) {
    std::fprintf(stderr, "newsctl webhook replay: ID must be an id from 'webhook dead'\n");
    return 2;
  }
  pqxx::work tx(db);
  absl::StatusOr<v1::DeadLetter> replayed = ReplayDeadDelivery(tx, id, Actor());
  if (!replayed.ok()) return Fail("replay", replayed.status());
  tx.commit();
  std::printf("dead letter %lld queued again (event id msg_%lld)\n", static_cast<long long>(id),
              static_cast<long long>(id));
  return 0;
}

}  // namespace

int RunWebhookCommand(pqxx::connection& db, const std::vector<char*>& args) {
  absl::Status migrated = db::ApplyMigrations(db, db::EmbeddedMigrations());
  if (!migrated.ok()) return Fail("migrate", migrated);
  storage::PrepareStatements(db);
  const std::string action = args.empty() ? "" : args[0];
  if (action == "add" && args.size() == 2) return Add(db, args[1]);
  if (action == "list" && args.size() == 1) return List(db);
  if (action == "remove" && args.size() == 2) return Remove(db, args[1]);
  if (action == "dead" && args.size() == 1) return Dead(db);
  if (action == "replay" && args.size() == 2) return Replay(db, args[1]);
  std::fprintf(stderr, "usage:\n%s\n", kUsage);
  return 2;
}

}  // namespace news
