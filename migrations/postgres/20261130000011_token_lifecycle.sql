-- A collector token may expire, and remembers the address of its last upload.
ALTER TABLE collector_tokens ADD COLUMN expires_at TEXT;
ALTER TABLE collector_tokens ADD COLUMN last_used_address TEXT;
