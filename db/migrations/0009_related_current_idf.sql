-- Related news scored with the current document frequencies (docs/discovery.md, "Related news").
--
-- article_terms now holds each article's term frequencies (weighted by place: title x3, summary
-- x2, body x1) of its most frequent terms instead of tf-idf weights fixed with the idf of the
-- moment it was indexed; scores are computed from these with the idf of the moment they are
-- computed. The old weights cannot be turned into frequencies, so they are dropped: run
-- `newsctl reindex-related` after this migration to extract the terms again from the articles'
-- text. Until then the stored lists are still served, but new articles only find each other.
TRUNCATE article_terms;
ALTER TABLE article_terms RENAME COLUMN weight TO frequency;

-- The number of indexed articles (indexed_document_count) when each article's related list was
-- last computed. A list is stale once the corpus has doubled since; the server recomputes stale
-- lists in the background. Articles without a row (indexed before this migration and not yet
-- reindexed) are not refreshed.
CREATE TABLE related_list_freshness (
  article_id bigint PRIMARY KEY,
  corpus_documents bigint NOT NULL
);
CREATE INDEX related_list_freshness_corpus_idx
  ON related_list_freshness (corpus_documents, article_id);
