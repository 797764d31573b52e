#ifndef NEWS_SERVER_STORAGE_EDITORIAL_STORE_H_
#define NEWS_SERVER_STORAGE_EDITORIAL_STORE_H_

// The articles table as EditorialService sees it: every state, every editable column, the
// revision behind etags. Readers' SQL on the table is in article_store.h. Methods run in the
// caller's transaction and throw pqxx exceptions on database errors (pqxx::unique_violation
// when a slug is taken).

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "news/v1/editorial.pb.h"
#include "server/storage/articles/article_state.h"

namespace news::storage {

// An article with its revision (the etag's source) and its state.
struct EditorialRecord {
  v1::EditorialArticle article;  // etag unset
  int64_t revision = 0;
  ArticleState state = ArticleState::kDraft;
};

class EditorialStore {
 public:
  explicit EditorialStore(pqxx::transaction_base& tx) : tx_(tx) {}

  // Registers this store's prepared statements on a new connection.
  static void Prepare(pqxx::connection& connection);

  // Nullopt when no article has this id. `for_update` locks the row until the transaction ends.
  std::optional<EditorialRecord> Find(int64_t id, bool for_update);

  // The article created with this create_request_key, if any.
  std::optional<int64_t> FindByRequestKey(const std::string& request_key);

  // Whether an article other than `except_id` uses `slug`.
  bool SlugTaken(const std::string& slug, int64_t except_id);
  // The slugs equal to `base` or starting with `base`-.
  std::vector<std::string> SlugsLike(const std::string& base);

  // Inserts a draft with the article's editable fields (publish time: now) and returns its id.
  int64_t InsertDraft(const v1::EditorialArticle& article, const std::string& request_key);

  // Writes every editable field of `article` (publish_time and expire_time included; unset
  // expire_time: none), moves update_time and the revision.
  void WriteFields(const v1::EditorialArticle& article);

  // Sets the state (and, when given, the publish time and the retract reason; a deleted article
  // gets its delete time), moves update_time and the revision.
  void SetState(int64_t id, ArticleState state, std::optional<int64_t> publish_time_micros,
                const std::string& retract_reason);

  // Up to `limit` articles with id below `before_id`, newest first; of one state when given.
  std::vector<EditorialRecord> List(std::optional<ArticleState> state, int64_t before_id,
                                    int limit);

 private:
  pqxx::transaction_base& tx_;
};

}  // namespace news::storage

#endif  // NEWS_SERVER_STORAGE_EDITORIAL_STORE_H_
