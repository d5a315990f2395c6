//! Invoices, their lines, payments and insurance claims.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::schema::{insurance_claims, invoice_lines, invoices, payments};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    Draft,
    Issued,
    PartiallyPaid,
    Paid,
    Void,
}

impl InvoiceStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            InvoiceStatus::Draft => "draft",
            InvoiceStatus::Issued => "issued",
            InvoiceStatus::PartiallyPaid => "partially_paid",
            InvoiceStatus::Paid => "paid",
            InvoiceStatus::Void => "void",
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = invoices)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Invoice {
    pub id: i32,
    pub patient_id: i32,
    pub appointment_id: Option<i32>,
    pub number: String,
    pub total_cents: i64,
    pub status: String,
    pub issued_on: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
}

impl Invoice {
    pub fn is_open(&self) -> bool {
        self.status == InvoiceStatus::Issued.as_str() || self.status == InvoiceStatus::PartiallyPaid.as_str()
    }

    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.is_open() && self.due_on.is_some_and(|due| due < today)
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = invoices)]
pub struct NewInvoice {
    pub patient_id: i32,
    pub appointment_id: Option<i32>,
    pub number: String,
    pub total_cents: i64,
    pub status: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Associations, Serialize)]
#[diesel(belongs_to(Invoice))]
#[diesel(table_name = invoice_lines)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct InvoiceLine {
    pub id: i32,
    pub invoice_id: i32,
    pub description: String,
    pub quantity: i32,
    pub unit_price_cents: i64,
}

impl InvoiceLine {
    pub fn line_total(&self) -> i64 {
        i64::from(self.quantity) * self.unit_price_cents
    }
}

#[derive(Debug, Deserialize, Insertable)]
#[diesel(table_name = invoice_lines)]
pub struct NewInvoiceLine {
    #[serde(skip_deserializing)]
    pub invoice_id: i32,
    pub description: String,
    pub quantity: i32,
    pub unit_price_cents: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Associations, Serialize)]
#[diesel(belongs_to(Invoice))]
#[diesel(table_name = payments)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Payment {
    pub id: i32,
    pub invoice_id: i32,
    pub amount_cents: i64,
    pub method: String,
    pub reference: String,
    pub paid_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = payments)]
pub struct NewPayment {
    pub invoice_id: i32,
    pub amount_cents: i64,
    pub method: String,
    pub reference: String,
    pub paid_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Associations, Serialize)]
#[diesel(belongs_to(Invoice))]
#[diesel(table_name = insurance_claims)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct InsuranceClaim {
    pub id: i32,
    pub invoice_id: i32,
    pub provider: String,
    pub policy_number: String,
    pub claim_reference: String,
    pub amount_cents: i64,
    pub status: String,
    pub submitted_at: NaiveDateTime,
    pub resolved_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = insurance_claims)]
pub struct NewInsuranceClaim {
    pub invoice_id: i32,
    pub provider: String,
    pub policy_number: String,
    pub claim_reference: String,
    pub amount_cents: i64,
    pub status: String,
    pub submitted_at: NaiveDateTime,
}

#[derive(Debug, Deserialize)]
pub struct PaymentRequest {
    pub amount_cents: i64,
    pub method: String,
    pub reference: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ClaimDecision {
    pub approved: bool,
    pub amount_cents: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct InvoiceDetails {
    pub invoice: Invoice,
    pub lines: Vec<InvoiceLine>,
    pub payments: Vec<Payment>,
    pub paid_cents: i64,
    pub outstanding_cents: i64,
}
