-- A device's earlier software (type, version, release key), kept when an upload changes it: the
-- device's alert history reads which advisories concerned each release it ran, and until when.
-- The current software is on the device itself (like coverage and coverage_history).
CREATE TABLE device_software_history (
    id               INTEGER PRIMARY KEY,
    company_id       TEXT NOT NULL,
    device_id        INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    software_type    TEXT NOT NULL,
    software_version TEXT NOT NULL,
    release_key      TEXT NOT NULL,
    -- The upload that replaced it: its time is when.
    ended_by_upload  INTEGER NOT NULL
);
CREATE INDEX device_software_history_by_device ON device_software_history (device_id);

CREATE TRIGGER devices_software_history AFTER UPDATE OF software_type, release_key ON devices
WHEN old.software_type IS NOT new.software_type OR old.release_key IS NOT new.release_key
BEGIN
    INSERT INTO device_software_history (company_id, device_id, software_type, software_version,
        release_key, ended_by_upload)
    VALUES (old.company_id, old.id, old.software_type, old.software_version, old.release_key,
        new.last_upload_id);
END;
