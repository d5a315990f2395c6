//! Data access for reviews and rating aggregates.

use sqlx::PgPool;

use crate::models::review::{NewReview, RatingBucket, Review};

const REVIEW_COLUMNS: &str = "id, book_id, customer_id, rating, title, body, created_at";

/// Order states in which the customer has really paid for the book.
const PURCHASED_SQL: &str = r#"
    SELECT EXISTS (
        SELECT 1
        FROM orders o
        JOIN order_lines ol ON ol.order_id = o.id
        WHERE o.customer_id = $1
          AND ol.book_id = $2
          AND o.status IN ('paid', 'shipped', 'delivered')
    )
"#;

pub async fn reviews_for_book(pool: &PgPool, book_id: i64, limit: i64, offset: i64) -> Result<Vec<Review>, sqlx::Error> {
    let sql = format!(
        "SELECT {REVIEW_COLUMNS} FROM reviews WHERE book_id = $1 ORDER BY created_at DESC LIMIT $2 OFFSET $3"
    );
    sqlx::query_as::<_, Review>(&sql)
        .bind(book_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await
}

pub async fn count_for_book(pool: &PgPool, book_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM reviews WHERE book_id = $1")
        .bind(book_id)
        .fetch_one(pool)
        .await
}

pub async fn find_review(pool: &PgPool, id: i64) -> Result<Option<Review>, sqlx::Error> {
    sqlx::query_as::<_, Review>(
        "SELECT id, book_id, customer_id, rating, title, body, created_at FROM reviews WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await
}

pub async fn existing_review(pool: &PgPool, customer_id: i64, book_id: i64) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar::<_, bool>("SELECT EXISTS (SELECT 1 FROM reviews WHERE customer_id = $1 AND book_id = $2)")
        .bind(customer_id)
        .bind(book_id)
        .fetch_one(pool)
        .await
}

pub async fn insert_review(
    pool: &PgPool,
    book_id: i64,
    customer_id: i64,
    new: &NewReview,
) -> Result<Review, sqlx::Error> {
    sqlx::query_as::<_, Review>(
        r#"INSERT INTO reviews (book_id, customer_id, rating, title, body)
           VALUES ($1, $2, $3, $4, $5)
           RETURNING id, book_id, customer_id, rating, title, body, created_at"#,
    )
    .bind(book_id)
    .bind(customer_id)
    .bind(new.rating)
    .bind(new.title.trim())
    .bind(new.body.trim())
    .fetch_one(pool)
    .await
}

pub async fn delete_review(pool: &PgPool, id: i64) -> Result<u64, sqlx::Error> {
    let result = sqlx::query("DELETE FROM reviews WHERE id = $1").bind(id).execute(pool).await?;
    Ok(result.rows_affected())
}

pub async fn rating_buckets(pool: &PgPool, book_id: i64) -> Result<Vec<RatingBucket>, sqlx::Error> {
    sqlx::query_as!(
        RatingBucket,
        r#"SELECT rating, COUNT(*) AS "votes!" FROM reviews WHERE book_id = $1 GROUP BY rating"#,
        book_id
    )
    .fetch_all(pool)
    .await
}

/// Did this customer pay for this book? Reads the orders tables directly.
pub async fn has_purchased(pool: &PgPool, customer_id: i64, book_id: i64) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar::<_, bool>(PURCHASED_SQL)
        .bind(customer_id)
        .bind(book_id)
        .fetch_one(pool)
        .await
}

/// Of the given reviewers, those who bought the book (for the "verified purchase" badge).
pub async fn verified_buyers(pool: &PgPool, book_id: i64, customer_ids: &[i64]) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar::<_, i64>(
        r#"SELECT DISTINCT o.customer_id
           FROM orders o
           JOIN order_lines ol ON ol.order_id = o.id
           WHERE ol.book_id = $1
             AND o.customer_id = ANY($2)
             AND o.status IN ('paid', 'shipped', 'delivered')"#,
    )
    .bind(book_id)
    .bind(customer_ids)
    .fetch_all(pool)
    .await
}
