//! HTTP endpoints for the cart, checkout and order history.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use chrono::Utc;

use crate::error::{AppError, AppResult};
use crate::models::order::{AddCartItem, CartView, CheckoutRequest, CheckoutSummary, Order, OrderWithLines};
use crate::services::customers::SESSIONS;
use crate::services::orders as service;
use crate::state::AppState;
use crate::util::{Page, PageParams};

/// Resolves the bearer token against the in-process session store.
fn current_customer(headers: &HeaderMap) -> AppResult<i64> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .ok_or(AppError::Unauthorized)?;
    let sessions = SESSIONS
        .read()
        .map_err(|_| AppError::Internal("session store poisoned".into()))?;
    let session = sessions.get(token.trim()).ok_or(AppError::Unauthorized)?;
    if session.is_expired(Utc::now()) {
        return Err(AppError::Unauthorized);
    }
    Ok(session.customer_id)
}

pub async fn get_cart(State(state): State<AppState>, headers: HeaderMap) -> AppResult<Json<CartView>> {
    let customer_id = current_customer(&headers)?;
    Ok(Json(service::view_cart(&state.pool, customer_id).await?))
}

pub async fn add_cart_item(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(item): Json<AddCartItem>,
) -> AppResult<Json<CartView>> {
    let customer_id = current_customer(&headers)?;
    Ok(Json(service::add_to_cart(&state.pool, customer_id, item).await?))
}

pub async fn remove_cart_item(
    State(state): State<AppState>,
    Path(book_id): Path<i64>,
    headers: HeaderMap,
) -> AppResult<Json<CartView>> {
    let customer_id = current_customer(&headers)?;
    Ok(Json(service::remove_from_cart(&state.pool, customer_id, book_id).await?))
}

pub async fn checkout(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(req): Json<CheckoutRequest>,
) -> AppResult<(StatusCode, Json<CheckoutSummary>)> {
    let customer_id = current_customer(&headers)?;
    let summary = service::checkout(&state, customer_id, req).await?;
    Ok((StatusCode::CREATED, Json(summary)))
}

pub async fn list_orders(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<PageParams>,
) -> AppResult<Json<Page<Order>>> {
    let customer_id = current_customer(&headers)?;
    Ok(Json(service::list_orders(&state.pool, customer_id, params).await?))
}

pub async fn get_order(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> AppResult<Json<OrderWithLines>> {
    let customer_id = current_customer(&headers)?;
    Ok(Json(service::get_order(&state.pool, customer_id, id).await?))
}

pub async fn cancel_order(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> AppResult<Json<Order>> {
    let customer_id = current_customer(&headers)?;
    Ok(Json(service::cancel_order(&state, customer_id, id).await?))
}
