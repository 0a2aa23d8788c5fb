-- release_severity_exposure: per release some advisory affects and per severity, how many
-- advisories of that severity affect it regardless of configuration and depending on it. Written
-- again with release_exposure in the transaction of every registry import carrying advisory files
-- (alerts::queries::refresh_release_exposure), so the Security advisories dashlet reads a few rows
-- per release the company runs instead of every (release, advisory) pair.
CREATE TABLE release_severity_exposure (
    software_type TEXT NOT NULL,
    release_key   TEXT NOT NULL,
    severity_rank BIGINT NOT NULL,
    vulnerable    BIGINT NOT NULL,
    potentially   BIGINT NOT NULL,
    PRIMARY KEY (software_type, release_key, severity_rank)
);
INSERT INTO release_severity_exposure
    (software_type, release_key, severity_rank, vulnerable, potentially)
SELECT ar.software_type, ar.release_key, sa.severity_rank,
       SUM(CASE WHEN sa.configuration_dependent THEN 0 ELSE 1 END),
       SUM(CASE WHEN sa.configuration_dependent THEN 1 ELSE 0 END)
FROM advisory_releases ar JOIN security_advisories sa ON sa.advisory_id = ar.advisory_id
GROUP BY ar.software_type, ar.release_key, sa.severity_rank;
