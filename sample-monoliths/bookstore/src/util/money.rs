//! Money is kept as integer cents everywhere; these helpers do the arithmetic.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Money {
    pub cents: i64,
    pub currency: String,
}

impl Money {
    pub fn new(cents: i64, currency: impl Into<String>) -> Self {
        Money {
            cents,
            currency: currency.into(),
        }
    }
}

impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", format_cents(self.cents), self.currency)
    }
}

/// `1234` -> `"12.34"`, `-5` -> `"-0.05"`.
pub fn format_cents(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// Parses `"12"`, `"12.3"` or `"12.34"` into cents; rejects more than two decimals.
pub fn parse_amount(input: &str) -> Option<i64> {
    let input = input.trim();
    let (whole, frac) = match input.split_once('.') {
        Some((w, f)) => (w, f),
        None => (input, ""),
    };
    if frac.len() > 2 || whole.is_empty() {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse().ok()?
    };
    whole.checked_mul(100)?.checked_add(frac)
}

/// Share of an amount given in basis points (1/100 of a percent), rounded half up.
pub fn basis_points(cents: i64, bp: i64) -> i64 {
    (cents * bp + 5_000) / 10_000
}

pub fn line_total(unit_cents: i64, quantity: i32) -> i64 {
    unit_cents * i64::from(quantity)
}
