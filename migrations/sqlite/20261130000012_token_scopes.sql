-- What a collector token may do: `upload` (send inventories and read) or `read` (read only).
ALTER TABLE collector_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'upload';
