#ifndef NEWS_SERVER_STORAGE_COMMENT_POLICY_STORE_H_
#define NEWS_SERVER_STORAGE_COMMENT_POLICY_STORE_H_

// All SQL of the moderation policy on create (db/migrations/0020_comment_policy.sql): the word
// lists (word_list_terms, word_list_version), why comments were held (comment_holds), and the
// moderation record of a client that trusted-reader status reads (comments, moderation_events).
// Methods run prepared statements in the caller's transaction and throw pqxx exceptions on
// database errors.

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <unordered_map>
#include <vector>

#include "news/v1/moderation.pb.h"

namespace news::storage {

// "banned" / "suspect" for the two lists; "" for UNSPECIFIED.
std::string WordListName(v1::WordList list);

struct StoredTerm {
  v1::WordListTerm term;
  std::string key;
};

class CommentPolicyStore {
 public:
  explicit CommentPolicyStore(pqxx::transaction_base& tx) : tx_(tx) {}

  static void Prepare(pqxx::connection& connection);

  // The version word-list changes count up (0 before any change).
  int64_t WordListVersion();

  // Adds a term and counts the version up. nullopt when `list` already has a term with `key`.
  std::optional<v1::WordListTerm> AddTerm(v1::WordList list, const std::string& term,
                                          const std::string& key, const std::string& created_by);

  // Removes the term of `list` with `key` and counts the version up; the removed term, or
  // nullopt when there was none.
  std::optional<v1::WordListTerm> RemoveTerm(v1::WordList list, const std::string& key);

  // Up to `limit` terms of `list` (UNSPECIFIED: both) with an id above `after_id`, by id.
  std::vector<v1::WordListTerm> ListTerms(v1::WordList list, int64_t after_id, int limit);

  // Records why comment `comment_id` was held, replacing an earlier reason (an edit held it
  // again).
  void AddHold(int64_t comment_id, const v1::CommentHold& hold);

  // The holds of those of `comment_ids` that have one.
  std::unordered_map<int64_t, v1::CommentHold> FindHolds(const std::vector<int64_t>& comment_ids);

  // Whether `client_id` has at least `min_approved` approved comments and no comment rejected
  // or marked spam in the last `clean_days` days (by the audit log).
  bool HasCleanRecord(const std::string& client_id, int min_approved, int clean_days);

 private:
  pqxx::transaction_base& tx_;
};

}  // namespace news::storage

#endif  // NEWS_SERVER_STORAGE_COMMENT_POLICY_STORE_H_
