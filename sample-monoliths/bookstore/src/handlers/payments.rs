//! HTTP endpoints for payment status, refunds and gateway callbacks.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Serialize;

use crate::error::{AppError, AppResult};
use crate::handlers::customers::bearer_token;
use crate::models::payment::{Payment, Refund, RefundRequest, WebhookEvent};
use crate::services::{customers, orders, payments as service};
use crate::state::AppState;
use crate::util::require_admin;

#[derive(Debug, Serialize)]
pub struct PaymentView {
    #[serde(flatten)]
    pub payment: Payment,
    pub refunds: Vec<Refund>,
}

pub async fn get_payment(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> AppResult<Json<PaymentView>> {
    let token = bearer_token(&headers).ok_or(AppError::Unauthorized)?;
    let customer_id = customers::authenticate(token)?;
    let payment = service::get_payment(&state.pool, id).await?;
    let order = orders::find_order(&state.pool, payment.order_id).await?;
    if order.customer_id != customer_id {
        return Err(AppError::not_found(format!("payment {id}")));
    }
    let refunds = service::refunds(&state.pool, id).await?;
    Ok(Json(PaymentView { payment, refunds }))
}

pub async fn refund_payment(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Json(req): Json<RefundRequest>,
) -> AppResult<(StatusCode, Json<Refund>)> {
    require_admin(&headers, &state.config.admin_token)?;
    let refund = service::refund(&state, id, req).await?;
    Ok((StatusCode::CREATED, Json(refund)))
}

pub async fn gateway_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(event): Json<WebhookEvent>,
) -> AppResult<StatusCode> {
    let expected = std::env::var("PAYMENT_WEBHOOK_SECRET").unwrap_or_default();
    let presented = headers
        .get("x-gateway-signature")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    if expected.is_empty() || presented != expected {
        return Err(AppError::Unauthorized);
    }
    service::handle_webhook(&state.pool, event).await?;
    Ok(StatusCode::NO_CONTENT)
}
