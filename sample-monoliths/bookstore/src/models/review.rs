//! Review entities: star ratings with a short text.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;

pub const MIN_RATING: i16 = 1;
pub const MAX_RATING: i16 = 5;

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Review {
    pub id: i64,
    pub book_id: i64,
    pub customer_id: i64,
    pub rating: i16,
    pub title: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize)]
pub struct NewReview {
    pub rating: i16,
    pub title: String,
    pub body: String,
}

#[derive(Debug, Serialize)]
pub struct ReviewView {
    #[serde(flatten)]
    pub review: Review,
    pub reviewer: String,
    pub verified_purchase: bool,
}

#[derive(Debug, Clone, Copy, FromRow)]
pub struct RatingBucket {
    pub rating: i16,
    pub votes: i64,
}

#[derive(Debug, Serialize)]
pub struct RatingSummary {
    pub book_id: i64,
    pub average: Option<f64>,
    pub count: i64,
    /// Votes per star, index 0 = one star.
    pub histogram: [i64; 5],
}

impl RatingSummary {
    pub fn from_buckets(book_id: i64, buckets: &[RatingBucket]) -> Self {
        let mut histogram = [0i64; 5];
        for bucket in buckets {
            if (MIN_RATING..=MAX_RATING).contains(&bucket.rating) {
                histogram[(bucket.rating - 1) as usize] += bucket.votes;
            }
        }
        let count: i64 = histogram.iter().sum();
        let weighted: i64 = histogram
            .iter()
            .enumerate()
            .map(|(i, votes)| (i as i64 + 1) * votes)
            .sum();
        let average = (count > 0).then(|| (weighted as f64 / count as f64 * 10.0).round() / 10.0);
        RatingSummary {
            book_id,
            average,
            count,
            histogram,
        }
    }
}
