#ifndef NEWS_SERVER_STORAGE_MODERATION_EVENT_STORE_H_
#define NEWS_SERVER_STORAGE_MODERATION_EVENT_STORE_H_

// All SQL on moderation_events, the append-only audit log (the database refuses updates and
// deletes). Methods throw pqxx exceptions on database errors.

#include <cstdint>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "news/v1/moderation.pb.h"

namespace news::storage {

struct EventFilter {
  int64_t comment_id = 0;  // 0: any
  std::string client_id;   // "": any
  std::string action;      // "": any
};

class ModerationEventStore {
 public:
  explicit ModerationEventStore(pqxx::transaction_base& tx) : tx_(tx) {}

  static void Prepare(pqxx::connection& connection);

  // Appends `event` (its id and create_time are assigned here).
  void Append(const v1::ModerationEvent& event);

  // Up to `limit` events matching `filter` with an id below `before_id`, newest first.
  std::vector<v1::ModerationEvent> List(const EventFilter& filter, int64_t before_id, int limit);

 private:
  pqxx::transaction_base& tx_;
};

}  // namespace news::storage

#endif  // NEWS_SERVER_STORAGE_MODERATION_EVENT_STORE_H_
