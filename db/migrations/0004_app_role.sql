-- news_app: the role the server connects as in production. It reads and writes rows but cannot
-- change the schema (no CREATE on the schema, not the owner of any table), so a compromised or
-- buggy server cannot drop or alter tables. Servers log in as a LOGIN role that is a member of
-- news_app and start with --migrate=false; `newsctl migrate` runs as the owner
-- (docs/operations.md). Tables added by later migrations get the same grants by default.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'news_app') THEN
    IF NOT EXISTS (SELECT 1 FROM pg_roles
                   WHERE rolname = current_user AND (rolsuper OR rolcreaterole)) THEN
      RAISE NOTICE 'role news_app not created: % may not create roles', current_user;
      RETURN;
    END IF;
    BEGIN
      CREATE ROLE news_app NOLOGIN;
    EXCEPTION WHEN duplicate_object THEN
      -- Another database of this cluster created it at the same moment.
      NULL;
    END;
  END IF;
  GRANT USAGE ON SCHEMA public TO news_app;
  GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO news_app;
  GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO news_app;
  ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO news_app;
  ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO news_app;
  -- The migration history is the owner's alone.
  REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM news_app;
  -- PostgreSQL 15 already denies this by default; older clusters did not.
  REVOKE CREATE ON SCHEMA public FROM PUBLIC;
END
$$;
