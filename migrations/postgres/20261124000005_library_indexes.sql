-- The Library's filters and sorts, each served by an index that ends with the identity key (the
-- order's tie-breaker), so a page of 50 never sorts a whole inventory. Hostnames are searched and
-- sorted without regard to case.
--
-- Searches are prefix ranges (`>= prefix AND < prefix || U+10FFFF`), exact only in code point
-- order: the text columns searched and sorted compare by code point (collation "C") whatever the
-- database's locale, as they do on SQLite.
ALTER TABLE devices
    ALTER COLUMN identity_key TYPE TEXT COLLATE "C",
    ALTER COLUMN hostname TYPE TEXT COLLATE "C",
    ALTER COLUMN site TYPE TEXT COLLATE "C";
DROP INDEX devices_library_contract;
CREATE INDEX devices_library_contract ON devices (company_id, contract_number, identity_key);
CREATE INDEX devices_library_site ON devices (company_id, site, identity_key);
CREATE INDEX devices_library_pid ON devices (company_id, pid_key, identity_key);
CREATE INDEX devices_library_end ON devices (company_id, coverage_end, identity_key);
CREATE INDEX devices_library_hostname ON devices (company_id, lower(hostname), identity_key);
