#include "server/storage/comments/comment_store.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <iterator>
#include <stdexcept>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/db/text_array.h"

namespace news::storage {
namespace {

using google::protobuf::util::TimeUtil;

constexpr char kCommentColumns[] =
    "c.id, c.article_id, coalesce(c.parent_id, 0), c.author_name, c.body, c.state::text, "
    "(extract(epoch FROM c.create_time) * 1000000)::bigint, c.like_count, c.client_id, "
    "c.request_id, c.featured, coalesce((extract(epoch FROM c.edit_time) * 1000000)::bigint, 0), "
    "c.report_count, c.reported, c.reports_overruled";
constexpr int kCommentColumnCount = 15;

StoredComment ReadComment(const pqxx::row& row, int first = 0) {
  StoredComment stored;
  v1::Comment& comment = stored.comment;
  int i = first;
  comment.set_id(row[i++].as<int64_t>());
  comment.set_article_id(row[i++].as<int64_t>());
  comment.set_parent_id(row[i++].as<int64_t>());
  comment.set_author_name(row[i++].as<std::string>());
  comment.set_body(row[i++].as<std::string>());
  comment.set_state(CommentStateFromName(row[i++].as<std::string>()));
  *comment.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row[i++].as<int64_t>());
  comment.set_like_count(row[i++].as<int64_t>());
  stored.client_id = row[i++].as<std::string>();
  stored.request_id = row[i++].as<std::string>();
  comment.set_featured(row[i++].as<bool>());
  if (const int64_t edit_micros = row[i++].as<int64_t>(); edit_micros != 0) {
    *comment.mutable_edit_time() = TimeUtil::MicrosecondsToTimestamp(edit_micros);
  }
  stored.report_count = row[i++].as<int64_t>();
  stored.reported = row[i++].as<bool>();
  stored.reports_overruled = row[i++].as<bool>();
  return stored;
}

std::optional<StoredComment> ReadOptional(const pqxx::result& result) {
  if (result.empty()) return std::nullopt;
  return ReadComment(result[0]);
}

// The reader visibility rule (docs/comments.md, "What readers see"): a comment is readable,
// counted in its article's comment_count, likeable and repliable exactly when it is approved; every
// readable reply is listed under its top-level comment, which is therefore listed too: as itself
// when approved, else as a tombstone. create_comment() applies the same test to a parent, and
// CommentBoard::SetLike to the comment liked.
std::string Readable(absl::string_view alias) { return absl::StrCat(alias, ".state = 'approved'"); }

// Listed top-level comments: readable ones, and tombstones of the others with readable replies.
// With `featured_first`, a rank puts readable featured comments first: in a descending order the
// rank is 1 for them, in an ascending one 0, so one row comparison serves the keyset ($6: the
// rank of the last comment shown).
std::string TopLevelQuery(absl::string_view sort_key, absl::string_view direction,
                          bool featured_first) {
  const std::string compare = direction == "ASC" ? ">" : "<";
  const std::string featured = absl::StrCat("(c.featured AND ", Readable("c"), ")");
  const std::string rank = direction == "ASC" ? absl::StrCat("(NOT ", featured, ")::int")
                                              : absl::StrCat(featured, "::int");
  const std::string key =
      featured_first ? absl::StrCat(rank, ", ", sort_key) : std::string(sort_key);
  const std::string position = featured_first ? "$6, $3" : "$3";
  const std::string order = featured_first
                                ? absl::StrCat(rank, " ", direction, ", ", sort_key, " ", direction)
                                : absl::StrCat(sort_key, " ", direction);
  return absl::StrCat("SELECT ", kCommentColumns,
                      " FROM comments c WHERE c.article_id = $1 AND c.parent_id IS NULL AND (",
                      Readable("c"), " OR EXISTS (SELECT 1 FROM comments r WHERE r.parent_id ="
                      " c.id AND ", Readable("r"), ")) AND (NOT $2 OR (", key, ", c.id) ",
                      compare, " (", position, ", $4)) ORDER BY ", order, ", c.id ", direction,
                      " LIMIT $5");
}

// The moderation queue in one order: $1 state, $2 article id or 0, $3 reported only, $4 whether
// a position follows, $5 and $6 the position.
std::string QueueQuery(absl::string_view sort_key, absl::string_view position,
                       absl::string_view direction) {
  const std::string compare = direction == "ASC" ? ">" : "<";
  return absl::StrCat(
      "SELECT ", kCommentColumns,
      ", a.title, ARRAY(SELECT v.body FROM comment_revisions v WHERE v.comment_id = c.id"
      " ORDER BY v.id) FROM comments c JOIN articles a ON a.id = c.article_id"
      " WHERE c.state = $1::comment_state AND ($2 = 0 OR c.article_id = $2)"
      " AND (NOT $3 OR c.report_count > 0)"
      " AND ($8 = '' OR EXISTS (SELECT 1 FROM comment_holds h WHERE h.comment_id = c.id"
      " AND h.matched_term = $8)) AND (NOT $4 OR (",
      sort_key, ", c.id) ", compare, " (", position, ", $6)) ORDER BY ", sort_key, " ", direction,
      ", c.id ", direction, " LIMIT $7");
}

// The outcome names of create_comment_from_address() (db/migrations/0005_create_comment.sql,
// 0030_address_limits.sql).
constexpr std::pair<absl::string_view, CreateOutcome> kCreateOutcomes[] = {
    {"created", CreateOutcome::kCreated},
    {"repeated", CreateOutcome::kRepeated},
    {"banned", CreateOutcome::kBanned},
    {"no_article", CreateOutcome::kNoArticle},
    {"comments_closed", CreateOutcome::kCommentsClosed},
    {"bad_parent", CreateOutcome::kBadParent},
    {"duplicate", CreateOutcome::kDuplicate},
    {"rate_limited", CreateOutcome::kRateLimited},
    {"address_rate_limited", CreateOutcome::kAddressRateLimited},
    {"conflict", CreateOutcome::kConflict},
};

constexpr char kCreateMicros[] = "(extract(epoch FROM c.create_time) * 1000000)::bigint";

}  // namespace

std::string CommentStateName(v1::CommentState state) {
  switch (state) {
    case v1::COMMENT_STATE_PENDING:
      return "pending";
    case v1::COMMENT_STATE_APPROVED:
      return "approved";
    case v1::COMMENT_STATE_REJECTED:
      return "rejected";
    case v1::COMMENT_STATE_SPAM:
      return "spam";
    case v1::COMMENT_STATE_DELETED:
      return "deleted";
    default:
      return "";
  }
}

v1::CommentState CommentStateFromName(absl::string_view name) {
  if (name == "pending") return v1::COMMENT_STATE_PENDING;
  if (name == "approved") return v1::COMMENT_STATE_APPROVED;
  if (name == "rejected") return v1::COMMENT_STATE_REJECTED;
  if (name == "spam") return v1::COMMENT_STATE_SPAM;
  if (name == "deleted") return v1::COMMENT_STATE_DELETED;
  return v1::COMMENT_STATE_UNSPECIFIED;
}

void CommentStore::Prepare(pqxx::connection& connection) {
  connection.prepare("comment_by_id",
                     absl::StrCat("SELECT ", kCommentColumns, " FROM comments c WHERE c.id = $1"));
  // The LATERAL subquery names the returned row's columns `c.`, so kCommentColumns reads them.
  connection.prepare(
      "comment_create",
      absl::StrCat("SELECT r.outcome, coalesce((extract(epoch FROM r.flood_oldest) * 1000000)"
                   "::bigint, 0), ",
                   kCommentColumns,
                   " FROM create_comment_from_address($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
                   " $11, nullif($12, '')::inet, nullif($13, '')::cidr, $14, $15, $16) r,"
                   " LATERAL (SELECT (r.comment).*) c"));
  connection.prepare("comment_by_request",
                     absl::StrCat("SELECT ", kCommentColumns,
                                  " FROM comments c WHERE c.client_id = $1 AND c.request_id = $2"));
  connection.prepare(
      "comment_by_id_for_update",
      absl::StrCat("SELECT ", kCommentColumns, " FROM comments c WHERE c.id = $1 FOR UPDATE"));
  for (const bool featured_first : {false, true}) {
    const std::string suffix = featured_first ? "_featured" : "";
    connection.prepare("comment_top_oldest" + suffix,
                       TopLevelQuery(kCreateMicros, "ASC", featured_first));
    connection.prepare("comment_top_newest" + suffix,
                       TopLevelQuery(kCreateMicros, "DESC", featured_first));
    connection.prepare("comment_top_liked" + suffix,
                       TopLevelQuery("c.like_count", "DESC", featured_first));
  }
  connection.prepare("comment_approved_replies",
                     absl::StrCat("SELECT ", kCommentColumns,
                                  " FROM comments c WHERE c.parent_id = ANY($1::bigint[]) AND ",
                                  Readable("c"), " ORDER BY c.create_time, c.id"));
  connection.prepare("comment_transition",
                     "UPDATE comments SET state = $3::comment_state, reported = false,"
                     " reports_overruled = reports_overruled OR ($3::comment_state = 'approved' AND"
                     " report_count > 0), update_time = now()"
                     " WHERE id = $1 AND state = $2::comment_state RETURNING article_id");
  connection.prepare("comment_hide_reported",
                     "UPDATE comments SET state = 'pending', reported = true, update_time = now()"
                     " WHERE id = $1 AND state = 'approved' RETURNING article_id");
  connection.prepare("comment_report_add",
                     "WITH r AS (INSERT INTO comment_reports (comment_id, client_id, reason, note)"
                     " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING comment_id)"
                     " UPDATE comments SET report_count = report_count + 1"
                     " WHERE id IN (SELECT comment_id FROM r) RETURNING report_count");
  connection.prepare("comment_replace_body",
                     "WITH old AS (INSERT INTO comment_revisions (comment_id, body)"
                     " SELECT id, body FROM comments WHERE id = $1)"
                     " UPDATE comments SET body = $2,"
                     " body_key_sha256 = encode(sha256(convert_to($3, 'UTF8')), 'hex'),"
                     " edit_time = now(), reports_overruled = false, update_time = now()"
                     " WHERE id = $1");
  connection.prepare("comment_set_featured",
                     "UPDATE comments SET featured = $2, update_time = now()"
                     " WHERE id = $1 AND featured <> $2 RETURNING id");
  connection.prepare("comment_open_of_client",
                     "SELECT id, state::text FROM comments WHERE client_id = $1"
                     " AND state IN ('pending', 'approved') ORDER BY create_time, id");
  const std::string time_position = "'epoch'::timestamptz + $5::bigint * interval '1 microsecond'";
  connection.prepare("comment_queue_oldest", QueueQuery("c.create_time", time_position, "ASC"));
  connection.prepare("comment_queue_newest", QueueQuery("c.create_time", time_position, "DESC"));
  connection.prepare("comment_queue_most_reported", QueueQuery("c.report_count", "$5", "DESC"));
  connection.prepare("comment_like_add",
                     "WITH l AS (INSERT INTO comment_likes (comment_id, client_id, client_network)"
                     " VALUES ($1, $2, nullif($3, '')::cidr) ON CONFLICT DO NOTHING"
                     " RETURNING comment_id)"
                     " UPDATE comments SET like_count = like_count + 1"
                     " WHERE id IN (SELECT comment_id FROM l) RETURNING id");
  connection.prepare("comment_like_remove",
                     "WITH l AS (DELETE FROM comment_likes WHERE comment_id = $1 AND client_id = $2"
                     " RETURNING comment_id) UPDATE comments SET like_count = like_count - 1"
                     " WHERE id IN (SELECT comment_id FROM l) RETURNING id");
  connection.prepare("comment_addresses",
                     "SELECT comment_id, host(client_address) FROM comment_addresses"
                     " WHERE comment_id = ANY($1::bigint[])");
  // 7304: the namespace of likes per network and comment (see 0030_address_limits.sql).
  connection.prepare("comment_like_network_lock",
                     "SELECT pg_advisory_xact_lock(7304, hashtext($2 || ' ' || $1::text))");
  connection.prepare("comment_like_network_count",
                     "SELECT coalesce(bool_or(client_id = $2), false),"
                     " count(*) FILTER (WHERE client_network = $3::cidr) FROM comment_likes"
                     " WHERE comment_id = $1 AND (client_id = $2 OR client_network = $3::cidr)");
}

std::optional<StoredComment> CommentStore::FindById(int64_t id) {
  return ReadOptional(tx_.exec_prepared("comment_by_id", id));
}

std::optional<StoredComment> CommentStore::FindByRequest(const std::string& client_id,
                                                         const std::string& request_id) {
  return ReadOptional(tx_.exec_prepared("comment_by_request", client_id, request_id));
}

std::optional<StoredComment> CommentStore::FindByIdForUpdate(int64_t id) {
  return ReadOptional(tx_.exec_prepared("comment_by_id_for_update", id));
}

CreateResult CommentStore::Create(const NewComment& comment) {
  const pqxx::row row = tx_.exec_prepared1(
      "comment_create", comment.client_id, comment.request_id, comment.article_id,
      comment.parent_id, comment.author_name, comment.body, comment.duplicate_key,
      CommentStateName(comment.state), comment.duplicate_window_seconds, comment.flood_limit,
      comment.flood_window_seconds, comment.client_address, comment.client_network,
      comment.address_flood_limit, comment.trust_after, comment.trust_clean_days);
  const std::string outcome = row[0].as<std::string>();
  const auto known = std::find_if(std::begin(kCreateOutcomes), std::end(kCreateOutcomes),
                                  [&outcome](const auto& entry) { return entry.first == outcome; });
  if (known == std::end(kCreateOutcomes)) {
    throw std::runtime_error(absl::StrCat("create_comment_from_address() returned outcome '", outcome, "'"));
  }
  CreateResult result;
  result.outcome = known->second;
  if (result.outcome == CreateOutcome::kCreated || result.outcome == CreateOutcome::kRepeated) {
    result.comment = ReadComment(row, 2);
  }
  result.flood_oldest_micros = row[1].as<int64_t>();
  return result;
}

std::vector<v1::Comment> CommentStore::ListTopLevel(int64_t article_id, v1::CommentOrder order,
                                                    bool featured_first,
                                                    const std::optional<CommentPosition>& after,
                                                    int limit) {
  std::string statement = order == v1::COMMENT_ORDER_NEWEST ? "comment_top_newest"
                          : order == v1::COMMENT_ORDER_TOP  ? "comment_top_liked"
                                                            : "comment_top_oldest";
  const int64_t sort_key = after ? after->sort_key : 0;
  const int64_t id = after ? after->id : 0;
  pqxx::result result;
  if (featured_first) {
    const bool ascending = order != v1::COMMENT_ORDER_NEWEST && order != v1::COMMENT_ORDER_TOP;
    const bool featured = after && after->featured;
    const int rank = ascending ? !featured : featured;
    result = tx_.exec_prepared(statement + "_featured", article_id, after.has_value(), sort_key, id,
                               limit, rank);
  } else {
    result = tx_.exec_prepared(statement, article_id, after.has_value(), sort_key, id, limit);
  }
  std::vector<v1::Comment> comments;
  comments.reserve(result.size());
  for (const auto& row : result) {
    v1::Comment comment = ReadComment(row).comment;
    // One tombstone whatever removed the comment: readers learn nothing of why.
    if (comment.state() != v1::COMMENT_STATE_APPROVED) {
      comment.set_state(v1::COMMENT_STATE_DELETED);
      comment.clear_author_name();
      comment.clear_body();
      comment.clear_featured();
      comment.clear_edit_time();
    }
    comments.push_back(std::move(comment));
  }
  return comments;
}

std::vector<v1::Comment> CommentStore::ListApprovedReplies(const std::vector<int64_t>& parent_ids) {
  std::vector<v1::Comment> replies;
  if (parent_ids.empty()) return replies;
  const std::string array = absl::StrCat("{", absl::StrJoin(parent_ids, ","), "}");
  for (const auto& row : tx_.exec_prepared("comment_approved_replies", array)) {
    replies.push_back(ReadComment(row).comment);
  }
  return replies;
}

std::optional<int64_t> CommentStore::Transition(int64_t id, v1::CommentState from,
                                                v1::CommentState to) {
  const pqxx::result result =
      tx_.exec_prepared("comment_transition", id, CommentStateName(from), CommentStateName(to));
  if (result.empty()) return std::nullopt;
  return result[0][0].as<int64_t>();
}

std::optional<int64_t> CommentStore::HideReported(int64_t id) {
  const pqxx::result result = tx_.exec_prepared("comment_hide_reported", id);
  if (result.empty()) return std::nullopt;
  return result[0][0].as<int64_t>();
}

std::optional<int64_t> CommentStore::AddReport(int64_t comment_id, const std::string& client_id,
                                               const std::string& reason, const std::string& note) {
  const pqxx::result result =
      tx_.exec_prepared("comment_report_add", comment_id, client_id, reason, note);
  if (result.empty()) return std::nullopt;
  return result[0][0].as<int64_t>();
}

void CommentStore::ReplaceBody(int64_t id, const std::string& body,
                               const std::string& duplicate_key) {
  tx_.exec_prepared("comment_replace_body", id, body, duplicate_key);
}

bool CommentStore::SetFeatured(int64_t id, bool featured) {
  return !tx_.exec_prepared("comment_set_featured", id, featured).empty();
}

std::vector<std::pair<int64_t, v1::CommentState>> CommentStore::ListOpenOfClient(
    const std::string& client_id) {
  std::vector<std::pair<int64_t, v1::CommentState>> comments;
  for (const auto& row : tx_.exec_prepared("comment_open_of_client", client_id)) {
    comments.emplace_back(row[0].as<int64_t>(), CommentStateFromName(row[1].as<std::string>()));
  }
  return comments;
}

std::vector<QueueEntry> CommentStore::ListQueue(const QueueFilter& filter, QueueOrder order,
                                                const std::optional<QueuePosition>& after,
                                                int limit) {
  const char* statement = order == QueueOrder::kNewest         ? "comment_queue_newest"
                          : order == QueueOrder::kMostReported ? "comment_queue_most_reported"
                                                               : "comment_queue_oldest";
  const pqxx::result result = tx_.exec_prepared(
      statement, CommentStateName(filter.state), filter.article_id, filter.reported_only,
      after.has_value(), after ? after->sort_key : 0, after ? after->id : 0, limit,
      filter.matched_term);
  std::vector<QueueEntry> entries;
  entries.reserve(result.size());
  for (const auto& row : result) {
    entries.push_back(QueueEntry{ReadComment(row), row[kCommentColumnCount].as<std::string>(),
                                 db::ParseTextArray(row[kCommentColumnCount + 1])});
  }
  return entries;
}

int64_t CommentStore::CountPending() {
  return tx_.exec1("SELECT count(*) FROM comments WHERE state = 'pending'")[0].as<int64_t>();
}

bool CommentStore::AddLike(int64_t comment_id, const std::string& client_id,
                           const std::string& client_network) {
  return !tx_.exec_prepared("comment_like_add", comment_id, client_id, client_network).empty();
}

bool CommentStore::RemoveLike(int64_t comment_id, const std::string& client_id) {
  return !tx_.exec_prepared("comment_like_remove", comment_id, client_id).empty();
}

std::map<int64_t, std::string> CommentStore::Addresses(const std::vector<int64_t>& comment_ids) {
  std::map<int64_t, std::string> addresses;
  if (comment_ids.empty()) return addresses;
  const std::string array = absl::StrCat("{", absl::StrJoin(comment_ids, ","), "}");
  for (const auto& row : tx_.exec_prepared("comment_addresses", array)) {
    addresses[row[0].as<int64_t>()] = row[1].as<std::string>();
  }
  return addresses;
}

CommentStore::NetworkLikes CommentStore::LockNetworkLikes(int64_t comment_id,
                                                         const std::string& client_id,
                                                         const std::string& client_network) {
  tx_.exec_prepared("comment_like_network_lock", comment_id, client_network);
  const pqxx::row row =
      tx_.exec_prepared1("comment_like_network_count", comment_id, client_id, client_network);
  return NetworkLikes{row[0].as<bool>(), row[1].as<int64_t>()};
}

std::vector<v1::Comment> CommentStore::ListApprovedLikeCounts(
    const std::vector<int64_t>& article_ids) {
  std::vector<v1::Comment> comments;
  if (article_ids.empty()) return comments;
  const pqxx::result result = tx_.exec_params(
      absl::StrCat("SELECT c.id, c.article_id, coalesce(c.parent_id, 0), c.like_count"
                   " FROM comments c WHERE c.article_id = ANY($1::bigint[]) AND ",
                   Readable("c")),
      absl::StrCat("{", absl::StrJoin(article_ids, ","), "}"));
  comments.reserve(result.size());
  for (const auto& row : result) {
    v1::Comment& comment = comments.emplace_back();
    comment.set_id(row[0].as<int64_t>());
    comment.set_article_id(row[1].as<int64_t>());
    comment.set_parent_id(row[2].as<int64_t>());
    comment.set_like_count(row[3].as<int64_t>());
  }
  return comments;
}

}  // namespace news::storage
