#ifndef NEWS_SERVER_DOMAIN_WEBHOOK_OUTBOX_H_
#define NEWS_SERVER_DOMAIN_WEBHOOK_OUTBOX_H_

// Push hooks' delivery rules (docs/live.md, "Push hooks"): which change-log entries become which
// events for which endpoints, their JSON bodies, and the retry schedule.

#include <cstdint>
#include <functional>
#include <pqxx/pqxx>
#include <string>

#include "absl/time/time.h"

namespace news {

// Reads up to `limit` changes after the outbox cursor (webhook_cursor, locked for the
// transaction) and, for each, inserts one outbox row per (event, endpoint that wants it), with
// its JSON body (v1::WebhookPayload); then moves the cursor past them. In the caller's
// transaction, so a crash either keeps the rows and the cursor or neither: no event is lost or
// written twice. Events:
// - article.published: change article.published, to endpoints that chose article_published
//   for the article's category (or for every category);
// - article.breaking: change article.published of an article flagged breaking, to endpoints
//   that chose breaking_news;
// - comment.reply: change comment.approved of a reply, to endpoints that listed its parent.
// Changes of articles or comments removed for good since are skipped. Returns the number of
// changes read. Throws pqxx exceptions on database errors.
int FanOutChanges(pqxx::transaction_base& tx, int limit);

// How long after failed attempt number `attempt` (1 for the first) the next one starts:
// `first` * 2^(attempt-1), at most `max`, then scaled by a factor from `jitter` (a uniform
// random number in [0, 1)) into [half, all] of that, so that the delays of many deliveries that
// failed together spread out while each delay is at least the previous one's upper half.
absl::Duration RetryDelay(int attempt, absl::Duration first, absl::Duration max, double jitter);

// "msg_<delivery id>": the webhook-id header, the same for every attempt of a delivery.
std::string WebhookMessageId(int64_t delivery_id);

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_WEBHOOK_OUTBOX_H_
