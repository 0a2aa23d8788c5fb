-- A device's earlier software (type, version, release key), kept when an upload changes it: the
-- device's alert history reads which advisories concerned each release it ran, and until when.
-- The current software is on the device itself (like coverage and coverage_history).
CREATE TABLE device_software_history (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id       TEXT NOT NULL,
    device_id        BIGINT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    software_type    TEXT NOT NULL,
    software_version TEXT NOT NULL,
    release_key      TEXT NOT NULL,
    -- The upload that replaced it: its time is when.
    ended_by_upload  BIGINT NOT NULL
);
CREATE INDEX device_software_history_by_device ON device_software_history (device_id);

CREATE FUNCTION record_software_change() RETURNS trigger AS $$
BEGIN
    INSERT INTO device_software_history (company_id, device_id, software_type, software_version,
        release_key, ended_by_upload)
    VALUES (OLD.company_id, OLD.id, OLD.software_type, OLD.software_version, OLD.release_key,
        NEW.last_upload_id);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER devices_software_history AFTER UPDATE OF software_type, release_key ON devices
FOR EACH ROW
WHEN (OLD.software_type IS DISTINCT FROM NEW.software_type
      OR OLD.release_key IS DISTINCT FROM NEW.release_key)
EXECUTE FUNCTION record_software_change();
