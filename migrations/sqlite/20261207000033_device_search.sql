-- The Library's search inside values (hostname, serial number or MAC address, product ID) at a
-- million devices: a trigram index of the two texts the search reads, so a search that finds few
-- devices looks up its trigrams instead of reading every device of the company.
--
-- Contentless (the texts live in `devices`; the rowid is the device's id) and without positions
-- (`detail=none`: half the size and build time of full detail): the index proposes the devices that
-- hold every trigram of the text searched, and the search checks each with the same `LIKE` as
-- before, so the answer is exactly what it was. Kept by triggers on every path that changes a
-- device's texts; an upload that reports a device as it was re-indexes nothing. A device leaves
-- the index by FTS5's 'delete' command with the texts it was indexed with (the old row's), which
-- every SQLite since 3.34 understands (Debian's sqlite3 tool too).
CREATE VIRTUAL TABLE device_search USING fts5(
    hostname, identity, content = '', detail = none, tokenize = 'trigram'
);

INSERT INTO device_search (rowid, hostname, identity)
SELECT id, lower(hostname), substr(identity_key, 3) FROM devices;

CREATE TRIGGER devices_search_insert AFTER INSERT ON devices
BEGIN
    INSERT INTO device_search (rowid, hostname, identity)
    VALUES (new.id, lower(new.hostname), substr(new.identity_key, 3));
END;

CREATE TRIGGER devices_search_update AFTER UPDATE OF hostname, identity_key ON devices
WHEN old.hostname IS NOT new.hostname OR old.identity_key IS NOT new.identity_key
BEGIN
    INSERT INTO device_search (device_search, rowid, hostname, identity)
    VALUES ('delete', old.id, lower(old.hostname), substr(old.identity_key, 3));
    INSERT INTO device_search (rowid, hostname, identity)
    VALUES (new.id, lower(new.hostname), substr(new.identity_key, 3));
END;

CREATE TRIGGER devices_search_delete AFTER DELETE ON devices
BEGIN
    INSERT INTO device_search (device_search, rowid, hostname, identity)
    VALUES ('delete', old.id, lower(old.hostname), substr(old.identity_key, 3));
END;
