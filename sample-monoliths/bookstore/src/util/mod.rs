//! Small helpers shared by every feature.

pub mod money;
pub mod pagination;

pub use self::pagination::{Page, PageParams};

use axum::http::HeaderMap;

use crate::error::{AppError, AppResult};

/// Request counter exposed on `/metrics`.
pub mod metrics {
    use std::sync::atomic::{AtomicU64, Ordering};

    use axum::extract::Request;
    use axum::middleware::Next;
    use axum::response::Response;

    pub static REQUEST_COUNT: AtomicU64 = AtomicU64::new(0);

    pub async fn count_requests(req: Request, next: Next) -> Response {
        REQUEST_COUNT.fetch_add(1, Ordering::Relaxed);
        next.run(req).await
    }

    pub fn request_count() -> u64 {
        REQUEST_COUNT.load(Ordering::Relaxed)
    }
}

/// Guards back-office endpoints with the shared `x-admin-token` header.
pub fn require_admin(headers: &HeaderMap, expected: &str) -> AppResult<()> {
    let presented = headers
        .get("x-admin-token")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    if expected.is_empty() || presented != expected {
        return Err(AppError::Forbidden("admin token required".into()));
    }
    Ok(())
}

/// Lower-case, dash-separated form of a title, used for category slugs and file names.
pub fn slugify(input: &str) -> String {
    let mut slug = String::with_capacity(input.len());
    let mut last_dash = true;
    for ch in input.chars() {
        if ch.is_ascii_alphanumeric() {
            slug.push(ch.to_ascii_lowercase());
            last_dash = false;
        } else if !last_dash {
            slug.push('-');
            last_dash = true;
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}
