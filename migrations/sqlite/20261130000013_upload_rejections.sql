-- Every rejected row of a landed upload (its summary lists only the first 10,000), for
-- GET /api/v1/uploads/{id}/rejected_rows. `cells` is the row's values as a JSON array.
CREATE TABLE upload_rejections (
    company_id TEXT NOT NULL REFERENCES companies (id),
    upload_id  INTEGER NOT NULL REFERENCES uploads (id),
    line       INTEGER NOT NULL,
    reason     TEXT NOT NULL,
    cells      TEXT NOT NULL,
    PRIMARY KEY (upload_id, line)
);
