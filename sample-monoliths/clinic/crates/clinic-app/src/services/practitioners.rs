//! Practitioner directory, weekly schedules and bookable slots.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{Local, NaiveDate};
use clinic_common::error::{ClinicError, ClinicResult};
use clinic_common::time::{self as slot_time, Slot};
use diesel::result::Error as DieselError;
use diesel::PgConnection;
use once_cell::sync::Lazy;

use crate::models::practitioner::{
    Availability, NewPractitioner, NewWorkingHours, Practitioner, PractitionerSummary, WorkingHours,
    WorkingHoursRequest,
};
use crate::repository::practitioners as repo;

/// How many days ahead, starting today, the availability cache covers.
const CACHE_WINDOW_DAYS: u32 = 14;

/// Working-hour slots per practitioner for the cache window. Booking takes
/// slots out of it; cancelling or moving an appointment drops the entry.
pub static AVAILABILITY_CACHE: Lazy<Mutex<HashMap<i32, Vec<Slot>>>> =
    Lazy::new(|| Mutex::new(HashMap::new()));

pub fn get_practitioner(conn: &mut PgConnection, practitioner_id: i32) -> ClinicResult<Practitioner> {
    repo::find_by_id(conn, practitioner_id).map_err(|err| match err {
        DieselError::NotFound => ClinicError::not_found("practitioner", practitioner_id),
        other => other.into(),
    })
}

pub fn ensure_accepting(conn: &mut PgConnection, practitioner_id: i32) -> ClinicResult<Practitioner> {
    let practitioner = get_practitioner(conn, practitioner_id)?;
    if !practitioner.license_valid_on(Local::now().date_naive()) {
        return Err(ClinicError::validation(format!(
            "{} is not taking appointments",
            practitioner.full_name
        )));
    }
    Ok(practitioner)
}

pub fn directory(conn: &mut PgConnection, specialty: Option<&str>) -> ClinicResult<Vec<PractitionerSummary>> {
    let rows = repo::list_active(conn, specialty)?;
    Ok(rows.into_iter().map(PractitionerSummary::from).collect())
}

pub fn register(conn: &mut PgConnection, new_practitioner: NewPractitioner) -> ClinicResult<Practitioner> {
    if new_practitioner.license_number.trim().is_empty() {
        return Err(ClinicError::validation("license number is required"));
    }
    if new_practitioner.license_expires_on <= Local::now().date_naive() {
        return Err(ClinicError::validation("license has already expired"));
    }
    if matches!(new_practitioner.slot_minutes, Some(m) if !(5..=120).contains(&m)) {
        return Err(ClinicError::validation("slot length must be between 5 and 120 minutes"));
    }
    if !repo::specialty_exists(conn, new_practitioner.specialty_id)? {
        return Err(ClinicError::not_found("specialty", new_practitioner.specialty_id));
    }
    Ok(repo::insert(conn, &new_practitioner)?)
}

pub fn deactivate(conn: &mut PgConnection, practitioner_id: i32) -> ClinicResult<()> {
    if repo::set_active(conn, practitioner_id, false)? == 0 {
        return Err(ClinicError::not_found("practitioner", practitioner_id));
    }
    invalidate_availability(practitioner_id);
    Ok(())
}

/// Consultation fee of the practitioner's specialty, in cents.
pub fn consultation_fee(conn: &mut PgConnection, practitioner_id: i32) -> ClinicResult<i64> {
    let (_, specialty) = repo::find_with_specialty(conn, practitioner_id)?;
    Ok(specialty.base_fee_cents)
}

pub fn schedule(conn: &mut PgConnection, practitioner_id: i32) -> ClinicResult<Vec<WorkingHours>> {
    let practitioner = get_practitioner(conn, practitioner_id)?;
    Ok(repo::working_hours_for(conn, &practitioner)?)
}

pub fn set_working_hours(
    conn: &mut PgConnection,
    practitioner_id: i32,
    requests: Vec<WorkingHoursRequest>,
) -> ClinicResult<Vec<WorkingHours>> {
    let practitioner = get_practitioner(conn, practitioner_id)?;
    let mut blocks = Vec::with_capacity(requests.len());
    for request in requests {
        let weekday = slot_time::parse_weekday(&request.weekday)
            .ok_or_else(|| ClinicError::validation(format!("unknown weekday {:?}", request.weekday)))?;
        if request.ends_at <= request.starts_at {
            return Err(ClinicError::validation("working hours must end after they start"));
        }
        blocks.push(NewWorkingHours {
            practitioner_id: practitioner.id,
            weekday,
            starts_at: request.starts_at,
            ends_at: request.ends_at,
        });
    }
    blocks.sort_by_key(|block| (block.weekday, block.starts_at));
    for pair in blocks.windows(2) {
        if pair[0].weekday == pair[1].weekday && pair[1].starts_at < pair[0].ends_at {
            let day = slot_time::weekday_name(pair[0].weekday).unwrap_or("?");
            return Err(ClinicError::validation(format!("overlapping working hours on {day}")));
        }
    }
    let saved = repo::replace_working_hours(conn, practitioner.id, &blocks)?;
    invalidate_availability(practitioner.id);
    Ok(saved)
}

/// Working-hour slots of a practitioner on `day`, from the cache when `day`
/// falls inside the cache window.
pub fn bookable_slots(conn: &mut PgConnection, practitioner_id: i32, day: NaiveDate) -> ClinicResult<Vec<Slot>> {
    let today = Local::now().date_naive();
    let offset = slot_time::days_between(today, day);
    if offset < 0 {
        return Ok(Vec::new());
    }
    if offset >= i64::from(CACHE_WINDOW_DAYS) {
        return compute_slots(conn, practitioner_id, day, 1);
    }
    if let Some(cached) = AVAILABILITY_CACHE.lock().expect("availability cache poisoned").get(&practitioner_id) {
        return Ok(cached.iter().filter(|slot| slot.date() == day).copied().collect());
    }
    let window = compute_slots(conn, practitioner_id, today, CACHE_WINDOW_DAYS)?;
    let on_day = window.iter().filter(|slot| slot.date() == day).copied().collect();
    AVAILABILITY_CACHE
        .lock()
        .expect("availability cache poisoned")
        .insert(practitioner_id, window);
    Ok(on_day)
}

pub fn availability(conn: &mut PgConnection, practitioner_id: i32, day: NaiveDate) -> ClinicResult<Availability> {
    let slots = bookable_slots(conn, practitioner_id, day)?;
    Ok(Availability { practitioner_id, date: day, slots })
}

fn compute_slots(conn: &mut PgConnection, practitioner_id: i32, start: NaiveDate, days: u32) -> ClinicResult<Vec<Slot>> {
    let (practitioner, specialty) = repo::find_with_specialty(conn, practitioner_id)?;
    let minutes = practitioner.effective_slot_minutes(Some(&specialty));
    let hours = repo::working_hours_for(conn, &practitioner)?;
    let mut slots: Vec<Slot> = slot_time::dates_from(start, days)
        .filter(|day| practitioner.license_valid_on(*day))
        .flat_map(|day| hours.iter().flat_map(move |block| block.slots_on(day, minutes)))
        .collect();
    slots.sort_by_key(|slot| slot.start);
    Ok(slots)
}

pub fn invalidate_availability(practitioner_id: i32) {
    AVAILABILITY_CACHE
        .lock()
        .expect("availability cache poisoned")
        .remove(&practitioner_id);
}

/// Called by the nightly job, since the window is anchored on the day it was built.
pub fn clear_availability_cache() {
    AVAILABILITY_CACHE.lock().expect("availability cache poisoned").clear();
}
