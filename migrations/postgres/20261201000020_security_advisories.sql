-- The operating system a device runs (IOS, IOS XE, NX-OS, ...), uploaded beside its software
-- version, and the key its release is matched on (alerts::release::Release::key; empty when the
-- type is not one NetCare reads or the version is not a release of it).
ALTER TABLE devices ADD COLUMN software_type TEXT NOT NULL DEFAULT '';
ALTER TABLE devices ADD COLUMN release_key TEXT NOT NULL DEFAULT '';
CREATE INDEX devices_by_release ON devices (company_id, software_type, release_key);

-- Security advisories (registry files security_advisories.csv and advisory_releases.csv). A
-- device is exposed to an advisory when its software type and release key are among the
-- advisory's affected releases: matched on read, so a new advisory reaches every device at once.
CREATE TABLE security_advisories (
    advisory_id             TEXT PRIMARY KEY,
    title                   TEXT NOT NULL,
    url                     TEXT NOT NULL,
    severity                TEXT NOT NULL,
    -- 4 critical, 3 high, 2 medium, 1 low, 0 informational: the worst is the highest.
    severity_rank           BIGINT NOT NULL,
    -- '' when the vendor gives none, else one decimal ('9.8').
    cvss_base_score         TEXT NOT NULL,
    -- CVE ids separated by ';'.
    cve_ids                 TEXT NOT NULL,
    first_published         TEXT NOT NULL,
    last_updated            TEXT NOT NULL,
    configuration_dependent BOOLEAN NOT NULL,
    change_id               BIGINT NOT NULL REFERENCES registry_changes (id),
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL
);

CREATE TABLE advisory_releases (
    advisory_id      TEXT NOT NULL REFERENCES security_advisories (advisory_id),
    software_type    TEXT NOT NULL,
    release_key      TEXT NOT NULL,
    affected_release TEXT NOT NULL,
    -- The first releases of the affected release's train that fix it, separated by ';'.
    first_fixed      TEXT NOT NULL,
    change_id        BIGINT NOT NULL REFERENCES registry_changes (id),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    PRIMARY KEY (advisory_id, software_type, release_key)
);
CREATE INDEX advisory_releases_by_release ON advisory_releases (software_type, release_key);
