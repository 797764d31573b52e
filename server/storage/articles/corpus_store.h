#ifndef NEWS_SERVER_STORAGE_CORPUS_STORE_H_
#define NEWS_SERVER_STORAGE_CORPUS_STORE_H_

// Bulk writes of a generated corpus (importer/corpus_generator.h) with COPY: articles with their
// search documents, and comments. Methods run in the caller's transaction and throw pqxx
// exceptions on database errors.

#include <cstdint>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "server/storage/articles/article_state.h"

namespace news::storage {

struct GeneratedArticle {
  int64_t id;
  std::string slug;
  std::string import_key;
  std::string title;
  std::string summary;
  std::vector<std::string> body_paragraphs;
  std::string author;
  int64_t source_id;
  int64_t category_id;
  std::vector<std::string> tags;
  int64_t publish_time_micros;
  // Published, or scheduled when publish_time_micros is in the future.
  ArticleState state;
  // Written by ArticleCounterStore::Set after the copy.
  int64_t view_count;
  int64_t comment_count;
  // A tsvector literal (text/search_document.h).
  std::string search_document;
};

struct GeneratedComment {
  int64_t article_id;
  std::string client_id;
  std::string request_id;
  std::string author_name;
  std::string body;
  std::string body_key_sha256;
  int64_t create_time_micros;
};

class CorpusStore {
 public:
  explicit CorpusStore(pqxx::transaction_base& tx) : tx_(tx) {}

  // `count` fresh article ids from the articles' sequence.
  std::vector<int64_t> ReserveArticleIds(int64_t count);

  // Whether an article with this import key exists.
  bool ImportKeyExists(const std::string& import_key);

  // Whether the comments table exists (migration 0002).
  bool HasCommentsTable();

  // COPY; each article in its `state`.
  void CopyArticles(const std::vector<GeneratedArticle>& articles);
  // COPY; the comments are approved.
  void CopyComments(const std::vector<GeneratedComment>& comments);

 private:
  pqxx::transaction_base& tx_;
};

}  // namespace news::storage

#endif  // NEWS_SERVER_STORAGE_CORPUS_STORE_H_
