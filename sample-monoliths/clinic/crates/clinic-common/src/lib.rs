//! Platform code shared by every part of the clinic scheduler.
//!
//! Nothing in here knows about patients, invoices or prescriptions; it only
//! provides the database pool, the common error type, configuration loading
//! and the date/time arithmetic used for appointment slots.

pub mod config;
pub mod db;
pub mod error;
pub mod time;

pub use error::{ClinicError, ClinicResult};

/// Version string reported by the health endpoint.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
