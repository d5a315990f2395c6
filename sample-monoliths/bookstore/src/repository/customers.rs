//! Data access for customer accounts, addresses and persisted sessions.

use sqlx::PgPool;

use crate::models::customer::{Address, Customer, NewAddress, Session};

const CUSTOMER_COLUMNS: &str = "id, email, full_name, password_hash, created_at";
const ADDRESS_COLUMNS: &str = "id, customer_id, line1, line2, city, postal_code, country, is_default";

pub async fn email_taken(pool: &PgPool, email: &str) -> Result<bool, sqlx::Error> {
    let row = sqlx::query!("SELECT id FROM customers WHERE lower(email) = lower($1)", email)
        .fetch_optional(pool)
        .await?;
    Ok(row.is_some())
}

pub async fn insert_customer(
    pool: &PgPool,
    email: &str,
    full_name: &str,
    password_hash: &str,
) -> Result<Customer, sqlx::Error> {
    sqlx::query_as::<_, Customer>(
        r#"INSERT INTO customers (email, full_name, password_hash)
           VALUES ($1, $2, $3)
           RETURNING id, email, full_name, password_hash, created_at"#,
    )
    .bind(email)
    .bind(full_name)
    .bind(password_hash)
    .fetch_one(pool)
    .await
}

pub async fn find_customer(pool: &PgPool, id: i64) -> Result<Option<Customer>, sqlx::Error> {
    let sql = format!("SELECT {CUSTOMER_COLUMNS} FROM customers WHERE id = $1");
    sqlx::query_as::<_, Customer>(&sql).bind(id).fetch_optional(pool).await
}

pub async fn find_by_email(pool: &PgPool, email: &str) -> Result<Option<Customer>, sqlx::Error> {
    sqlx::query_as::<_, Customer>(
        "SELECT id, email, full_name, password_hash, created_at FROM customers WHERE lower(email) = lower($1)",
    )
    .bind(email)
    .fetch_optional(pool)
    .await
}

pub async fn insert_session(pool: &PgPool, session: &Session, user_agent: Option<&str>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sessions (token, customer_id, created_at, expires_at, user_agent) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&session.token)
    .bind(session.customer_id)
    .bind(session.created_at)
    .bind(session.expires_at)
    .bind(user_agent)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn delete_session(pool: &PgPool, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token = $1")
        .bind(token)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn addresses_for(pool: &PgPool, customer_id: i64) -> Result<Vec<Address>, sqlx::Error> {
    let sql = format!(
        "SELECT {ADDRESS_COLUMNS} FROM addresses WHERE customer_id = $1 ORDER BY is_default DESC, id"
    );
    sqlx::query_as::<_, Address>(&sql).bind(customer_id).fetch_all(pool).await
}

pub async fn find_address(pool: &PgPool, customer_id: i64, address_id: i64) -> Result<Option<Address>, sqlx::Error> {
    sqlx::query_as::<_, Address>(
        "SELECT id, customer_id, line1, line2, city, postal_code, country, is_default \
         FROM addresses WHERE id = $1 AND customer_id = $2",
    )
    .bind(address_id)
    .bind(customer_id)
    .fetch_optional(pool)
    .await
}

/// Adds an address; a new default address demotes the previous one.
pub async fn insert_address(pool: &PgPool, customer_id: i64, new: &NewAddress) -> Result<Address, sqlx::Error> {
    let mut tx = pool.begin().await?;
    if new.is_default {
        sqlx::query("UPDATE addresses SET is_default = FALSE WHERE customer_id = $1 AND is_default")
            .bind(customer_id)
            .execute(&mut *tx)
            .await?;
    }
    let address = sqlx::query_as::<_, Address>(
        r#"INSERT INTO addresses (customer_id, line1, line2, city, postal_code, country, is_default)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           RETURNING id, customer_id, line1, line2, city, postal_code, country, is_default"#,
    )
    .bind(customer_id)
    .bind(&new.line1)
    .bind(new.line2.as_deref())
    .bind(&new.city)
    .bind(&new.postal_code)
    .bind(new.country.to_ascii_uppercase())
    .bind(new.is_default)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(address)
}
