//! HTTP endpoints for reading and writing book reviews.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use chrono::Utc;

use super::customers::bearer_token;
use crate::error::{AppError, AppResult};
use crate::models::review::{NewReview, RatingSummary, Review, ReviewView};
use crate::services::customers::SESSIONS;
use crate::services::reviews as service;
use crate::state::AppState;
use crate::util::{Page, PageParams};

fn reviewer_id(headers: &HeaderMap) -> AppResult<i64> {
    let token = bearer_token(headers).ok_or(AppError::Unauthorized)?;
    let sessions = SESSIONS.read().expect("session store poisoned");
    sessions
        .get(token)
        .filter(|session| !session.is_expired(Utc::now()))
        .map(|session| session.customer_id)
        .ok_or(AppError::Unauthorized)
}

pub async fn list_reviews(
    State(state): State<AppState>,
    Path(book_id): Path<i64>,
    Query(params): Query<PageParams>,
) -> AppResult<Json<Page<ReviewView>>> {
    Ok(Json(service::list(&state.pool, book_id, params).await?))
}

pub async fn rating_summary(
    State(state): State<AppState>,
    Path(book_id): Path<i64>,
) -> AppResult<Json<RatingSummary>> {
    Ok(Json(service::summary(&state.pool, book_id).await?))
}

pub async fn post_review(
    State(state): State<AppState>,
    Path(book_id): Path<i64>,
    headers: HeaderMap,
    Json(new): Json<NewReview>,
) -> AppResult<(StatusCode, Json<Review>)> {
    let customer_id = reviewer_id(&headers)?;
    let review = service::submit(&state.pool, customer_id, book_id, new).await?;
    Ok((StatusCode::CREATED, Json(review)))
}

pub async fn delete_review(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> AppResult<StatusCode> {
    let customer_id = reviewer_id(&headers)?;
    service::delete(&state.pool, customer_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
