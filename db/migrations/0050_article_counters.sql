-- Counters out of the article row (issue 16, "the write path"). A view flush or an approved
-- comment used to rewrite the whole articles row: wide (title, summary, body, blocks, search
-- documents) and covered by more than a dozen indexes, and articles_most_viewed_idx made every
-- view-count change a non-HOT update, so each flushed view wrote a new copy of the row and an
-- entry in every index (at 100k articles 5.2 KB of WAL per flushed view within a checkpoint
-- cycle, 15.8 KB right after a checkpoint; 0.7 KB and 3 KB with this migration, docs/discovery.md
-- "The write path of a view"). The counters now live in a narrow table of their own:
-- - view_count is still indexed (most viewed over all time reads the index in order, so its cost
--   does not grow with the archive), so a view flush is a non-HOT update, but of a 48-byte row
--   with two indexes; fillfactor 70 keeps the new version on the same page (fewer pages, fewer
--   full-page images after a checkpoint).
-- - comment_count is not indexed, so its updates are HOT.
-- Every article has its row from the moment it is inserted (articles_create_counters below,
-- whatever inserts it: importer, editorial API, generator, plain SQL), so readers join it without
-- coalescing, and writers update it without upserting. Changes of these rows write no change-log
-- row, as before (docs/caching.md: counters are refreshed in batches, not invalidated).
CREATE TABLE article_counters (
  article_id bigint PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
  view_count bigint NOT NULL DEFAULT 0 CHECK (view_count >= 0),
  comment_count bigint NOT NULL DEFAULT 0 CHECK (comment_count >= 0)
) WITH (fillfactor = 70);

INSERT INTO article_counters (article_id, view_count, comment_count)
  SELECT id, view_count, comment_count FROM articles ORDER BY id;

-- Most viewed over all time (was articles_most_viewed_idx, partial on published articles: the
-- status is the article row's, so the read skips the few unpublished ones it meets).
CREATE INDEX article_counters_most_viewed_idx ON article_counters (view_count DESC,
                                                                   article_id DESC);

DROP INDEX articles_most_viewed_idx;
-- Metadata only: old row versions keep the bytes until they are next rewritten.
ALTER TABLE articles DROP COLUMN view_count, DROP COLUMN comment_count;

-- A flush's new daily rows (the first view of an article on a day) checked their foreign key by
-- locking the articles row (FOR KEY SHARE), which writes the row's heap page (and its full-page
-- image after a checkpoint). The counters row exists exactly while the article does and is
-- locked by the same flush anyway, so the daily rows now reference it; deleting an article still
-- deletes them (articles -> article_counters -> article_daily_views).
ALTER TABLE article_daily_views
  DROP CONSTRAINT article_daily_views_article_id_fkey,
  ADD CONSTRAINT article_daily_views_article_id_fkey FOREIGN KEY (article_id)
    REFERENCES article_counters (article_id) ON DELETE CASCADE;

-- Per statement over the transition table, like articles_log_inserts (0012), so that the
-- generator's COPY of a batch makes its counters rows in one insert. INSERT ... ON CONFLICT DO
-- UPDATE (the importer's upsert) lists only the rows it inserted here.
CREATE FUNCTION create_article_counters() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO article_counters (article_id) SELECT n.id FROM new_articles n ORDER BY n.id;
  RETURN NULL;
END
$$;
CREATE TRIGGER articles_create_counters AFTER INSERT ON articles
  REFERENCING NEW TABLE AS new_articles
  FOR EACH STATEMENT EXECUTE FUNCTION create_article_counters();

-- create_comment() of 0005_create_comment.sql, unchanged but for the approved-comment count,
-- which it now adds to article_counters.
CREATE OR REPLACE FUNCTION create_comment(
    p_client_id text, p_request_id text, p_article_id bigint, p_parent_id bigint,
    p_author_name text, p_body text, p_duplicate_key text, p_state comment_state,
    p_duplicate_window_seconds bigint, p_flood_limit integer, p_flood_window_seconds bigint,
    OUT outcome text, OUT flood_oldest timestamptz, OUT comment comments)
LANGUAGE plpgsql AS $$
DECLARE
  body_key text := encode(sha256(convert_to(p_duplicate_key, 'UTF8')), 'hex');
  article_open boolean;
  thread_id bigint;
  duplicate_start timestamptz := now() - p_duplicate_window_seconds * interval '1 second';
  flood_start timestamptz := now() - p_flood_window_seconds * interval '1 second';
  is_duplicate boolean;
  recent_count bigint;
  recent_oldest timestamptz;
BEGIN
  -- Serialises the creates of one client until this transaction ends, so that every check below
  -- sees all earlier comments of the client, also from other server instances. Each statement
  -- of this (volatile) function takes a new snapshot, so it sees what the previous holder of the
  -- lock committed. 7301 is an arbitrary namespace; the two-key form never collides with the
  -- migration lock.
  PERFORM pg_advisory_xact_lock(7301, hashtext(p_client_id));

  -- A retry of an accepted request is not a new comment: answered before any rule below.
  SELECT c.* INTO comment FROM comments c
    WHERE c.client_id = p_client_id AND c.request_id = p_request_id;
  IF FOUND THEN
    outcome := 'repeated';
    RETURN;
  END IF;

  IF EXISTS (SELECT 1 FROM client_bans b WHERE b.client_id = p_client_id
             AND (b.expire_time IS NULL OR b.expire_time > now())) THEN
    outcome := 'banned';
    RETURN;
  END IF;

  SELECT a.comments_open INTO article_open FROM articles a
    WHERE a.id = p_article_id AND a.status = 'published';
  IF NOT FOUND THEN
    outcome := 'no_article';
    RETURN;
  END IF;
  IF NOT article_open THEN
    outcome := 'comments_closed';
    RETURN;
  END IF;

  IF p_parent_id <> 0 THEN
    -- Threads are two levels deep, as in the apps: a reply to a reply joins the thread.
    SELECT coalesce(c.parent_id, c.id) INTO thread_id FROM comments c
      WHERE c.id = p_parent_id AND c.article_id = p_article_id AND c.state = 'approved';
    IF NOT FOUND THEN
      outcome := 'bad_parent';
      RETURN;
    END IF;
  END IF;

  -- The duplicate rule, then the flood rule, from one scan of the client's recent comments.
  SELECT coalesce(bool_or(c.article_id = p_article_id AND c.body_key_sha256 = body_key
                          AND c.create_time > duplicate_start), false),
         count(*) FILTER (WHERE c.create_time > flood_start),
         min(c.create_time) FILTER (WHERE c.create_time > flood_start)
    INTO is_duplicate, recent_count, recent_oldest
    FROM comments c
    WHERE c.client_id = p_client_id AND c.create_time > least(duplicate_start, flood_start);
  IF is_duplicate THEN
    outcome := 'duplicate';
    RETURN;
  END IF;
  IF recent_count >= p_flood_limit THEN
    outcome := 'rate_limited';
    flood_oldest := recent_oldest;
    RETURN;
  END IF;

  -- ON CONFLICT: a writer that does not take the client lock may have inserted this request_id
  -- since the lookup above; then its row is the answer.
  INSERT INTO comments (article_id, parent_id, client_id, request_id, author_name, body,
                        body_key_sha256, state)
    VALUES (p_article_id, thread_id, p_client_id, p_request_id, p_author_name, p_body, body_key,
            p_state)
    ON CONFLICT (client_id, request_id) DO NOTHING
    RETURNING * INTO comment;
  IF NOT FOUND THEN
    SELECT c.* INTO comment FROM comments c
      WHERE c.client_id = p_client_id AND c.request_id = p_request_id;
    outcome := CASE WHEN FOUND THEN 'repeated' ELSE 'conflict' END;
    RETURN;
  END IF;

  -- The count of readable comments changes with the comment's state, in the same transaction,
  -- never by recount (moderation_desk.cc does the same for later transitions).
  IF p_state = 'approved' THEN
    UPDATE article_counters SET comment_count = comment_count + 1 WHERE article_id = p_article_id;
  END IF;
  outcome := 'created';
END
$$;
