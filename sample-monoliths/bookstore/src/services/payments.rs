//! Payment capture and refunds through the external card gateway.

use serde_json::json;
use sqlx::PgPool;

use crate::error::{AppError, AppResult};
use crate::models::payment::{
    GatewayChargeRequest, GatewayChargeResponse, GatewayRefundResponse, Payment, PaymentIntent, PaymentStatus,
    Refund, RefundRequest, WebhookEvent,
};
use crate::repository::payments as repo;
use crate::state::AppState;
use crate::util::money::format_cents;

const GATEWAY_CHARGES_URL: &str = "https://api.payments.example.com/v1/charges";

pub async fn get_payment(pool: &PgPool, id: i64) -> AppResult<Payment> {
    repo::find_payment(pool, id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("payment {id}")))
}

pub async fn refunds(pool: &PgPool, payment_id: i64) -> AppResult<Vec<Refund>> {
    Ok(repo::refunds_for(pool, payment_id).await?)
}

/// Captures a pending payment row at the gateway and records the outcome.
pub async fn charge(state: &AppState, intent: &PaymentIntent) -> AppResult<Payment> {
    if !state.config.payments_enabled() {
        return Err(AppError::Internal("payment gateway is not configured".into()));
    }
    let body = GatewayChargeRequest {
        amount: intent.amount_cents,
        currency: &intent.currency,
        source: &intent.source_token,
        description: format!("Bookstore order #{}", intent.order_id),
        metadata: json!({ "order_id": intent.order_id, "payment_id": intent.payment_id }),
    };
    let response = state
        .http
        .post(GATEWAY_CHARGES_URL)
        .bearer_auth(&state.config.payment_api_key)
        .header("Idempotency-Key", intent.idempotency_key.to_string())
        .json(&body)
        .send()
        .await?;
    if response.status().is_server_error() {
        return Err(AppError::Upstream(format!("gateway answered {}", response.status())));
    }
    let charge: GatewayChargeResponse = response.json().await?;

    if charge.status == "succeeded" {
        repo::mark_succeeded(&state.pool, intent.payment_id, &charge.id).await?;
    } else {
        let reason = charge
            .failure_message
            .unwrap_or_else(|| format!("gateway status {}", charge.status));
        tracing::warn!(payment_id = intent.payment_id, %reason, "charge declined");
        repo::mark_failed(&state.pool, intent.payment_id, &reason).await?;
    }
    get_payment(&state.pool, intent.payment_id).await
}

pub async fn refund(state: &AppState, payment_id: i64, req: RefundRequest) -> AppResult<Refund> {
    let payment = get_payment(&state.pool, payment_id).await?;
    if !payment.is_settled() {
        return Err(AppError::Conflict("only captured payments can be refunded".into()));
    }
    let charge_id = payment
        .gateway_charge_id
        .as_deref()
        .ok_or_else(|| AppError::Internal(format!("payment {payment_id} has no charge id")))?;
    let reason = req.reason.trim();
    if reason.is_empty() {
        return Err(AppError::bad_request("a refund reason is required"));
    }

    let remaining = payment.amount_cents - repo::refunded_total(&state.pool, payment_id).await?;
    let amount = req.amount_cents.unwrap_or(remaining);
    if amount <= 0 || amount > remaining {
        return Err(AppError::bad_request(format!(
            "refund must be between 0.01 and {} {}",
            format_cents(remaining),
            payment.currency
        )));
    }

    let gateway: GatewayRefundResponse = state
        .http
        .post(format!("{GATEWAY_CHARGES_URL}/{charge_id}/refunds"))
        .bearer_auth(&state.config.payment_api_key)
        .json(&json!({ "amount": amount, "reason": reason }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    if gateway.status == "failed" {
        return Err(AppError::Upstream(format!("refund {} failed at gateway", gateway.id)));
    }

    let refund = repo::insert_refund(&state.pool, payment_id, amount, reason, &gateway.id).await?;
    let status = if amount == remaining {
        PaymentStatus::Refunded
    } else {
        PaymentStatus::PartiallyRefunded
    };
    repo::set_status(&state.pool, payment_id, status).await?;
    Ok(refund)
}

/// Gives money back for a cancelled order; a not-yet-captured payment is just voided.
pub async fn refund_order(state: &AppState, order_id: i64, reason: &str) -> AppResult<Option<Refund>> {
    let Some(payment) = repo::payment_for_order(&state.pool, order_id).await? else {
        return Ok(None);
    };
    match payment.status {
        PaymentStatus::Pending => {
            repo::mark_failed(&state.pool, payment.id, "order cancelled before capture").await?;
            Ok(None)
        }
        PaymentStatus::Succeeded | PaymentStatus::PartiallyRefunded => {
            let req = RefundRequest { amount_cents: None, reason: reason.to_string() };
            refund(state, payment.id, req).await.map(Some)
        }
        PaymentStatus::Failed | PaymentStatus::Refunded => Ok(None),
    }
}

pub async fn handle_webhook(pool: &PgPool, event: WebhookEvent) -> AppResult<()> {
    let payment = repo::find_by_charge(pool, &event.charge_id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("charge {}", event.charge_id)))?;
    match event.kind.as_str() {
        "charge.failed" => {
            let reason = event.failure_message.as_deref().unwrap_or("reported failed by gateway");
            repo::mark_failed(pool, payment.id, reason).await?;
        }
        "charge.refunded" => repo::set_status(pool, payment.id, PaymentStatus::Refunded).await?,
        other => tracing::debug!(kind = other, "ignoring gateway event"),
    }
    Ok(())
}
