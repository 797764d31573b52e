-- Discovery (docs/discovery.md): search documents, related news, view counts, site counters.

-- Search: tone-mark-folded terms computed by the server (text::FoldForSearch), weighted
-- title 'A', summary 'B', body 'C'. NULL until the server or generator has indexed the article.
ALTER TABLE articles ADD COLUMN search_document tsvector;
CREATE INDEX articles_search_idx ON articles USING gin (search_document)
  WHERE status = 'published';

-- Most viewed over all time.
CREATE INDEX articles_most_viewed_idx ON articles (view_count DESC, id DESC)
  WHERE status = 'published';

-- Related news: the inverted index of each article's strongest terms (weights of its
-- L2-normalised tf-idf vector), the document frequency of every term, and the stored lists.
-- These are derived data written in bulk, so they carry no foreign keys (a per-row check would
-- triple the generator's COPY time); reads join articles, so rows of a deleted article are
-- never shown.
CREATE TABLE article_terms (
  article_id bigint NOT NULL,
  term text NOT NULL,
  weight real NOT NULL,
  PRIMARY KEY (article_id, term)
);
CREATE INDEX article_terms_term_idx ON article_terms (term);

CREATE TABLE term_document_frequencies (
  term text PRIMARY KEY,
  documents bigint NOT NULL CHECK (documents >= 0)
);

-- How many articles the document frequencies were counted over (one row).
CREATE TABLE indexed_document_count (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  documents bigint NOT NULL DEFAULT 0
);
INSERT INTO indexed_document_count DEFAULT VALUES;

CREATE TABLE related_articles (
  article_id bigint NOT NULL,
  related_id bigint NOT NULL,
  score double precision NOT NULL,
  PRIMARY KEY (article_id, related_id),
  CHECK (article_id <> related_id)
);
CREATE INDEX related_articles_rank_idx ON related_articles (article_id, score DESC, related_id);
CREATE INDEX related_articles_related_idx ON related_articles (related_id);

-- Views per article per day (Vietnamese local date, UTC+7), added to in batches.
CREATE TABLE article_daily_views (
  article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  day date NOT NULL,
  views bigint NOT NULL CHECK (views >= 0),
  PRIMARY KEY (article_id, day)
);
CREATE INDEX article_daily_views_day_idx ON article_daily_views (day, article_id, views);

-- Site-wide counters ("total_visits"), added to in batches by every server instance.
CREATE TABLE site_counters (
  name text PRIMARY KEY,
  value bigint NOT NULL DEFAULT 0
);
INSERT INTO site_counters (name) VALUES ('total_visits');
