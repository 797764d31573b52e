#include "server/importer/article_importer.h"

#include <google/protobuf/util/time_util.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/domain/discovery/related_news.h"
#include "server/domain/newsroom/article_lifecycle.h"
#include "server/importer/portal_page_parser.h"
#include "server/storage/articles/article_counter_store.h"
#include "server/storage/articles/article_store.h"
#include "server/storage/articles/category_store.h"
#include "server/storage/articles/source_store.h"
#include "server/storage/discovery/search_store.h"
#include "server/storage/prepared_statements.h"
#include "server/text/search_document.h"
#include "server/text/unicode_text.h"

namespace news::importer {
namespace {

// FNV-1a: stable across processes and builds, unlike absl::Hash.
uint32_t StableHash(absl::string_view data) {
  uint32_t hash = 2166136261u;
  for (unsigned char c : data) hash = (hash ^ c) * 16777619u;
  return hash;
}

// Pages can share a title (two portals ran the same headline); the second one's slug gets a
// suffix derived from its import key, so slugs stay stable whatever the import order.
std::string ChooseSlug(storage::ArticleStore& articles, const std::string& title,
                       const std::string& import_key) {
  std::string base = text::Slugify(title);
  if (base.empty()) base = "bai-viet";
  std::optional<std::string> owner = articles.ImportKeyOfSlug(base);
  if (!owner || *owner == import_key) return base;
  return absl::StrFormat("%s-%08x", base, StableHash(import_key));
}

// The body as typed blocks: its paragraphs, with an image block (caption only: the dumps keep no
// image addresses) where each captioned image stood.
std::vector<v1::ArticleBlock> PageBlocks(const ParsedPage& page) {
  std::vector<v1::ArticleBlock> blocks;
  size_t caption = 0;
  for (size_t i = 0; i <= page.body_paragraphs.size(); ++i) {
    for (; caption < page.image_captions.size() && page.image_caption_positions[caption] <= i;
         ++caption) {
      blocks.emplace_back().mutable_image()->set_caption(page.image_captions[caption]);
    }
    if (i < page.body_paragraphs.size()) {
      blocks.emplace_back().mutable_paragraph()->set_text(page.body_paragraphs[i]);
    }
  }
  return blocks;
}

}  // namespace

absl::StatusOr<ImportOutcome> ImportPortalPage(pqxx::connection& db, absl::string_view file_path,
                                               absl::string_view content,
                                               const ImportOptions& options) {
  absl::StatusOr<ParsedPage> page = ParsePortalPage(file_path, content);
  if (!page.ok()) return page.status();
  const std::string import_key =
      absl::StrCat("portal-page:", std::filesystem::path(std::string(file_path)).stem().string());

  storage::PrepareStatements(db);
  pqxx::work tx(db);
  // Indexing writes rows shared with other articles; see LockRelatedIndex.
  LockRelatedIndex(tx);
  storage::ArticleStore articles(tx);
  storage::ImportedArticle article;
  article.import_key = import_key;
  article.title = page->title;
  article.summary = page->summary;
  article.body_paragraphs = page->body_paragraphs;
  article.author = page->author;
  article.category_id = storage::CategoryStore(tx).Ensure(text::Slugify(options.category_name),
                                                          options.category_name);
  if (!page->source_label.empty()) {
    article.source_id =
        storage::SourceStore(tx).Ensure(text::Slugify(page->source_label), page->source_label);
  }
  if (!page->image_captions.empty()) article.cover_image_caption = page->image_captions.front();
  article.blocks = PageBlocks(*page);
  if (page->publish_time) {
    article.publish_time_micros = absl::ToUnixMicros(*page->publish_time);
    article.state = StateForPublishTime(*page->publish_time, absl::Now());
  }
  article.slug = ChooseSlug(articles, article.title, import_key);
  const storage::UpsertResult result = articles.UpsertImported(article);
  // The page's own count is a floor: views counted here since are never taken back.
  if (page->view_count) {
    storage::ArticleCounterStore(tx).RaiseViewCount(result.id, *page->view_count);
  }
  // Search and related news see the article in the same transaction as its text.
  text::ArticleWords words =
      text::SplitArticleWords(article.title, article.summary, article.body_paragraphs);
  storage::SearchStore(tx).SetDocument(
      result.id, text::SearchDocument(words, absl::FromUnixMicros(result.publish_time_micros)));
  IndexRelatedNews(tx, ArticleText{result.id, std::move(words), article.category_id, article.tags},
                   result.created);
  tx.commit();
  return ImportOutcome{result.id, article.slug, result.created, result.state};
}

int64_t RebuildQueuedSearchDocuments(pqxx::connection& db, int batch_size) {
  storage::PrepareStatements(db);
  int64_t rebuilt = 0;
  while (true) {
    pqxx::work tx(db);
    storage::SearchStore search(tx);
    const std::vector<storage::QueuedSearchText> batch = search.TakeQueuedForRebuild(batch_size);
    if (batch.empty()) return rebuilt;
    for (const storage::QueuedSearchText& queued : batch) {
      if (!queued.article) continue;
      const storage::ArticleSearchText& article = *queued.article;
      search.SetDocument(
          article.id,
          text::SearchDocument(
              text::SplitArticleWords(article.title, article.summary, article.body_paragraphs),
              absl::FromUnixMicros(article.publish_time_micros)));
      ++rebuilt;
    }
    tx.commit();
  }
}

}  // namespace news::importer
