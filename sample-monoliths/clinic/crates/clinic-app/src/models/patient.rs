//! Patient records and their medical history.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::schema::{medical_history, patients};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = patients)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Patient {
    pub id: i32,
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: NaiveDate,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub sms_opt_in: bool,
    pub insurance_provider: Option<String>,
    pub insurance_number: Option<String>,
    pub archived: bool,
    pub created_at: NaiveDateTime,
}

impl Patient {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    /// Age in completed years on `day`.
    pub fn age_on(&self, day: NaiveDate) -> i32 {
        let born = self.date_of_birth;
        let mut age = day.year() - born.year();
        if (day.month(), day.day()) < (born.month(), born.day()) {
            age -= 1;
        }
        age.max(0)
    }

    pub fn is_minor_on(&self, day: NaiveDate) -> bool {
        self.age_on(day) < 18
    }

    pub fn has_insurance(&self) -> bool {
        self.insurance_provider.is_some() && self.insurance_number.is_some()
    }
}

#[derive(Debug, Deserialize, Insertable)]
#[diesel(table_name = patients)]
pub struct NewPatient {
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: NaiveDate,
    pub phone: Option<String>,
    pub email: Option<String>,
    #[serde(default)]
    pub sms_opt_in: bool,
    pub insurance_provider: Option<String>,
    pub insurance_number: Option<String>,
}

/// Partial update of contact and insurance details; `None` leaves a column untouched.
#[derive(Debug, Default, Deserialize, AsChangeset)]
#[diesel(table_name = patients)]
pub struct PatientChanges {
    pub phone: Option<String>,
    pub email: Option<String>,
    pub sms_opt_in: Option<bool>,
    pub insurance_provider: Option<String>,
    pub insurance_number: Option<String>,
}

impl PatientChanges {
    pub fn is_empty(&self) -> bool {
        self.phone.is_none()
            && self.email.is_none()
            && self.sms_opt_in.is_none()
            && self.insurance_provider.is_none()
            && self.insurance_number.is_none()
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Associations, Serialize)]
#[diesel(belongs_to(Patient))]
#[diesel(table_name = crate::schema::medical_history)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct MedicalHistoryEntry {
    pub id: i32,
    pub patient_id: i32,
    pub condition: String,
    pub notes: Option<String>,
    pub diagnosed_on: Option<NaiveDate>,
    pub chronic: bool,
    pub recorded_at: NaiveDateTime,
}

#[derive(Debug, Deserialize)]
pub struct HistoryEntryRequest {
    pub condition: String,
    pub notes: Option<String>,
    pub diagnosed_on: Option<NaiveDate>,
    #[serde(default)]
    pub chronic: bool,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = medical_history)]
pub struct NewMedicalHistoryEntry {
    pub patient_id: i32,
    pub condition: String,
    pub notes: Option<String>,
    pub diagnosed_on: Option<NaiveDate>,
    pub chronic: bool,
    pub recorded_at: NaiveDateTime,
}

impl NewMedicalHistoryEntry {
    pub fn from_request(patient_id: i32, request: HistoryEntryRequest, now: NaiveDateTime) -> Self {
        NewMedicalHistoryEntry {
            patient_id,
            condition: request.condition.trim().to_string(),
            notes: request.notes.filter(|n| !n.trim().is_empty()),
            diagnosed_on: request.diagnosed_on,
            chronic: request.chronic,
            recorded_at: now,
        }
    }
}

/// What the reception screen shows for one patient.
#[derive(Debug, Serialize)]
pub struct PatientProfile {
    #[serde(flatten)]
    pub patient: Patient,
    pub age: i32,
    pub chronic_conditions: Vec<String>,
    pub history: Vec<MedicalHistoryEntry>,
}

#[derive(Debug, Deserialize)]
pub struct PatientSearch {
    pub q: String,
    pub limit: Option<i64>,
}
