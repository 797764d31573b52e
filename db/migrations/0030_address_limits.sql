-- Abuse resistance (docs/comments.md, "Abuse resistance"): limits a client cannot shed by making
-- up a new x-client-id. The network address of each comment and like is kept, so that flood and
-- duplicate rules and a like cap also apply per network (an IPv4 address, an IPv6 /64); bans can
-- target an address range; server-issued client ids are counted per network.

-- A ban targets either a client id or an address range (a single address is a /32 or /128).
ALTER TABLE client_bans ALTER COLUMN client_id DROP NOT NULL;
ALTER TABLE client_bans ADD COLUMN address_range cidr UNIQUE;
ALTER TABLE client_bans ADD CONSTRAINT client_bans_one_target
  CHECK ((client_id IS NULL) <> (address_range IS NULL));
CREATE INDEX client_bans_address_range_idx ON client_bans USING gist (address_range inet_ops)
  WHERE address_range IS NOT NULL;

-- Where each comment came from (none for comments made before this migration or over a
-- connection without an IP address). Readers never see it.
CREATE TABLE comment_addresses (
  comment_id bigint PRIMARY KEY REFERENCES comments (id) ON DELETE CASCADE,
  client_address inet NOT NULL,
  -- The rate-limit group of client_address: the address itself (IPv4) or its /64 (IPv6).
  client_network cidr NOT NULL,
  create_time timestamptz NOT NULL
);
CREATE INDEX comment_addresses_network_recent_idx
  ON comment_addresses (client_network, create_time);

-- The rate-limit group a like came from; NULL for older likes.
ALTER TABLE comment_likes ADD COLUMN client_network cidr;
CREATE INDEX comment_likes_network_idx ON comment_likes (comment_id, client_network)
  WHERE client_network IS NOT NULL;

-- One row per server-issued client id (ClientService.RegisterClient), for the per-network
-- issuance limit. The ids themselves are not stored: their HMAC proves them.
CREATE TABLE client_registrations (
  id bigserial PRIMARY KEY,
  client_network cidr NOT NULL,
  create_time timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX client_registrations_network_recent_idx
  ON client_registrations (client_network, create_time);

-- create_comment() (0005) behind the per-network rules: with p_address set (NULL: the caller has
-- no IP address), it serialises the creates of one network, answers a retry of an accepted
-- request_id as create_comment() does, then refuses a banned address ('banned'), the same folded
-- body on the same article from the same network within the duplicate window ('duplicate') and
-- p_address_flood_limit comments from the network within the flood window
-- ('address_rate_limited', flood_oldest as for 'rate_limited'); the last two only when
-- p_address_flood_limit > 0. Then create_comment() runs its own checks and inserts; a created
-- comment's address is recorded in the same transaction. Lock order: network, then client.
CREATE FUNCTION create_comment_from_address(
    p_client_id text, p_request_id text, p_article_id bigint, p_parent_id bigint,
    p_author_name text, p_body text, p_duplicate_key text, p_state comment_state,
    p_duplicate_window_seconds bigint, p_flood_limit integer, p_flood_window_seconds bigint,
    p_address inet, p_network cidr, p_address_flood_limit integer,
    OUT outcome text, OUT flood_oldest timestamptz, OUT comment comments)
LANGUAGE plpgsql AS $$
DECLARE
  body_key text := encode(sha256(convert_to(p_duplicate_key, 'UTF8')), 'hex');
  duplicate_start timestamptz := now() - p_duplicate_window_seconds * interval '1 second';
  flood_start timestamptz := now() - p_flood_window_seconds * interval '1 second';
  is_duplicate boolean;
  recent_count bigint;
  recent_oldest timestamptz;
  created record;
BEGIN
  IF p_address IS NOT NULL THEN
    -- 7304: the network namespace (7301 is create_comment()'s client lock, 7302 the newsroom's
    -- background work, 7303 editorial creates).
    PERFORM pg_advisory_xact_lock(7304, hashtext(p_network::text));
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

  SELECT * INTO created FROM create_comment(
      p_client_id, p_request_id, p_article_id, p_parent_id, p_author_name, p_body,
      p_duplicate_key, p_state, p_duplicate_window_seconds, p_flood_limit,
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
