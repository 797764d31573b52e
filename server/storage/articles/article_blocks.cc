#include "server/storage/articles/article_blocks.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "server/db/text_array.h"

namespace news::storage {

std::string BlocksFromParam(int n) {
  return absl::StrCat("(SELECT jsonb_agg(b.block::jsonb ORDER BY b.n) FROM unnest($", n,
                      "::text[]) WITH ORDINALITY AS b(block, n))");
}

std::string BlocksColumn(const std::string& alias) {
  return absl::StrCat("ARRAY(SELECT jsonb_array_elements(", alias, ".body_blocks)::text)");
}

std::string BlocksArrayLiteral(const std::vector<v1::ArticleBlock>& blocks) {
  std::vector<std::string> json;
  json.reserve(blocks.size());
  for (const v1::ArticleBlock& block : blocks) {
    std::string text;
    google::protobuf::util::MessageToJsonString(block, &text);
    json.push_back(std::move(text));
  }
  return db::ToTextArrayLiteral(json);
}

std::vector<v1::ArticleBlock> ReadBlocks(const pqxx::field& field) {
  std::vector<v1::ArticleBlock> blocks;
  for (const std::string& json : db::ParseTextArray(field)) {
    v1::ArticleBlock block;
    if (google::protobuf::util::JsonStringToMessage(json, &block).ok()) {
      blocks.push_back(std::move(block));
    }
  }
  return blocks;
}

std::vector<v1::ArticleBlock> ParagraphBlocks(const std::vector<std::string>& paragraphs) {
  std::vector<v1::ArticleBlock> blocks(paragraphs.size());
  for (size_t i = 0; i < paragraphs.size(); ++i) {
    blocks[i].mutable_paragraph()->set_text(paragraphs[i]);
  }
  return blocks;
}

std::vector<std::string> BlockParagraphs(const std::vector<v1::ArticleBlock>& blocks) {
  std::vector<std::string> paragraphs;
  for (const v1::ArticleBlock& block : blocks) {
    if (block.has_paragraph()) paragraphs.push_back(block.paragraph().text());
    if (block.has_heading()) paragraphs.push_back(block.heading().text());
    if (block.has_quote()) paragraphs.push_back(block.quote().text());
  }
  return paragraphs;
}

}  // namespace news::storage
