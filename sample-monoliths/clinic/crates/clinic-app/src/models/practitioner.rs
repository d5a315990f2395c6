//! Practitioners, their specialties and weekly working hours.

use chrono::{NaiveDate, NaiveTime};
use clinic_common::time::{self, Slot, DEFAULT_SLOT_MINUTES};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::schema::{practitioners, specialties, working_hours};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = specialties)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Specialty {
    pub id: i32,
    pub name: String,
    pub base_fee_cents: i64,
    pub default_slot_minutes: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Associations, Serialize)]
#[diesel(belongs_to(Specialty))]
#[diesel(table_name = practitioners)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Practitioner {
    pub id: i32,
    pub full_name: String,
    pub specialty_id: i32,
    pub license_number: String,
    pub license_expires_on: NaiveDate,
    pub email: String,
    pub active: bool,
    pub slot_minutes: Option<i32>,
}

impl Practitioner {
    pub fn license_valid_on(&self, day: NaiveDate) -> bool {
        self.active && self.license_expires_on >= day
    }

    pub fn effective_slot_minutes(&self, specialty: Option<&Specialty>) -> i64 {
        self.slot_minutes
            .or_else(|| specialty.map(|s| s.default_slot_minutes))
            .map(i64::from)
            .filter(|m| *m > 0)
            .unwrap_or(DEFAULT_SLOT_MINUTES)
    }
}

#[derive(Debug, Deserialize, Insertable)]
#[diesel(table_name = practitioners)]
pub struct NewPractitioner {
    pub full_name: String,
    pub specialty_id: i32,
    pub license_number: String,
    pub license_expires_on: NaiveDate,
    pub email: String,
    pub slot_minutes: Option<i32>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Associations, Serialize)]
#[diesel(belongs_to(Practitioner))]
#[diesel(table_name = working_hours)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct WorkingHours {
    pub id: i32,
    pub practitioner_id: i32,
    pub weekday: i16,
    pub starts_at: NaiveTime,
    pub ends_at: NaiveTime,
}

impl WorkingHours {
    /// Bookable slots this block yields on `day` (none if it is another weekday).
    pub fn slots_on(&self, day: NaiveDate, minutes: i64) -> Vec<Slot> {
        if time::weekday_index(day) != self.weekday {
            return Vec::new();
        }
        time::split_into_slots(day, self.starts_at, self.ends_at, minutes)
    }
}

#[derive(Debug, Deserialize)]
pub struct WorkingHoursRequest {
    pub weekday: String,
    pub starts_at: NaiveTime,
    pub ends_at: NaiveTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = working_hours)]
pub struct NewWorkingHours {
    pub practitioner_id: i32,
    pub weekday: i16,
    pub starts_at: NaiveTime,
    pub ends_at: NaiveTime,
}

#[derive(Debug, Serialize)]
pub struct PractitionerSummary {
    pub id: i32,
    pub full_name: String,
    pub specialty: String,
    pub consultation_fee_cents: i64,
}

impl From<(Practitioner, Specialty)> for PractitionerSummary {
    fn from((practitioner, specialty): (Practitioner, Specialty)) -> Self {
        PractitionerSummary {
            id: practitioner.id,
            full_name: practitioner.full_name,
            specialty: specialty.name,
            consultation_fee_cents: specialty.base_fee_cents,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Availability {
    pub practitioner_id: i32,
    pub date: NaiveDate,
    pub slots: Vec<Slot>,
}
