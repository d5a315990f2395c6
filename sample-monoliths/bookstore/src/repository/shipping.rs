//! Data access for shipments and label destinations.

use sqlx::PgPool;

use crate::models::shipment::*;

const SHIPMENT_COLUMNS: &str = "id, order_id, carrier, method, tracking_number, status, last_location, \
                                shipped_at, delivered_at, created_at";

pub async fn insert_shipment(
    pool: &PgPool,
    order_id: i64,
    carrier: &str,
    method: &str,
    tracking_number: &str,
) -> Result<Shipment, sqlx::Error> {
    sqlx::query_as::<_, Shipment>(
        r#"INSERT INTO shipments (order_id, carrier, method, tracking_number)
           VALUES ($1, $2, $3, $4)
           RETURNING id, order_id, carrier, method, tracking_number, status, last_location,
                     shipped_at, delivered_at, created_at"#,
    )
    .bind(order_id)
    .bind(carrier)
    .bind(method)
    .bind(tracking_number)
    .fetch_one(pool)
    .await
}

pub async fn find_shipment(pool: &PgPool, id: i64) -> Result<Option<Shipment>, sqlx::Error> {
    let sql = format!("SELECT {SHIPMENT_COLUMNS} FROM shipments WHERE id = $1");
    sqlx::query_as::<_, Shipment>(&sql).bind(id).fetch_optional(pool).await
}

pub async fn find_by_tracking(pool: &PgPool, tracking_number: &str) -> Result<Option<Shipment>, sqlx::Error> {
    let sql = format!("SELECT {SHIPMENT_COLUMNS} FROM shipments WHERE tracking_number = $1");
    sqlx::query_as::<_, Shipment>(&sql)
        .bind(tracking_number)
        .fetch_optional(pool)
        .await
}

pub async fn shipments_for_order(pool: &PgPool, order_id: i64) -> Result<Vec<Shipment>, sqlx::Error> {
    let sql = format!("SELECT {SHIPMENT_COLUMNS} FROM shipments WHERE order_id = $1 ORDER BY created_at");
    sqlx::query_as::<_, Shipment>(&sql).bind(order_id).fetch_all(pool).await
}

pub async fn update_status(
    pool: &PgPool,
    id: i64,
    status: ShipmentStatus,
    location: Option<&str>,
) -> Result<Shipment, sqlx::Error> {
    sqlx::query_as::<_, Shipment>(
        r#"UPDATE shipments
           SET status = $1,
               last_location = COALESCE($2, last_location),
               shipped_at = CASE WHEN $1 = 'in_transit' THEN COALESCE(shipped_at, now()) ELSE shipped_at END,
               delivered_at = CASE WHEN $1 = 'delivered' THEN now() ELSE delivered_at END
           WHERE id = $3
           RETURNING id, order_id, carrier, method, tracking_number, status, last_location,
                     shipped_at, delivered_at, created_at"#,
    )
    .bind(status)
    .bind(location)
    .bind(id)
    .fetch_one(pool)
    .await
}

/// Label destination, read straight from the customers' address book.
pub async fn ship_to(pool: &PgPool, address_id: i64) -> Result<Option<ShipTo>, sqlx::Error> {
    sqlx::query_as::<_, ShipTo>("SELECT line1, line2, city, postal_code, country FROM addresses WHERE id = $1")
        .bind(address_id)
        .fetch_optional(pool)
        .await
}

// The order status used to be flipped here directly; it now goes through
// services::orders::advance_status so the transition rules apply.
// sqlx::query("UPDATE orders SET status = 'shipped' WHERE id = $1").bind(order_id).execute(pool).await?;
