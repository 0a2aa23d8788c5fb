-- Field notices (registry files field_notices.csv and field_notice_products.csv): a notice applies
-- to the products it lists, each optionally narrowed to serial numbers or ranges and/or software
-- releases. A device is affected when its product is listed and, where the listing is narrowed,
-- its serial is in a range and its release among the releases: matched on read.
CREATE TABLE field_notices (
    notice_id       TEXT PRIMARY KEY,
    title           TEXT NOT NULL,
    url             TEXT NOT NULL,
    -- 'hardware' or 'software'.
    notice_type     TEXT NOT NULL,
    first_published TEXT NOT NULL,
    last_updated    TEXT NOT NULL,
    solution        TEXT NOT NULL,
    change_id       BIGINT NOT NULL REFERENCES registry_changes (id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE field_notice_products (
    notice_id         TEXT NOT NULL REFERENCES field_notices (notice_id),
    pid_key           TEXT NOT NULL,
    product_id        TEXT NOT NULL,
    -- As the file gives them (serials and ranges, releases), separated by ';'; empty: any.
    serial_numbers    TEXT NOT NULL,
    software_type     TEXT NOT NULL,
    software_versions TEXT NOT NULL,
    change_id         BIGINT NOT NULL REFERENCES registry_changes (id),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    PRIMARY KEY (notice_id, pid_key)
);
CREATE INDEX field_notice_products_by_product ON field_notice_products (pid_key);

-- The serial ranges a product's listing is narrowed to (a single serial is a range of one), as
-- serial keys of one length: a serial is in a range when it has that length and lies between.
CREATE TABLE field_notice_serials (
    notice_id    TEXT NOT NULL,
    pid_key      TEXT NOT NULL,
    first_serial TEXT NOT NULL,
    last_serial  TEXT NOT NULL,
    PRIMARY KEY (notice_id, pid_key, first_serial, last_serial)
);

-- The releases a product's listing is narrowed to, as release keys (alerts::release).
CREATE TABLE field_notice_releases (
    notice_id     TEXT NOT NULL,
    pid_key       TEXT NOT NULL,
    software_type TEXT NOT NULL,
    release_key   TEXT NOT NULL,
    PRIMARY KEY (notice_id, pid_key, software_type, release_key)
);
