//! Accounts, login sessions and address book.

use std::collections::HashMap;
use std::sync::{LazyLock, RwLock};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{Duration, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::error::{AppError, AppResult};
use crate::models::customer::{
    Address, Customer, CustomerProfile, LoginRequest, LoginResponse, NewAddress, NewCustomer, Session,
};
use crate::repository::customers as repo;

/// Live sessions by bearer token. Lookups never hit the database.
pub static SESSIONS: LazyLock<RwLock<HashMap<String, Session>>> = LazyLock::new(|| RwLock::new(HashMap::new()));

const SESSION_TTL_HOURS: i64 = 24 * 14;
const MIN_PASSWORD_LEN: usize = 10;
const MAX_ADDRESSES: usize = 10;

fn normalize_email(raw: &str) -> AppResult<String> {
    let email = raw.trim().to_ascii_lowercase();
    let valid = match email.split_once('@') {
        Some((local, domain)) => !local.is_empty() && domain.contains('.') && !domain.starts_with('.'),
        None => false,
    };
    if !valid {
        return Err(AppError::bad_request("invalid email address"));
    }
    Ok(email)
}

fn hash_password(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|err| AppError::Internal(format!("password hashing failed: {err}")))
}

fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

pub async fn register(pool: &PgPool, new: NewCustomer) -> AppResult<Customer> {
    let email = normalize_email(&new.email)?;
    if new.password.chars().count() < MIN_PASSWORD_LEN {
        return Err(AppError::bad_request(format!(
            "password must have at least {MIN_PASSWORD_LEN} characters"
        )));
    }
    let full_name = new.full_name.trim();
    if full_name.is_empty() {
        return Err(AppError::bad_request("full name is required"));
    }
    if repo::email_taken(pool, &email).await? {
        return Err(AppError::Conflict("an account with this email already exists".into()));
    }
    let hash = hash_password(&new.password)?;
    let customer = repo::insert_customer(pool, &email, full_name, &hash).await?;
    tracing::info!(customer_id = customer.id, "customer registered");
    Ok(customer)
}

pub async fn login(pool: &PgPool, req: LoginRequest, user_agent: Option<&str>) -> AppResult<LoginResponse> {
    let email = normalize_email(&req.email)?;
    let customer = repo::find_by_email(pool, &email).await?.ok_or(AppError::Unauthorized)?;
    if !verify_password(&req.password, &customer.password_hash) {
        return Err(AppError::Unauthorized);
    }
    let now = Utc::now();
    let session = Session {
        token: Uuid::new_v4().simple().to_string(),
        customer_id: customer.id,
        created_at: now,
        expires_at: now + Duration::hours(SESSION_TTL_HOURS),
    };
    repo::insert_session(pool, &session, user_agent).await?;
    SESSIONS
        .write()
        .expect("session store poisoned")
        .insert(session.token.clone(), session.clone());
    Ok(LoginResponse {
        token: session.token,
        customer_id: customer.id,
        expires_at: session.expires_at,
    })
}

pub async fn logout(pool: &PgPool, token: &str) -> AppResult<()> {
    SESSIONS.write().expect("session store poisoned").remove(token);
    repo::delete_session(pool, token).await?;
    Ok(())
}

/// Resolves a bearer token to a customer id using the in-memory session store.
pub fn authenticate(token: &str) -> AppResult<i64> {
    let sessions = SESSIONS.read().expect("session store poisoned");
    match sessions.get(token) {
        Some(session) if !session.is_expired(Utc::now()) => Ok(session.customer_id),
        _ => Err(AppError::Unauthorized),
    }
}

pub async fn profile(pool: &PgPool, customer_id: i64) -> AppResult<CustomerProfile> {
    let customer = repo::find_customer(pool, customer_id)
        .await?
        .ok_or_else(|| AppError::not_found("customer"))?;
    let addresses = repo::addresses_for(pool, customer_id).await?;
    Ok(CustomerProfile { customer, addresses })
}

pub async fn addresses(pool: &PgPool, customer_id: i64) -> AppResult<Vec<Address>> {
    Ok(repo::addresses_for(pool, customer_id).await?)
}

pub async fn add_address(pool: &PgPool, customer_id: i64, new: NewAddress) -> AppResult<Address> {
    if new.line1.trim().is_empty() || new.city.trim().is_empty() || new.postal_code.trim().is_empty() {
        return Err(AppError::bad_request("street, city and postal code are required"));
    }
    if new.country.len() != 2 || !new.country.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(AppError::bad_request("country must be an ISO 3166-1 alpha-2 code"));
    }
    if repo::addresses_for(pool, customer_id).await?.len() >= MAX_ADDRESSES {
        return Err(AppError::Conflict(format!("at most {MAX_ADDRESSES} addresses per account")));
    }
    Ok(repo::insert_address(pool, customer_id, &new).await?)
}

/// An address of this customer, or 404 (never reveals other customers' addresses).
pub async fn find_address(pool: &PgPool, customer_id: i64, address_id: i64) -> AppResult<Address> {
    repo::find_address(pool, customer_id, address_id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("address {address_id}")))
}

/// Public name shown next to reviews: first name plus initial of the last name.
pub async fn display_name(pool: &PgPool, customer_id: i64) -> AppResult<String> {
    let customer = repo::find_customer(pool, customer_id)
        .await?
        .ok_or_else(|| AppError::not_found("customer"))?;
    let mut parts = customer.full_name.split_whitespace();
    let first = parts.next().unwrap_or("Reader");
    Ok(match parts.last().and_then(|last| last.chars().next()) {
        Some(initial) => format!("{first} {initial}."),
        None => first.to_string(),
    })
}
