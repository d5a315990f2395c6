//! Connection pool shared by every request handler and background job.

use std::time::Duration;

use actix_web::web;
use diesel::pg::PgConnection;
use diesel::r2d2::{self, ConnectionManager, PooledConnection};
use diesel::RunQueryDsl;

use crate::error::ClinicError;

pub type DbPool = r2d2::Pool<ConnectionManager<PgConnection>>;
pub type DbConn = PooledConnection<ConnectionManager<PgConnection>>;

/// Builds the r2d2 pool. Called once from `main`.
pub fn establish_pool(database_url: &str, max_size: u32) -> Result<DbPool, ClinicError> {
    let manager = ConnectionManager::<PgConnection>::new(database_url);
    let pool = r2d2::Pool::builder()
        .max_size(max_size)
        .min_idle(Some(1))
        .connection_timeout(Duration::from_secs(5))
        .test_on_check_out(true)
        .build(manager)?;
    log::info!("database pool ready (max {max_size} connections)");
    Ok(pool)
}

/// Checks a connection out of the pool, for code that is already off the
/// async executor (background jobs, CLI tasks).
pub fn checkout(pool: &DbPool) -> Result<DbConn, ClinicError> {
    Ok(pool.get()?)
}

/// Runs blocking diesel work on actix's thread pool so handlers stay async.
pub async fn run<F, T>(pool: &DbPool, work: F) -> Result<T, ClinicError>
where
    F: FnOnce(&mut PgConnection) -> Result<T, ClinicError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    web::block(move || {
        let mut conn = pool.get()?;
        work(&mut conn)
    })
    .await?
}

/// Round-trip used by the readiness probe.
pub fn ping(conn: &mut PgConnection) -> Result<(), ClinicError> {
    diesel::sql_query("SELECT 1").execute(conn)?;
    Ok(())
}
