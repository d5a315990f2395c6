//! Data access for carts, orders and order lines, including the checkout transaction.

use sqlx::PgPool;
use uuid::Uuid;

use crate::error::{AppError, AppResult};
use crate::models::order::{Cart, CartItem, CheckoutDraft};
use crate::models::order::{Order, OrderLine, OrderStatus};

const ORDER_COLUMNS: &str = "id, customer_id, status, subtotal_cents, shipping_cents, tax_cents, \
                             total_cents, shipping_address_id, shipping_method, placed_at";

const INSERT_ORDER_SQL: &str = r#"
    INSERT INTO orders (customer_id, status, subtotal_cents, shipping_cents, tax_cents,
                        total_cents, shipping_address_id, shipping_method)
    VALUES ($1, 'pending', $2, $3, $4, $5, $6, $7)
    RETURNING id, customer_id, status, subtotal_cents, shipping_cents, tax_cents,
              total_cents, shipping_address_id, shipping_method, placed_at
"#;

/// Takes copies from the warehouse with the most free stock for that title.
const TAKE_STOCK_SQL: &str = r#"
    UPDATE stock_levels
    SET quantity = quantity - $1, updated_at = now()
    WHERE book_id = $2
      AND warehouse_id = (
          SELECT warehouse_id FROM stock_levels
          WHERE book_id = $2 AND quantity - reserved >= $1
          ORDER BY quantity - reserved DESC
          LIMIT 1
          FOR UPDATE)
"#;

pub async fn get_or_create_cart(pool: &PgPool, customer_id: i64) -> Result<Cart, sqlx::Error> {
    sqlx::query_as::<_, Cart>(
        r#"INSERT INTO carts (id, customer_id) VALUES ($1, $2)
           ON CONFLICT (customer_id) DO UPDATE SET updated_at = carts.updated_at
           RETURNING id, customer_id, created_at, updated_at"#,
    )
    .bind(Uuid::new_v4())
    .bind(customer_id)
    .fetch_one(pool)
    .await
}

pub async fn cart_items(pool: &PgPool, cart_id: Uuid) -> Result<Vec<CartItem>, sqlx::Error> {
    sqlx::query_as!(
        CartItem,
        "SELECT cart_id, book_id, quantity, added_at FROM cart_items WHERE cart_id = $1 ORDER BY added_at",
        cart_id
    )
    .fetch_all(pool)
    .await
}

/// Adds copies to the cart line (creating it if needed); returns the new line quantity.
pub async fn upsert_cart_item(pool: &PgPool, cart_id: Uuid, book_id: i64, quantity: i32) -> Result<i32, sqlx::Error> {
    let new_quantity = sqlx::query_scalar::<_, i32>(
        r#"INSERT INTO cart_items (cart_id, book_id, quantity) VALUES ($1, $2, $3)
           ON CONFLICT (cart_id, book_id) DO UPDATE SET quantity = cart_items.quantity + EXCLUDED.quantity
           RETURNING quantity"#,
    )
    .bind(cart_id)
    .bind(book_id)
    .bind(quantity)
    .fetch_one(pool)
    .await?;
    sqlx::query("UPDATE carts SET updated_at = now() WHERE id = $1")
        .bind(cart_id)
        .execute(pool)
        .await?;
    Ok(new_quantity)
}

pub async fn remove_cart_item(pool: &PgPool, cart_id: Uuid, book_id: i64) -> Result<u64, sqlx::Error> {
    let result = sqlx::query("DELETE FROM cart_items WHERE cart_id = $1 AND book_id = $2")
        .bind(cart_id)
        .bind(book_id)
        .execute(pool)
        .await?;
    Ok(result.rows_affected())
}

pub async fn find_order(pool: &PgPool, id: i64) -> Result<Option<Order>, sqlx::Error> {
    let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1");
    sqlx::query_as::<_, Order>(&sql).bind(id).fetch_optional(pool).await
}

pub async fn lines_for_order(pool: &PgPool, order_id: i64) -> Result<Vec<OrderLine>, sqlx::Error> {
    sqlx::query_as::<_, OrderLine>(
        "SELECT id, order_id, book_id, quantity, unit_price_cents FROM order_lines WHERE order_id = $1 ORDER BY id",
    )
    .bind(order_id)
    .fetch_all(pool)
    .await
}

pub async fn orders_for_customer(
    pool: &PgPool,
    customer_id: i64,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Order>, i64), sqlx::Error> {
    let sql = format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC LIMIT $2 OFFSET $3"
    );
    let orders = sqlx::query_as::<_, Order>(&sql)
        .bind(customer_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await?;
    let total = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM orders WHERE customer_id = $1")
        .bind(customer_id)
        .fetch_one(pool)
        .await?;
    Ok((orders, total))
}

/// Compare-and-set on the status column; returns false if the order moved on meanwhile.
pub async fn set_status(pool: &PgPool, id: i64, from: OrderStatus, to: OrderStatus) -> Result<bool, sqlx::Error> {
    let result = sqlx::query("UPDATE orders SET status = $1 WHERE id = $2 AND status = $3")
        .bind(to)
        .bind(id)
        .bind(from)
        .execute(pool)
        .await?;
    Ok(result.rows_affected() == 1)
}

/// Writes the order, its lines, the stock decrement and the pending payment in one transaction.
/// Returns the order and the id of the payment row to capture.
pub async fn checkout(pool: &PgPool, draft: &CheckoutDraft) -> AppResult<(Order, i64)> {
    let mut tx = pool.begin().await?;

    let order = sqlx::query_as::<_, Order>(INSERT_ORDER_SQL)
        .bind(draft.customer_id)
        .bind(draft.totals.subtotal_cents)
        .bind(draft.totals.shipping_cents)
        .bind(draft.totals.tax_cents)
        .bind(draft.totals.total_cents)
        .bind(draft.address_id)
        .bind(&draft.shipping_method)
        .fetch_one(&mut *tx)
        .await?;

    for line in &draft.lines {
        sqlx::query(
            "INSERT INTO order_lines (order_id, book_id, quantity, unit_price_cents) VALUES ($1, $2, $3, $4)",
        )
        .bind(order.id)
        .bind(line.book_id)
        .bind(line.quantity)
        .bind(line.unit_price_cents)
        .execute(&mut *tx)
        .await?;

        let taken = sqlx::query(TAKE_STOCK_SQL)
            .bind(line.quantity)
            .bind(line.book_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if taken == 0 {
            // Dropping `tx` rolls everything back.
            return Err(AppError::Conflict(format!("book {} went out of stock", line.book_id)));
        }
    }

    let payment_id = sqlx::query_scalar::<_, i64>(
        r#"INSERT INTO payments (order_id, amount_cents, currency, status, idempotency_key)
           VALUES ($1, $2, $3, 'pending', $4)
           RETURNING id"#,
    )
    .bind(order.id)
    .bind(draft.totals.total_cents)
    .bind(&draft.currency)
    .bind(draft.idempotency_key)
    .fetch_one(&mut *tx)
    .await?;

    sqlx::query("DELETE FROM cart_items WHERE cart_id = $1")
        .bind(draft.cart_id)
        .execute(&mut *tx)
        .await?;

    tx.commit().await?;
    Ok((order, payment_id))
}
