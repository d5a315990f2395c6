//! HTTP endpoints for browsing and curating the catalog.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::{AppError, AppResult};
use crate::models::book::{Book, BookDetail, BookFilter, Category, NewBook, PriceUpdate};
use crate::services::catalog as service;
use crate::state::AppState;
use crate::util::money::{parse_amount, Money};
use crate::util::{require_admin, Page, PageParams};

#[derive(Debug, Deserialize)]
pub struct SearchParams {
    pub q: String,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

pub async fn list_books(
    State(state): State<AppState>,
    Query(filter): Query<BookFilter>,
) -> AppResult<Json<Page<Book>>> {
    let page = service::list_books(&state.pool, &filter).await?;
    Ok(Json(page))
}

pub async fn get_book(State(state): State<AppState>, Path(id): Path<i64>) -> AppResult<Json<BookDetail>> {
    Ok(Json(service::book_detail(&state.pool, id).await?))
}

pub async fn search_books(
    State(state): State<AppState>,
    Query(params): Query<SearchParams>,
) -> AppResult<Json<Vec<Book>>> {
    let paging = PageParams {
        page: params.page,
        per_page: params.per_page,
    };
    let books = service::search(&state.pool, &params.q, paging).await?;
    Ok(Json(books))
}

pub async fn create_book(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(new): Json<NewBook>,
) -> AppResult<(StatusCode, Json<Book>)> {
    require_admin(&headers, &state.config.admin_token)?;
    let book = service::create_book(&state.pool, new).await?;
    Ok((StatusCode::CREATED, Json(book)))
}

pub async fn get_price(State(state): State<AppState>, Path(id): Path<i64>) -> AppResult<Json<Value>> {
    let cents = service::price_of(&state.pool, id).await?;
    let price = Money::new(cents, state.config.currency.clone());
    Ok(Json(json!({ "book_id": id, "price_cents": cents, "display": price.to_string() })))
}

pub async fn update_price(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Json(update): Json<PriceUpdate>,
) -> AppResult<StatusCode> {
    require_admin(&headers, &state.config.admin_token)?;
    let price_cents = parse_amount(&update.price)
        .ok_or_else(|| AppError::bad_request("price must look like 12.99"))?;
    service::update_price(&state.pool, id, price_cents).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn upload_cover(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Json<Value>> {
    require_admin(&headers, &state.config.admin_token)?;
    let path = service::store_cover(&state.pool, id, &body).await?;
    Ok(Json(json!({ "book_id": id, "cover_path": path })))
}

pub async fn list_categories(State(state): State<AppState>) -> AppResult<Json<Vec<Category>>> {
    Ok(Json(service::categories(&state.pool).await?))
}
