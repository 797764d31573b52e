-- A create in one round trip that no other network's or client's create waits for (issue 16):
--
-- 1. The trusted-reader test (docs/comments.md, "Word lists, link holds and trusted readers")
--    moves into create_comment_from_address(), which took a second round trip before every
--    create under pre-moderation. client_is_trusted() is its one definition; the edit path calls
--    it too (comment_policy_store.cc).
-- 2. The per-network lock is taken only when the per-network rules are on
--    (p_address_flood_limit > 0): it makes their counts exact, and nothing else needs it. With
--    the rules off, the creates of one network (a carrier's NAT, an office, a load test on one
--    machine) no longer run one at a time, each holding the lock through its commit's WAL
--    flush, so they share flushes like any other commits.

-- Whether `p_client_id` has at least `p_min_approved` approved comments and no comment rejected
-- or marked spam in the last `p_clean_days` days. Reads at most p_min_approved comment rows.
CREATE FUNCTION client_is_trusted(p_client_id text, p_min_approved integer, p_clean_days integer)
RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT (SELECT count(*) FROM (SELECT 1 FROM comments WHERE client_id = p_client_id
                                  AND state = 'approved' LIMIT p_min_approved) approved)
           >= p_min_approved
     AND NOT EXISTS (SELECT 1 FROM moderation_events WHERE client_id = p_client_id
                       AND action IN ('REJECT', 'MARK_SPAM')
                       AND create_time > now() - p_clean_days * interval '1 day')
$$;

DROP FUNCTION create_comment_from_address(text, text, bigint, bigint, text, text, text,
                                          comment_state, bigint, integer, bigint, inet, cidr,
                                          integer);

-- create_comment_from_address() of 0030_address_limits.sql, with two more parameters: when
-- p_trust_after > 0 and p_state is 'pending', the comment is stored 'approved' if
-- client_is_trusted(p_client_id, p_trust_after, p_trust_clean_days). Outcomes, checks and their
-- order are those of 0030 and 0005.
CREATE FUNCTION create_comment_from_address(
    p_client_id text, p_request_id text, p_article_id bigint, p_parent_id bigint,
    p_author_name text, p_body text, p_duplicate_key text, p_state comment_state,
    p_duplicate_window_seconds bigint, p_flood_limit integer, p_flood_window_seconds bigint,
    p_address inet, p_network cidr, p_address_flood_limit integer,
    p_trust_after integer, p_trust_clean_days integer,
    OUT outcome text, OUT flood_oldest timestamptz, OUT comment comments)
LANGUAGE plpgsql AS $$
DECLARE
  body_key text := encode(sha256(convert_to(p_duplicate_key, 'UTF8')), 'hex');
  duplicate_start timestamptz := now() - p_duplicate_window_seconds * interval '1 second';
  flood_start timestamptz := now() - p_flood_window_seconds * interval '1 second';
  is_duplicate boolean;
  recent_count bigint;
  recent_oldest timestamptz;
  state comment_state := p_state;
  created record;
BEGIN
  IF p_address IS NOT NULL THEN
    IF p_address_flood_limit > 0 THEN
      -- 7304: the network namespace (see 0030).
      PERFORM pg_advisory_xact_lock(7304, hashtext(p_network::text));
    END IF;
    IF NOT EXISTS (SELECT 1 FROM comments c
                   WHERE c.client_id = p_client_id AND c.request_id = p_request_id) THEN
      IF EXISTS (SELECT 1 FROM client_bans b WHERE b.address_range >>= p_address
                 AND (b.expire_time IS NULL OR b.expire_time > now())) THEN
        outcome := 'banned';
        RETURN;
      END IF;
      IF p_address_flood_limit > 0 THEN
        SELECT coalesce(bool_or(c.article_id = p_article_id AND c.body_key_sha256 = body_key
                                AND a.create_time > duplicate_start), false),
               count(*) FILTER (WHERE a.create_time > flood_start),
               min(a.create_time) FILTER (WHERE a.create_time > flood_start)
          INTO is_duplicate, recent_count, recent_oldest
          FROM comment_addresses a JOIN comments c ON c.id = a.comment_id
          WHERE a.client_network = p_network
            AND a.create_time > least(duplicate_start, flood_start);
        IF is_duplicate THEN
          outcome := 'duplicate';
          RETURN;
        END IF;
        IF recent_count >= p_address_flood_limit THEN
          outcome := 'address_rate_limited';
          flood_oldest := recent_oldest;
          RETURN;
        END IF;
      END IF;
    END IF;
  END IF;

  IF state = 'pending' AND p_trust_after > 0
     AND client_is_trusted(p_client_id, p_trust_after, p_trust_clean_days) THEN
    state := 'approved';
  END IF;

  SELECT * INTO created FROM create_comment(
      p_client_id, p_request_id, p_article_id, p_parent_id, p_author_name, p_body,
      p_duplicate_key, state, p_duplicate_window_seconds, p_flood_limit,
      p_flood_window_seconds);
  outcome := created.outcome;
  flood_oldest := created.flood_oldest;
  comment := created.comment;
  IF outcome = 'created' AND p_address IS NOT NULL THEN
    INSERT INTO comment_addresses (comment_id, client_address, client_network, create_time)
      VALUES ((comment).id, p_address, p_network, (comment).create_time);
  END IF;
END
$$;
