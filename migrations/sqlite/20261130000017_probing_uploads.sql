-- Uploads that named mostly serial numbers the registry does not know, per company and day: a
-- way to learn who holds which contract by guessing serials, so they have a daily limit.
ALTER TABLE upload_quota ADD COLUMN probing INTEGER NOT NULL DEFAULT 0;
