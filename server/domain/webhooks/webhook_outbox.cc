#include "server/domain/webhooks/webhook_outbox.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "news/v1/webhook.pb.h"
#include "server/storage/comments/comment_store.h"
#include "server/storage/newsroom/editorial_store.h"
#include "server/storage/newsroom/newsroom_store.h"
#include "server/storage/webhooks/webhook_endpoint_store.h"
#include "server/storage/webhooks/webhook_outbox_store.h"

namespace news {
namespace {

using google::protobuf::util::TimeUtil;

std::string ToJson(const v1::WebhookPayload& payload) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  // Serialising a message we built cannot fail.
  (void)google::protobuf::util::MessageToJsonString(payload, &json, options);
  return json;
}

v1::WebhookPayload Payload(const std::string& type, const storage::Change& change) {
  v1::WebhookPayload payload;
  payload.set_type(type);
  *payload.mutable_timestamp() =
      TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(change.change_time));
  return payload;
}

void SetArticle(const v1::EditorialArticle& from, v1::WebhookArticle& to) {
  to.set_id(from.id());
  to.set_slug(from.slug());
  to.set_title(from.title());
  to.set_summary(from.summary());
  to.set_category_id(from.category_id());
  to.set_breaking(from.breaking());
  *to.mutable_publish_time() = from.publish_time();
  to.set_cover_image_url(from.cover_image().url());
}

void Queue(storage::WebhookOutboxStore& outbox, const std::vector<v1::Webhook>& endpoints,
           const storage::Change& change, const v1::WebhookPayload& payload) {
  if (endpoints.empty()) return;
  const std::string body = ToJson(payload);
  for (const v1::Webhook& endpoint : endpoints) {
    outbox.Insert(endpoint.id(), payload.type(), change.position, body);
  }
}

void FanOutPublished(pqxx::transaction_base& tx, const storage::Change& change) {
  std::optional<storage::EditorialRecord> article =
      storage::EditorialStore(tx).Find(change.article_id, /*for_update=*/false);
  if (!article) return;
  const v1::EditorialArticle& a = article->article;
  std::vector<v1::Webhook> endpoints =
      storage::WebhookEndpointStore(tx).ListForPublished(a.category_id(), a.breaking());
  std::vector<v1::Webhook> published;
  std::vector<v1::Webhook> breaking;
  for (v1::Webhook& endpoint : endpoints) {
    const auto& categories = endpoint.events().category_ids();
    if (endpoint.events().article_published() &&
        (categories.empty() ||
         std::find(categories.begin(), categories.end(), a.category_id()) != categories.end())) {
      published.push_back(endpoint);
    }
    if (endpoint.events().breaking_news() && a.breaking()) breaking.push_back(endpoint);
  }
  storage::WebhookOutboxStore outbox(tx);
  for (const auto& [type, receivers] :
       {std::pair{"article.published", &published}, std::pair{"article.breaking", &breaking}}) {
    v1::WebhookPayload payload = Payload(type, change);
    SetArticle(a, *payload.mutable_data()->mutable_article());
    Queue(outbox, *receivers, change, payload);
  }
}

void FanOutReply(pqxx::transaction_base& tx, const storage::Change& change) {
  std::optional<storage::StoredComment> stored =
      storage::CommentStore(tx).FindById(change.comment_id);
  if (!stored || stored->comment.parent_id() == 0) return;
  const v1::Comment& c = stored->comment;
  std::vector<v1::Webhook> endpoints =
      storage::WebhookEndpointStore(tx).ListForReplyTo(c.parent_id());
  if (endpoints.empty()) return;
  v1::WebhookPayload payload = Payload("comment.reply", change);
  v1::WebhookComment& comment = *payload.mutable_data()->mutable_comment();
  comment.set_id(c.id());
  comment.set_article_id(c.article_id());
  comment.set_parent_id(c.parent_id());
  comment.set_author_name(c.author_name());
  comment.set_body(c.body());
  *comment.mutable_create_time() = c.create_time();
  if (std::optional<storage::EditorialRecord> article =
          storage::EditorialStore(tx).Find(c.article_id(), /*for_update=*/false)) {
    SetArticle(article->article, *payload.mutable_data()->mutable_article());
  }
  storage::WebhookOutboxStore outbox(tx);
  Queue(outbox, endpoints, change, payload);
}

}  // namespace

int FanOutChanges(pqxx::transaction_base& tx, int limit) {
  storage::WebhookOutboxStore outbox(tx);
  const int64_t cursor = outbox.LockCursor();
  const std::vector<storage::Change> changes =
      storage::NewsroomStore(tx).ListChangesAfter(cursor, limit);
  if (changes.empty()) return 0;
  // With no endpoint registered no change owes a delivery, so the cursor moves on without a
  // query per change (an archive imported before any endpoint means a million of them).
  if (storage::WebhookEndpointStore(tx).Any()) {
    for (const storage::Change& change : changes) {
      if (change.kind == "article.published") FanOutPublished(tx, change);
      if (change.kind == "comment.approved") FanOutReply(tx, change);
    }
  }
  outbox.SetCursor(changes.back().position);
  return static_cast<int>(changes.size());
}

absl::Duration RetryDelay(int attempt, absl::Duration first, absl::Duration max, double jitter) {
  absl::Duration delay = first;
  for (int i = 1; i < attempt && delay < max; ++i) delay *= 2;
  delay = std::min(delay, max);
  return delay / 2 + (delay / 2) * std::clamp(jitter, 0.0, 1.0);
}

std::string WebhookMessageId(int64_t delivery_id) { return absl::StrCat("msg_", delivery_id); }

}  // namespace news
