//! Data access for warehouses and stock levels.

use sqlx::PgPool;

use crate::models::stock::{StockLevel, Warehouse};

const STOCK_COLUMNS: &str = "book_id, warehouse_id, quantity, reserved, reorder_point, updated_at";

const ADJUST_STOCK_SQL: &str = r#"
    INSERT INTO stock_levels (book_id, warehouse_id, quantity)
    VALUES ($1, $2, GREATEST($3, 0))
    ON CONFLICT (book_id, warehouse_id) DO UPDATE
        SET quantity = stock_levels.quantity + $3,
            updated_at = now()
        WHERE stock_levels.quantity + $3 >= stock_levels.reserved
    RETURNING book_id, warehouse_id, quantity, reserved, reorder_point, updated_at
"#;

pub async fn list_warehouses(pool: &PgPool) -> Result<Vec<Warehouse>, sqlx::Error> {
    sqlx::query_as::<_, Warehouse>("SELECT id, code, name, city, country FROM warehouses ORDER BY code")
        .fetch_all(pool)
        .await
}

pub async fn find_warehouse(pool: &PgPool, id: i64) -> Result<Option<Warehouse>, sqlx::Error> {
    sqlx::query_as::<_, Warehouse>("SELECT id, code, name, city, country FROM warehouses WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await
}

pub async fn levels_for_book(pool: &PgPool, book_id: i64) -> Result<Vec<StockLevel>, sqlx::Error> {
    let sql = format!("SELECT {STOCK_COLUMNS} FROM stock_levels WHERE book_id = $1 ORDER BY warehouse_id");
    sqlx::query_as::<_, StockLevel>(&sql)
        .bind(book_id)
        .fetch_all(pool)
        .await
}

pub async fn total_available(pool: &PgPool, book_id: i64) -> Result<i64, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT COALESCE(SUM(quantity - reserved), 0)::BIGINT AS "available!"
           FROM stock_levels WHERE book_id = $1"#,
        book_id
    )
    .fetch_one(pool)
    .await?;
    Ok(row.available)
}

/// Applies a signed delta; returns `None` when it would drop below the reserved quantity.
pub async fn apply_adjustment(
    pool: &PgPool,
    book_id: i64,
    warehouse_id: i64,
    delta: i32,
) -> Result<Option<StockLevel>, sqlx::Error> {
    sqlx::query_as::<_, StockLevel>(ADJUST_STOCK_SQL)
        .bind(book_id)
        .bind(warehouse_id)
        .bind(delta)
        .fetch_optional(pool)
        .await
}

pub async fn low_stock(pool: &PgPool, limit: i64) -> Result<Vec<StockLevel>, sqlx::Error> {
    sqlx::query_as::<_, StockLevel>(
        "SELECT book_id, warehouse_id, quantity, reserved, reorder_point, updated_at \
         FROM stock_levels WHERE quantity - reserved <= reorder_point \
         ORDER BY quantity - reserved, book_id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// Puts returned copies back into the warehouse that already holds the most.
pub async fn restock(pool: &PgPool, book_id: i64, quantity: i32) -> Result<u64, sqlx::Error> {
    let result = sqlx::query(
        r#"UPDATE stock_levels
           SET quantity = quantity + $1, updated_at = now()
           WHERE book_id = $2
             AND warehouse_id = (SELECT warehouse_id FROM stock_levels
                                 WHERE book_id = $2 ORDER BY quantity DESC LIMIT 1)"#,
    )
    .bind(quantity)
    .bind(book_id)
    .execute(pool)
    .await?;
    Ok(result.rows_affected())
}
