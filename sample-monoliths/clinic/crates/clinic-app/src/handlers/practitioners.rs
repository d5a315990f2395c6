//! `/practitioners`: directory, registration, weekly schedule and availability.

use actix_web::{delete, get, post, put, web, HttpResponse};
use clinic_common::db::{self, DbPool};
use clinic_common::ClinicError;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::models::practitioner::{NewPractitioner, WorkingHoursRequest};
use crate::services::practitioners as service;

#[derive(Debug, Deserialize)]
pub struct DirectoryQuery {
    pub specialty: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct DayQuery {
    pub date: NaiveDate,
}

#[get("")]
async fn directory(pool: web::Data<DbPool>, query: web::Query<DirectoryQuery>) -> Result<HttpResponse, ClinicError> {
    let specialty = query.into_inner().specialty;
    let listing = db::run(&pool, move |conn| service::directory(conn, specialty.as_deref())).await?;
    Ok(HttpResponse::Ok().json(listing))
}

#[post("")]
async fn register(pool: web::Data<DbPool>, body: web::Json<NewPractitioner>) -> Result<HttpResponse, ClinicError> {
    let new_practitioner = body.into_inner();
    let practitioner = db::run(&pool, move |conn| service::register(conn, new_practitioner)).await?;
    Ok(HttpResponse::Created().json(practitioner))
}

#[get("/{id}")]
async fn show(pool: web::Data<DbPool>, path: web::Path<i32>) -> Result<HttpResponse, ClinicError> {
    let practitioner_id = path.into_inner();
    let practitioner = db::run(&pool, move |conn| service::get_practitioner(conn, practitioner_id)).await?;
    Ok(HttpResponse::Ok().json(practitioner))
}

#[delete("/{id}")]
async fn deactivate(pool: web::Data<DbPool>, path: web::Path<i32>) -> Result<HttpResponse, ClinicError> {
    let practitioner_id = path.into_inner();
    db::run(&pool, move |conn| service::deactivate(conn, practitioner_id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[get("/{id}/schedule")]
async fn schedule(pool: web::Data<DbPool>, path: web::Path<i32>) -> Result<HttpResponse, ClinicError> {
    let practitioner_id = path.into_inner();
    let hours = db::run(&pool, move |conn| service::schedule(conn, practitioner_id)).await?;
    Ok(HttpResponse::Ok().json(hours))
}

#[put("/{id}/schedule")]
async fn set_schedule(
    pool: web::Data<DbPool>,
    path: web::Path<i32>,
    body: web::Json<Vec<WorkingHoursRequest>>,
) -> Result<HttpResponse, ClinicError> {
    let (practitioner_id, blocks) = (path.into_inner(), body.into_inner());
    let saved = db::run(&pool, move |conn| service::set_working_hours(conn, practitioner_id, blocks)).await?;
    Ok(HttpResponse::Ok().json(saved))
}

#[get("/{id}/availability")]
async fn availability(
    pool: web::Data<DbPool>,
    path: web::Path<i32>,
    query: web::Query<DayQuery>,
) -> Result<HttpResponse, ClinicError> {
    let (practitioner_id, day) = (path.into_inner(), query.date);
    let availability = db::run(&pool, move |conn| service::availability(conn, practitioner_id, day)).await?;
    Ok(HttpResponse::Ok().json(availability))
}

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(directory)
        .service(register)
        .service(show)
        .service(deactivate)
        .service(schedule)
        .service(set_schedule)
        .service(availability);
}
