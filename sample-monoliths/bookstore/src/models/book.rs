//! Catalog entities: books, authors, categories.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;

use crate::util::PageParams;

#[derive(Debug, Clone, Serialize, Deserialize, FromRow)]
pub struct Book {
    pub id: i64,
    pub isbn: String,
    pub title: String,
    pub description: Option<String>,
    pub category_id: Option<i64>,
    pub price_cents: i64,
    pub published_on: Option<NaiveDate>,
    pub cover_path: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, FromRow)]
pub struct Author {
    pub id: i64,
    pub name: String,
    pub bio: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, FromRow)]
pub struct Category {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub parent_id: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct BookDetail {
    #[serde(flatten)]
    pub book: Book,
    pub authors: Vec<Author>,
    pub category: Option<Category>,
}

#[derive(Debug, Deserialize)]
pub struct NewBook {
    pub isbn: String,
    pub title: String,
    pub description: Option<String>,
    pub category_id: Option<i64>,
    pub price_cents: i64,
    pub published_on: Option<NaiveDate>,
    pub author_ids: Vec<i64>,
}

#[derive(Debug, Deserialize)]
pub struct PriceUpdate {
    /// Decimal amount as typed in the back office, e.g. `"12.99"`.
    pub price: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookSort {
    #[default]
    Title,
    Price,
    Published,
    Newest,
}

impl BookSort {
    /// Column used in `ORDER BY`; never taken from user input directly.
    pub fn column(self) -> &'static str {
        match self {
            BookSort::Title => "title",
            BookSort::Price => "price_cents",
            BookSort::Published => "published_on",
            BookSort::Newest => "created_at",
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct BookFilter {
    pub category_id: Option<i64>,
    pub sort: Option<BookSort>,
    pub desc: Option<bool>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

impl BookFilter {
    pub fn page_params(&self) -> PageParams {
        PageParams {
            page: self.page,
            per_page: self.per_page,
        }
    }
}

/// Strips dashes/spaces and validates an ISBN-13 checksum.
pub fn normalize_isbn(raw: &str) -> Option<String> {
    let digits: String = raw.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
    if digits.len() != 13 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = digits
        .chars()
        .enumerate()
        .map(|(i, c)| c.to_digit(10).unwrap() * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    (sum % 10 == 0).then_some(digits)
}
