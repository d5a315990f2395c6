//! `/billing`: invoices, payments and insurance claims.
//!
//! Registered with `web::resource` rather than attribute macros, as the
//! billing screens were ported from the old scope-based router.

use actix_web::{web, HttpResponse};
use clinic_common::db::{self, DbPool};
use clinic_common::ClinicError;

use crate::models::invoice::{ClaimDecision, PaymentRequest};
use crate::services::billing as service;

async fn issue_pending(pool: web::Data<DbPool>) -> Result<HttpResponse, ClinicError> {
    let issued = db::run(&pool, service::issue_pending).await?;
    Ok(HttpResponse::Ok().json(issued))
}

async fn unbilled(pool: web::Data<DbPool>) -> Result<HttpResponse, ClinicError> {
    let visits = db::run(&pool, service::unbilled_visits).await?;
    Ok(HttpResponse::Ok().json(visits))
}

async fn patient_invoices(pool: web::Data<DbPool>, path: web::Path<i32>) -> Result<HttpResponse, ClinicError> {
    let patient_id = path.into_inner();
    let invoices = db::run(&pool, move |conn| service::for_patient(conn, patient_id)).await?;
    Ok(HttpResponse::Ok().json(invoices))
}

async fn invoice_details(pool: web::Data<DbPool>, path: web::Path<i32>) -> Result<HttpResponse, ClinicError> {
    let invoice_id = path.into_inner();
    let details = db::run(&pool, move |conn| service::details(conn, invoice_id)).await?;
    Ok(HttpResponse::Ok().json(details))
}

async fn record_payment(
    pool: web::Data<DbPool>,
    path: web::Path<i32>,
    body: web::Json<PaymentRequest>,
) -> Result<HttpResponse, ClinicError> {
    let (invoice_id, request) = (path.into_inner(), body.into_inner());
    let payment = db::run(&pool, move |conn| service::record_payment(conn, invoice_id, request)).await?;
    Ok(HttpResponse::Created().json(payment))
}

async fn submit_claim(pool: web::Data<DbPool>, path: web::Path<i32>) -> Result<HttpResponse, ClinicError> {
    let invoice_id = path.into_inner();
    let claim = db::run(&pool, move |conn| service::submit_claim(conn, invoice_id)).await?;
    Ok(HttpResponse::Created().json(claim))
}

async fn resolve_claim(
    pool: web::Data<DbPool>,
    path: web::Path<i32>,
    body: web::Json<ClaimDecision>,
) -> Result<HttpResponse, ClinicError> {
    let (invoice_id, decision) = (path.into_inner(), body.into_inner());
    let claim = db::run(&pool, move |conn| service::resolve_claim(conn, invoice_id, decision)).await?;
    Ok(HttpResponse::Ok().json(claim))
}

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/invoices/issue").route(web::post().to(issue_pending)))
        .service(web::resource("/invoices/unbilled").route(web::get().to(unbilled)))
        .service(web::resource("/patients/{patient_id}/invoices").route(web::get().to(patient_invoices)))
        .service(web::resource("/invoices/{id}").route(web::get().to(invoice_details)))
        .service(web::resource("/invoices/{id}/payments").route(web::post().to(record_payment)))
        .service(
            web::resource("/invoices/{id}/claim")
                .route(web::post().to(submit_claim))
                .route(web::put().to(resolve_claim)),
        );
}
