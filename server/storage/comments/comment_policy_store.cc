#include "server/storage/comments/comment_policy_store.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace news::storage {
namespace {

using google::protobuf::util::TimeUtil;

constexpr char kTermColumns[] =
    "id, list, term, created_by, (extract(epoch FROM create_time) * 1000000)::bigint";

v1::WordListTerm ReadTerm(const pqxx::row& row) {
  v1::WordListTerm term;
  term.set_id(row[0].as<int64_t>());
  term.set_list(row[1].as<std::string>() == "banned" ? v1::WORD_LIST_BANNED
                                                     : v1::WORD_LIST_SUSPECT);
  term.set_term(row[2].as<std::string>());
  term.set_created_by(row[3].as<std::string>());
  *term.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row[4].as<int64_t>());
  return term;
}

}  // namespace

std::string WordListName(v1::WordList list) {
  switch (list) {
    case v1::WORD_LIST_BANNED:
      return "banned";
    case v1::WORD_LIST_SUSPECT:
      return "suspect";
    default:
      return "";
  }
}

void CommentPolicyStore::Prepare(pqxx::connection& connection) {
  connection.prepare("word_list_version", "SELECT version FROM word_list_version WHERE id = 1");
  // The version row is locked by the first change of a transaction, so concurrent changes
  // count up one after the other.
  connection.prepare("word_list_bump",
                     "UPDATE word_list_version SET version = version + 1 WHERE id = 1");
  connection.prepare("word_list_add",
                     absl::StrCat("INSERT INTO word_list_terms (list, term, term_key, created_by)"
                                  " VALUES ($1, $2, $3, $4) ON CONFLICT (list, term_key)"
                                  " DO NOTHING RETURNING ",
                                  kTermColumns));
  connection.prepare("word_list_remove",
                     absl::StrCat("DELETE FROM word_list_terms WHERE list = $1 AND term_key = $2"
                                  " RETURNING ",
                                  kTermColumns));
  connection.prepare("word_list_list",
                     absl::StrCat("SELECT ", kTermColumns,
                                  " FROM word_list_terms WHERE ($1 = '' OR list = $1) AND id > $2"
                                  " ORDER BY id LIMIT $3"));
  connection.prepare("comment_hold_add",
                     "INSERT INTO comment_holds (comment_id, matched_term, link_count)"
                     " VALUES ($1, $2, $3) ON CONFLICT (comment_id) DO UPDATE"
                     " SET matched_term = excluded.matched_term, link_count = excluded.link_count");
  connection.prepare("comment_hold_find",
                     "SELECT comment_id, matched_term, link_count FROM comment_holds"
                     " WHERE comment_id = ANY($1::bigint[])");
  connection.prepare(
      "client_clean_record",
      "SELECT client_is_trusted($1, $2, $3)");
}

int64_t CommentPolicyStore::WordListVersion() {
  return tx_.exec_prepared1("word_list_version")[0].as<int64_t>();
}

std::optional<v1::WordListTerm> CommentPolicyStore::AddTerm(v1::WordList list,
                                                            const std::string& term,
                                                            const std::string& key,
                                                            const std::string& created_by) {
  const pqxx::result added =
      tx_.exec_prepared("word_list_add", WordListName(list), term, key, created_by);
  if (added.empty()) return std::nullopt;
  tx_.exec_prepared0("word_list_bump");
  return ReadTerm(added[0]);
}

std::optional<v1::WordListTerm> CommentPolicyStore::RemoveTerm(v1::WordList list,
                                                               const std::string& key) {
  const pqxx::result removed = tx_.exec_prepared("word_list_remove", WordListName(list), key);
  if (removed.empty()) return std::nullopt;
  tx_.exec_prepared0("word_list_bump");
  return ReadTerm(removed[0]);
}

std::vector<v1::WordListTerm> CommentPolicyStore::ListTerms(v1::WordList list, int64_t after_id,
                                                            int limit) {
  std::vector<v1::WordListTerm> terms;
  for (const auto& row : tx_.exec_prepared("word_list_list", WordListName(list), after_id, limit)) {
    terms.push_back(ReadTerm(row));
  }
  return terms;
}

void CommentPolicyStore::AddHold(int64_t comment_id, const v1::CommentHold& hold) {
  tx_.exec_prepared0("comment_hold_add", comment_id, hold.matched_term(), hold.link_count());
}

std::unordered_map<int64_t, v1::CommentHold> CommentPolicyStore::FindHolds(
    const std::vector<int64_t>& comment_ids) {
  std::unordered_map<int64_t, v1::CommentHold> holds;
  if (comment_ids.empty()) return holds;
  const std::string array = absl::StrCat("{", absl::StrJoin(comment_ids, ","), "}");
  for (const auto& row : tx_.exec_prepared("comment_hold_find", array)) {
    v1::CommentHold& hold = holds[row[0].as<int64_t>()];
    hold.set_matched_term(row[1].as<std::string>());
    hold.set_link_count(row[2].as<int32_t>());
  }
  return holds;
}

bool CommentPolicyStore::HasCleanRecord(const std::string& client_id, int min_approved,
                                        int clean_days) {
  return tx_.exec_prepared1("client_clean_record", client_id, min_approved, clean_days)[0]
      .as<bool>();
}

}  // namespace news::storage
