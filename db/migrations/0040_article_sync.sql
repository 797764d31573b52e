-- Offline sync for apps (ArticleService.ListArticleChanges, docs/sync.md).
--
-- A delta reads the article changes after a sync token's position. Comment changes share the
-- log, and can outnumber article changes by far, so the article changes get an index of their
-- own: "position > $1 AND comment_id IS NULL ORDER BY position LIMIT n" reads n entries, however
-- many comment changes lie between them. (article.* rows have no comment_id.)
CREATE INDEX change_log_article_position_idx ON change_log (position)
  WHERE comment_id IS NULL;

-- Retention removes a prefix of the positions. A token is known to be too old when the oldest
-- position kept is beyond the one after it; that test needs the kept positions to be gap-free.
-- change_time is the time of the change, not of its commit: a change made early in a long
-- transaction gets a larger position than later changes of shorter ones, so deleting by
-- change_time alone could delete position 100 and keep 99, and a sync from 98 would miss 100
-- unnoticed. So pruning stops at the first position that is still young; the few old rows after
-- it wait for the next round.
CREATE OR REPLACE FUNCTION prune_newsroom(p_retention_seconds bigint, OUT changes bigint,
                                          OUT articles bigint)
LANGUAGE plpgsql AS $$
DECLARE
  cutoff timestamptz := now() - p_retention_seconds * interval '1 second';
  last_stamped bigint;
  first_kept bigint;
BEGIN
  -- Holds stamping off until this commits (stamp_change_log locks the head FOR UPDATE), so no
  -- position is given between finding the first young row and deleting what precedes it.
  SELECT h.last_position INTO last_stamped FROM change_log_head h FOR SHARE;
  -- Scans the position index from the start: only the rows pruned now come before it.
  SELECT l.position INTO first_kept FROM change_log l
    WHERE l.position IS NOT NULL AND l.change_time >= cutoff ORDER BY l.position LIMIT 1;
  DELETE FROM change_log WHERE position < coalesce(first_kept, last_stamped + 1);
  GET DIAGNOSTICS changes = ROW_COUNT;
  DELETE FROM articles WHERE status = 'deleted' AND delete_time < cutoff;
  GET DIAGNOSTICS articles = ROW_COUNT;
END
$$;
