//! Inventory entities: warehouses and per-warehouse stock levels.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Warehouse {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub city: String,
    pub country: String,
}

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct StockLevel {
    pub book_id: i64,
    pub warehouse_id: i64,
    pub quantity: i32,
    pub reserved: i32,
    pub reorder_point: i32,
    pub updated_at: DateTime<Utc>,
}

impl StockLevel {
    pub fn available(&self) -> i32 {
        (self.quantity - self.reserved).max(0)
    }

    pub fn needs_reorder(&self) -> bool {
        self.available() <= self.reorder_point
    }
}

#[derive(Debug, Deserialize)]
pub struct StockAdjustment {
    pub warehouse_id: i64,
    pub delta: i32,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct WarehouseStock {
    pub warehouse_id: i64,
    pub available: i32,
}

#[derive(Debug, Serialize)]
pub struct Availability {
    pub book_id: i64,
    pub available: i64,
    pub in_stock: bool,
    pub warehouses: Vec<WarehouseStock>,
}

impl Availability {
    pub fn from_levels(book_id: i64, levels: &[StockLevel]) -> Self {
        let warehouses: Vec<WarehouseStock> = levels
            .iter()
            .map(|level| WarehouseStock {
                warehouse_id: level.warehouse_id,
                available: level.available(),
            })
            .collect();
        let available = warehouses.iter().map(|w| i64::from(w.available)).sum();
        Availability {
            book_id,
            available,
            in_stock: available > 0,
            warehouses,
        }
    }
}
