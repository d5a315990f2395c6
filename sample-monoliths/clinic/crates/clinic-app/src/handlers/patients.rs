//! `/patients`: registration, contact details and medical history.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use clinic_common::db::{self, DbPool};
use clinic_common::ClinicError;

use crate::models::patient::{HistoryEntryRequest, NewPatient, PatientChanges, PatientSearch};
use crate::services::patients as service;

#[get("")]
async fn search(pool: web::Data<DbPool>, query: web::Query<PatientSearch>) -> Result<HttpResponse, ClinicError> {
    let PatientSearch { q, limit } = query.into_inner();
    let found = db::run(&pool, move |conn| service::search(conn, &q, limit)).await?;
    Ok(HttpResponse::Ok().json(found))
}

#[post("")]
async fn register(pool: web::Data<DbPool>, body: web::Json<NewPatient>) -> Result<HttpResponse, ClinicError> {
    let new_patient = body.into_inner();
    let patient = db::run(&pool, move |conn| service::register(conn, new_patient)).await?;
    Ok(HttpResponse::Created().json(patient))
}

#[get("/{id}")]
async fn profile(pool: web::Data<DbPool>, path: web::Path<i32>) -> Result<HttpResponse, ClinicError> {
    let patient_id = path.into_inner();
    let profile = db::run(&pool, move |conn| service::profile(conn, patient_id)).await?;
    Ok(HttpResponse::Ok().json(profile))
}

#[patch("/{id}")]
async fn update_contact(
    pool: web::Data<DbPool>,
    path: web::Path<i32>,
    body: web::Json<PatientChanges>,
) -> Result<HttpResponse, ClinicError> {
    let (patient_id, changes) = (path.into_inner(), body.into_inner());
    let patient = db::run(&pool, move |conn| service::update_contact(conn, patient_id, changes)).await?;
    Ok(HttpResponse::Ok().json(patient))
}

#[delete("/{id}")]
async fn archive(pool: web::Data<DbPool>, path: web::Path<i32>) -> Result<HttpResponse, ClinicError> {
    let patient_id = path.into_inner();
    db::run(&pool, move |conn| service::archive(conn, patient_id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[post("/{id}/history")]
async fn add_history(
    pool: web::Data<DbPool>,
    path: web::Path<i32>,
    body: web::Json<HistoryEntryRequest>,
) -> Result<HttpResponse, ClinicError> {
    let (patient_id, request) = (path.into_inner(), body.into_inner());
    let entry = db::run(&pool, move |conn| service::add_history(conn, patient_id, request)).await?;
    Ok(HttpResponse::Created().json(entry))
}

#[delete("/{id}/history/{entry_id}")]
async fn remove_history(pool: web::Data<DbPool>, path: web::Path<(i32, i32)>) -> Result<HttpResponse, ClinicError> {
    let (patient_id, entry_id) = path.into_inner();
    db::run(&pool, move |conn| service::remove_history(conn, patient_id, entry_id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(search)
        .service(register)
        .service(profile)
        .service(update_contact)
        .service(archive)
        .service(add_history)
        .service(remove_history);
}
