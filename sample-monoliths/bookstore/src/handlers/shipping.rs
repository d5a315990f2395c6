//! HTTP endpoints for shipping quotes, labels and parcel tracking.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;

use crate::error::{AppError, AppResult};
use crate::handlers::customers::bearer_token;
use crate::models::shipment::{CreateShipment, QuoteParams, Shipment, ShippingQuote, TrackingUpdate};
use crate::services::shipping as service;
use crate::services::{customers, orders};
use crate::state::AppState;
use crate::util::require_admin;

pub async fn quote(State(state): State<AppState>, Query(params): Query<QuoteParams>) -> AppResult<Json<ShippingQuote>> {
    let quote = service::quote(&params, state.config.free_shipping_over_cents)?;
    Ok(Json(quote))
}

pub async fn create_shipment(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(req): Json<CreateShipment>,
) -> AppResult<(StatusCode, Json<Shipment>)> {
    require_admin(&headers, &state.config.admin_token)?;
    let shipment = service::create_shipment(&state.pool, req).await?;
    Ok((StatusCode::CREATED, Json(shipment)))
}

pub async fn track(
    State(state): State<AppState>,
    Path(tracking_number): Path<String>,
) -> AppResult<Json<Shipment>> {
    Ok(Json(service::track(&state.pool, &tracking_number).await?))
}

/// Called by the carrier integration (authenticated with the admin token).
pub async fn update_tracking(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Json(update): Json<TrackingUpdate>,
) -> AppResult<Json<Shipment>> {
    require_admin(&headers, &state.config.admin_token)?;
    Ok(Json(service::update_tracking(&state.pool, id, update).await?))
}

pub async fn get_shipment(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> AppResult<Json<Shipment>> {
    require_admin(&headers, &state.config.admin_token)?;
    Ok(Json(service::shipment(&state.pool, id).await?))
}

/// Shipments of one of the signed-in customer's orders.
pub async fn order_shipments(
    State(state): State<AppState>,
    Path(order_id): Path<i64>,
    headers: HeaderMap,
) -> AppResult<Json<Vec<Shipment>>> {
    let token = bearer_token(&headers).ok_or(AppError::Unauthorized)?;
    let customer_id = customers::authenticate(token)?;
    // 404 unless the order belongs to the caller.
    orders::get_order(&state.pool, customer_id, order_id).await?;
    Ok(Json(service::shipments_for_order(&state.pool, order_id).await?))
}
