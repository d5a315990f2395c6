//! Row types, insert/update payloads and API views, one module per feature.

pub mod appointment;
pub mod invoice;
pub mod notification;
pub mod patient;
pub mod practitioner;
pub mod prescription;

pub use self::appointment::{Appointment, AppointmentStatus};
