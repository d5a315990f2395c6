//! Business rules. Handlers call into these; these call the repositories.

pub mod appointments;
pub mod billing;
pub mod notifications;
pub mod patients;
pub mod practitioners;
pub mod prescriptions;
