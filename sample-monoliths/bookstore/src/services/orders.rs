//! Cart and checkout orchestration: pricing, stock checks, payment capture.

use std::collections::HashMap;

use sqlx::PgPool;
use uuid::Uuid;

use super::catalog::{self, PRICE_CACHE};
use super::{customers, inventory, payments, shipping};
use crate::error::{AppError, AppResult};
use crate::models::order::{
    AddCartItem, CartLineView, CartView, CheckoutDraft, CheckoutRequest, CheckoutSummary, NewOrderLine,
    Order, OrderStatus, OrderTotals, OrderWithLines,
};
use crate::models::payment::{PaymentIntent, PaymentStatus};
use crate::models::shipment::ShippingMethod;
use crate::repository::orders as repo;
use crate::state::AppState;
use crate::util::money::{basis_points, line_total};
use crate::util::{Page, PageParams};

const MAX_QUANTITY_PER_LINE: i32 = 20;
const MAX_LINES_PER_ORDER: usize = 50;

/// Unit prices: `PRICE_CACHE` first, then one bulk catalog lookup that refills the cache.
async fn current_prices(pool: &PgPool, book_ids: &[i64]) -> AppResult<HashMap<i64, i64>> {
    let mut prices = HashMap::with_capacity(book_ids.len());
    let mut missing = Vec::new();
    {
        let cache = PRICE_CACHE.lock().expect("price cache poisoned");
        for id in book_ids {
            match cache.get(id) {
                Some(price) => {
                    prices.insert(*id, *price);
                }
                None => missing.push(*id),
            }
        }
    }
    if !missing.is_empty() {
        let fetched = catalog::prices_of(pool, &missing).await?;
        PRICE_CACHE.lock().expect("price cache poisoned").extend(fetched.iter().map(|(k, v)| (*k, *v)));
        prices.extend(fetched);
    }
    Ok(prices)
}

pub fn compute_totals(lines: &[NewOrderLine], method: ShippingMethod, tax_rate_bp: i64, free_over: i64) -> OrderTotals {
    let subtotal_cents: i64 = lines.iter().map(|l| line_total(l.unit_price_cents, l.quantity)).sum();
    let items: u32 = lines.iter().map(|l| l.quantity.max(0) as u32).sum();
    let shipping_cents = shipping::quote_cost(method, items, subtotal_cents, free_over);
    let tax_cents = basis_points(subtotal_cents, tax_rate_bp);
    let total_cents = subtotal_cents + shipping_cents + tax_cents;
    OrderTotals { subtotal_cents, shipping_cents, tax_cents, total_cents }
}

pub async fn view_cart(pool: &PgPool, customer_id: i64) -> AppResult<CartView> {
    let cart = repo::get_or_create_cart(pool, customer_id).await?;
    let items = repo::cart_items(pool, cart.id).await?;
    let ids: Vec<i64> = items.iter().map(|item| item.book_id).collect();
    let prices = current_prices(pool, &ids).await?;
    let lines: Vec<CartLineView> = items
        .into_iter()
        .map(|item| {
            let unit_price_cents = prices.get(&item.book_id).copied().unwrap_or_default();
            let line_total_cents = line_total(unit_price_cents, item.quantity);
            CartLineView { book_id: item.book_id, quantity: item.quantity, unit_price_cents, line_total_cents }
        })
        .collect();
    let subtotal_cents = lines.iter().map(|line| line.line_total_cents).sum();
    Ok(CartView { cart_id: cart.id, lines, subtotal_cents })
}

pub async fn add_to_cart(pool: &PgPool, customer_id: i64, item: AddCartItem) -> AppResult<CartView> {
    if !(1..=MAX_QUANTITY_PER_LINE).contains(&item.quantity) {
        return Err(AppError::bad_request(format!("quantity must be between 1 and {MAX_QUANTITY_PER_LINE}")));
    }
    if !catalog::book_exists(pool, item.book_id).await? {
        return Err(AppError::not_found(format!("book {}", item.book_id)));
    }
    let cart = repo::get_or_create_cart(pool, customer_id).await?;
    let new_quantity = repo::upsert_cart_item(pool, cart.id, item.book_id, item.quantity).await?;
    inventory::ensure_available(pool, item.book_id, new_quantity).await?;
    view_cart(pool, customer_id).await
}

pub async fn remove_from_cart(pool: &PgPool, customer_id: i64, book_id: i64) -> AppResult<CartView> {
    let cart = repo::get_or_create_cart(pool, customer_id).await?;
    if repo::remove_cart_item(pool, cart.id, book_id).await? == 0 {
        return Err(AppError::not_found(format!("book {book_id} in cart")));
    }
    view_cart(pool, customer_id).await
}

pub async fn checkout(state: &AppState, customer_id: i64, req: CheckoutRequest) -> AppResult<CheckoutSummary> {
    let pool = &state.pool;
    let config = &state.config;
    let method = shipping::parse_method(req.shipping_method.as_deref())?;
    if req.payment_token.trim().is_empty() {
        return Err(AppError::bad_request("payment token is required"));
    }
    let address = customers::find_address(pool, customer_id, req.address_id).await?;

    let cart = view_cart(pool, customer_id).await?;
    if cart.lines.is_empty() {
        return Err(AppError::bad_request("cart is empty"));
    }
    if cart.lines.len() > MAX_LINES_PER_ORDER {
        return Err(AppError::bad_request(format!("at most {MAX_LINES_PER_ORDER} different titles per order")));
    }
    let mut lines = Vec::with_capacity(cart.lines.len());
    for line in &cart.lines {
        inventory::ensure_available(pool, line.book_id, line.quantity).await?;
        let unit_price_cents = line.unit_price_cents;
        lines.push(NewOrderLine { book_id: line.book_id, quantity: line.quantity, unit_price_cents });
    }

    let totals = compute_totals(&lines, method, config.tax_rate_bp, config.free_shipping_over_cents);
    let draft = CheckoutDraft {
        customer_id,
        cart_id: cart.cart_id,
        address_id: address.id,
        shipping_method: method.as_str().to_string(),
        lines,
        totals,
        currency: config.currency.clone(),
        idempotency_key: Uuid::new_v4(),
    };
    let (order, payment_id) = repo::checkout(pool, &draft).await?;

    let intent = PaymentIntent {
        payment_id,
        order_id: order.id,
        amount_cents: totals.total_cents,
        currency: draft.currency.clone(),
        source_token: req.payment_token,
        idempotency_key: draft.idempotency_key,
    };
    let payment = match payments::charge(state, &intent).await {
        Ok(payment) => payment,
        Err(err) => {
            undo_checkout(state, &order, &draft.lines).await;
            return Err(err);
        }
    };
    if payment.status != PaymentStatus::Succeeded {
        undo_checkout(state, &order, &draft.lines).await;
        let reason = payment.failure_reason.unwrap_or_else(|| "card declined".into());
        return Err(AppError::BadRequest(format!("payment declined: {reason}")));
    }

    repo::set_status(pool, order.id, OrderStatus::Pending, OrderStatus::Paid).await?;
    tracing::info!(order_id = order.id, total = totals.total_cents, "order paid");
    Ok(CheckoutSummary {
        order_id: order.id,
        payment_id,
        status: OrderStatus::Paid,
        total_cents: totals.total_cents,
        currency: draft.currency,
    })
}

/// Best-effort compensation after a failed capture: cancel, put stock back, void the payment.
async fn undo_checkout(state: &AppState, order: &Order, lines: &[NewOrderLine]) {
    if let Err(err) = repo::set_status(&state.pool, order.id, OrderStatus::Pending, OrderStatus::Cancelled).await {
        tracing::error!(order_id = order.id, error = %err, "could not cancel unpaid order");
    }
    for line in lines {
        if let Err(err) = inventory::restock(&state.pool, line.book_id, line.quantity).await {
            tracing::error!(order_id = order.id, book_id = line.book_id, error = %err, "could not restock");
        }
    }
    if let Err(err) = payments::refund_order(state, order.id, "checkout aborted").await {
        tracing::error!(order_id = order.id, error = %err, "could not void payment");
    }
}

pub async fn find_order(pool: &PgPool, order_id: i64) -> AppResult<Order> {
    repo::find_order(pool, order_id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("order {order_id}")))
}

pub async fn get_order(pool: &PgPool, customer_id: i64, order_id: i64) -> AppResult<OrderWithLines> {
    let order = find_order(pool, order_id).await?;
    if order.customer_id != customer_id {
        return Err(AppError::not_found(format!("order {order_id}")));
    }
    let lines = repo::lines_for_order(pool, order_id).await?;
    Ok(OrderWithLines { order, lines })
}

pub async fn list_orders(pool: &PgPool, customer_id: i64, params: PageParams) -> AppResult<Page<Order>> {
    let (orders, total) = repo::orders_for_customer(pool, customer_id, params.limit(), params.offset()).await?;
    Ok(Page::new(orders, params, total))
}

/// Moves an order forward in its life cycle (used by shipping).
pub async fn advance_status(pool: &PgPool, order_id: i64, next: OrderStatus) -> AppResult<Order> {
    let order = find_order(pool, order_id).await?;
    if !order.status.can_transition_to(next) {
        return Err(AppError::Conflict(format!("order {order_id} cannot go from {:?} to {next:?}", order.status)));
    }
    if !repo::set_status(pool, order_id, order.status, next).await? {
        return Err(AppError::Conflict(format!("order {order_id} changed concurrently")));
    }
    Ok(Order { status: next, ..order })
}

pub async fn cancel_order(state: &AppState, customer_id: i64, order_id: i64) -> AppResult<Order> {
    let OrderWithLines { order, lines } = get_order(&state.pool, customer_id, order_id).await?;
    let cancelled = advance_status(&state.pool, order.id, OrderStatus::Cancelled).await?;
    for line in &lines {
        inventory::restock(&state.pool, line.book_id, line.quantity).await?;
    }
    payments::refund_order(state, order.id, "cancelled by customer").await?;
    Ok(cancelled)
}
