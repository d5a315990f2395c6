//! `/prescriptions`: prescribing and refill requests.

use actix_web::{get, post, web, HttpResponse};
use clinic_common::db::{self, DbPool};
use clinic_common::ClinicError;

use crate::models::prescription::{PrescriptionRequest, RefillDecision};
use crate::services::prescriptions as service;

#[post("")]
async fn issue(pool: web::Data<DbPool>, body: web::Json<PrescriptionRequest>) -> Result<HttpResponse, ClinicError> {
    let request = body.into_inner();
    let prescription = db::run(&pool, move |conn| service::issue(conn, request)).await?;
    Ok(HttpResponse::Created().json(prescription))
}

#[get("/{id}")]
async fn show(pool: web::Data<DbPool>, path: web::Path<i32>) -> Result<HttpResponse, ClinicError> {
    let prescription_id = path.into_inner();
    let prescription = db::run(&pool, move |conn| service::get(conn, prescription_id)).await?;
    Ok(HttpResponse::Ok().json(prescription))
}

#[get("/patient/{patient_id}")]
async fn for_patient(pool: web::Data<DbPool>, path: web::Path<i32>) -> Result<HttpResponse, ClinicError> {
    let patient_id = path.into_inner();
    let prescriptions = db::run(&pool, move |conn| service::for_patient(conn, patient_id)).await?;
    Ok(HttpResponse::Ok().json(prescriptions))
}

#[post("/{id}/refills")]
async fn request_refill(pool: web::Data<DbPool>, path: web::Path<i32>) -> Result<HttpResponse, ClinicError> {
    let prescription_id = path.into_inner();
    let refill = db::run(&pool, move |conn| service::request_refill(conn, prescription_id)).await?;
    Ok(HttpResponse::Created().json(refill))
}

#[post("/refills/{refill_id}/decision")]
async fn decide_refill(
    pool: web::Data<DbPool>,
    path: web::Path<i32>,
    body: web::Json<RefillDecision>,
) -> Result<HttpResponse, ClinicError> {
    let (refill_id, decision) = (path.into_inner(), body.into_inner());
    let refill = db::run(&pool, move |conn| service::decide_refill(conn, refill_id, decision)).await?;
    Ok(HttpResponse::Ok().json(refill))
}

#[post("/expire")]
async fn expire(pool: web::Data<DbPool>) -> Result<HttpResponse, ClinicError> {
    let expired = db::run(&pool, service::expire_old).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "expired": expired })))
}

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(issue)
        .service(expire)
        .service(decide_refill)
        .service(for_patient)
        .service(show)
        .service(request_refill);
}
