//! Shipping: quotes, label creation, carrier tracking updates.

use std::fs::OpenOptions;
use std::io::Write;

use chrono::Utc;
use sqlx::PgPool;
use uuid::Uuid;

use super::orders;
use crate::error::{AppError, AppResult};
use crate::models::*;
use crate::repository::shipping as repo;

const SHIPPING_LOG: &str = "/var/log/bookstore/shipping.log";
const HOME_COUNTRY: &str = "SE";
const INCLUDED_ITEMS: u32 = 3;
const PER_EXTRA_ITEM_CENTS: i64 = 150;

pub fn parse_method(raw: Option<&str>) -> AppResult<shipment::ShippingMethod> {
    let raw = raw
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .ok_or_else(|| AppError::bad_request("select a shipping method: standard, express or overnight"))?;
    shipment::ShippingMethod::parse(raw)
        .ok_or_else(|| AppError::bad_request(format!("unknown shipping method '{raw}'")))
}

/// Shipping cost; standard delivery is free above the configured order value.
pub fn quote_cost(method: shipment::ShippingMethod, items: u32, subtotal_cents: i64, free_over_cents: i64) -> i64 {
    if method == shipment::ShippingMethod::Standard && subtotal_cents >= free_over_cents {
        return 0;
    }
    let extra_items = items.saturating_sub(INCLUDED_ITEMS);
    method.base_cents() + i64::from(extra_items) * PER_EXTRA_ITEM_CENTS
}

pub fn estimated_days(method: shipment::ShippingMethod) -> u32 {
    match method {
        shipment::ShippingMethod::Standard => 4,
        shipment::ShippingMethod::Express => 2,
        shipment::ShippingMethod::Overnight => 1,
    }
}

pub fn quote(params: &shipment::QuoteParams, free_over_cents: i64) -> AppResult<shipment::ShippingQuote> {
    let method = parse_method(params.method.as_deref())?;
    let items = params.items.unwrap_or(1).max(1);
    let subtotal = params.subtotal_cents.unwrap_or(0);
    Ok(shipment::ShippingQuote {
        method,
        cost_cents: quote_cost(method, items, subtotal, free_over_cents),
        estimated_days: estimated_days(method),
    })
}

/// Appends an audit line to the local shipping log; failures are only warned about.
fn audit(line: &str) {
    let entry = format!("{} {line}\n", Utc::now().to_rfc3339());
    let written = OpenOptions::new()
        .create(true)
        .append(true)
        .open(SHIPPING_LOG)
        .and_then(|mut file| file.write_all(entry.as_bytes()));
    if let Err(err) = written {
        tracing::warn!(error = %err, "could not write shipping log");
    }
}

fn tracking_number(method: shipment::ShippingMethod) -> String {
    let prefix = match method {
        shipment::ShippingMethod::Standard => "BKS",
        shipment::ShippingMethod::Express => "BKE",
        shipment::ShippingMethod::Overnight => "BKO",
    };
    let id = Uuid::new_v4().simple().to_string().to_ascii_uppercase();
    format!("{prefix}{}", &id[..12])
}

pub async fn create_shipment(pool: &PgPool, req: shipment::CreateShipment) -> AppResult<shipment::Shipment> {
    let order = orders::find_order(pool, req.order_id).await?;
    if order.status != order::OrderStatus::Paid {
        return Err(AppError::Conflict(format!("order {} is not ready to ship", order.id)));
    }
    if !repo::shipments_for_order(pool, order.id).await?.is_empty() {
        return Err(AppError::Conflict(format!("order {} already has a shipment", order.id)));
    }
    let ship_to = repo::ship_to(pool, order.shipping_address_id)
        .await?
        .ok_or_else(|| AppError::Internal(format!("order {} has no shipping address", order.id)))?;

    let mut method = parse_method(Some(&order.shipping_method))?;
    if method == shipment::ShippingMethod::Overnight && ship_to.country != HOME_COUNTRY {
        tracing::warn!(order_id = order.id, country = %ship_to.country, "overnight unavailable abroad, using express");
        method = shipment::ShippingMethod::Express;
    }

    let tracking = tracking_number(method);
    let created = repo::insert_shipment(pool, order.id, method.carrier(), method.as_str(), &tracking).await?;
    orders::advance_status(pool, order.id, order::OrderStatus::Shipped).await?;
    audit(&format!(
        "label {tracking} order={} carrier={} to={} {} {}",
        order.id,
        method.carrier(),
        ship_to.postal_code,
        ship_to.city,
        ship_to.country
    ));
    Ok(created)
}

pub async fn track(pool: &PgPool, tracking_number: &str) -> AppResult<shipment::Shipment> {
    repo::find_by_tracking(pool, tracking_number.trim())
        .await?
        .ok_or_else(|| AppError::not_found(format!("tracking number {tracking_number}")))
}

pub async fn shipment(pool: &PgPool, id: i64) -> AppResult<shipment::Shipment> {
    repo::find_shipment(pool, id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("shipment {id}")))
}

pub async fn shipments_for_order(pool: &PgPool, order_id: i64) -> AppResult<Vec<shipment::Shipment>> {
    Ok(repo::shipments_for_order(pool, order_id).await?)
}

pub async fn update_tracking(pool: &PgPool, id: i64, update: shipment::TrackingUpdate) -> AppResult<shipment::Shipment> {
    let current = shipment(pool, id).await?;
    if !current.status.can_become(update.status) {
        return Err(AppError::Conflict(format!(
            "shipment {id} cannot go from {:?} to {:?}",
            current.status, update.status
        )));
    }
    let updated = repo::update_status(pool, id, update.status, update.location.as_deref()).await?;
    if update.status == shipment::ShipmentStatus::Delivered {
        orders::advance_status(pool, updated.order_id, order::OrderStatus::Delivered).await?;
    }
    audit(&format!(
        "tracking {} status={:?} location={}",
        updated.tracking_number,
        updated.status,
        updated.last_location.as_deref().unwrap_or("-")
    ));
    Ok(updated)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::shipment::ShippingMethod;

    #[test]
    fn standard_is_free_above_threshold() {
        assert_eq!(quote_cost(ShippingMethod::Standard, 2, 6_000, 5_000), 0);
        assert_eq!(quote_cost(ShippingMethod::Standard, 2, 4_000, 5_000), 499);
    }

    #[test]
    fn extra_items_cost_more() {
        assert_eq!(quote_cost(ShippingMethod::Express, 5, 0, 5_000), 999 + 2 * PER_EXTRA_ITEM_CENTS);
    }

    #[test]
    fn method_is_required() {
        assert!(parse_method(None).is_err());
        assert!(parse_method(Some("  ")).is_err());
        assert_eq!(parse_method(Some("Express")).unwrap(), ShippingMethod::Express);
    }
}
