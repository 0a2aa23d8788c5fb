-- A device's field notices narrowed to serial numbers are found among its product's serial ranges
-- (alerts::notices::serial_narrowed_notices_sql, read for every device of an export): by product,
-- from the index alone.
CREATE INDEX field_notice_serials_by_product
    ON field_notice_serials (pid_key, first_serial, last_serial, notice_id);
