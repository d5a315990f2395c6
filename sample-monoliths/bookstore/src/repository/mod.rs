pub mod catalog;
pub mod customers;
pub mod inventory;
pub mod orders;
pub mod payments;
pub mod reviews;
pub mod shipping;
