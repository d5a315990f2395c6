//! Inventory rules: availability checks, manual adjustments, restocking.

use sqlx::PgPool;

use super::catalog;
use crate::error::{AppError, AppResult};
use crate::models::stock::{Availability, StockAdjustment, StockLevel, Warehouse};
use crate::repository::inventory as repo;

const MAX_ADJUSTMENT: i32 = 10_000;
const LOW_STOCK_REPORT_LIMIT: i64 = 200;

pub async fn warehouses(pool: &PgPool) -> AppResult<Vec<Warehouse>> {
    Ok(repo::list_warehouses(pool).await?)
}

pub async fn availability(pool: &PgPool, book_id: i64) -> AppResult<Availability> {
    if !catalog::book_exists(pool, book_id).await? {
        return Err(AppError::not_found(format!("book {book_id}")));
    }
    let levels = repo::levels_for_book(pool, book_id).await?;
    Ok(Availability::from_levels(book_id, &levels))
}

/// Fails with 409 when fewer than `quantity` copies can be sold right now.
pub async fn ensure_available(pool: &PgPool, book_id: i64, quantity: i32) -> AppResult<()> {
    let available = repo::total_available(pool, book_id).await?;
    if available < i64::from(quantity) {
        return Err(AppError::Conflict(format!(
            "only {available} copies of book {book_id} left"
        )));
    }
    Ok(())
}

pub async fn adjust(pool: &PgPool, book_id: i64, adjustment: StockAdjustment) -> AppResult<StockLevel> {
    if adjustment.delta == 0 || adjustment.delta.abs() > MAX_ADJUSTMENT {
        return Err(AppError::bad_request(format!(
            "delta must be non-zero and at most {MAX_ADJUSTMENT} in size"
        )));
    }
    if adjustment.reason.trim().len() < 3 {
        return Err(AppError::bad_request("a reason is required for stock adjustments"));
    }
    let warehouse = repo::find_warehouse(pool, adjustment.warehouse_id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("warehouse {}", adjustment.warehouse_id)))?;
    if !catalog::book_exists(pool, book_id).await? {
        return Err(AppError::not_found(format!("book {book_id}")));
    }

    let level = repo::apply_adjustment(pool, book_id, warehouse.id, adjustment.delta)
        .await?
        .ok_or_else(|| AppError::Conflict("adjustment would drop stock below reserved copies".into()))?;

    tracing::info!(
        book_id,
        warehouse = %warehouse.code,
        delta = adjustment.delta,
        reason = %adjustment.reason,
        "stock adjusted"
    );
    if level.needs_reorder() {
        tracing::warn!(book_id, warehouse = %warehouse.code, available = level.available(), "stock at reorder point");
    }
    Ok(level)
}

pub async fn low_stock(pool: &PgPool) -> AppResult<Vec<StockLevel>> {
    Ok(repo::low_stock(pool, LOW_STOCK_REPORT_LIMIT).await?)
}

/// Returns copies to stock, e.g. when an order is cancelled before shipping.
pub async fn restock(pool: &PgPool, book_id: i64, quantity: i32) -> AppResult<()> {
    if quantity <= 0 {
        return Ok(());
    }
    if repo::restock(pool, book_id, quantity).await? == 0 {
        tracing::warn!(book_id, quantity, "no stock row to return copies to");
    }
    Ok(())
}
