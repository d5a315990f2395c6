//! Diesel query layer. Each module queries the tables of its own feature.

pub mod appointments;
pub mod billing;
pub mod notifications;
pub mod patients;
pub mod practitioners;
pub mod prescriptions;
