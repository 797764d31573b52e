-- Admin tokens of role 'editor' (EditorialService, docs/newsroom.md). Admins keep every right;
-- moderators and editors have only their own.
ALTER TABLE admin_tokens DROP CONSTRAINT admin_tokens_role_check;
ALTER TABLE admin_tokens ADD CONSTRAINT admin_tokens_role_check
  CHECK (role IN ('moderator', 'editor', 'admin'));
