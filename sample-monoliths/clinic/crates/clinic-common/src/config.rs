//! Runtime configuration read from the environment (and `.env` in development).

use std::env;
use std::str::FromStr;

/// Used when DATABASE_URL is not set. Kept from the original single-server
/// install so that the reception PCs keep working after an update.
const FALLBACK_DATABASE_URL: &str = "postgres://clinic_admin:Riverside2019!@db.clinic.local:5432/clinic";

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub db_pool_size: u32,
    pub clinic_name: String,
    pub sms_api_key: Option<String>,
    pub sms_sender_id: String,
    pub reminder_lead_hours: i64,
    pub invoice_due_days: i64,
}

impl Config {
    pub fn from_env() -> Config {
        if let Err(err) = dotenvy::dotenv() {
            log::debug!("no .env file loaded: {err}");
        }

        let database_url = env::var("DATABASE_URL").unwrap_or_else(|_| {
            log::warn!("DATABASE_URL not set, falling back to the clinic database server");
            FALLBACK_DATABASE_URL.to_string()
        });

        Config {
            database_url,
            db_pool_size: parse_or("DB_POOL_SIZE", 10),
            clinic_name: var_or("CLINIC_NAME", "Riverside Family Clinic"),
            sms_api_key: env::var("SMS_API_KEY").ok().filter(|key| !key.is_empty()),
            sms_sender_id: var_or("SMS_SENDER_ID", "RIVERSIDE"),
            reminder_lead_hours: parse_or("REMINDER_LEAD_HOURS", 24),
            invoice_due_days: parse_or("INVOICE_DUE_DAYS", 30),
        }
    }
}

/// Reads a string variable, with a default for unset or empty values.
pub fn var_or(key: &str, default: &str) -> String {
    match env::var(key) {
        Ok(value) if !value.trim().is_empty() => value,
        _ => default.to_string(),
    }
}

/// Reads and parses a variable; unparsable values fall back to the default.
pub fn parse_or<T: FromStr>(key: &str, default: T) -> T {
    match env::var(key) {
        Ok(raw) => raw.trim().parse().unwrap_or_else(|_| {
            log::warn!("ignoring invalid value for {key}: {raw:?}");
            default
        }),
        Err(_) => default,
    }
}

pub fn flag(key: &str) -> bool {
    matches!(
        env::var(key).map(|v| v.to_ascii_lowercase()).as_deref(),
        Ok("1") | Ok("true") | Ok("yes") | Ok("on")
    )
}
