#include "server/domain/articles/article_sync.h"

#include <google/protobuf/util/time_util.h>

#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "server/domain/status_details.h"
#include "server/storage/articles/article_store.h"
#include "server/storage/newsroom/newsroom_store.h"

namespace news {
namespace {

using Response = v1::ListArticleChangesResponse;
using Reason = v1::ArticleTombstone::Reason;

// What a sync token holds, as the keys of a page token: {stage, log position, publish time in
// micros, id}. During a full sync the log position is the one pinned at its start and the last
// two keys are the snapshot's keyset position; afterwards they are 0.
enum Stage : int64_t { kFullSync = 1, kChanges = 2 };
constexpr size_t kTokenKeys = 4;

struct SyncPosition {
  Stage stage;
  int64_t log_position;
  storage::FeedPosition snapshot_after;
};

// Room for next_sync_token and the flags, and per change for its tag and length prefix.
constexpr size_t kResponseOverheadBytes = 256;
constexpr size_t kChangeOverheadBytes = 6;

// Collects changes into a response up to ArticleSync::kMaxResponseBytes.
class BoundedChanges {
 public:
  explicit BoundedChanges(Response& response) : response_(response) {}

  // False, leaving the response as it was, when `change` does not fit; the first always fits.
  bool Add(v1::ArticleChange change) {
    const size_t size = change.ByteSizeLong() + kChangeOverheadBytes;
    if (response_.changes_size() > 0 && bytes_ + size > ArticleSync::kMaxResponseBytes) {
      return false;
    }
    bytes_ += size;
    *response_.add_changes() = std::move(change);
    return true;
  }

 private:
  Response& response_;
  size_t bytes_ = kResponseOverheadBytes;
};

absl::Status SyncTokenExpired() {
  return WithErrorReason(
      absl::FailedPreconditionError("the changes since this sync_token are no longer kept; start "
                                    "a full sync again without a sync_token"),
      "SYNC_TOKEN_EXPIRED");
}

Reason TombstoneReason(v1::ArticleStatus status) {
  switch (status) {
    case v1::ARTICLE_STATUS_RETRACTED:
      return v1::ArticleTombstone::RETRACTED;
    case v1::ARTICLE_STATUS_ARCHIVED:
      return v1::ArticleTombstone::EXPIRED;
    case v1::ARTICLE_STATUS_DRAFT:
    case v1::ARTICLE_STATUS_SCHEDULED:
      return v1::ArticleTombstone::UNPUBLISHED;
    default:
      return v1::ArticleTombstone::DELETED;
  }
}

v1::ArticleChange Tombstone(int64_t id, Reason reason) {
  v1::ArticleChange change;
  change.mutable_tombstone()->set_id(id);
  change.mutable_tombstone()->set_reason(reason);
  return change;
}

// What the app must do about article `id` now, whatever the change that brought it up: the
// current state wins, so replaying a change, or delivering an older one late, is harmless.
// `current` is null when the row is gone (removed for good after its deletion).
v1::ArticleChange CurrentChange(int64_t id, v1::Article* current, int64_t category_id) {
  if (current == nullptr) return Tombstone(id, v1::ArticleTombstone::DELETED);
  if (current->status() != v1::ARTICLE_STATUS_PUBLISHED) {
    return Tombstone(id, TombstoneReason(current->status()));
  }
  // The log does not say which category the article left, so every changed article outside the
  // filter is a tombstone; apps ignore the ids they do not hold.
  if (category_id != 0 && current->category().id() != category_id) {
    return Tombstone(id, v1::ArticleTombstone::NOT_IN_CATEGORY);
  }
  v1::ArticleChange change;
  *change.mutable_upsert() = std::move(*current);
  return change;
}

}  // namespace

absl::StatusOr<Response> ArticleSync::ListArticleChanges(
    pqxx::connection& db, const v1::ListArticleChangesRequest& request) const {
  FieldViolations violations;
  const absl::StatusOr<int> page_size =
      ResolvePageSize(request.page_size(), kDefaultPageSize, kMaxPageSize);
  if (!page_size.ok()) violations.Add("page_size", "must not be negative");
  if (request.category_id() < 0) violations.Add("category_id", "must not be negative");
  if (!violations.empty()) return violations.ToStatus();

  const int64_t category_id = request.category_id();
  const PageScope scope = PageScope("ListArticleChanges").Add(category_id);
  std::optional<SyncPosition> position;
  if (!request.sync_token().empty()) {
    absl::StatusOr<std::vector<int64_t>> keys =
        tokens_.Decode(request.sync_token(), scope, kTokenKeys, "sync_token");
    if (!keys.ok()) return keys.status();
    const int64_t stage = (*keys)[0];
    if (stage != kFullSync && stage != kChanges) {
      return InvalidFieldError("sync_token", "is not a valid token");
    }
    position = SyncPosition{static_cast<Stage>(stage), (*keys)[1],
                            storage::FeedPosition{(*keys)[2], (*keys)[3]}};
  }

  // One snapshot for the whole response: the log's extent, its rows and the articles agree.
  pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(db);
  const storage::NewsroomStore::Extent extent = storage::NewsroomStore(tx).KeptExtent();
  if (!position) {
    // Pinned before the snapshot is read: every change the snapshot pages miss (they are read
    // over many calls) gets a later position and is replayed by the deltas from here.
    position = SyncPosition{kFullSync, extent.last, storage::FeedPosition::Start()};
  } else if (position->log_position > extent.last ||
             extent.first_kept > position->log_position + 1) {
    return SyncTokenExpired();
  }

  Response response;
  BoundedChanges changes(response);
  if (position->stage == kFullSync) {
    // One extra row tells whether the snapshot goes on.
    std::vector<v1::Article> articles = storage::ArticleStore(tx).ListPublishedForSync(
        category_id, position->snapshot_after, *page_size + 1);
    bool more = static_cast<int>(articles.size()) > *page_size;
    if (more) articles.resize(*page_size);
    storage::FeedPosition last = position->snapshot_after;
    for (v1::Article& article : articles) {
      const storage::FeedPosition key{
          google::protobuf::util::TimeUtil::TimestampToMicroseconds(article.publish_time()),
          article.id()};
      v1::ArticleChange change;
      *change.mutable_upsert() = std::move(article);
      if (!changes.Add(std::move(change))) {
        more = true;
        break;
      }
      last = key;
    }
    response.set_full_sync(true);
    if (more) {
      response.set_next_sync_token(tokens_.Encode(
          scope, {kFullSync, position->log_position, last.publish_time_micros, last.id}));
    } else {
      response.set_full_sync_complete(true);
      response.set_next_sync_token(tokens_.Encode(scope, {kChanges, position->log_position, 0, 0}));
      response.set_caught_up(extent.last == position->log_position);
    }
    tx.commit();
    return response;
  }

  // Delta: the article changes after the position, one extra to tell whether more follow.
  std::vector<storage::Change> log =
      storage::NewsroomStore(tx).ListArticleChangesAfter(position->log_position, *page_size + 1);
  const bool more = static_cast<int>(log.size()) > *page_size;
  if (more) log.resize(*page_size);
  // Coalesced: each article once, in the order of its first change in the page.
  std::vector<int64_t> ids;
  std::map<int64_t, int64_t> first_position;
  for (const storage::Change& change : log) {
    if (first_position.emplace(change.article_id, change.position).second) {
      ids.push_back(change.article_id);
    }
  }
  std::map<int64_t, v1::Article> current;
  if (!ids.empty()) {
    for (v1::Article& article : storage::ArticleStore(tx).FindByIds(ids)) {
      const int64_t id = article.id();
      current.emplace(id, std::move(article));
    }
  }
  int64_t next = position->log_position;
  bool cut = false;
  for (const int64_t id : ids) {
    auto found = current.find(id);
    if (!changes.Add(CurrentChange(id, found == current.end() ? nullptr : &found->second,
                                   category_id))) {
      // Every change before this article's first one is delivered: the articles sent carry
      // their current state, which includes their later changes in the page (those are
      // replayed next time, harmlessly). Progress is certain: at least one article went out.
      next = first_position[id] - 1;
      cut = true;
      break;
    }
  }
  if (!cut) {
    // Without more rows, every article change up to the log's end in this snapshot was read,
    // so the position moves past comment changes too, which keeps it within retention.
    next = more ? log.back().position : extent.last;
  }
  response.set_next_sync_token(tokens_.Encode(scope, {kChanges, next, 0, 0}));
  response.set_caught_up(!cut && !more);
  tx.commit();
  return response;
}

}  // namespace news
