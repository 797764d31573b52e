-- Foundation schema: publishers, categories and articles.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE sources (
  id bigserial PRIMARY KEY,
  slug text NOT NULL UNIQUE,
  name text NOT NULL UNIQUE,
  create_time timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE categories (
  id bigserial PRIMARY KEY,
  slug text NOT NULL UNIQUE,
  name text NOT NULL UNIQUE,
  create_time timestamptz NOT NULL DEFAULT now()
);

CREATE TYPE article_status AS ENUM ('draft', 'published', 'archived');

CREATE TABLE articles (
  id bigserial PRIMARY KEY,
  slug text NOT NULL UNIQUE,
  -- Identity of an imported page (see docs/importer.md); NULL for articles made otherwise.
  import_key text UNIQUE,
  title text NOT NULL,
  summary text NOT NULL DEFAULT '',
  body_paragraphs text[] NOT NULL DEFAULT '{}',
  author text NOT NULL DEFAULT '',
  source_id bigint REFERENCES sources (id),
  category_id bigint NOT NULL REFERENCES categories (id),
  tags text[] NOT NULL DEFAULT '{}',
  cover_image_url text NOT NULL DEFAULT '',
  cover_image_caption text NOT NULL DEFAULT '',
  status article_status NOT NULL DEFAULT 'published',
  publish_time timestamptz NOT NULL,
  update_time timestamptz NOT NULL DEFAULT now(),
  view_count bigint NOT NULL DEFAULT 0 CHECK (view_count >= 0),
  comment_count bigint NOT NULL DEFAULT 0 CHECK (comment_count >= 0)
);

-- Keyset feeds: newest first, (publish_time, id) as the cursor, one index per filter.
CREATE INDEX articles_feed_idx ON articles (publish_time DESC, id DESC)
  WHERE status = 'published';
CREATE INDEX articles_category_feed_idx ON articles (category_id, publish_time DESC, id DESC)
  WHERE status = 'published';
CREATE INDEX articles_source_feed_idx ON articles (source_id, publish_time DESC, id DESC)
  WHERE status = 'published';
CREATE INDEX articles_tags_idx ON articles USING gin (tags);
