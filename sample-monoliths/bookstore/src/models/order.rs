//! Orders entities: carts, orders, order lines and the checkout request.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Cart {
    pub id: Uuid,
    pub customer_id: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct CartItem {
    pub cart_id: Uuid,
    pub book_id: i64,
    pub quantity: i32,
    pub added_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize)]
pub struct AddCartItem {
    pub book_id: i64,
    pub quantity: i32,
}

#[derive(Debug, Serialize)]
pub struct CartLineView {
    pub book_id: i64,
    pub quantity: i32,
    pub unit_price_cents: i64,
    pub line_total_cents: i64,
}

#[derive(Debug, Serialize)]
pub struct CartView {
    pub cart_id: Uuid,
    pub lines: Vec<CartLineView>,
    pub subtotal_cents: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[sqlx(type_name = "order_status", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Pending,
    Paid,
    Shipped,
    Delivered,
    Cancelled,
}

impl OrderStatus {
    pub fn can_transition_to(self, next: OrderStatus) -> bool {
        use OrderStatus::*;
        matches!(
            (self, next),
            (Pending, Paid)
                | (Pending, Cancelled)
                | (Paid, Shipped)
                | (Paid, Cancelled)
                | (Shipped, Delivered)
        )
    }
}

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Order {
    pub id: i64,
    pub customer_id: i64,
    pub status: OrderStatus,
    pub subtotal_cents: i64,
    pub shipping_cents: i64,
    pub tax_cents: i64,
    pub total_cents: i64,
    pub shipping_address_id: i64,
    pub shipping_method: String,
    pub placed_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct OrderLine {
    pub id: i64,
    pub order_id: i64,
    pub book_id: i64,
    pub quantity: i32,
    pub unit_price_cents: i64,
}

#[derive(Debug, Serialize)]
pub struct OrderWithLines {
    #[serde(flatten)]
    pub order: Order,
    pub lines: Vec<OrderLine>,
}

#[derive(Debug, Deserialize)]
pub struct CheckoutRequest {
    pub address_id: i64,
    pub shipping_method: Option<String>,
    pub payment_token: String,
}

/// A priced line, ready to be written by the checkout transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrderLine {
    pub book_id: i64,
    pub quantity: i32,
    pub unit_price_cents: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OrderTotals {
    pub subtotal_cents: i64,
    pub shipping_cents: i64,
    pub tax_cents: i64,
    pub total_cents: i64,
}

/// Everything the checkout transaction needs to persist in one go.
#[derive(Debug)]
pub struct CheckoutDraft {
    pub customer_id: i64,
    pub cart_id: Uuid,
    pub address_id: i64,
    pub shipping_method: String,
    pub lines: Vec<NewOrderLine>,
    pub totals: OrderTotals,
    pub currency: String,
    pub idempotency_key: Uuid,
}

#[derive(Debug, Serialize)]
pub struct CheckoutSummary {
    pub order_id: i64,
    pub payment_id: i64,
    pub status: OrderStatus,
    pub total_cents: i64,
    pub currency: String,
}
