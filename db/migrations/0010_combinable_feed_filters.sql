-- Combinable feed filters: ListArticles takes any combination of category, source and tag, and
-- every combination pages newest first as an index-driven keyset scan on (publish_time, id)
-- (docs/architecture.md, Pagination). Alone, each filter has its index from 0001; this adds the
-- combinations.

-- Category and source together.
CREATE INDEX articles_category_source_feed_idx
  ON articles (category_id, source_id, publish_time DESC, id DESC)
  WHERE status = 'published';

-- A GIN index on tags finds an article's tags but cannot return them in feed order, so a tag
-- feed had to read and sort every article of the tag. Instead each published article's tags are
-- kept as rows here, with the columns the feed filters and orders by, so that a B-tree per
-- combination with a tag walks the feed in order. Only the trigger below writes this table.
CREATE TABLE published_article_tags (
  article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  tag text NOT NULL,
  category_id bigint NOT NULL,
  source_id bigint,
  publish_time timestamptz NOT NULL,
  PRIMARY KEY (article_id, tag)
);
CREATE INDEX published_article_tags_feed_idx
  ON published_article_tags (tag, publish_time DESC, article_id DESC);
CREATE INDEX published_article_tags_category_feed_idx
  ON published_article_tags (tag, category_id, publish_time DESC, article_id DESC);
CREATE INDEX published_article_tags_source_feed_idx
  ON published_article_tags (tag, source_id, publish_time DESC, article_id DESC);
CREATE INDEX published_article_tags_category_source_feed_idx
  ON published_article_tags (tag, category_id, source_id, publish_time DESC, article_id DESC);

CREATE FUNCTION sync_published_article_tags() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM published_article_tags WHERE article_id = NEW.id;
  IF NEW.status = 'published' THEN
    INSERT INTO published_article_tags (article_id, tag, category_id, source_id, publish_time)
    SELECT DISTINCT NEW.id, tag, NEW.category_id, NEW.source_id, NEW.publish_time
    FROM unnest(NEW.tags) AS tag
    WHERE tag IS NOT NULL;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER articles_sync_tags_on_insert AFTER INSERT ON articles
  FOR EACH ROW EXECUTE FUNCTION sync_published_article_tags();
-- Counter updates (views, comments) do not touch the tag rows.
CREATE TRIGGER articles_sync_tags_on_update
  AFTER UPDATE OF tags, status, category_id, source_id, publish_time ON articles
  FOR EACH ROW
  WHEN (OLD.tags IS DISTINCT FROM NEW.tags OR OLD.status IS DISTINCT FROM NEW.status
        OR OLD.category_id IS DISTINCT FROM NEW.category_id
        OR OLD.source_id IS DISTINCT FROM NEW.source_id
        OR OLD.publish_time IS DISTINCT FROM NEW.publish_time)
  EXECUTE FUNCTION sync_published_article_tags();

INSERT INTO published_article_tags (article_id, tag, category_id, source_id, publish_time)
SELECT DISTINCT a.id, tag, a.category_id, a.source_id, a.publish_time
FROM articles a, unnest(a.tags) AS tag
WHERE a.status = 'published' AND tag IS NOT NULL;
