//! Queries on `patients` and `medical_history_entries`.

use diesel::dsl::exists;
use diesel::prelude::*;
use diesel::PgConnection;

use crate::models::patient::{
    MedicalHistoryEntry, NewMedicalHistoryEntry, NewPatient, Patient, PatientChanges,
};
use crate::schema::{medical_history, patients};

pub fn find_by_id(conn: &mut PgConnection, patient_id: i32) -> QueryResult<Patient> {
    patients::table
        .find(patient_id)
        .select(Patient::as_select())
        .first(conn)
}

pub fn find_active(conn: &mut PgConnection, patient_id: i32) -> QueryResult<Option<Patient>> {
    patients::table
        .filter(patients::id.eq(patient_id))
        .filter(patients::archived.eq(false))
        .select(Patient::as_select())
        .first(conn)
        .optional()
}

pub fn exists_by_id(conn: &mut PgConnection, patient_id: i32) -> QueryResult<bool> {
    diesel::select(exists(patients::table.find(patient_id))).get_result(conn)
}

pub fn search(conn: &mut PgConnection, term: &str, limit: i64) -> QueryResult<Vec<Patient>> {
    let pattern = format!("%{}%", term.trim());
    patients::table
        .filter(patients::archived.eq(false))
        .filter(
            patients::last_name
                .ilike(&pattern)
                .or(patients::first_name.ilike(&pattern))
                .or(patients::phone.ilike(&pattern)),
        )
        .order((patients::last_name.asc(), patients::first_name.asc()))
        .limit(limit)
        .select(Patient::as_select())
        .load(conn)
}

pub fn find_duplicate(conn: &mut PgConnection, new_patient: &NewPatient) -> QueryResult<Option<Patient>> {
    patients::table
        .filter(patients::last_name.ilike(&new_patient.last_name))
        .filter(patients::first_name.ilike(&new_patient.first_name))
        .filter(patients::date_of_birth.eq(new_patient.date_of_birth))
        .select(Patient::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut PgConnection, new_patient: &NewPatient) -> QueryResult<Patient> {
    diesel::insert_into(patients::table)
        .values(new_patient)
        .returning(Patient::as_returning())
        .get_result(conn)
}

pub fn update(conn: &mut PgConnection, patient_id: i32, changes: &PatientChanges) -> QueryResult<Patient> {
    diesel::update(patients::table.find(patient_id))
        .set(changes)
        .returning(Patient::as_returning())
        .get_result(conn)
}

pub fn archive(conn: &mut PgConnection, patient_id: i32) -> QueryResult<usize> {
    diesel::update(patients::table.find(patient_id))
        .set(patients::archived.eq(true))
        .execute(conn)
}

pub fn history_for(conn: &mut PgConnection, patient: &Patient) -> QueryResult<Vec<MedicalHistoryEntry>> {
    MedicalHistoryEntry::belonging_to(patient)
        .select(MedicalHistoryEntry::as_select())
        .order(medical_history::recorded_at.desc())
        .load(conn)
}

pub fn add_history(conn: &mut PgConnection, entry: &NewMedicalHistoryEntry) -> QueryResult<MedicalHistoryEntry> {
    diesel::insert_into(medical_history::table)
        .values(entry)
        .returning(MedicalHistoryEntry::as_returning())
        .get_result(conn)
}

pub fn delete_history_entry(conn: &mut PgConnection, patient_id: i32, entry_id: i32) -> QueryResult<usize> {
    diesel::delete(
        medical_history::table
            .filter(medical_history::id.eq(entry_id))
            .filter(medical_history::patient_id.eq(patient_id)),
    )
    .execute(conn)
}
