//! Medications, prescriptions and refill requests.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::schema::{medications, prescriptions, refills};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = medications)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Medication {
    pub id: i32,
    pub name: String,
    pub strength: String,
    pub controlled: bool,
    pub max_refills: i32,
}

impl Medication {
    pub fn label(&self) -> String {
        format!("{} {}", self.name, self.strength)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Associations, Serialize)]
#[diesel(belongs_to(Medication))]
#[diesel(table_name = prescriptions)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Prescription {
    pub id: i32,
    pub patient_id: i32,
    pub practitioner_id: i32,
    pub medication_id: i32,
    pub dosage: String,
    pub issued_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub refills_allowed: i32,
    pub refills_used: i32,
    pub status: String,
}

impl Prescription {
    pub fn refills_remaining(&self) -> i32 {
        (self.refills_allowed - self.refills_used).max(0)
    }

    pub fn is_expired(&self, today: NaiveDate) -> bool {
        self.expires_on < today
    }

    pub fn is_active(&self, today: NaiveDate) -> bool {
        self.status == "active" && !self.is_expired(today)
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = prescriptions)]
pub struct NewPrescription {
    pub patient_id: i32,
    pub practitioner_id: i32,
    pub medication_id: i32,
    pub dosage: String,
    pub issued_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub refills_allowed: i32,
    pub refills_used: i32,
    pub status: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Associations, Serialize)]
#[diesel(belongs_to(Prescription))]
#[diesel(table_name = refills)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Refill {
    pub id: i32,
    pub prescription_id: i32,
    pub requested_at: NaiveDateTime,
    pub approved: Option<bool>,
    pub decided_at: Option<NaiveDateTime>,
    pub dispensed_on: Option<NaiveDate>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = refills)]
pub struct NewRefill {
    pub prescription_id: i32,
    pub requested_at: NaiveDateTime,
}

#[derive(Debug, Deserialize)]
pub struct PrescriptionRequest {
    pub patient_id: i32,
    pub practitioner_id: i32,
    pub medication_id: i32,
    pub dosage: String,
    #[serde(default)]
    pub refills: i32,
    pub valid_days: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub struct RefillDecision {
    pub approve: bool,
}

#[derive(Debug, Serialize)]
pub struct PrescriptionView {
    #[serde(flatten)]
    pub prescription: Prescription,
    pub medication: Medication,
    pub refills_remaining: i32,
}

impl From<(Prescription, Medication)> for PrescriptionView {
    fn from((prescription, medication): (Prescription, Medication)) -> Self {
        let refills_remaining = prescription.refills_remaining();
        PrescriptionView {
            prescription,
            medication,
            refills_remaining,
        }
    }
}
