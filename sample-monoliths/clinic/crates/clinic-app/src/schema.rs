// @generated automatically by Diesel CLI.

diesel::table! {
    appointments (id) {
        id -> Int4,
        patient_id -> Int4,
        practitioner_id -> Int4,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        #[max_length = 16]
        status -> Varchar,
        reason -> Nullable<Text>,
        cancel_reason -> Nullable<Text>,
        billed -> Bool,
        reminder_sent -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    insurance_claims (id) {
        id -> Int4,
        invoice_id -> Int4,
        #[max_length = 120]
        provider -> Varchar,
        #[max_length = 64]
        policy_number -> Varchar,
        #[max_length = 40]
        claim_reference -> Varchar,
        amount_cents -> Int8,
        #[max_length = 16]
        status -> Varchar,
        submitted_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    invoice_lines (id) {
        id -> Int4,
        invoice_id -> Int4,
        #[max_length = 200]
        description -> Varchar,
        quantity -> Int4,
        unit_price_cents -> Int8,
    }
}

diesel::table! {
    invoices (id) {
        id -> Int4,
        patient_id -> Int4,
        appointment_id -> Nullable<Int4>,
        #[max_length = 20]
        number -> Varchar,
        total_cents -> Int8,
        #[max_length = 16]
        status -> Varchar,
        issued_on -> Nullable<Date>,
        due_on -> Nullable<Date>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    #[sql_name = "medical_history_entries"]
    medical_history (id) {
        id -> Int4,
        patient_id -> Int4,
        #[max_length = 200]
        condition -> Varchar,
        notes -> Nullable<Text>,
        diagnosed_on -> Nullable<Date>,
        chronic -> Bool,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    medications (id) {
        id -> Int4,
        #[max_length = 120]
        name -> Varchar,
        #[max_length = 40]
        strength -> Varchar,
        controlled -> Bool,
        max_refills -> Int4,
    }
}

diesel::table! {
    notification_templates (id) {
        id -> Int4,
        #[max_length = 40]
        code -> Varchar,
        #[max_length = 8]
        channel -> Varchar,
        #[max_length = 160]
        subject -> Nullable<Varchar>,
        body -> Text,
        active -> Bool,
    }
}

diesel::table! {
    patients (id) {
        id -> Int4,
        #[max_length = 80]
        first_name -> Varchar,
        #[max_length = 80]
        last_name -> Varchar,
        date_of_birth -> Date,
        #[max_length = 32]
        phone -> Nullable<Varchar>,
        #[max_length = 160]
        email -> Nullable<Varchar>,
        sms_opt_in -> Bool,
        #[max_length = 120]
        insurance_provider -> Nullable<Varchar>,
        #[max_length = 64]
        insurance_number -> Nullable<Varchar>,
        archived -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    payments (id) {
        id -> Int4,
        invoice_id -> Int4,
        amount_cents -> Int8,
        #[max_length = 16]
        method -> Varchar,
        #[max_length = 64]
        reference -> Varchar,
        paid_at -> Timestamp,
    }
}

diesel::table! {
    practitioners (id) {
        id -> Int4,
        #[max_length = 160]
        full_name -> Varchar,
        specialty_id -> Int4,
        #[max_length = 32]
        license_number -> Varchar,
        license_expires_on -> Date,
        #[max_length = 160]
        email -> Varchar,
        active -> Bool,
        slot_minutes -> Nullable<Int4>,
    }
}

diesel::table! {
    prescriptions (id) {
        id -> Int4,
        patient_id -> Int4,
        practitioner_id -> Int4,
        medication_id -> Int4,
        #[max_length = 200]
        dosage -> Varchar,
        issued_on -> Date,
        expires_on -> Date,
        refills_allowed -> Int4,
        refills_used -> Int4,
        #[max_length = 16]
        status -> Varchar,
    }
}

diesel::table! {
    refills (id) {
        id -> Int4,
        prescription_id -> Int4,
        requested_at -> Timestamp,
        approved -> Nullable<Bool>,
        decided_at -> Nullable<Timestamp>,
        dispensed_on -> Nullable<Date>,
    }
}

diesel::table! {
    sent_notifications (id) {
        id -> Int4,
        patient_id -> Int4,
        appointment_id -> Nullable<Int4>,
        #[max_length = 8]
        channel -> Varchar,
        #[max_length = 40]
        template_code -> Varchar,
        #[max_length = 160]
        recipient -> Varchar,
        #[max_length = 16]
        status -> Varchar,
        error -> Nullable<Text>,
        sent_at -> Timestamp,
    }
}

diesel::table! {
    specialties (id) {
        id -> Int4,
        #[max_length = 80]
        name -> Varchar,
        base_fee_cents -> Int8,
        default_slot_minutes -> Int4,
    }
}

diesel::table! {
    working_hours (id) {
        id -> Int4,
        practitioner_id -> Int4,
        weekday -> Int2,
        starts_at -> Time,
        ends_at -> Time,
    }
}

diesel::joinable!(appointments -> patients (patient_id));
diesel::joinable!(appointments -> practitioners (practitioner_id));
diesel::joinable!(insurance_claims -> invoices (invoice_id));
diesel::joinable!(invoice_lines -> invoices (invoice_id));
diesel::joinable!(invoices -> appointments (appointment_id));
diesel::joinable!(invoices -> patients (patient_id));
diesel::joinable!(medical_history -> patients (patient_id));
diesel::joinable!(payments -> invoices (invoice_id));
diesel::joinable!(practitioners -> specialties (specialty_id));
diesel::joinable!(prescriptions -> medications (medication_id));
diesel::joinable!(prescriptions -> patients (patient_id));
diesel::joinable!(prescriptions -> practitioners (practitioner_id));
diesel::joinable!(refills -> prescriptions (prescription_id));
diesel::joinable!(sent_notifications -> appointments (appointment_id));
diesel::joinable!(sent_notifications -> patients (patient_id));
diesel::joinable!(working_hours -> practitioners (practitioner_id));

diesel::allow_tables_to_appear_in_same_query!(
    appointments,
    insurance_claims,
    invoice_lines,
    invoices,
    medical_history,
    medications,
    notification_templates,
    patients,
    payments,
    practitioners,
    prescriptions,
    refills,
    sent_notifications,
    specialties,
    working_hours,
);
