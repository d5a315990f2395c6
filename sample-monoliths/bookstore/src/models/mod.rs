pub mod book;
pub mod customer;
pub mod order;
pub mod payment;
pub mod review;
pub mod shipment;
pub mod stock;
