#include "tests/support/reader_view.h"

#include "news/v1/article.grpc.pb.h"
#include "news/v1/discovery.grpc.pb.h"
#include "tests/support/test_server.h"

namespace news::testing {

ReaderView ObserveArticle(const std::shared_ptr<grpc::Channel>& channel, int64_t id,
                          const std::string& slug, const std::string& search_query) {
  auto articles = v1::ArticleService::NewStub(channel);
  auto discovery = v1::DiscoveryService::NewStub(channel);
  ReaderView view;

  std::vector<int64_t> feed_ids;
  v1::ListArticlesRequest list;
  list.set_page_size(100);
  do {
    v1::ListArticlesResponse page;
    if (!articles->ListArticles(ContextWithDeadline().get(), list, &page).ok()) break;
    for (const auto& summary : page.articles()) feed_ids.push_back(summary.id());
    list.set_page_token(page.next_page_token());
  } while (!list.page_token().empty());
  for (int64_t feed_id : feed_ids) view.in_feed |= feed_id == id;

  v1::GetArticleRequest by_id;
  by_id.set_id(id);
  v1::Article article;
  view.get_by_id = articles->GetArticle(ContextWithDeadline().get(), by_id, &article).error_code();
  v1::GetArticleRequest by_slug;
  by_slug.set_slug(slug);
  view.get_by_slug =
      articles->GetArticle(ContextWithDeadline().get(), by_slug, &article).error_code();

  v1::SearchArticlesRequest search;
  search.set_query(search_query);
  search.set_page_size(50);
  do {
    v1::SearchArticlesResponse page;
    if (!discovery->SearchArticles(ContextWithDeadline().get(), search, &page).ok()) break;
    for (const auto& result : page.results()) view.in_search |= result.article().id() == id;
    search.set_page_token(page.next_page_token());
  } while (!search.page_token().empty());

  for (int64_t other : feed_ids) {
    if (other == id) continue;
    v1::ListRelatedArticlesRequest related;
    related.set_article_id(other);
    related.set_page_size(20);
    v1::ListRelatedArticlesResponse related_response;
    if (discovery->ListRelatedArticles(ContextWithDeadline().get(), related, &related_response)
            .ok()) {
      for (const auto& entry : related_response.related_articles()) {
        view.in_related |= entry.article().id() == id;
      }
    }
    v1::GetArticleRequest neighbour_request;
    neighbour_request.set_id(other);
    v1::Article neighbour;
    if (articles->GetArticle(ContextWithDeadline().get(), neighbour_request, &neighbour).ok()) {
      view.is_neighbour |= neighbour.newer().id() == id || neighbour.older().id() == id;
    }
  }

  for (v1::ViewWindow window : {v1::VIEW_WINDOW_DAY, v1::VIEW_WINDOW_ALL}) {
    v1::ListMostViewedArticlesRequest most_viewed;
    most_viewed.set_window(window);
    most_viewed.set_page_size(50);
    v1::ListMostViewedArticlesResponse response;
    if (discovery->ListMostViewedArticles(ContextWithDeadline().get(), most_viewed, &response)
            .ok()) {
      for (const auto& entry : response.articles()) {
        view.in_most_viewed |= entry.article().id() == id;
      }
    }
  }
  return view;
}

}  // namespace news::testing
