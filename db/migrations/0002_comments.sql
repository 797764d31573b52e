-- Comments, likes, bans, admin tokens and the moderation audit log (docs/comments.md).
ALTER TABLE articles ADD COLUMN comments_open boolean NOT NULL DEFAULT true;

CREATE TYPE comment_state AS ENUM ('pending', 'approved', 'rejected', 'spam', 'deleted');

CREATE TABLE comments (
  id bigserial PRIMARY KEY,
  article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  -- The thread's top-level comment; NULL for a top-level comment.
  parent_id bigint REFERENCES comments (id),
  -- Who posted it: x-client-id metadata, else the IP address.
  client_id text NOT NULL,
  request_id text NOT NULL,
  author_name text NOT NULL,
  body text NOT NULL,
  -- sha256 hex of the body folded for the duplicate rule (case, tone marks, white space).
  body_key_sha256 text NOT NULL,
  state comment_state NOT NULL,
  like_count bigint NOT NULL DEFAULT 0 CHECK (like_count >= 0),
  create_time timestamptz NOT NULL DEFAULT now(),
  update_time timestamptz NOT NULL DEFAULT now(),
  UNIQUE (client_id, request_id)
);
CREATE INDEX comments_top_level_idx ON comments (article_id, create_time, id)
  WHERE parent_id IS NULL;
CREATE INDEX comments_replies_idx ON comments (parent_id, create_time, id)
  WHERE parent_id IS NOT NULL;
CREATE INDEX comments_queue_idx ON comments (state, create_time, id);
CREATE INDEX comments_client_recent_idx ON comments (client_id, create_time);

CREATE TABLE comment_likes (
  comment_id bigint NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
  client_id text NOT NULL,
  create_time timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (comment_id, client_id)
);

-- At most one ban per client; history lives in moderation_events.
CREATE TABLE client_bans (
  id bigserial PRIMARY KEY,
  client_id text NOT NULL UNIQUE,
  reason text NOT NULL DEFAULT '',
  created_by text NOT NULL,
  create_time timestamptz NOT NULL DEFAULT now(),
  -- NULL: permanent.
  expire_time timestamptz
);

CREATE TABLE admin_tokens (
  id bigserial PRIMARY KEY,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('moderator', 'admin')),
  -- Only the SHA-256 (hex) of the token is stored.
  token_sha256 text NOT NULL UNIQUE,
  create_time timestamptz NOT NULL DEFAULT now(),
  revoked_time timestamptz
);

CREATE TABLE moderation_events (
  id bigserial PRIMARY KEY,
  create_time timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  action text NOT NULL,
  -- No foreign keys: the log outlives what it describes.
  comment_id bigint,
  article_id bigint,
  client_id text NOT NULL DEFAULT '',
  state_before text NOT NULL DEFAULT '',
  state_after text NOT NULL DEFAULT '',
  reason text NOT NULL DEFAULT '',
  detail text NOT NULL DEFAULT ''
);
CREATE INDEX moderation_events_comment_idx ON moderation_events (comment_id, id);
CREATE INDEX moderation_events_client_idx ON moderation_events (client_id, id);

CREATE FUNCTION moderation_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'moderation_events is append-only';
END
$$;
CREATE TRIGGER moderation_events_no_update_or_delete
  BEFORE UPDATE OR DELETE ON moderation_events
  FOR EACH ROW EXECUTE FUNCTION moderation_events_append_only();
CREATE TRIGGER moderation_events_no_truncate
  BEFORE TRUNCATE ON moderation_events
  FOR EACH STATEMENT EXECUTE FUNCTION moderation_events_append_only();
