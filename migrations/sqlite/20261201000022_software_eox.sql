-- Software end of life (registry file software_eox.csv): the vendor's milestones for a release
-- train of a software type (IOS XE 17.3, IOS 15.2E), like a hardware bulletin's. A device's
-- release key starts with its train (alerts::release::Release::key), so a device is matched on
-- read: its key is the train, or starts with the train and a dot.
CREATE TABLE software_eox (
    software_type                   TEXT NOT NULL,
    release_train                   TEXT NOT NULL,
    bulletin_number                 TEXT NOT NULL,
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
    updated_at                      TEXT NOT NULL,
    PRIMARY KEY (software_type, release_train)
);
