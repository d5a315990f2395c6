//! Payments entities: payment intents stored locally, refunds, and gateway DTOs.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[sqlx(type_name = "payment_status", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    Pending,
    Succeeded,
    Failed,
    Refunded,
    PartiallyRefunded,
}

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Payment {
    pub id: i64,
    pub order_id: i64,
    pub amount_cents: i64,
    pub currency: String,
    pub status: PaymentStatus,
    pub gateway_charge_id: Option<String>,
    pub failure_reason: Option<String>,
    pub idempotency_key: Uuid,
    pub created_at: DateTime<Utc>,
}

impl Payment {
    pub fn is_settled(&self) -> bool {
        matches!(
            self.status,
            PaymentStatus::Succeeded | PaymentStatus::PartiallyRefunded
        )
    }
}

/// What the orders feature hands over when it wants a payment captured.
#[derive(Debug, Clone)]
pub struct PaymentIntent {
    pub payment_id: i64,
    pub order_id: i64,
    pub amount_cents: i64,
    pub currency: String,
    pub source_token: String,
    pub idempotency_key: Uuid,
}

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Refund {
    pub id: i64,
    pub payment_id: i64,
    pub amount_cents: i64,
    pub reason: String,
    pub gateway_refund_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize)]
pub struct RefundRequest {
    pub amount_cents: Option<i64>,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct GatewayChargeRequest<'a> {
    pub amount: i64,
    pub currency: &'a str,
    pub source: &'a str,
    pub description: String,
    pub metadata: serde_json::Value,
}

#[derive(Debug, Deserialize)]
pub struct GatewayChargeResponse {
    pub id: String,
    pub status: String,
    pub failure_message: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct GatewayRefundResponse {
    pub id: String,
    pub status: String,
}

#[derive(Debug, Deserialize)]
pub struct WebhookEvent {
    pub kind: String,
    pub charge_id: String,
    pub failure_message: Option<String>,
}
