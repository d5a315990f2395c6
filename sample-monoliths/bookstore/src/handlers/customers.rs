//! HTTP endpoints for sign-up, login and the customer's own account.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;

use crate::error::{AppError, AppResult};
use crate::models::customer::{
    Address, Customer, CustomerProfile, LoginRequest, LoginResponse, NewAddress, NewCustomer,
};
use crate::services::customers as service;
use crate::state::AppState;

/// The token from `Authorization: Bearer <token>`, if present.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|token| !token.is_empty())
}

fn require_customer(headers: &HeaderMap) -> AppResult<i64> {
    let token = bearer_token(headers).ok_or(AppError::Unauthorized)?;
    service::authenticate(token)
}

pub async fn register(
    State(state): State<AppState>,
    Json(new): Json<NewCustomer>,
) -> AppResult<(StatusCode, Json<Customer>)> {
    let customer = service::register(&state.pool, new).await?;
    Ok((StatusCode::CREATED, Json(customer)))
}

pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(req): Json<LoginRequest>,
) -> AppResult<Json<LoginResponse>> {
    let user_agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok());
    Ok(Json(service::login(&state.pool, req, user_agent).await?))
}

pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> AppResult<StatusCode> {
    let token = bearer_token(&headers).ok_or(AppError::Unauthorized)?;
    service::logout(&state.pool, token).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn me(State(state): State<AppState>, headers: HeaderMap) -> AppResult<Json<CustomerProfile>> {
    let customer_id = require_customer(&headers)?;
    Ok(Json(service::profile(&state.pool, customer_id).await?))
}

pub async fn list_addresses(State(state): State<AppState>, headers: HeaderMap) -> AppResult<Json<Vec<Address>>> {
    let customer_id = require_customer(&headers)?;
    Ok(Json(service::addresses(&state.pool, customer_id).await?))
}

pub async fn add_address(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(new): Json<NewAddress>,
) -> AppResult<(StatusCode, Json<Address>)> {
    let customer_id = require_customer(&headers)?;
    let address = service::add_address(&state.pool, customer_id, new).await?;
    Ok((StatusCode::CREATED, Json(address)))
}
