//! `/notifications`: reminder runs, templates and delivery history.

use actix_web::{get, post, put, web, HttpResponse};
use clinic_common::config::Config;
use clinic_common::db::{self, DbPool};
use clinic_common::ClinicError;
use serde_json::json;

use crate::models::notification::TemplateUpsert;
use crate::services::notifications as service;

#[post("/reminders/run")]
async fn run_reminders(pool: web::Data<DbPool>, config: web::Data<Config>) -> Result<HttpResponse, ClinicError> {
    let config = config.get_ref().clone();
    let report = db::run(&pool, move |conn| service::send_due_reminders(conn, &config)).await?;
    Ok(HttpResponse::Ok().json(report))
}

#[get("/templates")]
async fn templates(pool: web::Data<DbPool>) -> Result<HttpResponse, ClinicError> {
    let templates = db::run(&pool, service::templates).await?;
    Ok(HttpResponse::Ok().json(templates))
}

#[put("/templates")]
async fn save_template(pool: web::Data<DbPool>, body: web::Json<TemplateUpsert>) -> Result<HttpResponse, ClinicError> {
    let template = body.into_inner();
    let saved = db::run(&pool, move |conn| service::save_template(conn, template)).await?;
    Ok(HttpResponse::Ok().json(saved))
}

#[get("/patients/{patient_id}")]
async fn history(pool: web::Data<DbPool>, path: web::Path<i32>) -> Result<HttpResponse, ClinicError> {
    let patient_id = path.into_inner();
    let sent = db::run(&pool, move |conn| service::history(conn, patient_id)).await?;
    Ok(HttpResponse::Ok().json(sent))
}

#[get("/stats")]
async fn stats() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "sms_sent_today": service::sent_today() }))
}

#[post("/stats/reset")]
async fn reset_stats() -> HttpResponse {
    let previous = service::reset_daily_counter();
    HttpResponse::Ok().json(json!({ "sms_sent_before_reset": previous }))
}

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(run_reminders)
        .service(templates)
        .service(save_template)
        .service(history)
        .service(stats)
        .service(reset_stats);
}
