//! Patient registration, contact details and medical history.

use chrono::{Local, Utc};
use clinic_common::config;
use clinic_common::error::{ClinicError, ClinicResult};
use diesel::result::Error as DieselError;
use diesel::PgConnection;

use crate::models::patient::{
    HistoryEntryRequest, MedicalHistoryEntry, NewMedicalHistoryEntry, NewPatient, Patient,
    PatientChanges, PatientProfile,
};
use crate::repository::patients as repo;

const MAX_SEARCH_RESULTS: i64 = 50;

pub fn get_patient(conn: &mut PgConnection, patient_id: i32) -> ClinicResult<Patient> {
    repo::find_by_id(conn, patient_id).map_err(|err| match err {
        DieselError::NotFound => ClinicError::not_found("patient", patient_id),
        other => other.into(),
    })
}

/// Used by other features before they attach records to a patient.
pub fn ensure_active(conn: &mut PgConnection, patient_id: i32) -> ClinicResult<Patient> {
    repo::find_active(conn, patient_id)?
        .ok_or_else(|| ClinicError::not_found("active patient", patient_id))
}

pub fn register(conn: &mut PgConnection, mut new_patient: NewPatient) -> ClinicResult<Patient> {
    new_patient.first_name = new_patient.first_name.trim().to_string();
    new_patient.last_name = new_patient.last_name.trim().to_string();
    if new_patient.first_name.is_empty() || new_patient.last_name.is_empty() {
        return Err(ClinicError::validation("first and last name are required"));
    }
    let today = Local::now().date_naive();
    if new_patient.date_of_birth > today {
        return Err(ClinicError::validation("date of birth is in the future"));
    }
    new_patient.phone = new_patient.phone.as_deref().map(normalize_phone).transpose()?;
    if new_patient.sms_opt_in && new_patient.phone.is_none() {
        return Err(ClinicError::validation("SMS reminders need a phone number"));
    }
    if let Some(existing) = repo::find_duplicate(conn, &new_patient)? {
        return Err(ClinicError::conflict(format!(
            "patient already registered as #{}",
            existing.id
        )));
    }
    let patient = repo::insert(conn, &new_patient)?;
    log::info!("registered patient #{}", patient.id);
    Ok(patient)
}

pub fn update_contact(conn: &mut PgConnection, patient_id: i32, mut changes: PatientChanges) -> ClinicResult<Patient> {
    if changes.is_empty() {
        return Err(ClinicError::validation("nothing to update"));
    }
    get_patient(conn, patient_id)?;
    changes.phone = changes.phone.as_deref().map(normalize_phone).transpose()?;
    if let Some(email) = changes.email.as_deref() {
        if !email.contains('@') {
            return Err(ClinicError::validation(format!("{email:?} is not an e-mail address")));
        }
    }
    Ok(repo::update(conn, patient_id, &changes)?)
}

pub fn profile(conn: &mut PgConnection, patient_id: i32) -> ClinicResult<PatientProfile> {
    let patient = get_patient(conn, patient_id)?;
    let history = repo::history_for(conn, &patient)?;
    let chronic_conditions = history
        .iter()
        .filter(|entry| entry.chronic)
        .map(|entry| entry.condition.clone())
        .collect();
    let age = patient.age_on(Local::now().date_naive());
    Ok(PatientProfile {
        patient,
        age,
        chronic_conditions,
        history,
    })
}

pub fn add_history(conn: &mut PgConnection, patient_id: i32, request: HistoryEntryRequest) -> ClinicResult<MedicalHistoryEntry> {
    let patient = ensure_active(conn, patient_id)?;
    if request.condition.trim().is_empty() {
        return Err(ClinicError::validation("condition is required"));
    }
    if matches!(request.diagnosed_on, Some(day) if day < patient.date_of_birth) {
        return Err(ClinicError::validation("diagnosis date precedes date of birth"));
    }
    let entry = NewMedicalHistoryEntry::from_request(patient.id, request, Utc::now().naive_utc());
    Ok(repo::add_history(conn, &entry)?)
}

pub fn remove_history(conn: &mut PgConnection, patient_id: i32, entry_id: i32) -> ClinicResult<()> {
    match repo::delete_history_entry(conn, patient_id, entry_id)? {
        0 => Err(ClinicError::not_found("history entry", entry_id)),
        _ => Ok(()),
    }
}

pub fn search(conn: &mut PgConnection, term: &str, limit: Option<i64>) -> ClinicResult<Vec<Patient>> {
    if term.trim().chars().count() < 2 {
        return Err(ClinicError::validation("search term needs at least 2 characters"));
    }
    let limit = limit.unwrap_or(20).clamp(1, MAX_SEARCH_RESULTS);
    Ok(repo::search(conn, term, limit)?)
}

pub fn archive(conn: &mut PgConnection, patient_id: i32) -> ClinicResult<()> {
    if !repo::exists_by_id(conn, patient_id)? {
        return Err(ClinicError::not_found("patient", patient_id));
    }
    repo::archive(conn, patient_id)?;
    Ok(())
}

/// Normalises a phone number to E.164; national numbers get the clinic's country code.
pub fn normalize_phone(raw: &str) -> ClinicResult<String> {
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    let international = if raw.trim_start().starts_with('+') {
        digits
    } else if let Some(national) = digits.strip_prefix('0') {
        format!("{}{}", config::var_or("DEFAULT_COUNTRY_CODE", "44"), national)
    } else {
        digits
    };
    if !(8..=15).contains(&international.len()) {
        return Err(ClinicError::validation(format!("{raw:?} is not a valid phone number")));
    }
    Ok(format!("+{international}"))
}

#[cfg(test)]
mod tests {
    use super::normalize_phone;

    #[test]
    fn keeps_international_numbers() {
        assert_eq!(normalize_phone("+1 (415) 555-0132").unwrap(), "+14155550132");
    }

    #[test]
    fn adds_country_code_to_national_numbers() {
        std::env::remove_var("DEFAULT_COUNTRY_CODE");
        assert_eq!(normalize_phone("020 7946 0018").unwrap(), "+442079460018");
    }

    #[test]
    fn rejects_short_numbers() {
        assert!(normalize_phone("12345").is_err());
    }
}
