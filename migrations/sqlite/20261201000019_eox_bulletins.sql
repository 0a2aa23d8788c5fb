-- Hardware end-of-life bulletins (registry files eox_bulletins.csv and eox_products.csv): the
-- vendor's milestones for the products each lists. Every milestone is `YYYY-MM-DD` or `TBA`
-- (to be announced), so a milestone is reached when its text is at most today's date.
CREATE TABLE eox_bulletins (
    bulletin_number                 TEXT PRIMARY KEY,
    title                           TEXT NOT NULL,
    url                             TEXT NOT NULL,
    announcement_date               TEXT NOT NULL,
    end_of_sale                     TEXT NOT NULL,
    last_ship                       TEXT NOT NULL,
    end_of_software_maintenance     TEXT NOT NULL,
    end_of_security_support         TEXT NOT NULL,
    end_of_routine_failure_analysis TEXT NOT NULL,
    end_of_new_service_attachment   TEXT NOT NULL,
    end_of_service_contract_renewal TEXT NOT NULL,
    last_date_of_support            TEXT NOT NULL,
    change_id                       BIGINT NOT NULL REFERENCES registry_changes (id),
    created_at                      TEXT NOT NULL,
    updated_at                      TEXT NOT NULL
);

-- One bulletin per product (matched on the product ID's key, as coverage matches it).
CREATE TABLE eox_products (
    pid_key         TEXT PRIMARY KEY,
    product_id      TEXT NOT NULL,
    bulletin_number TEXT NOT NULL REFERENCES eox_bulletins (bulletin_number),
    replacement_pid TEXT NOT NULL DEFAULT '',
    migration_note  TEXT NOT NULL DEFAULT '',
    change_id       BIGINT NOT NULL REFERENCES registry_changes (id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX eox_products_by_bulletin ON eox_products (bulletin_number);
