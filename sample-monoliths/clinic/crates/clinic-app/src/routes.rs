//! Mounts every feature's handlers under its URL prefix.

use actix_web::{get, web, HttpResponse};
use clinic_common::db::{self, DbPool};
use clinic_common::{ClinicError, VERSION};

use crate::handlers::{appointments, billing, notifications, patients, practitioners, prescriptions};

#[get("/health")]
async fn health(pool: web::Data<DbPool>) -> Result<HttpResponse, ClinicError> {
    db::run(&pool, db::ping).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "status": "ok", "version": VERSION })))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(health).service(
        web::scope("/api/v1")
            .service(web::scope("/patients").configure(patients::config))
            .service(web::scope("/practitioners").configure(practitioners::config))
            .service(web::scope("/appointments").configure(appointments::config))
            .service(web::scope("/billing").configure(billing::config))
            .service(web::scope("/prescriptions").configure(prescriptions::config))
            .service(web::scope("/notifications").configure(notifications::config)),
    );
}
