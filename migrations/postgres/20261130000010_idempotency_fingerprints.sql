-- An Idempotency-Key belongs to the token that sent it and lives 24 hours; with it is kept a
-- fingerprint of the request (body, content type, source, mode), so the same key sent with another
-- request is refused instead of answered with the first upload's summary.
ALTER TABLE uploads ADD COLUMN idempotency_fingerprint TEXT;
DROP INDEX uploads_idempotency;
CREATE UNIQUE INDEX uploads_idempotency ON uploads (company_id, token_id, idempotency_key);
