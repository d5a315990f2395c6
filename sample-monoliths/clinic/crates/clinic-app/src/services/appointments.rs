//! Booking, cancelling, rescheduling and completing appointments.

use chrono::{Duration, Local, NaiveDate, NaiveDateTime, Utc};
use clinic_common::error::{ClinicError, ClinicResult};
use clinic_common::time::{self, Slot};
use diesel::{OptionalExtension, PgConnection};

use super::practitioners::AVAILABILITY_CACHE;
use super::{billing, patients as patient_service, practitioners as practitioner_service};
use crate::models::appointment::{AppointmentChanges, BookingRequest, CancelRequest, NewAppointment, RescheduleRequest};
use crate::models::invoice::Invoice;
use crate::models::{Appointment, AppointmentStatus};
use crate::repository::appointments as repo;

/// Cancelling with less notice than this is recorded as a late cancellation.
const CANCELLATION_NOTICE_HOURS: i64 = 24;
const MAX_BOOKING_DAYS_AHEAD: i64 = 90;

pub fn get_appointment(conn: &mut PgConnection, appointment_id: i32) -> ClinicResult<Appointment> {
    repo::find_by_id(conn, appointment_id)
        .optional()?
        .ok_or_else(|| ClinicError::not_found("appointment", appointment_id))
}

/// Working-hour slots on `day` that are in the future and not yet booked.
pub fn free_slots(conn: &mut PgConnection, practitioner_id: i32, day: NaiveDate) -> ClinicResult<Vec<Slot>> {
    let working = practitioner_service::bookable_slots(conn, practitioner_id, day)?;
    let (from, to) = time::day_bounds(day);
    let booked: Vec<Slot> = repo::for_practitioner_between(conn, practitioner_id, from, to)?
        .iter()
        .map(Appointment::slot)
        .collect();
    let now = Local::now().naive_local();
    Ok(working
        .into_iter()
        .filter(|slot| slot.start > now && !booked.iter().any(|taken| taken.overlaps(slot)))
        .collect())
}

pub fn book(conn: &mut PgConnection, request: BookingRequest) -> ClinicResult<Appointment> {
    let starts_at = request.starts_at.ok_or_else(|| ClinicError::validation("Please select a time slot"))?;
    let patient = patient_service::ensure_active(conn, request.patient_id)?;
    let practitioner = practitioner_service::ensure_accepting(conn, request.practitioner_id)?;

    let now = Local::now().naive_local();
    if starts_at <= now || starts_at - now > Duration::days(MAX_BOOKING_DAYS_AHEAD) {
        return Err(ClinicError::validation(format!("bookings open up to {MAX_BOOKING_DAYS_AHEAD} days ahead")));
    }
    let slot = matching_slot(conn, practitioner.id, starts_at)?;
    if repo::count_overlapping(conn, practitioner.id, slot.start, slot.end, None)? > 0 {
        return Err(ClinicError::conflict("that slot has just been taken"));
    }
    let upcoming = repo::for_patient(conn, patient.id, Some(now))?;
    if upcoming.iter().any(|other| other.is_active() && other.slot().overlaps(&slot)) {
        return Err(ClinicError::conflict("patient already has an appointment at that time"));
    }

    let stamp = Utc::now().naive_utc();
    let new_appointment = NewAppointment {
        patient_id: patient.id,
        practitioner_id: practitioner.id,
        starts_at: slot.start,
        ends_at: slot.end,
        status: AppointmentStatus::Booked.as_str().to_string(),
        reason: request.reason.map(|r| r.trim().to_string()).filter(|r| !r.is_empty()),
        created_at: stamp,
        updated_at: stamp,
    };
    let appointment = repo::insert(conn, &new_appointment)?;
    take_cached_slot(practitioner.id, &slot);
    log::info!("booked appointment #{} with {}", appointment.id, practitioner.full_name);
    Ok(appointment)
}

/// The practitioner's working-hour slot that starts exactly at `starts_at`.
fn matching_slot(conn: &mut PgConnection, practitioner_id: i32, starts_at: NaiveDateTime) -> ClinicResult<Slot> {
    practitioner_service::bookable_slots(conn, practitioner_id, starts_at.date())?
        .into_iter()
        .find(|slot| slot.start == starts_at)
        .ok_or_else(|| ClinicError::validation("the practitioner has no slot starting at that time"))
}

fn take_cached_slot(practitioner_id: i32, slot: &Slot) {
    let mut cache = AVAILABILITY_CACHE.lock().expect("availability cache poisoned");
    if let Some(slots) = cache.get_mut(&practitioner_id) {
        slots.retain(|cached| !cached.overlaps(slot));
    }
}

pub fn cancel(conn: &mut PgConnection, appointment_id: i32, request: CancelRequest) -> ClinicResult<Appointment> {
    let appointment = get_appointment(conn, appointment_id)?;
    let current = appointment.status();
    if !current.can_transition_to(AppointmentStatus::Cancelled) {
        return Err(ClinicError::conflict(format!("a {current} appointment cannot be cancelled")));
    }
    let hours_left = time::hours_between(Local::now().naive_local(), appointment.starts_at);
    let late = hours_left < CANCELLATION_NOTICE_HOURS && !request.by_clinic;
    let cancel_reason = match (request.reason, late) {
        (Some(reason), true) => Some(format!("{reason} (late cancellation)")),
        (None, true) => Some("late cancellation".to_string()),
        (reason, false) => reason,
    };
    let changes = AppointmentChanges { cancel_reason, ..AppointmentChanges::status(AppointmentStatus::Cancelled) };
    let cancelled = repo::apply_changes(conn, appointment_id, &changes)?;
    AVAILABILITY_CACHE.lock().expect("availability cache poisoned").remove(&cancelled.practitioner_id);
    Ok(cancelled)
}

pub fn reschedule(conn: &mut PgConnection, appointment_id: i32, request: RescheduleRequest) -> ClinicResult<Appointment> {
    let appointment = get_appointment(conn, appointment_id)?;
    if appointment.status() != AppointmentStatus::Booked || request.starts_at <= Local::now().naive_local() {
        return Err(ClinicError::conflict("only booked appointments can be moved, and only to the future"));
    }
    practitioner_service::invalidate_availability(appointment.practitioner_id);
    let slot = matching_slot(conn, appointment.practitioner_id, request.starts_at)?;
    if repo::count_overlapping(conn, appointment.practitioner_id, slot.start, slot.end, Some(appointment.id))? > 0 {
        return Err(ClinicError::conflict("that slot is already taken"));
    }
    let changes = AppointmentChanges {
        starts_at: Some(slot.start),
        ends_at: Some(slot.end),
        reminder_sent: Some(false),
        ..AppointmentChanges::status(AppointmentStatus::Booked)
    };
    let moved = repo::apply_changes(conn, appointment.id, &changes)?;
    take_cached_slot(moved.practitioner_id, &slot);
    Ok(moved)
}

pub fn transition(conn: &mut PgConnection, appointment_id: i32, next: AppointmentStatus) -> ClinicResult<Appointment> {
    let appointment = get_appointment(conn, appointment_id)?;
    if next == AppointmentStatus::Completed || !appointment.status().can_transition_to(next) {
        return Err(ClinicError::conflict(format!("cannot move from {} to {next}", appointment.status)));
    }
    Ok(repo::apply_changes(conn, appointment_id, &AppointmentChanges::status(next))?)
}

/// Completes a visit; its draft invoice is written in the same transaction.
pub fn complete(conn: &mut PgConnection, appointment_id: i32) -> ClinicResult<(Appointment, Invoice)> {
    let appointment = get_appointment(conn, appointment_id)?;
    if !appointment.status().can_transition_to(AppointmentStatus::Completed) {
        return Err(ClinicError::conflict("only checked-in appointments can be completed"));
    }
    let fee = practitioner_service::consultation_fee(conn, appointment.practitioner_id)?;
    let draft = billing::draft_invoice_for(conn, &appointment, fee)?;
    let (completed, invoice) = repo::complete_with_invoice(conn, appointment.id, &draft)?;
    log::info!("appointment #{} completed, draft invoice {}", completed.id, invoice.number);
    Ok((completed, invoice))
}

pub fn for_patient(conn: &mut PgConnection, patient_id: i32, upcoming_only: bool) -> ClinicResult<Vec<Appointment>> {
    patient_service::get_patient(conn, patient_id)?;
    let after = upcoming_only.then(|| Local::now().naive_local());
    Ok(repo::for_patient(conn, patient_id, after)?)
}

pub fn due_for_reminder(conn: &mut PgConnection, from: NaiveDateTime, to: NaiveDateTime) -> ClinicResult<Vec<Appointment>> {
    Ok(repo::due_for_reminder(conn, from, to)?)
}

pub fn mark_reminded(conn: &mut PgConnection, appointment_id: i32) -> ClinicResult<()> {
    repo::mark_reminder_sent(conn, appointment_id)?;
    Ok(())
}

pub fn completed_unbilled(conn: &mut PgConnection, limit: i64) -> ClinicResult<Vec<Appointment>> {
    Ok(repo::completed_unbilled(conn, limit)?)
}
