//! Data access for books, authors and categories.

use sqlx::PgPool;

use crate::models::book::{Author, Book, BookFilter, Category, NewBook};

const BOOK_COLUMNS: &str =
    "id, isbn, title, description, category_id, price_cents, published_on, cover_path, created_at";

const SEARCH_SQL: &str = concat!(
    "SELECT DISTINCT b.id, b.isbn, b.title, b.description, b.category_id, b.price_cents, ",
    "b.published_on, b.cover_path, b.created_at ",
    "FROM books b ",
    "LEFT JOIN book_authors ba ON ba.book_id = b.id ",
    "LEFT JOIN authors a ON a.id = ba.author_id ",
    "WHERE b.title ILIKE $1 OR a.name ILIKE $1 OR b.isbn = $2 ",
    "ORDER BY b.title LIMIT $3 OFFSET $4"
);

const INSERT_BOOK_SQL: &str = r#"
    INSERT INTO books (isbn, title, description, category_id, price_cents, published_on)
    VALUES ($1, $2, $3, $4, $5, $6)
    RETURNING id, isbn, title, description, category_id, price_cents, published_on, cover_path, created_at
"#;

pub async fn find_book(pool: &PgPool, id: i64) -> Result<Option<Book>, sqlx::Error> {
    sqlx::query_as::<_, Book>(
        "SELECT id, isbn, title, description, category_id, price_cents, published_on, cover_path, created_at \
         FROM books WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await
}

/// Listing with a caller-chosen sort column; the column comes from `BookSort::column`.
pub async fn list_books(
    pool: &PgPool,
    filter: &BookFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<Book>, sqlx::Error> {
    let sort = filter.sort.unwrap_or_default();
    let direction = if filter.desc.unwrap_or(false) { "DESC" } else { "ASC" };
    let sql = format!(
        "SELECT {BOOK_COLUMNS} FROM books \
         WHERE ($1::BIGINT IS NULL OR category_id = $1) \
         ORDER BY {} {} NULLS LAST, id LIMIT $2 OFFSET $3",
        sort.column(),
        direction
    );
    sqlx::query_as::<_, Book>(&sql)
        .bind(filter.category_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await
}

pub async fn count_books(pool: &PgPool, category_id: Option<i64>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT COUNT(*) AS "count!" FROM books WHERE ($1::BIGINT IS NULL OR category_id = $1)"#,
        category_id
    )
    .fetch_one(pool)
    .await
}

pub async fn search_books(
    pool: &PgPool,
    pattern: &str,
    isbn: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<Book>, sqlx::Error> {
    sqlx::query_as::<_, Book>(SEARCH_SQL)
        .bind(pattern)
        .bind(isbn)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await
}

/// Inserts a book and its author links atomically.
pub async fn insert_book(pool: &PgPool, new: &NewBook, isbn: &str) -> Result<Book, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let book = sqlx::query_as::<_, Book>(INSERT_BOOK_SQL)
        .bind(isbn)
        .bind(new.title.trim())
        .bind(new.description.as_deref())
        .bind(new.category_id)
        .bind(new.price_cents)
        .bind(new.published_on)
        .fetch_one(&mut *tx)
        .await?;
    for (position, author_id) in new.author_ids.iter().enumerate() {
        sqlx::query("INSERT INTO book_authors (book_id, author_id, position) VALUES ($1, $2, $3)")
            .bind(book.id)
            .bind(author_id)
            .bind(position as i16)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(book)
}

pub async fn count_authors(pool: &PgPool, ids: &[i64]) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM authors WHERE id = ANY($1)")
        .bind(ids)
        .fetch_one(pool)
        .await
}

pub async fn authors_for_book(pool: &PgPool, book_id: i64) -> Result<Vec<Author>, sqlx::Error> {
    sqlx::query_as!(
        Author,
        r#"SELECT a.id, a.name, a.bio
           FROM authors a
           JOIN book_authors ba ON ba.author_id = a.id
           WHERE ba.book_id = $1
           ORDER BY ba.position"#,
        book_id
    )
    .fetch_all(pool)
    .await
}

pub async fn find_category(pool: &PgPool, id: i64) -> Result<Option<Category>, sqlx::Error> {
    sqlx::query_as::<_, Category>("SELECT id, name, slug, parent_id FROM categories WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await
}

pub async fn list_categories(pool: &PgPool) -> Result<Vec<Category>, sqlx::Error> {
    sqlx::query_as::<_, Category>("SELECT id, name, slug, parent_id FROM categories ORDER BY name")
        .fetch_all(pool)
        .await
}

pub async fn update_price(pool: &PgPool, id: i64, price_cents: i64) -> Result<u64, sqlx::Error> {
    let result = sqlx::query("UPDATE books SET price_cents = $1 WHERE id = $2")
        .bind(price_cents)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(result.rows_affected())
}

pub async fn set_cover_path(pool: &PgPool, id: i64, path: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE books SET cover_path = $1 WHERE id = $2")
        .bind(path)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn prices_for(pool: &PgPool, ids: &[i64]) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    sqlx::query_as::<_, (i64, i64)>("SELECT id, price_cents FROM books WHERE id = ANY($1)")
        .bind(ids)
        .fetch_all(pool)
        .await
}

pub async fn book_exists(pool: &PgPool, id: i64) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar::<_, bool>("SELECT EXISTS (SELECT 1 FROM books WHERE id = $1)")
        .bind(id)
        .fetch_one(pool)
        .await
}
