-- Product ID corrections: a device the company's inventory reports under one product ID, whose
-- serial number the registry knows under another, corrected on its device page. Every later
-- upload that reports the device under `reported_identity` is read with `corrected_product_id`
-- (the device keeps `corrected_identity`). Who corrected it and when is kept for the device page.
CREATE TABLE pid_corrections (
    company_id           TEXT NOT NULL REFERENCES companies (id),
    reported_identity    TEXT NOT NULL,
    reported_product_id  TEXT NOT NULL,
    corrected_identity   TEXT NOT NULL,
    corrected_product_id TEXT NOT NULL,
    account_id           BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    corrected_by         TEXT NOT NULL,
    corrected_at         TEXT NOT NULL,
    PRIMARY KEY (company_id, reported_identity)
);
CREATE UNIQUE INDEX pid_corrections_corrected ON pid_corrections (company_id, corrected_identity);
