-- Live streams (docs/live.md): each instance reads the like counts of the approved comments of
-- the articles that have watchers once a second. Only article_id and state are indexed, so a
-- like (which changes like_count alone) stays a HOT update.
CREATE INDEX comments_article_approved_idx ON comments (article_id) WHERE state = 'approved';
