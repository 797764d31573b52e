#include "server/app/newsctl/change_commands.h"

#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/time/time.h"
#include "server/storage/newsroom/newsroom_store.h"

ABSL_FLAG(int64_t, after, -1,
          "changes tail: print changes after this position (default: the last 10)");

namespace news {
namespace {

// Wakes the tail when the sequencer stamps (it notifies "change_log" with the last position).
class StampListener : public pqxx::notification_receiver {
 public:
  explicit StampListener(pqxx::connection& db) : pqxx::notification_receiver(db, "change_log") {}
  void operator()(const std::string&, int) override {}
};

void Print(const storage::Change& change) {
  std::printf(
      "%lld %s %s article=%lld", static_cast<long long>(change.position),
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", change.change_time, absl::UTCTimeZone()).c_str(),
      change.kind.c_str(), static_cast<long long>(change.article_id));
  if (change.comment_id != 0) {
    std::printf(" comment=%lld", static_cast<long long>(change.comment_id));
  }
  std::printf("\n");
}

int Tail(pqxx::connection& db) {
  StampListener listener(db);
  int64_t cursor = absl::GetFlag(FLAGS_after);
  if (cursor < 0) {
    pqxx::nontransaction tx(db);
    cursor = std::max<int64_t>(0, storage::NewsroomStore(tx).LastPosition() - 10);
  }
  while (true) {
    std::vector<storage::Change> changes;
    {
      pqxx::nontransaction tx(db);
      changes = storage::NewsroomStore(tx).ListChangesAfter(cursor, 1000);
    }
    for (const storage::Change& change : changes) {
      Print(change);
      cursor = change.position;
    }
    std::fflush(stdout);
    // A notification ends the wait early; the timeout covers a sequencer on a connection that
    // cannot notify this one (another database proxy, say).
    if (changes.empty()) db.await_notification(1, 0);
  }
}

}  // namespace

int RunChangesCommand(pqxx::connection& db, const std::vector<char*>& args) {
  if (args.size() == 1 && std::string(args[0]) == "tail") return Tail(db);
  std::fprintf(stderr, "usage: newsctl changes tail [--after=POSITION]\n");
  return 2;
}

}  // namespace news
