//! Data access for payments and refunds.

use sqlx::PgPool;

use crate::models::payment::{Payment, PaymentStatus, Refund};

const PAYMENT_SELECT: &str = r#"
    SELECT id, order_id, amount_cents, currency, status, gateway_charge_id,
           failure_reason, idempotency_key, created_at
    FROM payments
"#;

pub async fn find_payment(pool: &PgPool, id: i64) -> Result<Option<Payment>, sqlx::Error> {
    let sql = format!("{PAYMENT_SELECT} WHERE id = $1");
    sqlx::query_as::<_, Payment>(&sql).bind(id).fetch_optional(pool).await
}

pub async fn payment_for_order(pool: &PgPool, order_id: i64) -> Result<Option<Payment>, sqlx::Error> {
    let sql = format!("{PAYMENT_SELECT} WHERE order_id = $1 ORDER BY created_at DESC LIMIT 1");
    sqlx::query_as::<_, Payment>(&sql).bind(order_id).fetch_optional(pool).await
}

pub async fn find_by_charge(pool: &PgPool, charge_id: &str) -> Result<Option<Payment>, sqlx::Error> {
    let sql = format!("{PAYMENT_SELECT} WHERE gateway_charge_id = $1");
    sqlx::query_as::<_, Payment>(&sql).bind(charge_id).fetch_optional(pool).await
}

pub async fn mark_succeeded(pool: &PgPool, id: i64, charge_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE payments SET status = 'succeeded', gateway_charge_id = $1, failure_reason = NULL WHERE id = $2",
    )
    .bind(charge_id)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn mark_failed(pool: &PgPool, id: i64, reason: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE payments SET status = 'failed', failure_reason = $1 WHERE id = $2")
        .bind(reason)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn set_status(pool: &PgPool, id: i64, status: PaymentStatus) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE payments SET status = $1 WHERE id = $2")
        .bind(status)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn refunded_total(pool: &PgPool, payment_id: i64) -> Result<i64, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT COALESCE(SUM(amount_cents), 0)::BIGINT AS "total!" FROM refunds WHERE payment_id = $1"#,
        payment_id
    )
    .fetch_one(pool)
    .await?;
    Ok(row.total)
}

pub async fn insert_refund(
    pool: &PgPool,
    payment_id: i64,
    amount_cents: i64,
    reason: &str,
    gateway_refund_id: &str,
) -> Result<Refund, sqlx::Error> {
    sqlx::query_as::<_, Refund>(
        r#"INSERT INTO refunds (payment_id, amount_cents, reason, gateway_refund_id)
           VALUES ($1, $2, $3, $4)
           RETURNING id, payment_id, amount_cents, reason, gateway_refund_id, created_at"#,
    )
    .bind(payment_id)
    .bind(amount_cents)
    .bind(reason)
    .bind(gateway_refund_id)
    .fetch_one(pool)
    .await
}

pub async fn refunds_for(pool: &PgPool, payment_id: i64) -> Result<Vec<Refund>, sqlx::Error> {
    sqlx::query_as::<_, Refund>(
        "SELECT id, payment_id, amount_cents, reason, gateway_refund_id, created_at \
         FROM refunds WHERE payment_id = $1 ORDER BY created_at",
    )
    .bind(payment_id)
    .fetch_all(pool)
    .await
}
