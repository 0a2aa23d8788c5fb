-- What the alert summaries read instead of every device, kept in step with what they summarise.
--
-- device_groups: how many of a company's devices share a product and a release. Written again for
-- the company in the transaction of every upload and inventory deletion
-- (inventory::queries::refresh_device_groups). A company runs few (product, release) pairs however
-- many devices it has, so the dashboard's alert summaries and Library → Alerts read these rows.
CREATE TABLE device_groups (
    company_id    TEXT NOT NULL,
    pid_key       TEXT NOT NULL,
    software_type TEXT NOT NULL,
    release_key   TEXT NOT NULL,
    devices       BIGINT NOT NULL,
    PRIMARY KEY (company_id, pid_key, software_type, release_key)
);
INSERT INTO device_groups (company_id, pid_key, software_type, release_key, devices)
SELECT company_id, pid_key, software_type, release_key, COUNT(*)
FROM devices GROUP BY company_id, pid_key, software_type, release_key;

-- release_exposure: per release some advisory affects, how many advisories affect it regardless of
-- configuration and depending on it, and the worst severity. Written again in the transaction of
-- every registry import carrying advisory files (alerts::queries::refresh_release_exposure), so a
-- device row reads one row instead of counting its release's advisories.
CREATE TABLE release_exposure (
    software_type TEXT NOT NULL,
    release_key   TEXT NOT NULL,
    vulnerable    BIGINT NOT NULL,
    potentially   BIGINT NOT NULL,
    worst_rank    BIGINT NOT NULL,
    PRIMARY KEY (software_type, release_key)
);
INSERT INTO release_exposure (software_type, release_key, vulnerable, potentially, worst_rank)
SELECT ar.software_type, ar.release_key,
       SUM(CASE WHEN sa.configuration_dependent THEN 0 ELSE 1 END),
       SUM(CASE WHEN sa.configuration_dependent THEN 1 ELSE 0 END),
       MAX(sa.severity_rank)
FROM advisory_releases ar JOIN security_advisories sa ON sa.advisory_id = ar.advisory_id
GROUP BY ar.software_type, ar.release_key;

-- The advisories of a company's releases are read from the indexes alone: a release's advisory ids,
-- then each advisory's rating.
DROP INDEX advisory_releases_by_release;
CREATE INDEX advisory_releases_by_release ON advisory_releases (software_type, release_key, advisory_id);
CREATE INDEX security_advisories_rating
    ON security_advisories (advisory_id, severity_rank, configuration_dependent);
