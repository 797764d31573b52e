#include "server/storage/prepared_statements.h"

#include "server/storage/article_store.h"
#include "server/storage/ban_store.h"
#include "server/storage/category_store.h"
#include "server/storage/comment_policy_store.h"
#include "server/storage/client_registration_store.h"
#include "server/storage/comment_store.h"
#include "server/storage/editorial_store.h"
#include "server/storage/moderation_event_store.h"
#include "server/storage/related_store.h"
#include "server/storage/search_store.h"
#include "server/storage/source_store.h"
#include "server/storage/token_store.h"
#include "server/storage/view_store.h"

namespace news::storage {

void PrepareStatements(pqxx::connection& connection) {
  ArticleStore::Prepare(connection);
  CategoryStore::Prepare(connection);
  SourceStore::Prepare(connection);
  SearchStore::Prepare(connection);
  RelatedStore::Prepare(connection);
  ViewStore::Prepare(connection);
  CommentStore::Prepare(connection);
  BanStore::Prepare(connection);
  ClientRegistrationStore::Prepare(connection);
  TokenStore::Prepare(connection);
  ModerationEventStore::Prepare(connection);
  EditorialStore::Prepare(connection);
  CommentPolicyStore::Prepare(connection);
}

}  // namespace news::storage
