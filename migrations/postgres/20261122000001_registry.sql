-- The vendor's entitlement registry: companies and their sites, service contracts, the devices each
-- contract line covers, and which accounts (by email) are associated with which contracts.
-- Timestamps are RFC 3339 UTC text, dates `YYYY-MM-DD` text, flags INTEGER 0/1 (BOOLEAN on
-- PostgreSQL): see app/src/server/db.rs.

-- Every change to the registry (what, when, by whom). Contracts and lines carry the id of the
-- change that last touched them, so coverage can be recomputed for exactly those serials.
CREATE TABLE registry_changes (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source     TEXT NOT NULL,
    actor      TEXT NOT NULL,
    summary    TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE companies (
    id                  TEXT PRIMARY KEY,
    name                TEXT NOT NULL,
    requires_assessment BOOLEAN NOT NULL DEFAULT FALSE,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);

CREATE TABLE company_email_domains (
    company_id TEXT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    domain     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (company_id, domain)
);
CREATE INDEX company_email_domains_by_domain ON company_email_domains (domain);

CREATE TABLE sites (
    id         TEXT PRIMARY KEY,
    company_id TEXT NOT NULL REFERENCES companies (id),
    name       TEXT NOT NULL,
    address    TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX sites_by_company ON sites (company_id);

CREATE TABLE contracts (
    contract_number    TEXT PRIMARY KEY,
    company_id         TEXT NOT NULL REFERENCES companies (id),
    site_id            TEXT REFERENCES sites (id),
    service_level      TEXT NOT NULL,
    smart_entitled     BOOLEAN NOT NULL,
    start_date         TEXT NOT NULL,
    end_date           TEXT NOT NULL,
    change_id          BIGINT NOT NULL REFERENCES registry_changes (id),
    flagged_for_review BOOLEAN NOT NULL DEFAULT FALSE,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    CHECK (end_date >= start_date)
);
CREATE INDEX contracts_by_company ON contracts (company_id);

-- serial_key / pid_key / mac_key are the normalised forms devices are matched on; the other
-- columns keep what the registry said. Phones known only by MAC have an empty serial.
CREATE TABLE contract_lines (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contract_number TEXT NOT NULL REFERENCES contracts (contract_number),
    serial_number   TEXT NOT NULL,
    product_id      TEXT NOT NULL,
    mac_address     TEXT,
    serial_key      TEXT NOT NULL,
    pid_key         TEXT NOT NULL,
    mac_key         TEXT NOT NULL DEFAULT '',
    start_date      TEXT NOT NULL,
    end_date        TEXT NOT NULL,
    change_id       BIGINT NOT NULL REFERENCES registry_changes (id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK (end_date >= start_date)
);
CREATE UNIQUE INDEX contract_lines_identity ON contract_lines (contract_number, serial_key, pid_key, mac_key);
CREATE INDEX contract_lines_by_serial ON contract_lines (serial_key);
CREATE INDEX contract_lines_by_mac ON contract_lines (mac_key) WHERE mac_key <> '';
CREATE INDEX contract_lines_by_change ON contract_lines (change_id);
CREATE INDEX contracts_by_change ON contracts (change_id);

CREATE TABLE account_contracts (
    contract_number TEXT NOT NULL REFERENCES contracts (contract_number),
    email           TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (contract_number, email)
);
CREATE INDEX account_contracts_by_email ON account_contracts (email);
