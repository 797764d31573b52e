#include "server/storage/prepared_statements.h"

#include "server/storage/articles/article_counter_store.h"
#include "server/storage/articles/article_store.h"
#include "server/storage/articles/category_store.h"
#include "server/storage/articles/source_store.h"
#include "server/storage/articles/view_store.h"
#include "server/storage/clients/client_registration_store.h"
#include "server/storage/clients/token_store.h"
#include "server/storage/comments/ban_store.h"
#include "server/storage/comments/comment_policy_store.h"
#include "server/storage/comments/comment_store.h"
#include "server/storage/comments/moderation_event_store.h"
#include "server/storage/discovery/related_store.h"
#include "server/storage/discovery/search_store.h"
#include "server/storage/newsroom/editorial_store.h"

namespace news::storage {

void PrepareStatements(pqxx::connection& connection) {
  ArticleStore::Prepare(connection);
  ArticleCounterStore::Prepare(connection);
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
