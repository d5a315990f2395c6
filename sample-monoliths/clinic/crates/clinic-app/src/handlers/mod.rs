//! HTTP layer: one module of actix-web handlers per feature.

pub mod appointments;
pub mod billing;
pub mod notifications;
pub mod patients;
pub mod practitioners;
pub mod prescriptions;
