//! Process configuration, read once at start-up from the environment (and `.env`).

use std::env;

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub max_connections: u32,
    pub log_filter: String,
    pub currency: String,
    pub payment_api_key: String,
    pub admin_token: String,
    pub tax_rate_bp: i64,
    pub free_shipping_over_cents: i64,
}

impl Config {
    pub fn from_env() -> Self {
        // A missing .env file is fine in production; variables come from the environment.
        let _ = dotenvy::dotenv();

        let database_url = env::var("DATABASE_URL")
            .unwrap_or_else(|_| "postgres://bookstore:secret@localhost:5432/bookstore".to_string());

        Config {
            database_url,
            max_connections: parse_or("DB_MAX_CONNECTIONS", 10),
            log_filter: env::var("RUST_LOG").unwrap_or_else(|_| "bookstore=info,tower_http=warn".into()),
            currency: env::var("STORE_CURRENCY").unwrap_or_else(|_| "EUR".into()),
            payment_api_key: env::var("PAYMENT_API_KEY").unwrap_or_default(),
            admin_token: env::var("ADMIN_TOKEN").unwrap_or_default(),
            tax_rate_bp: parse_or("TAX_RATE_BP", 700),
            free_shipping_over_cents: parse_or("FREE_SHIPPING_OVER_CENTS", 5_000),
        }
    }

    pub fn payments_enabled(&self) -> bool {
        !self.payment_api_key.is_empty()
    }
}

fn parse_or<T: std::str::FromStr>(key: &str, default: T) -> T {
    match env::var(key) {
        Ok(raw) => raw.trim().parse().unwrap_or_else(|_| {
            tracing::warn!(key, value = %raw, "ignoring unparsable setting");
            default
        }),
        Err(_) => default,
    }
}
