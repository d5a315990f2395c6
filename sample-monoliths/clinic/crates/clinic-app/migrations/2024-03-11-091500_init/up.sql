-- Initial schema of the Riverside clinic scheduler.

CREATE TABLE patients (
    id                 SERIAL PRIMARY KEY,
    first_name         VARCHAR(80)  NOT NULL,
    last_name          VARCHAR(80)  NOT NULL,
    date_of_birth      DATE         NOT NULL,
    phone              VARCHAR(32),
    email              VARCHAR(160),
    sms_opt_in         BOOLEAN      NOT NULL DEFAULT FALSE,
    insurance_provider VARCHAR(120),
    insurance_number   VARCHAR(64),
    archived           BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at         TIMESTAMP    NOT NULL DEFAULT NOW()
);
CREATE INDEX patients_last_name_idx ON patients (lower(last_name));

CREATE TABLE medical_history_entries (
    id           SERIAL PRIMARY KEY,
    patient_id   INTEGER      NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    condition    VARCHAR(200) NOT NULL,
    notes        TEXT,
    diagnosed_on DATE,
    chronic      BOOLEAN      NOT NULL DEFAULT FALSE,
    recorded_at  TIMESTAMP    NOT NULL DEFAULT NOW()
);

CREATE TABLE specialties (
    id                   SERIAL PRIMARY KEY,
    name                 VARCHAR(80) NOT NULL UNIQUE,
    base_fee_cents       BIGINT      NOT NULL,
    default_slot_minutes INTEGER     NOT NULL DEFAULT 20
);

CREATE TABLE practitioners (
    id                 SERIAL PRIMARY KEY,
    full_name          VARCHAR(160) NOT NULL,
    specialty_id       INTEGER      NOT NULL REFERENCES specialties (id),
    license_number     VARCHAR(32)  NOT NULL UNIQUE,
    license_expires_on DATE         NOT NULL,
    email              VARCHAR(160) NOT NULL,
    active             BOOLEAN      NOT NULL DEFAULT TRUE,
    slot_minutes       INTEGER
);

CREATE TABLE working_hours (
    id              SERIAL PRIMARY KEY,
    practitioner_id INTEGER  NOT NULL REFERENCES practitioners (id) ON DELETE CASCADE,
    weekday         SMALLINT NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    starts_at       TIME     NOT NULL,
    ends_at         TIME     NOT NULL,
    CHECK (ends_at > starts_at)
);

CREATE TABLE appointments (
    id              SERIAL PRIMARY KEY,
    patient_id      INTEGER     NOT NULL REFERENCES patients (id),
    practitioner_id INTEGER     NOT NULL REFERENCES practitioners (id),
    starts_at       TIMESTAMP   NOT NULL,
    ends_at         TIMESTAMP   NOT NULL,
    status          VARCHAR(16) NOT NULL DEFAULT 'booked',
    reason          TEXT,
    cancel_reason   TEXT,
    billed          BOOLEAN     NOT NULL DEFAULT FALSE,
    reminder_sent   BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMP   NOT NULL DEFAULT NOW(),
    updated_at      TIMESTAMP   NOT NULL DEFAULT NOW()
);
CREATE INDEX appointments_practitioner_time_idx ON appointments (practitioner_id, starts_at);
CREATE INDEX appointments_patient_idx ON appointments (patient_id);

CREATE TABLE invoices (
    id             SERIAL PRIMARY KEY,
    patient_id     INTEGER     NOT NULL REFERENCES patients (id),
    appointment_id INTEGER     REFERENCES appointments (id),
    number         VARCHAR(20) NOT NULL UNIQUE,
    total_cents    BIGINT      NOT NULL DEFAULT 0,
    status         VARCHAR(16) NOT NULL DEFAULT 'draft',
    issued_on      DATE,
    due_on         DATE,
    created_at     TIMESTAMP   NOT NULL DEFAULT NOW()
);

CREATE TABLE invoice_lines (
    id               SERIAL PRIMARY KEY,
    invoice_id       INTEGER      NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    description      VARCHAR(200) NOT NULL,
    quantity         INTEGER      NOT NULL DEFAULT 1,
    unit_price_cents BIGINT       NOT NULL
);

CREATE TABLE payments (
    id           SERIAL PRIMARY KEY,
    invoice_id   INTEGER     NOT NULL REFERENCES invoices (id),
    amount_cents BIGINT      NOT NULL CHECK (amount_cents > 0),
    method       VARCHAR(16) NOT NULL,
    reference    VARCHAR(64) NOT NULL,
    paid_at      TIMESTAMP   NOT NULL DEFAULT NOW()
);

CREATE TABLE insurance_claims (
    id              SERIAL PRIMARY KEY,
    invoice_id      INTEGER      NOT NULL REFERENCES invoices (id),
    provider        VARCHAR(120) NOT NULL,
    policy_number   VARCHAR(64)  NOT NULL,
    claim_reference VARCHAR(40)  NOT NULL UNIQUE,
    amount_cents    BIGINT       NOT NULL,
    status          VARCHAR(16)  NOT NULL DEFAULT 'submitted',
    submitted_at    TIMESTAMP    NOT NULL DEFAULT NOW(),
    resolved_at     TIMESTAMP
);

CREATE TABLE medications (
    id          SERIAL PRIMARY KEY,
    name        VARCHAR(120) NOT NULL,
    strength    VARCHAR(40)  NOT NULL,
    controlled  BOOLEAN      NOT NULL DEFAULT FALSE,
    max_refills INTEGER      NOT NULL DEFAULT 5
);

CREATE TABLE prescriptions (
    id              SERIAL PRIMARY KEY,
    patient_id      INTEGER      NOT NULL REFERENCES patients (id),
    practitioner_id INTEGER      NOT NULL REFERENCES practitioners (id),
    medication_id   INTEGER      NOT NULL REFERENCES medications (id),
    dosage          VARCHAR(200) NOT NULL,
    issued_on       DATE         NOT NULL,
    expires_on      DATE         NOT NULL,
    refills_allowed INTEGER      NOT NULL DEFAULT 0,
    refills_used    INTEGER      NOT NULL DEFAULT 0,
    status          VARCHAR(16)  NOT NULL DEFAULT 'active'
);

CREATE TABLE refills (
    id              SERIAL PRIMARY KEY,
    prescription_id INTEGER   NOT NULL REFERENCES prescriptions (id) ON DELETE CASCADE,
    requested_at    TIMESTAMP NOT NULL DEFAULT NOW(),
    approved        BOOLEAN,
    decided_at      TIMESTAMP,
    dispensed_on    DATE
);

CREATE TABLE notification_templates (
    id      SERIAL PRIMARY KEY,
    code    VARCHAR(40)  NOT NULL,
    channel VARCHAR(8)   NOT NULL,
    subject VARCHAR(160),
    body    TEXT         NOT NULL,
    active  BOOLEAN      NOT NULL DEFAULT TRUE,
    UNIQUE (code, channel)
);

CREATE TABLE sent_notifications (
    id             SERIAL PRIMARY KEY,
    patient_id     INTEGER      NOT NULL REFERENCES patients (id),
    appointment_id INTEGER      REFERENCES appointments (id),
    channel        VARCHAR(8)   NOT NULL,
    template_code  VARCHAR(40)  NOT NULL,
    recipient      VARCHAR(160) NOT NULL,
    status         VARCHAR(16)  NOT NULL,
    error          TEXT,
    sent_at        TIMESTAMP    NOT NULL DEFAULT NOW()
);
CREATE INDEX sent_notifications_patient_day_idx ON sent_notifications (patient_id, sent_at);
