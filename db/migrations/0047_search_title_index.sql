-- Search reads title matches first, newest first, without collecting every match
-- (docs/discovery.md). `search_title` is the title part of the search document (its lexemes
-- weighted 'A', with their positions) plus the document's publish-block lexemes ('#7a2922', ...,
-- text::PublishBlockLexemes), kept by PostgreSQL, so the writers of search_document change
-- nothing. Its GIN index answers "the title matches published in this block" from a few
-- thousand index entries whatever the size of the archive, and titles are a few words, so
-- testing the phrase on a candidate row costs little.
--
-- RUM (postgresql-15-rum), whose index can order matches by an attached timestamp, was measured
-- for this and not used: its ordered scan (1.3.13) reads a word's whole posting list before
-- returning the first row, 2.2 s for a word in 1M rows (docs/discovery.md).
CREATE FUNCTION search_title_document(document tsvector) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT ts_filter(document, '{a}')
    || array_to_tsvector(ARRAY(SELECT u.lexeme FROM unnest(document) AS u
                               WHERE left(u.lexeme, 1) = '#'))
$$;

-- Rewrites the table once (about 20 s at 100k articles, a few minutes at 1M on 2 cores).
ALTER TABLE articles ADD COLUMN search_title tsvector
  GENERATED ALWAYS AS (search_title_document(search_document)) STORED;

CREATE INDEX articles_search_title_idx ON articles USING gin (search_title)
  WHERE status = 'published';
