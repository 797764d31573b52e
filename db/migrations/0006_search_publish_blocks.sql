-- Search documents mark when their article was published: for blocks of 7, 28, 112 and 448
-- days, each in two alignments (the second shifted by half a block, so that some block always
-- ends at the newest article with at least half a block of days before it), the lexeme
-- '#<days><a|b><block index>' of the block its UTC publish day falls in
-- (text::PublishBlockLexemes builds them for new documents). Search looks for matches in recent
-- blocks before the whole archive (docs/discovery.md); documents indexed before this migration
-- get their lexemes here, once.
UPDATE articles
SET search_document = search_document || array_to_tsvector(ARRAY(
  SELECT format('#%sa%s', size, floor(day / size))
  FROM unnest(ARRAY[7, 28, 112, 448]) AS size,
       LATERAL (SELECT floor(extract(epoch FROM publish_time) / 86400) AS day) AS d
  UNION ALL
  SELECT format('#%sb%s', size, floor((day + size / 2) / size))
  FROM unnest(ARRAY[7, 28, 112, 448]) AS size,
       LATERAL (SELECT floor(extract(epoch FROM publish_time) / 86400) AS day) AS d))
WHERE search_document IS NOT NULL;
