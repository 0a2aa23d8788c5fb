-- Company membership (roles, the DAs' order) and the onboarding wizard's state per person.

-- One company per account. da_position orders the Delegated Administrators (1 receives requests).
CREATE TABLE company_members (
    account_id  BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    company_id  TEXT NOT NULL REFERENCES companies (id),
    role        TEXT NOT NULL CHECK (role IN ('da', 'admin', 'user')),
    da_position INTEGER,
    org_entry   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX company_members_by_company ON company_members (company_id, role);

-- stage is the JSON of app::onboarding::wizard::Stage; stage_name, queue and company_id are
-- copies of parts of it that the DA and agent queues select on.
CREATE TABLE onboarding (
    account_id BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    stage      TEXT NOT NULL,
    stage_name TEXT NOT NULL,
    queue      TEXT,
    company_id TEXT,
    reasons    TEXT NOT NULL DEFAULT '',
    answer     TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX onboarding_by_stage ON onboarding (stage_name, company_id);

-- Every move of every wizard, with who made it: the record of decisions.
CREATE TABLE onboarding_events (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    event      TEXT NOT NULL,
    actor_id   BIGINT,
    created_at TEXT NOT NULL
);
CREATE INDEX onboarding_events_by_account ON onboarding_events (account_id);
