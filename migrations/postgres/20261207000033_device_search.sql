-- The Library's search inside values (hostname, serial number or MAC address, product ID) at a
-- million devices: trigram indexes (pg_trgm, a trusted extension shipped with PostgreSQL) on the
-- two texts the search reads, so `LIKE '%text%'` that finds few devices looks up its trigrams
-- instead of reading every device of the company. The search's SQL is unchanged.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX devices_search_hostname ON devices USING gin (lower(hostname) gin_trgm_ops);
CREATE INDEX devices_search_identity ON devices USING gin (substr(identity_key, 3) gin_trgm_ops);
