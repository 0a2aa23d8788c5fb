-- The coverage summary (the dashboard's chart and the Library's counts) counts a company's devices
-- by status, then its devices not covered by reason. With the reason at the end of the status
-- index, both counts read the index alone: at 100,000 devices the reasons no longer look up each
-- device not covered in the table (the summary's answer ~60 ms -> ~40 ms on SQLite). Appended
-- last, so the Library's filter by status keeps its order by identity.
DROP INDEX devices_library_status;
CREATE INDEX devices_library_status ON devices (company_id, status, identity_key, reason);
