//! HTTP endpoints for stock levels (mostly back-office).

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::Json;
use serde::Deserialize;

use crate::error::{AppError, AppResult};
use crate::models::stock::{Availability, StockAdjustment, StockLevel, Warehouse};
use crate::services::inventory as service;
use crate::state::AppState;
use crate::util::require_admin;

const MAX_BATCH: usize = 50;

#[derive(Debug, Deserialize)]
pub struct BatchQuery {
    /// Comma-separated book ids, e.g. `?book_ids=12,40,41`.
    pub book_ids: String,
}

fn parse_ids(raw: &str) -> AppResult<Vec<i64>> {
    let ids = raw
        .split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| part.parse::<i64>().map_err(|_| AppError::bad_request(format!("bad book id '{part}'"))))
        .collect::<AppResult<Vec<i64>>>()?;
    if ids.is_empty() || ids.len() > MAX_BATCH {
        return Err(AppError::bad_request(format!("between 1 and {MAX_BATCH} book ids required")));
    }
    Ok(ids)
}

pub async fn list_warehouses(State(state): State<AppState>) -> AppResult<Json<Vec<Warehouse>>> {
    Ok(Json(service::warehouses(&state.pool).await?))
}

pub async fn get_availability(
    State(state): State<AppState>,
    Path(book_id): Path<i64>,
) -> AppResult<Json<Availability>> {
    Ok(Json(service::availability(&state.pool, book_id).await?))
}

/// Availability of several books at once (used by the cart page).
pub async fn availability_batch(
    State(state): State<AppState>,
    Query(query): Query<BatchQuery>,
) -> AppResult<Json<Vec<Availability>>> {
    let mut result = Vec::new();
    for book_id in parse_ids(&query.book_ids)? {
        result.push(service::availability(&state.pool, book_id).await?);
    }
    Ok(Json(result))
}

pub async fn adjust_stock(
    State(state): State<AppState>,
    Path(book_id): Path<i64>,
    headers: HeaderMap,
    Json(adjustment): Json<StockAdjustment>,
) -> AppResult<Json<StockLevel>> {
    require_admin(&headers, &state.config.admin_token)?;
    let level = service::adjust(&state.pool, book_id, adjustment).await?;
    Ok(Json(level))
}

pub async fn low_stock(State(state): State<AppState>, headers: HeaderMap) -> AppResult<Json<Vec<StockLevel>>> {
    require_admin(&headers, &state.config.admin_token)?;
    Ok(Json(service::low_stock(&state.pool).await?))
}
