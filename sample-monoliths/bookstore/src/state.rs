//! Shared application state handed to every handler.

use std::sync::Arc;
use std::time::Duration;

use sqlx::PgPool;

use crate::config::Config;

#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub http: reqwest::Client,
    pub config: Arc<Config>,
}

impl AppState {
    pub fn new(pool: PgPool, config: Config) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .user_agent(concat!("bookstore/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("failed to build HTTP client");
        AppState {
            pool,
            http,
            config: Arc::new(config),
        }
    }
}
