-- Search documents now hold words of every script, and pairs of letters of scripts written
-- without spaces (docs/discovery.md); documents written before this migration hold only
-- [a-z0-9] words. Documents are computed in C++ (text::SearchDocument), so this migration only
-- queues every indexed article; `newsctl reindex-search` (run by scripts/run.sh) rebuilds the
-- queued documents in batches and dequeues them, and can be interrupted and run again. Until
-- then search still finds the queued articles by their Latin words. A later change of the
-- tokenisation queues the documents again in its own migration.
CREATE TABLE search_documents_to_rebuild (
  article_id bigint PRIMARY KEY
);
INSERT INTO search_documents_to_rebuild (article_id)
SELECT id FROM articles WHERE search_document IS NOT NULL;
