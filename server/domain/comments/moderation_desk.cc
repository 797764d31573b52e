#include "server/domain/comments/moderation_desk.h"

#include <google/protobuf/util/time_util.h>

#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/domain/clients/admin_auth.h"
#include "server/domain/clients/network_address.h"
#include "server/domain/status_details.h"
#include "server/storage/articles/article_counter_store.h"
#include "server/storage/articles/article_store.h"
#include "server/storage/comments/ban_store.h"
#include "server/storage/comments/comment_policy_store.h"
#include "server/storage/comments/comment_store.h"
#include "server/storage/comments/moderation_event_store.h"
#include "server/text/unicode_text.h"

namespace news {
namespace {

using google::protobuf::util::TimeUtil;

constexpr size_t kMaxReasonChars = 500;
constexpr size_t kMaxClientIdBytes = 200;
constexpr size_t kMaxActionFilterBytes = 50;

void CheckReason(absl::string_view reason, FieldViolations& violations) {
  if (!text::IsValidUtf8(reason) || text::HasControlCharacters(reason, true) ||
      text::CodePointCount(reason) > kMaxReasonChars) {
    violations.Add("reason", "must be valid UTF-8 of at most 500 characters");
  }
}

void CheckClientId(absl::string_view client_id, bool required, FieldViolations& violations) {
  if ((required && client_id.empty()) || client_id.size() > kMaxClientIdBytes ||
      !text::IsValidUtf8(client_id) || text::HasControlCharacters(client_id, false)) {
    violations.Add("client_id", "must be a client id as ListModerationQueue shows it");
  }
}

// The ban fields of RemoveClientComments (a client id ban).
void CheckBan(const std::string& client_id, const google::protobuf::Duration& duration,
              absl::string_view reason, FieldViolations& violations) {
  CheckClientId(client_id, true, violations);
  if (duration.seconds() < 0 || duration.nanos() < 0) {
    violations.Add("duration", "must not be negative");
  }
  CheckReason(reason, violations);
}

// A ban's target: exactly one of a client id and an address range. Returns the range, if that is
// the target and it is valid.
std::optional<IpRange> CheckBanTarget(const std::string& client_id,
                                      const std::string& address_range,
                                      FieldViolations& violations) {
  if (address_range.empty()) {
    CheckClientId(client_id, true, violations);
    return std::nullopt;
  }
  if (!client_id.empty()) {
    violations.Add("address_range", "must be empty when client_id is set: one target per ban");
    return std::nullopt;
  }
  absl::StatusOr<IpRange> range = ParseIpRange(address_range);
  if (!range.ok()) {
    violations.Add("address_range", std::string(range.status().message()));
    return std::nullopt;
  }
  return *range;
}

v1::CommentState TargetState(v1::ModerationAction action) {
  switch (action) {
    case v1::MODERATION_ACTION_APPROVE:
      return v1::COMMENT_STATE_APPROVED;
    case v1::MODERATION_ACTION_REJECT:
      return v1::COMMENT_STATE_REJECTED;
    case v1::MODERATION_ACTION_MARK_SPAM:
      return v1::COMMENT_STATE_SPAM;
    case v1::MODERATION_ACTION_DELETE:
      return v1::COMMENT_STATE_DELETED;
    default:
      return v1::COMMENT_STATE_UNSPECIFIED;
  }
}

absl::string_view StateLabel(v1::CommentState state) { return v1::CommentState_Name(state); }

v1::ModerationResult ItemResult(int64_t comment_id, const absl::Status& status,
                                v1::CommentState state, bool changed) {
  v1::ModerationResult result;
  result.set_comment_id(comment_id);
  result.mutable_status()->set_code(static_cast<int>(status.code()));
  result.mutable_status()->set_message(std::string(status.message()));
  result.set_state(state);
  result.set_changed(changed);
  return result;
}

// Sets each held item's `hold` (why CommentPolicy held it).
void AttachHolds(pqxx::transaction_base& tx, v1::ListModerationQueueResponse& response) {
  std::vector<int64_t> ids;
  for (const v1::ModerationItem& item : response.items()) ids.push_back(item.comment().id());
  const auto holds = storage::CommentPolicyStore(tx).FindHolds(ids);
  for (v1::ModerationItem& item : *response.mutable_items()) {
    const auto it = holds.find(item.comment().id());
    if (it != holds.end()) *item.mutable_hold() = it->second;
  }
}

}  // namespace

absl::StatusOr<v1::ListModerationQueueResponse> ModerationDesk::ListQueue(
    pqxx::connection& db, absl::string_view authorization,
    const v1::ListModerationQueueRequest& request) const {
  pqxx::read_transaction tx(db);
  absl::StatusOr<AdminPrincipal> principal = Authenticate(tx, authorization, AdminRole::kModerator);
  if (!principal.ok()) return principal.status();

  FieldViolations violations;
  v1::CommentState state = request.state();
  if (!v1::CommentState_IsValid(state)) violations.Add("state", "unknown comment state");
  if (request.article_id() < 0) violations.Add("article_id", "must not be negative");
  if (!v1::QueueOrder_IsValid(request.order())) violations.Add("order", "unknown order");
  absl::StatusOr<int> page_size =
      ResolvePageSize(request.page_size(), kDefaultPageSize, kMaxPageSize);
  if (!page_size.ok()) violations.Add("page_size", "must not be negative");
  if (!violations.empty()) return violations.ToStatus();
  if (state == v1::COMMENT_STATE_UNSPECIFIED) state = v1::COMMENT_STATE_PENDING;
  const storage::QueueOrder order =
      request.order() == v1::QUEUE_ORDER_NEWEST          ? storage::QueueOrder::kNewest
      : request.order() == v1::QUEUE_ORDER_MOST_REPORTED ? storage::QueueOrder::kMostReported
                                                         : storage::QueueOrder::kOldest;
  const storage::QueueFilter filter{state, request.article_id(), request.reported_only(),
                                    request.matched_term()};

  const PageScope scope = PageScope("ListModerationQueue")
                              .Add(state)
                              .Add(request.article_id())
                              .Add(request.reported_only() ? 1 : 0)
                              .Add(static_cast<int64_t>(order))
                              .Add(request.matched_term());
  std::optional<storage::QueuePosition> after;
  if (!request.page_token().empty()) {
    absl::StatusOr<std::vector<int64_t>> keys = tokens_.Decode(request.page_token(), scope, 2);
    if (!keys.ok()) return keys.status();
    after = storage::QueuePosition{(*keys)[0], (*keys)[1]};
  }
  std::vector<storage::QueueEntry> entries =
      storage::CommentStore(tx).ListQueue(filter, order, after, *page_size + 1);
  const bool more = static_cast<int>(entries.size()) > *page_size;
  if (more) entries.resize(*page_size);
  std::vector<int64_t> ids;
  for (const auto& entry : entries) ids.push_back(entry.stored.comment.id());
  const std::map<int64_t, std::string> addresses = storage::CommentStore(tx).Addresses(ids);
  v1::ListModerationQueueResponse response;
  for (auto& entry : entries) {
    v1::ModerationItem* item = response.add_items();
    if (const auto it = addresses.find(entry.stored.comment.id()); it != addresses.end()) {
      item->set_client_address(it->second);
    }
    *item->mutable_comment() = std::move(entry.stored.comment);
    item->set_client_id(std::move(entry.stored.client_id));
    item->set_article_title(std::move(entry.article_title));
    item->set_report_count(entry.stored.report_count);
    item->set_reported(entry.stored.reported);
    for (std::string& body : entry.previous_bodies) item->add_previous_bodies(std::move(body));
  }
  AttachHolds(tx, response);
  if (more) {
    const v1::ModerationItem& last = response.items(response.items_size() - 1);
    const int64_t sort_key = order == storage::QueueOrder::kMostReported
                                 ? last.report_count()
                                 : TimeUtil::TimestampToMicroseconds(last.comment().create_time());
    response.set_next_page_token(tokens_.Encode(scope, {sort_key, last.comment().id()}));
  }
  return response;
}

absl::StatusOr<v1::ModerateCommentsResponse> ModerationDesk::ModerateComments(
    pqxx::connection& db, absl::string_view authorization,
    const v1::ModerateCommentsRequest& request) const {
  std::string actor;
  {
    pqxx::nontransaction tx(db);
    absl::StatusOr<AdminPrincipal> principal =
        Authenticate(tx, authorization, AdminRole::kModerator);
    if (!principal.ok()) return principal.status();
    actor = principal->name;
  }

  FieldViolations violations;
  if (request.comment_ids().empty() || request.comment_ids_size() > kMaxCommentsPerAction) {
    violations.Add("comment_ids", "name 1 to 100 comments");
  }
  std::set<int64_t> distinct;
  for (int64_t id : request.comment_ids()) {
    if (id <= 0 || !distinct.insert(id).second) {
      violations.Add("comment_ids", "must be distinct positive comment ids");
      break;
    }
  }
  if (TargetState(request.action()) == v1::COMMENT_STATE_UNSPECIFIED) {
    violations.Add("action", "must be APPROVE, REJECT, MARK_SPAM or DELETE");
  }
  if (!v1::CommentState_IsValid(request.expected_state())) {
    violations.Add("expected_state", "unknown comment state");
  }
  CheckReason(request.reason(), violations);
  if (!violations.empty()) return violations.ToStatus();

  v1::ModerateCommentsResponse response;
  for (int64_t id : request.comment_ids()) {
    *response.add_results() = ModerateOne(db, id, request, actor);
  }
  return response;
}

v1::ModerationResult ModerationDesk::ModerateOne(pqxx::connection& db, int64_t comment_id,
                                                 const v1::ModerateCommentsRequest& request,
                                                 const std::string& actor) const {
  const v1::CommentState target = TargetState(request.action());
  const v1::CommentState expected = request.expected_state() == v1::COMMENT_STATE_UNSPECIFIED
                                        ? v1::COMMENT_STATE_PENDING
                                        : request.expected_state();
  pqxx::work tx(db);
  storage::CommentStore comments(tx);
  std::optional<storage::StoredComment> current = comments.FindById(comment_id);
  if (!current) {
    return ItemResult(comment_id, absl::NotFoundError("no comment has this id"),
                      v1::COMMENT_STATE_UNSPECIFIED, false);
  }
  std::optional<int64_t> article_id;
  if (current->comment.state() != target && current->comment.state() == expected) {
    // Another moderator may get there between the read and this update; the update's state
    // condition decides who wins.
    article_id = comments.Transition(comment_id, expected, target);
    if (!article_id) current = comments.FindById(comment_id);
  }
  if (!article_id) {
    const v1::CommentState now = current->comment.state();
    if (now == target) return ItemResult(comment_id, absl::OkStatus(), now, false);
    return ItemResult(comment_id,
                      absl::FailedPreconditionError(absl::StrCat("comment is ", StateLabel(now),
                                                                 ", not ", StateLabel(expected))),
                      now, false);
  }

  const int delta =
      (target == v1::COMMENT_STATE_APPROVED) - (expected == v1::COMMENT_STATE_APPROVED);
  if (delta != 0) storage::ArticleCounterStore(tx).AddToCommentCount(*article_id, delta);
  v1::ModerationEvent event;
  event.set_actor(actor);
  event.set_action(
      v1::ModerationAction_Name(request.action()).substr(sizeof("MODERATION_ACTION_") - 1));
  event.set_comment_id(comment_id);
  event.set_article_id(*article_id);
  event.set_client_id(current->client_id);
  event.set_state_before(expected);
  event.set_state_after(target);
  event.set_reason(request.reason());
  storage::ModerationEventStore(tx).Append(event);
  tx.commit();
  return ItemResult(comment_id, absl::OkStatus(), target, true);
}

absl::StatusOr<v1::Ban> ModerationDesk::BanClient(pqxx::connection& db,
                                                  absl::string_view authorization,
                                                  const v1::BanClientRequest& request) const {
  pqxx::work tx(db);
  absl::StatusOr<AdminPrincipal> principal = Authenticate(tx, authorization, AdminRole::kModerator);
  if (!principal.ok()) return principal.status();

  FieldViolations violations;
  const std::optional<IpRange> range =
      CheckBanTarget(request.client_id(), request.address_range(), violations);
  const int64_t seconds = request.duration().seconds();
  if (seconds < 0 || request.duration().nanos() < 0) {
    violations.Add("duration", "must not be negative");
  }
  CheckReason(request.reason(), violations);
  if (!violations.empty()) return violations.ToStatus();

  v1::Ban ban =
      WriteBan(tx, principal->name, request.client_id(), range, seconds, request.reason());
  tx.commit();
  return ban;
}

v1::Ban ModerationDesk::WriteBan(pqxx::transaction_base& tx, const std::string& actor,
                                 const std::string& client_id, const std::optional<IpRange>& range,
                                 int64_t seconds, const std::string& reason) const {
  storage::BanStore bans(tx);
  v1::Ban ban = range ? bans.UpsertRange(range->ToString(), reason, actor, seconds)
                      : bans.Upsert(client_id, reason, actor, seconds);
  v1::ModerationEvent event;
  event.set_actor(actor);
  event.set_action("BAN");
  event.set_client_id(client_id);
  event.set_reason(reason);
  event.set_detail(absl::StrCat(range ? absl::StrCat("range ", range->ToString(), "; ") : "",
                                seconds == 0 ? std::string("permanent")
                                             : absl::StrCat("for ", seconds, " seconds")));
  storage::ModerationEventStore(tx).Append(event);
  return ban;
}

absl::StatusOr<v1::ListBansResponse> ModerationDesk::ListBans(
    pqxx::connection& db, absl::string_view authorization,
    const v1::ListBansRequest& request) const {
  pqxx::read_transaction tx(db);
  absl::StatusOr<AdminPrincipal> principal = Authenticate(tx, authorization, AdminRole::kModerator);
  if (!principal.ok()) return principal.status();

  absl::StatusOr<int> page_size =
      ResolvePageSize(request.page_size(), kDefaultPageSize, kMaxPageSize);
  if (!page_size.ok()) return page_size.status();
  const PageScope scope("ListBans");
  int64_t before_id = std::numeric_limits<int64_t>::max();
  if (!request.page_token().empty()) {
    absl::StatusOr<std::vector<int64_t>> keys = tokens_.Decode(request.page_token(), scope, 1);
    if (!keys.ok()) return keys.status();
    before_id = (*keys)[0];
  }
  std::vector<storage::StoredBan> bans =
      storage::BanStore(tx).ListActive(before_id, *page_size + 1);
  const bool more = static_cast<int>(bans.size()) > *page_size;
  if (more) bans.resize(*page_size);
  v1::ListBansResponse response;
  for (auto& stored : bans) *response.add_bans() = std::move(stored.ban);
  if (more) response.set_next_page_token(tokens_.Encode(scope, {bans.back().id}));
  return response;
}

absl::StatusOr<v1::LiftBanResponse> ModerationDesk::LiftBan(
    pqxx::connection& db, absl::string_view authorization,
    const v1::LiftBanRequest& request) const {
  pqxx::work tx(db);
  absl::StatusOr<AdminPrincipal> principal = Authenticate(tx, authorization, AdminRole::kModerator);
  if (!principal.ok()) return principal.status();

  FieldViolations violations;
  const std::optional<IpRange> range =
      CheckBanTarget(request.client_id(), request.address_range(), violations);
  CheckReason(request.reason(), violations);
  if (!violations.empty()) return violations.ToStatus();

  storage::BanStore bans(tx);
  if (range ? !bans.DeleteRange(range->ToString()) : !bans.Delete(request.client_id())) {
    return absl::NotFoundError(range ? "this address range has no ban" : "this client has no ban");
  }
  v1::ModerationEvent event;
  event.set_actor(principal->name);
  event.set_action("LIFT_BAN");
  event.set_client_id(request.client_id());
  event.set_reason(request.reason());
  if (range) event.set_detail(absl::StrCat("range ", range->ToString()));
  storage::ModerationEventStore(tx).Append(event);
  tx.commit();
  return v1::LiftBanResponse();
}

absl::StatusOr<v1::ListModerationEventsResponse> ModerationDesk::ListEvents(
    pqxx::connection& db, absl::string_view authorization,
    const v1::ListModerationEventsRequest& request) const {
  pqxx::read_transaction tx(db);
  absl::StatusOr<AdminPrincipal> principal = Authenticate(tx, authorization, AdminRole::kModerator);
  if (!principal.ok()) return principal.status();

  FieldViolations violations;
  absl::StatusOr<int> page_size =
      ResolvePageSize(request.page_size(), kDefaultPageSize, kMaxPageSize);
  if (!page_size.ok()) violations.Add("page_size", "must not be negative");
  if (request.comment_id() < 0) violations.Add("comment_id", "must not be negative");
  CheckClientId(request.client_id(), false, violations);
  if (request.action().size() > kMaxActionFilterBytes || !text::IsValidUtf8(request.action())) {
    violations.Add("action", "must be an action name such as APPROVE or BAN");
  }
  if (!violations.empty()) return violations.ToStatus();

  const storage::EventFilter filter{request.comment_id(), request.client_id(), request.action()};
  const PageScope scope = PageScope("ListModerationEvents")
                              .Add(filter.comment_id)
                              .Add(filter.client_id)
                              .Add(filter.action);
  int64_t before_id = std::numeric_limits<int64_t>::max();
  if (!request.page_token().empty()) {
    absl::StatusOr<std::vector<int64_t>> keys = tokens_.Decode(request.page_token(), scope, 1);
    if (!keys.ok()) return keys.status();
    before_id = (*keys)[0];
  }
  std::vector<v1::ModerationEvent> events =
      storage::ModerationEventStore(tx).List(filter, before_id, *page_size + 1);
  const bool more = static_cast<int>(events.size()) > *page_size;
  if (more) events.resize(*page_size);
  v1::ListModerationEventsResponse response;
  for (auto& event : events) *response.add_events() = std::move(event);
  if (more) {
    response.set_next_page_token(
        tokens_.Encode(scope, {response.events(response.events_size() - 1).id()}));
  }
  return response;
}

absl::StatusOr<v1::SetCommentsOpenResponse> ModerationDesk::SetCommentsOpen(
    pqxx::connection& db, absl::string_view authorization,
    const v1::SetCommentsOpenRequest& request) const {
  pqxx::work tx(db);
  absl::StatusOr<AdminPrincipal> principal = Authenticate(tx, authorization, AdminRole::kAdmin);
  if (!principal.ok()) return principal.status();
  if (request.article_id() <= 0) {
    return InvalidFieldError("article_id", "must be a positive article id");
  }
  if (!storage::ArticleStore(tx).SetCommentsOpen(request.article_id(), request.open())) {
    return absl::NotFoundError("no article has this id");
  }
  v1::ModerationEvent event;
  event.set_actor(principal->name);
  event.set_action(request.open() ? "SET_COMMENTS_OPEN" : "SET_COMMENTS_CLOSED");
  event.set_article_id(request.article_id());
  storage::ModerationEventStore(tx).Append(event);
  tx.commit();
  v1::SetCommentsOpenResponse response;
  response.set_article_id(request.article_id());
  response.set_comments_open(request.open());
  return response;
}

absl::StatusOr<v1::Comment> ModerationDesk::SetCommentFeatured(
    pqxx::connection& db, absl::string_view authorization,
    const v1::SetCommentFeaturedRequest& request) const {
  pqxx::work tx(db);
  absl::StatusOr<AdminPrincipal> principal = Authenticate(tx, authorization, AdminRole::kModerator);
  if (!principal.ok()) return principal.status();
  if (request.comment_id() <= 0) {
    return InvalidFieldError("comment_id", "must be a positive comment id");
  }
  storage::CommentStore comments(tx);
  std::optional<storage::StoredComment> comment = comments.FindByIdForUpdate(request.comment_id());
  if (!comment) return absl::NotFoundError("no comment has this id");
  if (request.featured() && comment->comment.state() != v1::COMMENT_STATE_APPROVED) {
    return absl::FailedPreconditionError(
        absl::StrCat("only approved comments can be featured; this one is ",
                     StateLabel(comment->comment.state())));
  }
  if (comments.SetFeatured(request.comment_id(), request.featured())) {
    v1::ModerationEvent event;
    event.set_actor(principal->name);
    event.set_action(request.featured() ? "FEATURE" : "UNFEATURE");
    event.set_comment_id(request.comment_id());
    event.set_article_id(comment->comment.article_id());
    event.set_client_id(comment->client_id);
    event.set_state_before(comment->comment.state());
    event.set_state_after(comment->comment.state());
    storage::ModerationEventStore(tx).Append(event);
    comment->comment.set_featured(request.featured());
  }
  tx.commit();
  return std::move(comment->comment);
}

absl::StatusOr<v1::RemoveClientCommentsResponse> ModerationDesk::RemoveClientComments(
    pqxx::connection& db, absl::string_view authorization,
    const v1::RemoveClientCommentsRequest& request) const {
  v1::RemoveClientCommentsResponse response;
  std::vector<std::pair<int64_t, v1::CommentState>> open;
  std::string actor;
  {
    pqxx::work tx(db);
    absl::StatusOr<AdminPrincipal> principal =
        Authenticate(tx, authorization, AdminRole::kModerator);
    if (!principal.ok()) return principal.status();
    actor = principal->name;
    FieldViolations violations;
    CheckBan(request.client_id(), request.duration(), request.reason(), violations);
    const v1::ModerationAction action = request.action();
    if (action != v1::MODERATION_ACTION_UNSPECIFIED && action != v1::MODERATION_ACTION_REJECT &&
        action != v1::MODERATION_ACTION_MARK_SPAM && action != v1::MODERATION_ACTION_DELETE) {
      violations.Add("action", "must be REJECT, MARK_SPAM or DELETE");
    }
    if (!violations.empty()) return violations.ToStatus();
    // The ban commits first, so the client cannot add comments after the list below is read.
    *response.mutable_ban() =
        WriteBan(tx, actor, request.client_id(), std::nullopt, request.duration().seconds(),
                 request.reason());
    tx.commit();
  }
  {
    pqxx::read_transaction tx(db);
    open = storage::CommentStore(tx).ListOpenOfClient(request.client_id());
  }
  v1::ModerateCommentsRequest item;
  item.set_action(request.action() == v1::MODERATION_ACTION_UNSPECIFIED
                      ? v1::MODERATION_ACTION_DELETE
                      : request.action());
  item.set_reason(request.reason());
  for (const auto& [id, state] : open) {
    item.set_expected_state(state);
    v1::ModerationResult result = ModerateOne(db, id, item, actor);
    if (result.changed()) response.set_removed_count(response.removed_count() + 1);
    *response.add_results() = std::move(result);
  }
  return response;
}

}  // namespace news
