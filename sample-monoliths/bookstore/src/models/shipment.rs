//! Shipping entities: shipments, carrier methods and tracking updates.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[sqlx(type_name = "shipment_status", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum ShipmentStatus {
    LabelCreated,
    InTransit,
    Delivered,
    Returned,
}

impl ShipmentStatus {
    pub fn can_become(self, next: ShipmentStatus) -> bool {
        use ShipmentStatus::*;
        matches!(
            (self, next),
            (LabelCreated, InTransit) | (InTransit, InTransit) | (InTransit, Delivered) | (InTransit, Returned)
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShippingMethod {
    Standard,
    Express,
    Overnight,
}

impl ShippingMethod {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "standard" => Some(ShippingMethod::Standard),
            "express" => Some(ShippingMethod::Express),
            "overnight" => Some(ShippingMethod::Overnight),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ShippingMethod::Standard => "standard",
            ShippingMethod::Express => "express",
            ShippingMethod::Overnight => "overnight",
        }
    }

    pub fn carrier(self) -> &'static str {
        match self {
            ShippingMethod::Standard => "PostNord",
            ShippingMethod::Express | ShippingMethod::Overnight => "DHL",
        }
    }

    pub fn base_cents(self) -> i64 {
        match self {
            ShippingMethod::Standard => 499,
            ShippingMethod::Express => 999,
            ShippingMethod::Overnight => 1_999,
        }
    }
}

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Shipment {
    pub id: i64,
    pub order_id: i64,
    pub carrier: String,
    pub method: String,
    pub tracking_number: String,
    pub status: ShipmentStatus,
    pub last_location: Option<String>,
    pub shipped_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// Destination printed on the label.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct ShipTo {
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub postal_code: String,
    pub country: String,
}

#[derive(Debug, Deserialize)]
pub struct CreateShipment {
    pub order_id: i64,
}

#[derive(Debug, Deserialize)]
pub struct TrackingUpdate {
    pub status: ShipmentStatus,
    pub location: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct QuoteParams {
    pub method: Option<String>,
    pub items: Option<u32>,
    pub subtotal_cents: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct ShippingQuote {
    pub method: ShippingMethod,
    pub cost_cents: i64,
    pub estimated_days: u32,
}
