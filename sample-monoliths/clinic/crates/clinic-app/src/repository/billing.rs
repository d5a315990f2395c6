//! Queries on `invoices`, `invoice_lines`, `payments` and `insurance_claims`.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer};
use diesel::PgConnection;

use crate::models::invoice::*;
use crate::schema::{appointments, insurance_claims, invoice_lines, invoices, payments};

#[derive(QueryableByName)]
struct PaidTotal {
    #[diesel(sql_type = BigInt)]
    total: i64,
}

pub fn find_invoice(conn: &mut PgConnection, invoice_id: i32) -> QueryResult<Invoice> {
    invoices::table.find(invoice_id).select(Invoice::as_select()).first(conn)
}

pub fn invoices_for_patient(conn: &mut PgConnection, patient_id: i32) -> QueryResult<Vec<Invoice>> {
    invoices::table
        .filter(invoices::patient_id.eq(patient_id))
        .order(invoices::created_at.desc())
        .select(Invoice::as_select())
        .load(conn)
}

pub fn drafts(conn: &mut PgConnection, limit: i64) -> QueryResult<Vec<Invoice>> {
    invoices::table
        .filter(invoices::status.eq(InvoiceStatus::Draft.as_str()))
        .order(invoices::created_at.asc())
        .limit(limit)
        .select(Invoice::as_select())
        .load(conn)
}

pub fn count_created_since(conn: &mut PgConnection, since: NaiveDateTime) -> QueryResult<i64> {
    invoices::table
        .filter(invoices::created_at.ge(since))
        .count()
        .get_result(conn)
}

pub fn lines_for(conn: &mut PgConnection, invoice: &Invoice) -> QueryResult<Vec<InvoiceLine>> {
    InvoiceLine::belonging_to(invoice)
        .select(InvoiceLine::as_select())
        .order(invoice_lines::id.asc())
        .load(conn)
}

pub fn insert_lines(conn: &mut PgConnection, lines: &[NewInvoiceLine]) -> QueryResult<usize> {
    diesel::insert_into(invoice_lines::table).values(lines).execute(conn)
}

pub fn issue(
    conn: &mut PgConnection,
    invoice_id: i32,
    total: i64,
    issued: NaiveDate,
    due: NaiveDate,
) -> QueryResult<Invoice> {
    diesel::update(invoices::table.find(invoice_id))
        .set((
            invoices::total_cents.eq(total),
            invoices::status.eq(InvoiceStatus::Issued.as_str()),
            invoices::issued_on.eq(Some(issued)),
            invoices::due_on.eq(Some(due)),
        ))
        .returning(Invoice::as_returning())
        .get_result(conn)
}

pub fn set_status(conn: &mut PgConnection, invoice_id: i32, new_status: InvoiceStatus) -> QueryResult<usize> {
    diesel::update(invoices::table.find(invoice_id))
        .set(invoices::status.eq(new_status.as_str()))
        .execute(conn)
}

/// Flags the visits behind freshly issued invoices so they are not billed twice.
pub fn mark_appointments_billed(conn: &mut PgConnection, appointment_ids: &[i32]) -> QueryResult<usize> {
    diesel::update(appointments::table.filter(appointments::id.eq_any(appointment_ids)))
        .set(appointments::billed.eq(true))
        .execute(conn)
}

pub fn payments_for(conn: &mut PgConnection, invoice: &Invoice) -> QueryResult<Vec<Payment>> {
    Payment::belonging_to(invoice)
        .select(Payment::as_select())
        .order(payments::paid_at.asc())
        .load(conn)
}

pub fn paid_total(conn: &mut PgConnection, invoice_id: i32) -> QueryResult<i64> {
    diesel::sql_query("SELECT COALESCE(SUM(amount_cents), 0)::BIGINT AS total FROM payments WHERE invoice_id = $1")
        .bind::<Integer, _>(invoice_id)
        .get_result::<PaidTotal>(conn)
        .map(|row| row.total)
}

pub fn insert_payment(conn: &mut PgConnection, payment: &NewPayment) -> QueryResult<Payment> {
    diesel::insert_into(payments::table)
        .values(payment)
        .returning(Payment::as_returning())
        .get_result(conn)
}

pub fn insert_claim(conn: &mut PgConnection, claim: &NewInsuranceClaim) -> QueryResult<InsuranceClaim> {
    diesel::insert_into(insurance_claims::table)
        .values(claim)
        .returning(InsuranceClaim::as_returning())
        .get_result(conn)
}

pub fn open_claim_for(conn: &mut PgConnection, invoice_id: i32) -> QueryResult<Option<InsuranceClaim>> {
    insurance_claims::table
        .filter(insurance_claims::invoice_id.eq(invoice_id))
        .filter(insurance_claims::resolved_at.is_null())
        .select(InsuranceClaim::as_select())
        .first(conn)
        .optional()
}

pub fn resolve_claim(
    conn: &mut PgConnection,
    claim_id: i32,
    new_status: &str,
    amount: i64,
    at: NaiveDateTime,
) -> QueryResult<InsuranceClaim> {
    diesel::update(insurance_claims::table.find(claim_id))
        .set((
            insurance_claims::status.eq(new_status),
            insurance_claims::amount_cents.eq(amount),
            insurance_claims::resolved_at.eq(Some(at)),
        ))
        .returning(InsuranceClaim::as_returning())
        .get_result(conn)
}
