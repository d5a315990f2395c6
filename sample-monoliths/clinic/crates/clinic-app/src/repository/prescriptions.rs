//! Queries on `medications`, `prescriptions` and `refills`.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::PgConnection;

use crate::models::prescription::{
    Medication, NewPrescription, NewRefill, Prescription, Refill,
};
use crate::schema::{medications, practitioners, prescriptions, refills};

/// License facts the prescribing check needs: number, expiry, active flag.
pub type LicenseRow = (String, NaiveDate, bool);

pub fn find_medication(conn: &mut PgConnection, medication_id: i32) -> QueryResult<Medication> {
    medications::table
        .find(medication_id)
        .select(Medication::as_select())
        .first(conn)
}

/// Reads the prescriber's license straight from the practitioners table.
pub fn practitioner_license(conn: &mut PgConnection, practitioner_id: i32) -> QueryResult<Option<LicenseRow>> {
    practitioners::table
        .filter(practitioners::id.eq(practitioner_id))
        .select((
            practitioners::license_number,
            practitioners::license_expires_on,
            practitioners::active,
        ))
        .first::<LicenseRow>(conn)
        .optional()
}

pub fn find_prescription(conn: &mut PgConnection, prescription_id: i32) -> QueryResult<(Prescription, Medication)> {
    prescriptions::table
        .inner_join(medications::table)
        .filter(prescriptions::id.eq(prescription_id))
        .select((Prescription::as_select(), Medication::as_select()))
        .first(conn)
}

pub fn for_patient(conn: &mut PgConnection, patient_id: i32) -> QueryResult<Vec<(Prescription, Medication)>> {
    prescriptions::table
        .inner_join(medications::table)
        .filter(prescriptions::patient_id.eq(patient_id))
        .order(prescriptions::issued_on.desc())
        .select((Prescription::as_select(), Medication::as_select()))
        .load(conn)
}

pub fn insert_prescription(conn: &mut PgConnection, new_prescription: &NewPrescription) -> QueryResult<Prescription> {
    diesel::insert_into(prescriptions::table)
        .values(new_prescription)
        .returning(Prescription::as_returning())
        .get_result(conn)
}

pub fn expire_before(conn: &mut PgConnection, today: NaiveDate) -> QueryResult<usize> {
    diesel::update(
        prescriptions::table
            .filter(prescriptions::status.eq("active"))
            .filter(prescriptions::expires_on.lt(today)),
    )
    .set(prescriptions::status.eq("expired"))
    .execute(conn)
}

pub fn find_refill(conn: &mut PgConnection, refill_id: i32) -> QueryResult<Refill> {
    refills::table.find(refill_id).select(Refill::as_select()).first(conn)
}

pub fn last_approved_refill(conn: &mut PgConnection, prescription: &Prescription) -> QueryResult<Option<Refill>> {
    Refill::belonging_to(prescription)
        .filter(refills::approved.eq(true))
        .order(refills::requested_at.desc())
        .select(Refill::as_select())
        .first(conn)
        .optional()
}

pub fn pending_refill_exists(conn: &mut PgConnection, prescription_id: i32) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        refills::table
            .filter(refills::prescription_id.eq(prescription_id))
            .filter(refills::approved.is_null()),
    ))
    .get_result(conn)
}

pub fn insert_refill(conn: &mut PgConnection, refill: &NewRefill) -> QueryResult<Refill> {
    diesel::insert_into(refills::table)
        .values(refill)
        .returning(Refill::as_returning())
        .get_result(conn)
}

/// Records the decision and, for an approval, consumes one refill.
pub fn decide_refill(
    conn: &mut PgConnection,
    refill: &Refill,
    approve: bool,
    at: NaiveDateTime,
) -> QueryResult<Refill> {
    conn.transaction(|conn| {
        if approve {
            diesel::update(prescriptions::table.find(refill.prescription_id))
                .set(prescriptions::refills_used.eq(prescriptions::refills_used + 1))
                .execute(conn)?;
        }
        diesel::update(refills::table.find(refill.id))
            .set((refills::approved.eq(Some(approve)), refills::decided_at.eq(Some(at))))
            .returning(Refill::as_returning())
            .get_result(conn)
    })
}
