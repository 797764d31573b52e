#include "server/domain/webhooks/webhook_desk.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/domain/clients/admin_auth.h"
#include "server/domain/status_details.h"
#include "server/domain/webhooks/webhook_signature.h"
#include "server/storage/comments/moderation_event_store.h"
#include "server/storage/webhooks/webhook_endpoint_store.h"
#include "server/storage/webhooks/webhook_outbox_store.h"
#include "server/text/unicode_text.h"

namespace news {
namespace {

constexpr size_t kMaxRequestIdChars = 100;
constexpr int kMaxIds = 100;
constexpr size_t kMaxDescriptionChars = 200;

void Audit(pqxx::transaction_base& tx, absl::string_view actor, absl::string_view action,
           std::string detail) {
  v1::ModerationEvent event;
  event.set_actor(std::string(actor));
  event.set_action(std::string(action));
  event.set_detail(std::move(detail));
  storage::ModerationEventStore(tx).Append(event);
}

template <typename Ids>
void CheckIds(FieldViolations& violations, const std::string& field, const Ids& ids) {
  if (ids.size() > kMaxIds) {
    violations.Add(field, absl::StrCat("must hold at most ", kMaxIds, " ids"));
  }
  for (int64_t id : ids) {
    if (id <= 0) {
      violations.Add(field, "must hold positive ids");
      return;
    }
  }
}

absl::Status WebhookNotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("no webhook has id ", id));
}

}  // namespace

absl::StatusOr<v1::Webhook> RegisterWebhook(pqxx::transaction_base& tx, v1::Webhook webhook,
                                            const std::string& request_key,
                                            absl::string_view actor, const OwnListeners& own,
                                            absl::string_view field_prefix) {
  FieldViolations violations;
  const std::string prefix(field_prefix);
  webhook.set_url(std::string(text::TrimWhitespace(webhook.url())));
  if (const std::string problem = WebhookUrlProblem(webhook.url(), own); !problem.empty()) {
    violations.Add(prefix + "url", problem);
  }
  const v1::WebhookEvents& events = webhook.events();
  if (!events.article_published() && !events.breaking_news() &&
      events.reply_to_comment_ids().empty()) {
    violations.Add(prefix + "events",
                   "must choose article_published, breaking_news or reply_to_comment_ids");
  }
  if (!events.article_published() && !events.category_ids().empty()) {
    violations.Add(prefix + "events.category_ids", "applies only with article_published");
  }
  CheckIds(violations, prefix + "events.category_ids", events.category_ids());
  CheckIds(violations, prefix + "events.reply_to_comment_ids", events.reply_to_comment_ids());
  webhook.set_description(std::string(text::TrimWhitespace(webhook.description())));
  if (!text::IsValidUtf8(webhook.description()) ||
      text::CodePointCount(webhook.description()) > kMaxDescriptionChars) {
    violations.Add(prefix + "description",
                   absl::StrCat("must be at most ", kMaxDescriptionChars, " characters"));
  }
  if (!violations.empty()) return violations.ToStatus();
  absl::StatusOr<std::string> secret = GenerateWebhookSecret();
  if (!secret.ok()) return secret.status();
  webhook.set_secret(*std::move(secret));
  const v1::Webhook stored =
      storage::WebhookEndpointStore(tx).InsertOnce(webhook, std::string(actor), request_key);
  // A retry that found the first create records nothing more.
  if (stored.secret() == webhook.secret()) {
    Audit(tx, actor, "WEBHOOK_CREATE", absl::StrCat("webhook ", stored.id(), " ", stored.url()));
  }
  return stored;
}

absl::Status RemoveWebhook(pqxx::transaction_base& tx, int64_t id, absl::string_view actor) {
  if (id <= 0) return InvalidFieldError("id", "must be a positive webhook id");
  if (!storage::WebhookEndpointStore(tx).Delete(id)) return WebhookNotFound(id);
  Audit(tx, actor, "WEBHOOK_DELETE", absl::StrCat("webhook ", id));
  return absl::OkStatus();
}

absl::StatusOr<v1::DeadLetter> ReplayDeadDelivery(pqxx::transaction_base& tx, int64_t id,
                                                  absl::string_view actor) {
  if (id <= 0) return InvalidFieldError("id", "must be a positive dead letter id");
  std::optional<v1::DeadLetter> dead = storage::WebhookOutboxStore(tx).Revive(id);
  if (!dead) return absl::NotFoundError(absl::StrCat("no dead letter has id ", id));
  Audit(tx, actor, "DEAD_LETTER_REPLAY",
        absl::StrCat("delivery ", id, " of webhook ", dead->webhook_id()));
  return *std::move(dead);
}

std::vector<v1::Webhook> ListWebhookEndpoints(pqxx::transaction_base& tx) {
  std::vector<v1::Webhook> webhooks = storage::WebhookEndpointStore(tx).List();
  for (v1::Webhook& webhook : webhooks) webhook.clear_secret();
  return webhooks;
}

absl::StatusOr<v1::Webhook> WebhookDesk::CreateWebhook(
    pqxx::connection& db, absl::string_view authorization,
    const v1::CreateWebhookRequest& request) const {
  pqxx::work tx(db);
  absl::StatusOr<AdminPrincipal> principal = Authenticate(tx, authorization, AdminRole::kAdmin);
  if (!principal.ok()) return principal.status();
  const std::string request_id(text::TrimWhitespace(request.request_id()));
  if (request_id.empty() || request_id.size() > kMaxRequestIdChars ||
      !text::IsValidUtf8(request_id)) {
    return InvalidFieldError("request_id",
                             absl::StrCat("must be 1 to ", kMaxRequestIdChars, " characters"));
  }
  absl::StatusOr<v1::Webhook> webhook =
      RegisterWebhook(tx, request.webhook(), absl::StrCat(principal->token_id, "/", request_id),
                      principal->name, own_, "webhook.");
  if (!webhook.ok()) return webhook.status();
  tx.commit();
  return webhook;
}

absl::StatusOr<v1::ListWebhooksResponse> WebhookDesk::ListWebhooks(
    pqxx::connection& db, absl::string_view authorization,
    const v1::ListWebhooksRequest& /*request*/) const {
  pqxx::work tx(db);
  absl::StatusOr<AdminPrincipal> principal = Authenticate(tx, authorization, AdminRole::kAdmin);
  if (!principal.ok()) return principal.status();
  v1::ListWebhooksResponse response;
  for (v1::Webhook& webhook : ListWebhookEndpoints(tx)) {
    *response.add_webhooks() = std::move(webhook);
  }
  return response;
}

absl::StatusOr<v1::DeleteWebhookResponse> WebhookDesk::DeleteWebhook(
    pqxx::connection& db, absl::string_view authorization,
    const v1::DeleteWebhookRequest& request) const {
  pqxx::work tx(db);
  absl::StatusOr<AdminPrincipal> principal = Authenticate(tx, authorization, AdminRole::kAdmin);
  if (!principal.ok()) return principal.status();
  if (absl::Status removed = RemoveWebhook(tx, request.id(), principal->name); !removed.ok()) {
    return removed;
  }
  tx.commit();
  return v1::DeleteWebhookResponse();
}

absl::StatusOr<v1::ListDeadLettersResponse> WebhookDesk::ListDeadLetters(
    pqxx::connection& db, absl::string_view authorization,
    const v1::ListDeadLettersRequest& request) const {
  pqxx::work tx(db);
  absl::StatusOr<AdminPrincipal> principal = Authenticate(tx, authorization, AdminRole::kAdmin);
  if (!principal.ok()) return principal.status();
  absl::StatusOr<int> page_size =
      ResolvePageSize(request.page_size(), kDefaultPageSize, kMaxPageSize);
  if (!page_size.ok()) return page_size.status();
  const PageScope scope = PageScope("ListDeadLetters").Add(request.webhook_id());
  int64_t after_id = 0;
  if (!request.page_token().empty()) {
    absl::StatusOr<std::vector<int64_t>> keys = tokens_.Decode(request.page_token(), scope, 1);
    if (!keys.ok()) return keys.status();
    after_id = (*keys)[0];
  }
  std::vector<v1::DeadLetter> dead =
      storage::WebhookOutboxStore(tx).ListDead(request.webhook_id(), after_id, *page_size + 1);
  v1::ListDeadLettersResponse response;
  const bool more = dead.size() > static_cast<size_t>(*page_size);
  if (more) dead.resize(*page_size);
  for (v1::DeadLetter& letter : dead) *response.add_dead_letters() = std::move(letter);
  if (more) {
    const int64_t last = response.dead_letters(response.dead_letters_size() - 1).id();
    response.set_next_page_token(tokens_.Encode(scope, {last}));
  }
  return response;
}

absl::StatusOr<v1::DeadLetter> WebhookDesk::ReplayDeadLetter(
    pqxx::connection& db, absl::string_view authorization,
    const v1::ReplayDeadLetterRequest& request) const {
  pqxx::work tx(db);
  absl::StatusOr<AdminPrincipal> principal = Authenticate(tx, authorization, AdminRole::kAdmin);
  if (!principal.ok()) return principal.status();
  absl::StatusOr<v1::DeadLetter> dead = ReplayDeadDelivery(tx, request.id(), principal->name);
  if (!dead.ok()) return dead.status();
  tx.commit();
  return dead;
}

}  // namespace news
