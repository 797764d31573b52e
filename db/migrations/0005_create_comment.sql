-- create_comment(): everything CommentService.CreateComment does in the database, as one call,
-- so that a create costs one round trip and one commit instead of about nine statements
-- (issue 5). The checks, their order and their meaning are those of docs/comments.md ("Creating
-- a comment"); the server validates the request first and maps `outcome` to the RPC's status
-- (server/domain/comment_board.cc). Called in autocommit, so the comment is durable on return.
--
-- p_parent_id: 0 for a top-level comment, else the comment replied to. p_duplicate_key: the
-- folded body (DuplicateKey, server/domain/comment_validation.h), stored as its sha256 hex.
-- p_state: 'pending' or 'approved' (the server's moderation mode). Windows are in seconds.
--
-- outcome:
--   'created'          comment: the new row
--   'repeated'         comment: the row an earlier call with this request_id created
--   'banned'           the client has a ban in force
--   'no_article'       no published article has this id
--   'comments_closed'  the article does not take comments
--   'bad_parent'       p_parent_id (non-zero) is not an approved comment of the article
--   'duplicate'        the same folded body on the same article within the duplicate window
--   'rate_limited'     p_flood_limit comments within the flood window already; flood_oldest:
--                      create time of the oldest of them
--   'conflict'         the request_id was taken and is gone again (a concurrent writer)
--
-- SECURITY INVOKER (the default): the caller needs the table privileges news_app has
-- (0004_app_role.sql), and EXECUTE, which PUBLIC has on every new function.
CREATE FUNCTION create_comment(
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
    UPDATE articles SET comment_count = comment_count + 1 WHERE id = p_article_id;
  END IF;
  outcome := 'created';
END
$$;
