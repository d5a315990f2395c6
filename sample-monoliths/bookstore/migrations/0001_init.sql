-- Initial schema for the bookstore monolith.
-- Every table below has one owning feature (see the comment above each group).

-- catalog -------------------------------------------------------------------
CREATE TABLE categories (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL,
    slug        TEXT NOT NULL UNIQUE,
    parent_id   BIGINT REFERENCES categories (id)
);

CREATE TABLE authors (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL,
    bio         TEXT
);

CREATE TABLE books (
    id            BIGSERIAL PRIMARY KEY,
    isbn          TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL,
    description   TEXT,
    category_id   BIGINT REFERENCES categories (id),
    price_cents   BIGINT NOT NULL CHECK (price_cents > 0),
    published_on  DATE,
    cover_path    TEXT,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE book_authors (
    book_id     BIGINT NOT NULL REFERENCES books (id) ON DELETE CASCADE,
    author_id   BIGINT NOT NULL REFERENCES authors (id),
    position    SMALLINT NOT NULL DEFAULT 0,
    PRIMARY KEY (book_id, author_id)
);

-- inventory -----------------------------------------------------------------
CREATE TABLE warehouses (
    id          BIGSERIAL PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    city        TEXT NOT NULL,
    country     CHAR(2) NOT NULL
);

CREATE TABLE stock_levels (
    book_id        BIGINT NOT NULL REFERENCES books (id),
    warehouse_id   BIGINT NOT NULL REFERENCES warehouses (id),
    quantity       INTEGER NOT NULL DEFAULT 0 CHECK (quantity >= 0),
    reserved       INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    reorder_point  INTEGER NOT NULL DEFAULT 5,
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (book_id, warehouse_id)
);

-- customers -----------------------------------------------------------------
CREATE TABLE customers (
    id             BIGSERIAL PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE,
    full_name      TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE addresses (
    id           BIGSERIAL PRIMARY KEY,
    customer_id  BIGINT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    line1        TEXT NOT NULL,
    line2        TEXT,
    city         TEXT NOT NULL,
    postal_code  TEXT NOT NULL,
    country      CHAR(2) NOT NULL,
    is_default   BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE sessions (
    token        TEXT PRIMARY KEY,
    customer_id  BIGINT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at   TIMESTAMPTZ NOT NULL,
    user_agent   TEXT
);

-- orders --------------------------------------------------------------------
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'delivered', 'cancelled');

CREATE TABLE carts (
    id           UUID PRIMARY KEY,
    customer_id  BIGINT NOT NULL UNIQUE REFERENCES customers (id),
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE cart_items (
    cart_id   UUID NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    book_id   BIGINT NOT NULL REFERENCES books (id),
    quantity  INTEGER NOT NULL CHECK (quantity > 0),
    added_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (cart_id, book_id)
);

CREATE TABLE orders (
    id                   BIGSERIAL PRIMARY KEY,
    customer_id          BIGINT NOT NULL REFERENCES customers (id),
    status               order_status NOT NULL DEFAULT 'pending',
    subtotal_cents       BIGINT NOT NULL,
    shipping_cents       BIGINT NOT NULL,
    tax_cents            BIGINT NOT NULL,
    total_cents          BIGINT NOT NULL,
    shipping_address_id  BIGINT NOT NULL REFERENCES addresses (id),
    shipping_method      TEXT NOT NULL,
    placed_at            TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE order_lines (
    id                BIGSERIAL PRIMARY KEY,
    order_id          BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    book_id           BIGINT NOT NULL REFERENCES books (id),
    quantity          INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_cents  BIGINT NOT NULL
);

-- payments ------------------------------------------------------------------
CREATE TYPE payment_status AS ENUM ('pending', 'succeeded', 'failed', 'refunded', 'partially_refunded');

CREATE TABLE payments (
    id                 BIGSERIAL PRIMARY KEY,
    order_id           BIGINT NOT NULL REFERENCES orders (id),
    amount_cents       BIGINT NOT NULL,
    currency           CHAR(3) NOT NULL,
    status             payment_status NOT NULL DEFAULT 'pending',
    gateway_charge_id  TEXT,
    failure_reason     TEXT,
    idempotency_key    UUID NOT NULL UNIQUE,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE refunds (
    id                 BIGSERIAL PRIMARY KEY,
    payment_id         BIGINT NOT NULL REFERENCES payments (id),
    amount_cents       BIGINT NOT NULL CHECK (amount_cents > 0),
    reason             TEXT NOT NULL,
    gateway_refund_id  TEXT,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- reviews -------------------------------------------------------------------
CREATE TABLE reviews (
    id           BIGSERIAL PRIMARY KEY,
    book_id      BIGINT NOT NULL REFERENCES books (id),
    customer_id  BIGINT NOT NULL REFERENCES customers (id),
    rating       SMALLINT NOT NULL CHECK (rating BETWEEN 1 AND 5),
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (book_id, customer_id)
);

-- shipping ------------------------------------------------------------------
CREATE TYPE shipment_status AS ENUM ('label_created', 'in_transit', 'delivered', 'returned');

CREATE TABLE shipments (
    id               BIGSERIAL PRIMARY KEY,
    order_id         BIGINT NOT NULL REFERENCES orders (id),
    carrier          TEXT NOT NULL,
    method           TEXT NOT NULL,
    tracking_number  TEXT NOT NULL UNIQUE,
    status           shipment_status NOT NULL DEFAULT 'label_created',
    last_location    TEXT,
    shipped_at       TIMESTAMPTZ,
    delivered_at     TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX idx_stock_levels_book ON stock_levels (book_id);
CREATE INDEX idx_orders_customer ON orders (customer_id, placed_at DESC);
CREATE INDEX idx_reviews_book ON reviews (book_id, created_at DESC);
CREATE INDEX idx_shipments_order ON shipments (order_id);
