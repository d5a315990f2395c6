//! Queries on the `appointments` table.

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::PgConnection;

use crate::models::appointment::{AppointmentChanges, NewAppointment};
use crate::models::invoice::{Invoice, NewInvoice};
use crate::models::{Appointment, AppointmentStatus};
use crate::schema::{appointments, invoices};

/// Statuses that occupy a practitioner's slot.
const ACTIVE_STATUSES: [&str; 2] = ["booked", "checked_in"];

pub fn find_by_id(conn: &mut PgConnection, appointment_id: i32) -> QueryResult<Appointment> {
    appointments::table
        .find(appointment_id)
        .select(Appointment::as_select())
        .first(conn)
}

pub fn for_practitioner_between(
    conn: &mut PgConnection,
    practitioner: i32,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<Appointment>> {
    use crate::schema::appointments::dsl::*;

    appointments
        .filter(practitioner_id.eq(practitioner))
        .filter(starts_at.lt(to))
        .filter(ends_at.gt(from))
        .filter(status.eq_any(ACTIVE_STATUSES))
        .order(starts_at.asc())
        .load::<Appointment>(conn)
}

/// Number of active appointments of `practitioner` overlapping `[slot_start, slot_end)`.
pub fn count_overlapping(
    conn: &mut PgConnection,
    practitioner: i32,
    slot_start: NaiveDateTime,
    slot_end: NaiveDateTime,
    excluding: Option<i32>,
) -> QueryResult<i64> {
    use crate::schema::appointments::dsl::*;

    let mut query = appointments
        .filter(practitioner_id.eq(practitioner))
        .filter(starts_at.lt(slot_end))
        .filter(ends_at.gt(slot_start))
        .filter(status.eq_any(ACTIVE_STATUSES))
        .into_boxed();
    if let Some(skip) = excluding {
        query = query.filter(id.ne(skip));
    }
    query.count().get_result(conn)
}

pub fn for_patient(
    conn: &mut PgConnection,
    patient: i32,
    upcoming_after: Option<NaiveDateTime>,
) -> QueryResult<Vec<Appointment>> {
    let mut query = appointments::table
        .filter(appointments::patient_id.eq(patient))
        .select(Appointment::as_select())
        .into_boxed();
    if let Some(now) = upcoming_after {
        query = query.filter(appointments::starts_at.ge(now));
    }
    query.order(appointments::starts_at.asc()).load(conn)
}

pub fn insert(conn: &mut PgConnection, new_appointment: &NewAppointment) -> QueryResult<Appointment> {
    diesel::insert_into(appointments::table)
        .values(new_appointment)
        .returning(Appointment::as_returning())
        .get_result(conn)
}

pub fn apply_changes(
    conn: &mut PgConnection,
    appointment_id: i32,
    changes: &AppointmentChanges,
) -> QueryResult<Appointment> {
    diesel::update(appointments::table.find(appointment_id))
        .set(changes)
        .returning(Appointment::as_returning())
        .get_result(conn)
}

pub fn due_for_reminder(conn: &mut PgConnection, from: NaiveDateTime, to: NaiveDateTime) -> QueryResult<Vec<Appointment>> {
    use crate::schema::appointments::dsl::*;

    appointments
        .filter(reminder_sent.eq(false))
        .filter(status.eq(AppointmentStatus::Booked.as_str()))
        .filter(starts_at.between(from, to))
        .order(starts_at.asc())
        .load::<Appointment>(conn)
}

pub fn mark_reminder_sent(conn: &mut PgConnection, appointment_id: i32) -> QueryResult<usize> {
    diesel::update(appointments::table.find(appointment_id))
        .set(appointments::reminder_sent.eq(true))
        .execute(conn)
}

pub fn completed_unbilled(conn: &mut PgConnection, limit: i64) -> QueryResult<Vec<Appointment>> {
    appointments::table
        .filter(appointments::status.eq(AppointmentStatus::Completed.as_str()))
        .filter(appointments::billed.eq(false))
        .order(appointments::starts_at.asc())
        .limit(limit)
        .select(Appointment::as_select())
        .load(conn)
}

// No-show report, moved to the nightly export job:
// let no_shows = appointments.filter(status.eq("no_show")).filter(starts_at.lt(cutoff)).load::<Appointment>(conn)?;

/// Marks the visit completed and opens its draft invoice atomically, so a
/// completed visit can never be left without an invoice.
pub fn complete_with_invoice(
    conn: &mut PgConnection,
    appointment_id: i32,
    draft: &NewInvoice,
) -> QueryResult<(Appointment, Invoice)> {
    conn.transaction(|conn| {
        let completed = diesel::update(appointments::table.find(appointment_id))
            .set((
                appointments::status.eq(AppointmentStatus::Completed.as_str()),
                appointments::updated_at.eq(Utc::now().naive_utc()),
            ))
            .returning(Appointment::as_returning())
            .get_result(conn)?;

        let invoice = diesel::insert_into(invoices::table)
            .values(draft)
            .returning(Invoice::as_returning())
            .get_result(conn)?;

        Ok((completed, invoice))
    })
}
