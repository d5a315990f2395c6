//! Catalog rules: validation of new titles, pricing, cover images.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use once_cell::sync::Lazy;
use sqlx::PgPool;

use crate::error::{AppError, AppResult};
use crate::models::book::{normalize_isbn, Book, BookDetail, BookFilter, Category, NewBook};
use crate::repository::catalog as repo;
use crate::util::{slugify, Page, PageParams};

/// book id -> current price in cents. Filled lazily and refreshed on price changes.
pub static PRICE_CACHE: Lazy<Mutex<HashMap<i64, i64>>> = Lazy::new(|| Mutex::new(HashMap::new()));

const COVERS_DIR: &str = "./data/covers";
const MAX_COVER_BYTES: usize = 2 * 1024 * 1024;
const MAX_PRICE_CENTS: i64 = 100_000;

fn remember_prices(entries: impl IntoIterator<Item = (i64, i64)>) {
    let mut cache = PRICE_CACHE.lock().expect("price cache poisoned");
    cache.extend(entries);
}

pub async fn list_books(pool: &PgPool, filter: &BookFilter) -> AppResult<Page<Book>> {
    let params = filter.page_params();
    let books = repo::list_books(pool, filter, params.limit(), params.offset()).await?;
    let total = repo::count_books(pool, filter.category_id).await?;
    remember_prices(books.iter().map(|b| (b.id, b.price_cents)));
    Ok(Page::new(books, params, total))
}

pub async fn book_detail(pool: &PgPool, id: i64) -> AppResult<BookDetail> {
    let book = repo::find_book(pool, id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("book {id}")))?;
    let authors = repo::authors_for_book(pool, id).await?;
    let category = match book.category_id {
        Some(category_id) => repo::find_category(pool, category_id).await?,
        None => None,
    };
    Ok(BookDetail { book, authors, category })
}

pub async fn search(pool: &PgPool, query: &str, params: PageParams) -> AppResult<Vec<Book>> {
    let term = query.trim();
    if term.chars().count() < 2 {
        return Err(AppError::bad_request("search term must be at least 2 characters"));
    }
    let pattern = format!("%{}%", term.replace('%', "\\%").replace('_', "\\_"));
    let isbn = normalize_isbn(term).unwrap_or_default();
    let books = repo::search_books(pool, &pattern, &isbn, params.limit(), params.offset()).await?;
    Ok(books)
}

pub async fn create_book(pool: &PgPool, new: NewBook) -> AppResult<Book> {
    let isbn = normalize_isbn(&new.isbn).ok_or_else(|| AppError::bad_request("invalid ISBN-13"))?;
    if new.title.trim().is_empty() {
        return Err(AppError::bad_request("title is required"));
    }
    validate_price(new.price_cents)?;
    if new.author_ids.is_empty() {
        return Err(AppError::bad_request("a book needs at least one author"));
    }
    let known = repo::count_authors(pool, &new.author_ids).await?;
    if known != new.author_ids.len() as i64 {
        return Err(AppError::bad_request("unknown author id"));
    }
    if let Some(category_id) = new.category_id {
        if repo::find_category(pool, category_id).await?.is_none() {
            return Err(AppError::bad_request(format!("unknown category {category_id}")));
        }
    }
    let book = repo::insert_book(pool, &new, &isbn).await?;
    remember_prices([(book.id, book.price_cents)]);
    tracing::info!(book_id = book.id, %isbn, "book added to catalog");
    Ok(book)
}

fn validate_price(price_cents: i64) -> AppResult<()> {
    if price_cents <= 0 || price_cents > MAX_PRICE_CENTS {
        return Err(AppError::bad_request("price must be between 0.01 and 1000.00"));
    }
    Ok(())
}

pub async fn update_price(pool: &PgPool, id: i64, price_cents: i64) -> AppResult<()> {
    validate_price(price_cents)?;
    if repo::update_price(pool, id, price_cents).await? == 0 {
        return Err(AppError::not_found(format!("book {id}")));
    }
    remember_prices([(id, price_cents)]);
    Ok(())
}

/// Current price of one book, served from `PRICE_CACHE` when possible.
pub async fn price_of(pool: &PgPool, book_id: i64) -> AppResult<i64> {
    if let Some(price) = PRICE_CACHE.lock().expect("price cache poisoned").get(&book_id) {
        return Ok(*price);
    }
    let book = repo::find_book(pool, book_id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("book {book_id}")))?;
    remember_prices([(book.id, book.price_cents)]);
    Ok(book.price_cents)
}

/// Prices for many books in one round trip (bypasses the cache on purpose).
pub async fn prices_of(pool: &PgPool, ids: &[i64]) -> AppResult<HashMap<i64, i64>> {
    let prices: HashMap<i64, i64> = repo::prices_for(pool, ids).await?.into_iter().collect();
    if let Some(missing) = ids.iter().find(|id| !prices.contains_key(id)) {
        return Err(AppError::not_found(format!("book {missing}")));
    }
    Ok(prices)
}

pub async fn book_exists(pool: &PgPool, id: i64) -> AppResult<bool> {
    Ok(repo::book_exists(pool, id).await?)
}

pub async fn categories(pool: &PgPool) -> AppResult<Vec<Category>> {
    Ok(repo::list_categories(pool).await?)
}

/// Stores an uploaded cover next to the binary and records its path on the book.
pub async fn store_cover(pool: &PgPool, id: i64, bytes: &[u8]) -> AppResult<String> {
    if bytes.is_empty() || bytes.len() > MAX_COVER_BYTES {
        return Err(AppError::bad_request("cover must be between 1 byte and 2 MiB"));
    }
    let ext = sniff_image(bytes)
        .ok_or_else(|| AppError::bad_request("cover must be a JPEG or PNG image"))?;
    let book = repo::find_book(pool, id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("book {id}")))?;
    std::fs::create_dir_all(COVERS_DIR)?;
    let path = PathBuf::from(COVERS_DIR).join(format!("{id}-{}.{ext}", slugify(&book.title)));
    std::fs::write(&path, bytes)?;
    let stored = path.to_string_lossy().into_owned();
    repo::set_cover_path(pool, id, &stored).await?;
    Ok(stored)
}

fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some("jpg"),
        [0x89, b'P', b'N', b'G', ..] => Some("png"),
        _ => None,
    }
}
