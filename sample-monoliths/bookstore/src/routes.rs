//! Router assembly: every feature's endpoints under `/api`, plus health and metrics.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use axum::{middleware, Json, Router};
use serde_json::{json, Value};

use crate::handlers::{catalog, customers, inventory, orders, payments, reviews, shipping};
use crate::state::AppState;
use crate::util::metrics;

pub fn build_router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/metrics", get(metrics_snapshot))
        .nest("/api", api_routes())
        .layer(middleware::from_fn(metrics::count_requests))
        .with_state(state)
}

fn api_routes() -> Router<AppState> {
    Router::new()
        // catalog
        .route("/books", get(catalog::list_books).post(catalog::create_book))
        .route("/books/search", get(catalog::search_books))
        .route("/books/:id", get(catalog::get_book))
        .route("/books/:id/price", get(catalog::get_price).put(catalog::update_price))
        .route("/books/:id/cover", put(catalog::upload_cover))
        .route("/categories", get(catalog::list_categories))
        // inventory
        .route("/inventory/warehouses", get(inventory::list_warehouses))
        .route(
            "/inventory/books/:book_id",
            get(inventory::get_availability).post(inventory::adjust_stock),
        )
        .route("/inventory/availability", get(inventory::availability_batch))
        .route("/inventory/low-stock", get(inventory::low_stock))
        // orders
        .route("/cart", get(orders::get_cart))
        .route("/cart/items", post(orders::add_cart_item))
        .route("/cart/items/:book_id", delete(orders::remove_cart_item))
        .route("/checkout", post(orders::checkout))
        .route("/orders", get(orders::list_orders))
        .route("/orders/:id", get(orders::get_order))
        .route("/orders/:id/cancel", post(orders::cancel_order))
        // payments
        .route("/payments/webhook", post(payments::gateway_webhook))
        .route("/payments/:id", get(payments::get_payment))
        .route("/payments/:id/refunds", post(payments::refund_payment))
        // customers
        .route("/customers", post(customers::register))
        .route("/sessions", post(customers::login).delete(customers::logout))
        .route("/me", get(customers::me))
        .route("/me/addresses", get(customers::list_addresses).post(customers::add_address))
        // reviews
        .route("/books/:id/reviews", get(reviews::list_reviews).post(reviews::post_review))
        .route("/books/:id/reviews/summary", get(reviews::rating_summary))
        .route("/reviews/:id", delete(reviews::delete_review))
        // shipping
        .route("/shipping/quote", get(shipping::quote))
        .route("/orders/:id/shipments", get(shipping::order_shipments))
        .route("/shipments", post(shipping::create_shipment))
        .route("/shipments/:id", get(shipping::get_shipment))
        .route("/shipments/:id/tracking", put(shipping::update_tracking))
        .route("/tracking/:tracking_number", get(shipping::track))
}

async fn health(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    if crate::db::ping(&state.pool).await {
        (StatusCode::OK, Json(json!({ "status": "ok" })))
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "database unreachable" })))
    }
}

async fn metrics_snapshot() -> String {
    format!(
        "# TYPE bookstore_http_requests_total counter\nbookstore_http_requests_total {}\n",
        metrics::request_count()
    )
}
