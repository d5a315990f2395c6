//! Riverside clinic scheduler: one actix-web server for reception, doctors and billing.

mod handlers;
mod models;
mod repository;
mod routes;
mod schema;
mod services;

use std::thread;
use std::time::Duration;

use actix_web::middleware::{Compress, Logger};
use actix_web::{web, App, HttpServer};
use chrono::Local;
use clinic_common::config::Config;
use clinic_common::db::{self, DbPool};

use crate::services::{appointments, notifications, practitioners, prescriptions};

/// How often the background worker looks for reminders to send.
const REMINDER_INTERVAL: Duration = Duration::from_secs(5 * 60);

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    env_logger::init_from_env(env_logger::Env::new().default_filter_or("info"));

    let config = Config::from_env();
    let pool = db::establish_pool(&config.database_url, config.db_pool_size)
        .expect("could not connect to the clinic database");

    spawn_background_worker(pool.clone(), config.clone());

    log::info!("{} listening on 0.0.0.0:8080", config.clinic_name);
    let pool_data = web::Data::new(pool);
    let config_data = web::Data::new(config);
    HttpServer::new(move || {
        App::new()
            .wrap(Logger::new("%a \"%r\" %s %Dms"))
            .wrap(Compress::default())
            .app_data(pool_data.clone())
            .app_data(config_data.clone())
            .app_data(web::JsonConfig::default().limit(256 * 1024))
            .configure(routes::configure)
    })
    .bind(("0.0.0.0", 8080))?
    .workers(4)
    .run()
    .await
}

/// Sends reminders every few minutes and does the nightly housekeeping.
fn spawn_background_worker(pool: DbPool, config: Config) {
    thread::spawn(move || {
        let mut today = Local::now().date_naive();
        loop {
            match db::checkout(&pool) {
                Ok(mut conn) => {
                    if Local::now().date_naive() != today {
                        today = Local::now().date_naive();
                        let sent = notifications::reset_daily_counter();
                        practitioners::clear_availability_cache();
                        let expired = prescriptions::expire_old(&mut conn).unwrap_or_default();
                        let unbilled = appointments::completed_unbilled(&mut conn, 1000).map(|v| v.len()).unwrap_or(0);
                        log::info!("nightly: {sent} SMS yesterday, {expired} prescriptions expired, {unbilled} visits unbilled");
                    }
                    if let Err(err) = notifications::send_due_reminders(&mut conn, &config) {
                        log::error!("reminder run failed: {err}");
                    }
                }
                Err(err) => log::error!("background worker has no database connection: {err}"),
            }
            thread::sleep(REMINDER_INTERVAL);
        }
    });
}
