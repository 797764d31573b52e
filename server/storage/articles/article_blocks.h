#ifndef NEWS_SERVER_STORAGE_ARTICLE_BLOCKS_H_
#define NEWS_SERVER_STORAGE_ARTICLE_BLOCKS_H_

// How an article's typed body blocks (news.v1.ArticleBlock) are stored: articles.body_blocks is
// a jsonb array of the blocks in proto3 JSON. Statements pass and read them as a text[] of one
// JSON object per block, through the SQL expressions below.

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "news/v1/article.pb.h"

namespace news::storage {

// SQL: the jsonb to store from a text[] parameter, e.g. BlocksFromParam(16) for $16; NULL for
// an empty array.
std::string BlocksFromParam(int n);
// SQL: the text[] to read from the body_blocks column of articles aliased `alias`.
std::string BlocksColumn(const std::string& alias);

// A text[] literal of `blocks` in proto3 JSON.
std::string BlocksArrayLiteral(const std::vector<v1::ArticleBlock>& blocks);

// The blocks of a BlocksColumn field; blocks that fail to parse are skipped (they were written
// by this code, so that happens only when a later version added a kind this one does not know).
std::vector<v1::ArticleBlock> ReadBlocks(const pqxx::field& field);

// One paragraph block per paragraph: the blocks of an article stored before blocks existed.
std::vector<v1::ArticleBlock> ParagraphBlocks(const std::vector<std::string>& paragraphs);

// The paragraphs readers without blocks see: the text of paragraph, heading and quote blocks.
std::vector<std::string> BlockParagraphs(const std::vector<v1::ArticleBlock>& blocks);

}  // namespace news::storage

#endif  // NEWS_SERVER_STORAGE_ARTICLE_BLOCKS_H_
