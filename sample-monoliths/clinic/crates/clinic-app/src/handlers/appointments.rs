//! `/appointments`: free slots, booking, cancellation, rescheduling and the visit lifecycle.

use actix_web::{get, post, web, HttpResponse};
use clinic_common::db::{self, DbPool};
use clinic_common::ClinicError;
use serde::{Deserialize, Serialize};

use crate::models::appointment::{BookingRequest, CancelRequest, RescheduleRequest, SlotQuery};
use crate::models::invoice::Invoice;
use crate::models::{Appointment, AppointmentStatus};
use crate::services::appointments as service;

#[derive(Debug, Deserialize)]
pub struct PatientQuery {
    #[serde(default)]
    pub upcoming: bool,
}

#[derive(Debug, Serialize)]
struct CompletedVisit {
    appointment: Appointment,
    invoice: Invoice,
}

#[get("/free/{practitioner_id}")]
async fn free_slots(
    pool: web::Data<DbPool>,
    path: web::Path<i32>,
    query: web::Query<SlotQuery>,
) -> Result<HttpResponse, ClinicError> {
    let (practitioner_id, day) = (path.into_inner(), query.date);
    let slots = db::run(&pool, move |conn| service::free_slots(conn, practitioner_id, day)).await?;
    Ok(HttpResponse::Ok().json(slots))
}

#[post("")]
async fn book(pool: web::Data<DbPool>, body: web::Json<BookingRequest>) -> Result<HttpResponse, ClinicError> {
    let request = body.into_inner();
    let appointment = db::run(&pool, move |conn| service::book(conn, request)).await?;
    Ok(HttpResponse::Created().json(appointment))
}

#[get("/{id}")]
async fn show(pool: web::Data<DbPool>, path: web::Path<i32>) -> Result<HttpResponse, ClinicError> {
    let appointment_id = path.into_inner();
    let appointment = db::run(&pool, move |conn| service::get_appointment(conn, appointment_id)).await?;
    Ok(HttpResponse::Ok().json(appointment))
}

#[get("/patient/{patient_id}")]
async fn for_patient(
    pool: web::Data<DbPool>,
    path: web::Path<i32>,
    query: web::Query<PatientQuery>,
) -> Result<HttpResponse, ClinicError> {
    let (patient_id, upcoming) = (path.into_inner(), query.upcoming);
    let appointments = db::run(&pool, move |conn| service::for_patient(conn, patient_id, upcoming)).await?;
    Ok(HttpResponse::Ok().json(appointments))
}

#[post("/{id}/cancel")]
async fn cancel(
    pool: web::Data<DbPool>,
    path: web::Path<i32>,
    body: web::Json<CancelRequest>,
) -> Result<HttpResponse, ClinicError> {
    let (appointment_id, request) = (path.into_inner(), body.into_inner());
    let cancelled = db::run(&pool, move |conn| service::cancel(conn, appointment_id, request)).await?;
    Ok(HttpResponse::Ok().json(cancelled))
}

#[post("/{id}/reschedule")]
async fn reschedule(
    pool: web::Data<DbPool>,
    path: web::Path<i32>,
    body: web::Json<RescheduleRequest>,
) -> Result<HttpResponse, ClinicError> {
    let (appointment_id, request) = (path.into_inner(), body.into_inner());
    let moved = db::run(&pool, move |conn| service::reschedule(conn, appointment_id, request)).await?;
    Ok(HttpResponse::Ok().json(moved))
}

#[post("/{id}/check-in")]
async fn check_in(pool: web::Data<DbPool>, path: web::Path<i32>) -> Result<HttpResponse, ClinicError> {
    let appointment_id = path.into_inner();
    let appointment =
        db::run(&pool, move |conn| service::transition(conn, appointment_id, AppointmentStatus::CheckedIn)).await?;
    Ok(HttpResponse::Ok().json(appointment))
}

#[post("/{id}/no-show")]
async fn no_show(pool: web::Data<DbPool>, path: web::Path<i32>) -> Result<HttpResponse, ClinicError> {
    let appointment_id = path.into_inner();
    let appointment =
        db::run(&pool, move |conn| service::transition(conn, appointment_id, AppointmentStatus::NoShow)).await?;
    Ok(HttpResponse::Ok().json(appointment))
}

#[post("/{id}/complete")]
async fn complete(pool: web::Data<DbPool>, path: web::Path<i32>) -> Result<HttpResponse, ClinicError> {
    let appointment_id = path.into_inner();
    let (appointment, invoice) = db::run(&pool, move |conn| service::complete(conn, appointment_id)).await?;
    Ok(HttpResponse::Ok().json(CompletedVisit { appointment, invoice }))
}

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(free_slots)
        .service(book)
        .service(for_patient)
        .service(show)
        .service(cancel)
        .service(reschedule)
        .service(check_in)
        .service(no_show)
        .service(complete);
}
