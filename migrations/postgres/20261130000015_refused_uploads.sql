-- Uploads refused whole (a file that cannot be read, nothing accepted) per company and day: they
-- cost no quota but do cost work, so they have a daily limit of their own.
ALTER TABLE upload_quota ADD COLUMN refused INTEGER NOT NULL DEFAULT 0;
