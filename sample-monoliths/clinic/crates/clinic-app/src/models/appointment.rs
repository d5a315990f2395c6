//! Appointments: the booked slots between a patient and a practitioner.

use std::fmt;
use std::str::FromStr;

use chrono::{NaiveDate, NaiveDateTime, Utc};
use clinic_common::time::Slot;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::schema::appointments;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentStatus {
    Booked,
    CheckedIn,
    Completed,
    Cancelled,
    NoShow,
}

impl AppointmentStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            AppointmentStatus::Booked => "booked",
            AppointmentStatus::CheckedIn => "checked_in",
            AppointmentStatus::Completed => "completed",
            AppointmentStatus::Cancelled => "cancelled",
            AppointmentStatus::NoShow => "no_show",
        }
    }

    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            AppointmentStatus::Completed | AppointmentStatus::Cancelled | AppointmentStatus::NoShow
        )
    }

    pub fn can_transition_to(&self, next: AppointmentStatus) -> bool {
        use AppointmentStatus::*;
        matches!(
            (self, next),
            (Booked, CheckedIn) | (Booked, Cancelled) | (Booked, NoShow) | (CheckedIn, Completed) | (CheckedIn, Cancelled)
        )
    }
}

impl FromStr for AppointmentStatus {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        match raw {
            "booked" => Ok(AppointmentStatus::Booked),
            "checked_in" => Ok(AppointmentStatus::CheckedIn),
            "completed" => Ok(AppointmentStatus::Completed),
            "cancelled" => Ok(AppointmentStatus::Cancelled),
            "no_show" => Ok(AppointmentStatus::NoShow),
            other => Err(format!("unknown appointment status {other:?}")),
        }
    }
}

impl fmt::Display for AppointmentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = appointments)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Appointment {
    pub id: i32,
    pub patient_id: i32,
    pub practitioner_id: i32,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub status: String,
    pub reason: Option<String>,
    pub cancel_reason: Option<String>,
    pub billed: bool,
    pub reminder_sent: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Appointment {
    pub fn slot(&self) -> Slot {
        Slot {
            start: self.starts_at,
            end: self.ends_at,
        }
    }

    pub fn status(&self) -> AppointmentStatus {
        self.status.parse().unwrap_or(AppointmentStatus::Booked)
    }

    pub fn is_active(&self) -> bool {
        !self.status().is_terminal()
    }

    pub fn duration_minutes(&self) -> i64 {
        self.slot().minutes()
    }

    pub fn day(&self) -> NaiveDate {
        self.starts_at.date()
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = appointments)]
pub struct NewAppointment {
    pub patient_id: i32,
    pub practitioner_id: i32,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub status: String,
    pub reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = appointments)]
pub struct AppointmentChanges {
    pub starts_at: Option<NaiveDateTime>,
    pub ends_at: Option<NaiveDateTime>,
    pub status: Option<String>,
    pub cancel_reason: Option<String>,
    pub reminder_sent: Option<bool>,
    pub updated_at: Option<NaiveDateTime>,
}

impl AppointmentChanges {
    /// A status change stamped with the current time.
    pub fn status(next: AppointmentStatus) -> Self {
        AppointmentChanges {
            status: Some(next.as_str().to_string()),
            updated_at: Some(Utc::now().naive_utc()),
            ..Default::default()
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct BookingRequest {
    pub patient_id: i32,
    pub practitioner_id: i32,
    pub starts_at: Option<NaiveDateTime>,
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct RescheduleRequest {
    pub starts_at: NaiveDateTime,
}

#[derive(Debug, Deserialize)]
pub struct CancelRequest {
    pub reason: Option<String>,
    #[serde(default)]
    pub by_clinic: bool,
}

#[derive(Debug, Deserialize)]
pub struct SlotQuery {
    pub date: NaiveDate,
}
