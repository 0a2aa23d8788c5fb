-- What the Field notices dashlet and Library -> Alerts read instead of walking every serial range
-- through the company's devices (150,000 devices at a million: 0.4-0.9 s a view). Both are written
-- again for the company in the transaction of every upload, inventory deletion and product ID
-- correction, and for every company in the transaction of a registry import changing field notices
-- (alerts::queries::refresh_notice_serial_matches); listings not narrowed to serial numbers are
-- counted from device_groups on read, as before.
--
-- notice_serial_devices: per company and notice, how many of the company's devices the notice's
-- listings narrowed to serial numbers affect (a serial in a range, a release the listing allows).
CREATE TABLE notice_serial_devices (
    company_id TEXT NOT NULL,
    notice_id  TEXT NOT NULL,
    devices    BIGINT NOT NULL,
    PRIMARY KEY (company_id, notice_id)
);

-- notice_serial_groups: per company (product, release) group, how many of its devices at least one
-- listing narrowed to serial numbers affects (the dashlet's "devices affected" adds those of groups
-- no other listing affects whatever the serial).
CREATE TABLE notice_serial_groups (
    company_id    TEXT NOT NULL,
    pid_key       TEXT NOT NULL,
    software_type TEXT NOT NULL,
    release_key   TEXT NOT NULL,
    devices       BIGINT NOT NULL,
    PRIMARY KEY (company_id, pid_key, software_type, release_key)
);

-- Each (company, notice, device) a serial range affects, walked once.
CREATE TEMPORARY TABLE serial_matches AS
SELECT DISTINCT c.company_id, fs.notice_id, d.id, d.pid_key, d.software_type, d.release_key
FROM (SELECT DISTINCT company_id, pid_key FROM device_groups
       WHERE pid_key IN (SELECT pid_key FROM field_notice_serials)) c
CROSS JOIN field_notice_serials fs
CROSS JOIN LATERAL (SELECT d.* FROM devices d WHERE d.company_id = c.company_id AND d.pid_key = fs.pid_key
        AND d.identity_key >= ('S|' || fs.first_serial) COLLATE "C"
        AND d.identity_key < ('S|' || fs.last_serial || '}') COLLATE "C"
        AND length(d.identity_key) = length(fs.first_serial) + length(fs.pid_key) + 3 OFFSET 0) d
WHERE fs.pid_key = c.pid_key
  AND (NOT EXISTS (SELECT 1 FROM field_notice_releases fr
                  WHERE fr.notice_id = fs.notice_id AND fr.pid_key = fs.pid_key)
      OR EXISTS (SELECT 1 FROM field_notice_releases fr
                  WHERE fr.notice_id = fs.notice_id AND fr.pid_key = fs.pid_key
                  AND fr.software_type = d.software_type AND fr.release_key = d.release_key));

INSERT INTO notice_serial_devices (company_id, notice_id, devices)
SELECT company_id, notice_id, COUNT(*) FROM serial_matches GROUP BY company_id, notice_id;

INSERT INTO notice_serial_groups (company_id, pid_key, software_type, release_key, devices)
SELECT company_id, pid_key, software_type, release_key, COUNT(DISTINCT id) FROM serial_matches
GROUP BY company_id, pid_key, software_type, release_key;

DROP TABLE serial_matches;
