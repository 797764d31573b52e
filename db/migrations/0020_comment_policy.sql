-- The moderation policy applied when a comment is created (docs/comments.md, "Word lists, link
-- holds and trusted readers"): the banned and suspect word lists, a version every server polls
-- to rebuild its in-memory matcher, and why a comment was held for review.

CREATE TABLE word_list_terms (
  id bigserial PRIMARY KEY,
  list text NOT NULL CHECK (list IN ('banned', 'suspect')),
  -- As the admin entered it (NFC, invisible characters removed), shown in lists and the queue.
  term text NOT NULL,
  -- The term's matching form (TermKey, server/text/term_matcher.h): folded letters of each word,
  -- repeated letters collapsed, words separated by one space. Two terms with one key are one.
  term_key text NOT NULL,
  created_by text NOT NULL,
  create_time timestamptz NOT NULL DEFAULT now(),
  UNIQUE (list, term_key)
);

-- One row; every change of word_list_terms adds 1 in its transaction. Servers poll it (about
-- every second) and reload the terms when it moved.
CREATE TABLE word_list_version (
  id integer PRIMARY KEY CHECK (id = 1),
  version bigint NOT NULL
);
INSERT INTO word_list_version VALUES (1, 0);

-- Why a comment waits for a moderator although the moderation mode alone would not have held
-- it (or would have, but the queue should say more): a suspect term, too many links.
CREATE TABLE comment_holds (
  comment_id bigint PRIMARY KEY REFERENCES comments (id) ON DELETE CASCADE,
  -- The suspect term matched, as entered; '' when none.
  matched_term text NOT NULL DEFAULT '',
  -- Links counted when there were more than the limit; 0 when that was not a reason.
  link_count integer NOT NULL DEFAULT 0
);

-- Trusted readers: a client's recent rejections and spam marks, by client and time.
CREATE INDEX moderation_events_client_action_idx ON moderation_events (client_id, create_time)
  WHERE action IN ('REJECT', 'MARK_SPAM');
