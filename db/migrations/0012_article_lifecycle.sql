-- The article lifecycle, the editorial API's columns and the change log (docs/newsroom.md).
--
-- Readers see an article only while its status is 'published'; every reader query already says
-- so (a.status = 'published', served by the partial indexes of 0001 and 0003), and an expired
-- article stays readable by id or slug only. The status is kept truthful by the lifecycle: an
-- article whose publish time is in the future is 'scheduled' and the server's scheduler
-- publishes it when its time comes; one whose expire_time has passed is expired by the same
-- scheduler. So a change of what readers see is always a committed change of a row, which the
-- change log below records in the same transaction.
ALTER TABLE articles
  ADD COLUMN expire_time timestamptz,
  ADD COLUMN retract_reason text NOT NULL DEFAULT '',
  -- When a deleted article was deleted; the row is removed after the change log's retention.
  ADD COLUMN delete_time timestamptz,
  ADD COLUMN breaking boolean NOT NULL DEFAULT false,
  ADD COLUMN cover_image_credit text NOT NULL DEFAULT '',
  -- The body as typed blocks, news.v1.ArticleBlock in proto3 JSON; NULL for an article stored
  -- before blocks existed (its body_paragraphs are its paragraphs).
  ADD COLUMN body_blocks jsonb,
  -- Grows with every editorial or imported change of the article; its etag is derived from it.
  ADD COLUMN revision bigint NOT NULL DEFAULT 1,
  -- "<token id>/<request_id>" of the CreateArticle call that made the article.
  ADD COLUMN create_request_key text UNIQUE,
  ADD COLUMN create_time timestamptz NOT NULL DEFAULT now();

-- Pages imported with a future date before the lifecycle existed.
UPDATE articles SET status = 'scheduled' WHERE status = 'published' AND publish_time > now();

-- The scheduler's look-ups, and the editors' list by state.
CREATE INDEX articles_scheduled_idx ON articles (publish_time) WHERE status = 'scheduled';
CREATE INDEX articles_expiring_idx ON articles (expire_time)
  WHERE status = 'published' AND expire_time IS NOT NULL;
CREATE INDEX articles_deleted_idx ON articles (delete_time) WHERE status = 'deleted';
CREATE INDEX articles_editorial_idx ON articles (status, id DESC);

-- The change log: one row per change readers can see, inserted (by the triggers below) in the
-- transaction that makes the change, without a position. A sequence number taken at insert
-- time is no position: a transaction can take number 5, and commit after a follower has read
-- number 6 and moved on. So positions are stamped afterwards by stamp_change_log(), only on
-- committed rows (the ones its snapshot sees), by stamping transactions that run one at a time:
-- every position is given after the change committed and after every smaller position was
-- committed, so a follower reading "position > cursor" in position order never misses a row.
-- (Stamping only rows older than the snapshot's xmin is not needed for that, and would hold the
-- whole log back behind any long transaction, such as a bulk generate.)
CREATE TABLE change_log (
  id bigserial PRIMARY KEY,
  -- NULL until stamped; then 1, 2, 3, ... without gaps, in stamping order.
  position bigint UNIQUE,
  change_time timestamptz NOT NULL DEFAULT now(),
  kind text NOT NULL CHECK (kind IN ('article.published', 'article.updated', 'article.expired',
                                     'article.retracted', 'article.deleted', 'comment.approved',
                                     'comment.edited', 'comment.removed')),
  article_id bigint NOT NULL,
  -- Set for comment.* kinds.
  comment_id bigint
);
CREATE INDEX change_log_unstamped_idx ON change_log (id) WHERE position IS NULL;
CREATE INDEX change_log_time_idx ON change_log (change_time);

-- The last stamped position (one row); its row lock serialises stamping transactions.
CREATE TABLE change_log_head (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  last_position bigint NOT NULL DEFAULT 0
);
INSERT INTO change_log_head DEFAULT VALUES;

-- Append-only: a row's only change is getting its position; pruning deletes old rows.
CREATE FUNCTION change_log_only_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.position IS NOT NULL
     OR (NEW.id, NEW.change_time, NEW.kind, NEW.article_id, NEW.comment_id)
        IS DISTINCT FROM (OLD.id, OLD.change_time, OLD.kind, OLD.article_id, OLD.comment_id) THEN
    RAISE EXCEPTION 'change_log is append-only; only a missing position may be set';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER change_log_append_only BEFORE UPDATE ON change_log
  FOR EACH ROW EXECUTE FUNCTION change_log_only_stamp();

-- Stamps up to p_limit committed rows in id order and returns how many; NOTIFY change_log
-- with the new last position when it stamped any. Any session may call it at any time (the
-- server's sequencer does, under an advisory lock so that one instance does the work): the head
-- row's lock orders concurrent callers, and the UPDATE's snapshot, taken after the lock was
-- granted, includes the previous caller's stamps. Within one stamping transaction id order is
-- commit order for the changes of one row (a writer logs its change while it holds the row
-- lock); the rows of one stamping transaction become visible together.
CREATE FUNCTION stamp_change_log(p_limit integer) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  base bigint;
  stamped bigint;
BEGIN
  SELECT h.last_position INTO base FROM change_log_head h FOR UPDATE;
  WITH batch AS (
    SELECT l.id, row_number() OVER (ORDER BY l.id) AS rank FROM change_log l
    WHERE l.position IS NULL ORDER BY l.id LIMIT p_limit)
  UPDATE change_log l SET position = base + b.rank FROM batch b WHERE l.id = b.id;
  GET DIAGNOSTICS stamped = ROW_COUNT;
  IF stamped > 0 THEN
    UPDATE change_log_head SET last_position = base + stamped;
    PERFORM pg_notify('change_log', (base + stamped)::text);
  END IF;
  RETURN stamped;
END
$$;

-- What readers see change when an article's row changes; NULL when nothing they can see does.
-- Readers see 'published' articles, and 'expired' ones by direct id or slug.
CREATE FUNCTION article_change_kind(old_status article_status, new_status article_status,
                                    content_changed boolean) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN old_status = new_status THEN
      CASE WHEN content_changed AND new_status IN ('published', 'expired')
           THEN 'article.updated' END
    WHEN new_status = 'published' THEN 'article.published'
    WHEN new_status = 'expired' THEN 'article.expired'
    WHEN new_status = 'deleted' AND old_status NOT IN ('draft', 'scheduled')
      THEN 'article.deleted'
    -- Retracted, or moved back to draft or into the future: readers lose it.
    WHEN old_status IN ('published', 'expired') THEN 'article.retracted'
  END
$$;

CREATE FUNCTION log_article_inserts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO change_log (kind, article_id)
    SELECT 'article.published', n.id FROM new_articles n WHERE n.status = 'published'
    ORDER BY n.id;
  RETURN NULL;
END
$$;
-- Per statement over the transition table, so that the generator's COPY of many articles
-- writes its log rows in one insert.
CREATE TRIGGER articles_log_inserts AFTER INSERT ON articles
  REFERENCING NEW TABLE AS new_articles
  FOR EACH STATEMENT EXECUTE FUNCTION log_article_inserts();

CREATE FUNCTION log_article_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  kind text := article_change_kind(
    OLD.status, NEW.status,
    (OLD.slug, OLD.title, OLD.summary, OLD.body_paragraphs, OLD.body_blocks, OLD.author,
     OLD.source_id, OLD.category_id, OLD.tags, OLD.cover_image_url, OLD.cover_image_caption,
     OLD.cover_image_credit, OLD.publish_time, OLD.breaking)
    IS DISTINCT FROM
    (NEW.slug, NEW.title, NEW.summary, NEW.body_paragraphs, NEW.body_blocks, NEW.author,
     NEW.source_id, NEW.category_id, NEW.tags, NEW.cover_image_url, NEW.cover_image_caption,
     NEW.cover_image_credit, NEW.publish_time, NEW.breaking));
BEGIN
  IF kind IS NOT NULL THEN
    INSERT INTO change_log (kind, article_id) VALUES (kind, NEW.id);
  END IF;
  RETURN NULL;
END
$$;
-- Only updates that name a column readers see: view and comment counts, search documents and
-- comments_open never fire it.
CREATE TRIGGER articles_log_update
  AFTER UPDATE OF status, slug, title, summary, body_paragraphs, body_blocks, author, source_id,
    category_id, tags, cover_image_url, cover_image_caption, cover_image_credit, publish_time,
    breaking
  ON articles FOR EACH ROW EXECUTE FUNCTION log_article_update();

CREATE FUNCTION log_comment_inserts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO change_log (kind, article_id, comment_id)
    SELECT 'comment.approved', n.article_id, n.id FROM new_comments n WHERE n.state = 'approved'
    ORDER BY n.id;
  RETURN NULL;
END
$$;
CREATE TRIGGER comments_log_inserts AFTER INSERT ON comments
  REFERENCING NEW TABLE AS new_comments
  FOR EACH STATEMENT EXECUTE FUNCTION log_comment_inserts();

CREATE FUNCTION log_comment_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  kind text := CASE
    WHEN NEW.state = 'approved' AND OLD.state <> 'approved' THEN 'comment.approved'
    WHEN OLD.state = 'approved' AND NEW.state <> 'approved' THEN 'comment.removed'
    WHEN NEW.state = 'approved' AND OLD.body IS DISTINCT FROM NEW.body THEN 'comment.edited'
  END;
BEGIN
  IF kind IS NOT NULL THEN
    INSERT INTO change_log (kind, article_id, comment_id) VALUES (kind, NEW.article_id, NEW.id);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER comments_log_update AFTER UPDATE OF state, body ON comments
  FOR EACH ROW EXECUTE FUNCTION log_comment_update();

-- The scheduler (server/app/newsroom_worker.h): publishes due scheduled articles and expires
-- published ones past their expire_time, returning how many of each. Each row changes once
-- however many instances call this at the same moment: a concurrent update waits for the row
-- and then finds its status changed. The lock only spares instances that work (and deadlocks
-- between two multi-row updates): a caller that does not get it leaves the round to the holder.
CREATE FUNCTION advance_article_lifecycle(OUT published bigint, OUT expired bigint)
LANGUAGE plpgsql AS $$
BEGIN
  published := 0;
  expired := 0;
  IF NOT pg_try_advisory_xact_lock(7302, 2) THEN
    RETURN;
  END IF;
  UPDATE articles SET status = 'published', revision = revision + 1, update_time = now()
    WHERE status = 'scheduled' AND publish_time <= now();
  GET DIAGNOSTICS published = ROW_COUNT;
  UPDATE articles SET status = 'expired', revision = revision + 1, update_time = now()
    WHERE status = 'published' AND expire_time <= now();
  GET DIAGNOSTICS expired = ROW_COUNT;
END
$$;

-- Retention (the server's --change_log_retention): removes change-log rows and soft-deleted
-- articles older than p_retention_seconds; returns how many of each.
CREATE FUNCTION prune_newsroom(p_retention_seconds bigint, OUT changes bigint,
                               OUT articles bigint)
LANGUAGE plpgsql AS $$
DECLARE
  cutoff timestamptz := now() - p_retention_seconds * interval '1 second';
BEGIN
  DELETE FROM change_log WHERE position IS NOT NULL AND change_time < cutoff;
  GET DIAGNOSTICS changes = ROW_COUNT;
  DELETE FROM articles WHERE status = 'deleted' AND delete_time < cutoff;
  GET DIAGNOSTICS articles = ROW_COUNT;
END
$$;
