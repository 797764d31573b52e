-- Reader reports, author edits and withdrawals, featured comments (issue 11; docs/comments.md).
ALTER TABLE comments
  -- Reports received (comment_reports rows), kept with the comment like like_count.
  ADD COLUMN report_count bigint NOT NULL DEFAULT 0 CHECK (report_count >= 0),
  -- Out of public view because reports reached the threshold, until a moderator decides.
  ADD COLUMN reported boolean NOT NULL DEFAULT false,
  -- A moderator approved the comment after it was reported: further reports are only counted.
  ADD COLUMN reports_overruled boolean NOT NULL DEFAULT false,
  ADD COLUMN featured boolean NOT NULL DEFAULT false,
  -- The author's last UpdateComment; NULL if never edited.
  ADD COLUMN edit_time timestamptz;

CREATE INDEX comments_queue_reports_idx ON comments (state, report_count, id);

-- One report per client and comment.
CREATE TABLE comment_reports (
  comment_id bigint NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
  client_id text NOT NULL,
  reason text NOT NULL CHECK (reason IN ('spam', 'abuse', 'off_topic', 'other')),
  note text NOT NULL DEFAULT '',
  create_time timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (comment_id, client_id)
);

-- The bodies an author replaced with UpdateComment, for moderators.
CREATE TABLE comment_revisions (
  id bigserial PRIMARY KEY,
  comment_id bigint NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
  body text NOT NULL,
  replace_time timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX comment_revisions_comment_idx ON comment_revisions (comment_id, id);
