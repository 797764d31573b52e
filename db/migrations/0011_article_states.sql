-- The article lifecycle's states (docs/newsroom.md): draft, scheduled, published, expired (was
-- 'archived', never written before), retracted, deleted. Values added to an enum cannot be used
-- in the transaction that adds them, so 0012 uses them.
ALTER TYPE article_status RENAME VALUE 'archived' TO 'expired';
ALTER TYPE article_status ADD VALUE 'scheduled' AFTER 'draft';
ALTER TYPE article_status ADD VALUE 'retracted';
ALTER TYPE article_status ADD VALUE 'deleted';
