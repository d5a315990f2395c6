//! Bookstore monolith: one binary serving the storefront API.

mod config;
mod db;
mod error;
mod handlers;
mod models;
mod repository;
mod routes;
mod services;
mod state;
mod util;

use std::net::SocketAddr;

use tracing_subscriber::EnvFilter;

use crate::config::Config;
use crate::state::AppState;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = Config::from_env();

    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(&config.log_filter))
        .init();

    let pool = db::connect(&config).await?;
    db::migrate(&pool).await?;
    tracing::info!(max_connections = config.max_connections, "database ready");

    let state = AppState::new(pool, config);
    let app = routes::build_router(state);

    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|raw| raw.parse().ok())
        .unwrap_or(8080);
    let addr = SocketAddr::from(([0, 0, 0, 0], port));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(%addr, "bookstore listening");

    axum::serve(listener, app).await?;
    Ok(())
}
