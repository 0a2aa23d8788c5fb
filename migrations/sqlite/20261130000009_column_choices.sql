-- What a company chose each column of an inventory file layout to hold, in the upload preview
-- (e.g. a NetBox export whose `Asset tag` holds the serial number), remembered for its next file
-- with the same headers. `header_signature` is the header cells reduced to letters and digits,
-- joined by `|`; `columns` the choice as template column names by position (empty: ignored).
CREATE TABLE column_choices (
    company_id       TEXT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    header_signature TEXT NOT NULL,
    columns          TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    PRIMARY KEY (company_id, header_signature)
);
