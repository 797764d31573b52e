#include "server/storage/comments/moderation_event_store.h"

#include <google/protobuf/util/time_util.h>

#include "server/storage/comments/comment_store.h"

namespace news::storage {

void ModerationEventStore::Prepare(pqxx::connection& connection) {
  connection.prepare("moderation_event_append",
                     "INSERT INTO moderation_events (actor, action, comment_id, article_id,"
                     " client_id, state_before, state_after, reason, detail)"
                     " VALUES ($1, $2, NULLIF($3::bigint, 0), NULLIF($4::bigint, 0), $5, $6, $7,"
                     " $8, $9)");
  connection.prepare("moderation_event_list",
                     "SELECT id, (extract(epoch FROM create_time) * 1000000)::bigint, actor,"
                     " action, coalesce(comment_id, 0), coalesce(article_id, 0), client_id,"
                     " state_before, state_after, reason, detail FROM moderation_events"
                     " WHERE id < $1 AND ($2 = 0 OR comment_id = $2)"
                     " AND ($3 = '' OR client_id = $3) AND ($4 = '' OR action = $4)"
                     " ORDER BY id DESC LIMIT $5");
}

void ModerationEventStore::Append(const v1::ModerationEvent& event) {
  tx_.exec_prepared("moderation_event_append", event.actor(), event.action(), event.comment_id(),
                    event.article_id(), event.client_id(), CommentStateName(event.state_before()),
                    CommentStateName(event.state_after()), event.reason(), event.detail());
}

std::vector<v1::ModerationEvent> ModerationEventStore::List(const EventFilter& filter,
                                                            int64_t before_id, int limit) {
  std::vector<v1::ModerationEvent> events;
  for (const auto& row : tx_.exec_prepared("moderation_event_list", before_id, filter.comment_id,
                                           filter.client_id, filter.action, limit)) {
    v1::ModerationEvent event;
    event.set_id(row[0].as<int64_t>());
    *event.mutable_create_time() =
        google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(row[1].as<int64_t>());
    event.set_actor(row[2].as<std::string>());
    event.set_action(row[3].as<std::string>());
    event.set_comment_id(row[4].as<int64_t>());
    event.set_article_id(row[5].as<int64_t>());
    event.set_client_id(row[6].as<std::string>());
    event.set_state_before(CommentStateFromName(row[7].as<std::string>()));
    event.set_state_after(CommentStateFromName(row[8].as<std::string>()));
    event.set_reason(row[9].as<std::string>());
    event.set_detail(row[10].as<std::string>());
    events.push_back(std::move(event));
  }
  return events;
}

}  // namespace news::storage
