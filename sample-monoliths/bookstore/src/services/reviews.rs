//! Review rules: only verified buyers may review, one review per book and customer.

use std::collections::HashSet;

use sqlx::PgPool;

use super::{catalog, customers};
use crate::error::{AppError, AppResult};
use crate::models::review::{NewReview, RatingSummary, Review, ReviewView, MAX_RATING, MIN_RATING};
use crate::repository::reviews as repo;
use crate::util::{Page, PageParams};

const TITLE_LEN: std::ops::RangeInclusive<usize> = 3..=120;
const BODY_LEN: std::ops::RangeInclusive<usize> = 20..=5_000;

async fn ensure_book(pool: &PgPool, book_id: i64) -> AppResult<()> {
    if catalog::book_exists(pool, book_id).await? {
        Ok(())
    } else {
        Err(AppError::not_found(format!("book {book_id}")))
    }
}

pub async fn list(pool: &PgPool, book_id: i64, params: PageParams) -> AppResult<Page<ReviewView>> {
    ensure_book(pool, book_id).await?;
    let reviews = repo::reviews_for_book(pool, book_id, params.limit(), params.offset()).await?;
    let total = repo::count_for_book(pool, book_id).await?;

    let reviewer_ids: Vec<i64> = reviews.iter().map(|r| r.customer_id).collect();
    let verified: HashSet<i64> = repo::verified_buyers(pool, book_id, &reviewer_ids)
        .await?
        .into_iter()
        .collect();

    let mut views = Vec::with_capacity(reviews.len());
    for review in reviews {
        let reviewer = customers::display_name(pool, review.customer_id)
            .await
            .unwrap_or_else(|_| "Former customer".to_string());
        let verified_purchase = verified.contains(&review.customer_id);
        views.push(ReviewView { review, reviewer, verified_purchase });
    }
    Ok(Page::new(views, params, total))
}

pub async fn summary(pool: &PgPool, book_id: i64) -> AppResult<RatingSummary> {
    ensure_book(pool, book_id).await?;
    let buckets = repo::rating_buckets(pool, book_id).await?;
    Ok(RatingSummary::from_buckets(book_id, &buckets))
}

fn validate(new: &NewReview) -> AppResult<()> {
    if !(MIN_RATING..=MAX_RATING).contains(&new.rating) {
        return Err(AppError::bad_request(format!("rating must be between {MIN_RATING} and {MAX_RATING}")));
    }
    if !TITLE_LEN.contains(&new.title.trim().chars().count()) {
        return Err(AppError::bad_request("title must be 3 to 120 characters"));
    }
    if !BODY_LEN.contains(&new.body.trim().chars().count()) {
        return Err(AppError::bad_request("review text must be 20 to 5000 characters"));
    }
    Ok(())
}

pub async fn submit(pool: &PgPool, customer_id: i64, book_id: i64, new: NewReview) -> AppResult<Review> {
    validate(&new)?;
    ensure_book(pool, book_id).await?;
    if !repo::has_purchased(pool, customer_id, book_id).await? {
        return Err(AppError::Forbidden("only customers who bought this book can review it".into()));
    }
    if repo::existing_review(pool, customer_id, book_id).await? {
        return Err(AppError::Conflict("you already reviewed this book".into()));
    }
    let review = repo::insert_review(pool, book_id, customer_id, &new).await?;
    tracing::info!(review_id = review.id, book_id, rating = review.rating, "review published");
    Ok(review)
}

pub async fn delete(pool: &PgPool, customer_id: i64, review_id: i64) -> AppResult<()> {
    let review = repo::find_review(pool, review_id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("review {review_id}")))?;
    if review.customer_id != customer_id {
        return Err(AppError::Forbidden("you can only delete your own reviews".into()));
    }
    repo::delete_review(pool, review_id).await?;
    Ok(())
}
