#include "server/domain/discovery/discovery_catalog.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/domain/articles/view_counter.h"
#include "server/domain/discovery/related_news.h"
#include "server/domain/status_details.h"
#include "server/storage/articles/article_store.h"
#include "server/storage/articles/view_store.h"
#include "server/storage/discovery/related_store.h"
#include "server/storage/discovery/search_store.h"
#include "server/text/search_document.h"
#include "server/text/unicode_text.h"

namespace news {
namespace {

constexpr int kRelatedDefaultSize = 5;
constexpr int kSearchDefaultSize = 10;
constexpr int kSearchMaxSize = 50;
constexpr int kMostViewedDefaultSize = 10;
constexpr int kMostViewedMaxSize = 50;
// Query words beyond this add nothing but cost.
constexpr size_t kMaxQueryWords = 32;

// The first of summary, body paragraphs and title that mentions a query word, as a snippet;
// empty when none does (a search document not yet rebuilt from the current text can match words
// the text no longer has).
std::string SnippetFor(const storage::SearchHit& hit, const std::vector<std::string>& words) {
  std::string snippet = text::HighlightSnippet(hit.article.summary(), words);
  for (size_t i = 0; snippet.empty() && i < hit.body_paragraphs.size(); ++i) {
    snippet = text::HighlightSnippet(hit.body_paragraphs[i], words);
  }
  if (snippet.empty()) snippet = text::HighlightSnippet(hit.article.title(), words);
  return snippet;
}

}  // namespace

absl::StatusOr<v1::ListRelatedArticlesResponse> DiscoveryCatalog::ListRelatedArticles(
    pqxx::connection& db, const v1::ListRelatedArticlesRequest& request) const {
  FieldViolations violations;
  if (request.article_id() <= 0) violations.Add("article_id", "must be a positive article id");
  absl::StatusOr<int> page_size =
      ResolvePageSize(request.page_size(), kRelatedDefaultSize, kRelatedListSize);
  if (!page_size.ok()) violations.Add("page_size", "must not be negative");
  if (!violations.empty()) return violations.ToStatus();

  // Single-statement reads need no transaction block; autocommit saves two round trips.
  pqxx::nontransaction tx(db);
  std::vector<v1::RelatedArticle> related =
      storage::RelatedStore(tx).ListRelated(request.article_id(), *page_size);
  if (related.empty()) {
    if (!storage::ArticleStore(tx).FindPublishedById(request.article_id())) {
      return absl::NotFoundError("no published article has this id");
    }
  }
  v1::ListRelatedArticlesResponse response;
  for (auto& entry : related) *response.add_related_articles() = std::move(entry);
  return response;
}

absl::StatusOr<DiscoveryCatalog::ParsedSearch> DiscoveryCatalog::ParseSearch(
    const v1::SearchArticlesRequest& request) const {
  FieldViolations violations;
  ParsedSearch parsed{.scope = PageScope("SearchArticles")};
  absl::StatusOr<std::string> query = text::ToNfc(request.query());
  if (!query.ok()) {
    violations.Add("query", "must be valid UTF-8");
  } else {
    const absl::string_view trimmed = text::TrimWhitespace(*query);
    if (trimmed.empty()) {
      violations.Add("query", "must not be empty");
    } else if (text::CodePointCount(trimmed) > kMaxQueryCodePoints) {
      violations.Add("query", "must be at most 200 characters");
    } else {
      parsed.words = text::SearchQueryWords(trimmed);
      if (parsed.words.empty()) violations.Add("query", "must contain a letter or digit");
      if (parsed.words.size() > kMaxQueryWords) parsed.words.resize(kMaxQueryWords);
    }
  }
  absl::StatusOr<int> page_size =
      ResolvePageSize(request.page_size(), kSearchDefaultSize, kSearchMaxSize);
  if (!page_size.ok()) violations.Add("page_size", "must not be negative");
  if (request.category_id() < 0) violations.Add("category_id", "must not be negative");
  if (request.source_id() < 0) violations.Add("source_id", "must not be negative");
  if (!violations.empty()) return violations.ToStatus();
  parsed.page_size = *page_size;

  for (const std::string& word : parsed.words) parsed.scope.Add(word);
  parsed.scope.Add(request.category_id()).Add(request.source_id());
  parsed.after = storage::SearchPosition::Start();
  if (!request.page_token().empty()) {
    absl::StatusOr<std::vector<int64_t>> keys =
        tokens_.Decode(request.page_token(), parsed.scope, 3);
    if (!keys.ok()) return keys.status();
    parsed.after = storage::SearchPosition{static_cast<int>((*keys)[0]), (*keys)[1], (*keys)[2]};
  }
  return parsed;
}

absl::StatusOr<std::string> DiscoveryCatalog::SearchCacheKey(
    const v1::SearchArticlesRequest& request) const {
  absl::StatusOr<ParsedSearch> parsed = ParseSearch(request);
  if (!parsed.ok()) return parsed.status();
  return absl::StrCat(parsed->scope.bytes(), "|", parsed->page_size, "|", parsed->after.tier,
                      "|", parsed->after.publish_time_micros, "|", parsed->after.id);
}

absl::StatusOr<v1::SearchArticlesResponse> DiscoveryCatalog::SearchArticles(
    pqxx::connection& db, const v1::SearchArticlesRequest& request) const {
  absl::StatusOr<ParsedSearch> parsed = ParseSearch(request);
  if (!parsed.ok()) return parsed.status();
  const std::vector<std::string>& words = parsed->words;
  storage::SearchQuery search{text::AllWordsQuery(words),
                              words.size() > 1 ? text::PhraseQuery(words) : "",
                              request.category_id(), request.source_id()};
  pqxx::nontransaction tx(db);
  std::vector<storage::SearchHit> hits =
      storage::SearchStore(tx).Search(search, parsed->after, parsed->page_size + 1);
  v1::SearchArticlesResponse response;
  const bool more = static_cast<int>(hits.size()) > parsed->page_size;
  if (more) hits.resize(parsed->page_size);
  for (auto& hit : hits) {
    v1::SearchResult* result = response.add_results();
    result->set_snippet(SnippetFor(hit, words));
    result->set_score(hit.position.tier);
    *result->mutable_article() = std::move(hit.article);
  }
  if (more) {
    const storage::SearchPosition& last = hits.back().position;
    response.set_next_page_token(
        tokens_.Encode(parsed->scope, {last.tier, last.publish_time_micros, last.id}));
  }
  return response;
}

absl::StatusOr<v1::ListMostViewedArticlesResponse> DiscoveryCatalog::ListMostViewedArticles(
    pqxx::connection& db, const v1::ListMostViewedArticlesRequest& request, absl::Time now) const {
  FieldViolations violations;
  absl::StatusOr<int> page_size =
      ResolvePageSize(request.page_size(), kMostViewedDefaultSize, kMostViewedMaxSize);
  if (!page_size.ok()) violations.Add("page_size", "must not be negative");
  int window_days = 0;
  switch (request.window()) {
    case v1::VIEW_WINDOW_DAY:
      window_days = 1;
      break;
    case v1::VIEW_WINDOW_UNSPECIFIED:
    case v1::VIEW_WINDOW_WEEK:
      window_days = 7;
      break;
    case v1::VIEW_WINDOW_MONTH:
      window_days = 30;
      break;
    case v1::VIEW_WINDOW_ALL:
      break;
    default:
      violations.Add("window", "must be DAY, WEEK, MONTH or ALL");
  }
  if (!violations.empty()) return violations.ToStatus();

  pqxx::nontransaction tx(db);
  storage::ViewStore store(tx);
  std::vector<v1::MostViewedArticle> articles =
      window_days == 0 ? store.MostViewedEver(*page_size)
                       : store.MostViewedSince(
                             FormatDayNumber(LocalDayNumber(now) - (window_days - 1)), *page_size);
  v1::ListMostViewedArticlesResponse response;
  for (auto& article : articles) *response.add_articles() = std::move(article);
  return response;
}

absl::StatusOr<v1::SiteStats> DiscoveryCatalog::GetSiteStats(pqxx::connection& db,
                                                             absl::Time now) const {
  pqxx::nontransaction tx(db);
  v1::SiteStats stats;
  stats.set_total_visits(storage::ViewStore(tx).Counter("total_visits") +
                         activity_.PendingVisits());
  stats.set_online_now(activity_.OnlineNow(now));
  return stats;
}

}  // namespace news
