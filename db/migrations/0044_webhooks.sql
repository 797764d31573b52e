-- Push hooks (docs/live.md, "Push hooks"): webhook endpoints admins register, the outbox of
-- deliveries written from the change log, and the outbox writer's cursor in the change log.

-- One registered receiver. `secret` is the Standard Webhooks signing key ("whsec_" + base64 of
-- 32 random bytes); it must be kept in clear to sign, and is shown to the admin once.
CREATE TABLE webhook_endpoints (
  id bigserial PRIMARY KEY,
  url text NOT NULL,
  secret text NOT NULL,
  description text NOT NULL DEFAULT '',
  -- article.published, for articles of these categories (empty: every category).
  article_published boolean NOT NULL DEFAULT false,
  category_ids bigint[] NOT NULL DEFAULT '{}',
  -- article.breaking: a breaking article was published.
  breaking_news boolean NOT NULL DEFAULT false,
  -- comment.reply: an approved reply to one of these comments.
  reply_to_comment_ids bigint[] NOT NULL DEFAULT '{}',
  -- "<token id or newsctl actor>/<request_id>" of the create that made it (AIP-155).
  create_request_key text UNIQUE,
  created_by text NOT NULL,
  create_time timestamptz NOT NULL DEFAULT now()
);

-- Only the outbox writer (one instance at a time, session advisory lock (7305, 1)) moves it, in
-- the transaction that inserts the outbox rows of the changes it passed. It starts at the log's
-- position when this migration ran: endpoints get the changes after their registration.
CREATE TABLE webhook_cursor (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  position bigint NOT NULL
);
INSERT INTO webhook_cursor (position) SELECT last_position FROM change_log_head;

-- One delivery of one event to one endpoint. Its id is the event id receivers see
-- ("msg_<id>"), the same on every attempt. A delivered row is deleted; a row past the give-up
-- age is kept with dead_time set (the dead-letter list) until replayed or its endpoint is
-- deleted.
CREATE TABLE webhook_outbox (
  id bigserial PRIMARY KEY,
  endpoint_id bigint NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  -- article.published, article.breaking, comment.reply.
  event_type text NOT NULL,
  change_position bigint NOT NULL,
  -- The request body, fixed when the event is written, so every attempt sends the same bytes.
  payload text NOT NULL,
  create_time timestamptz NOT NULL DEFAULT now(),
  -- The give-up age counts from here: the creation, or the last replay.
  age_from timestamptz NOT NULL DEFAULT now(),
  -- Attempts started (a claim counts one, so an attempt cut short by a crash counts too).
  attempts integer NOT NULL DEFAULT 0,
  -- When the row may be claimed: after its backoff, or after a claim's lease ran out.
  next_attempt_time timestamptz NOT NULL DEFAULT now(),
  last_attempt_time timestamptz,
  -- The last attempt's HTTP status (0: none, e.g. a timeout) and error.
  last_status integer NOT NULL DEFAULT 0,
  last_error text NOT NULL DEFAULT '',
  dead_time timestamptz,
  UNIQUE (endpoint_id, change_position, event_type)
);
CREATE INDEX webhook_outbox_due_idx ON webhook_outbox (next_attempt_time)
  WHERE dead_time IS NULL;
CREATE INDEX webhook_outbox_dead_idx ON webhook_outbox (id) WHERE dead_time IS NOT NULL;
