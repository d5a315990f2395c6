//! Invoicing, payments and insurance claims.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::Path;

use chrono::{Datelike, Duration, Local, NaiveDate, NaiveTime, Utc};
use clinic_common::config;
use clinic_common::error::{ClinicError, ClinicResult};
use diesel::{OptionalExtension, PgConnection};
use uuid::Uuid;

use crate::models::invoice::{ClaimDecision, InsuranceClaim, Invoice, InvoiceDetails, InvoiceLine, InvoiceStatus};
use crate::models::invoice::{NewInsuranceClaim, NewInvoice, NewInvoiceLine, NewPayment, Payment, PaymentRequest};
use crate::models::Appointment;
use crate::repository::billing as repo;
use crate::services::{appointments as appointment_service, patients as patient_service};

static CLAIM_PREFIX: &str = "RFC";
const AUDIT_LOG: &str = "audit/billing.log";
const PAYMENT_METHODS: [&str; 4] = ["cash", "card", "transfer", "insurance"];

pub fn invoice_number(year: i32, sequence: i64) -> String {
    format!("INV-{year}-{sequence:05}")
}

pub fn compute_total(lines: &[InvoiceLine]) -> i64 {
    lines.iter().map(InvoiceLine::line_total).sum()
}

pub fn format_cents(cents: i64) -> String {
    format!("{}{}.{:02}", if cents < 0 { "-" } else { "" }, cents.abs() / 100, cents.abs() % 100)
}

pub fn get_invoice(conn: &mut PgConnection, invoice_id: i32) -> ClinicResult<Invoice> {
    repo::find_invoice(conn, invoice_id).optional()?.ok_or_else(|| ClinicError::not_found("invoice", invoice_id))
}

/// Draft invoice opened when a visit is completed, priced at the consultation fee.
pub fn draft_invoice_for(conn: &mut PgConnection, appointment: &Appointment, fee_cents: i64) -> ClinicResult<NewInvoice> {
    let today = Local::now().date_naive();
    let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1).expect("1 January exists").and_time(NaiveTime::MIN);
    let sequence = repo::count_created_since(conn, year_start)? + 1;
    Ok(NewInvoice {
        patient_id: appointment.patient_id,
        appointment_id: Some(appointment.id),
        number: invoice_number(today.year(), sequence),
        total_cents: fee_cents,
        status: InvoiceStatus::Draft.as_str().to_string(),
        created_at: Utc::now().naive_utc(),
    })
}

/// Issues all drafts: adds the consultation line, fixes the total and flags the visits as billed.
pub fn issue_pending(conn: &mut PgConnection) -> ClinicResult<Vec<Invoice>> {
    let (today, due_days) = (Local::now().date_naive(), config::parse_or::<i64>("INVOICE_DUE_DAYS", 30));
    let mut issued = Vec::new();
    let mut billed_visits = Vec::new();
    for draft in repo::drafts(conn, 200)? {
        let mut lines = repo::lines_for(conn, &draft)?;
        if lines.is_empty() {
            let description = match draft.appointment_id {
                Some(visit_id) => {
                    let visit = appointment_service::get_appointment(conn, visit_id)?;
                    format!("Consultation on {} ({} min)", visit.day().format("%d %b %Y"), visit.duration_minutes())
                }
                None => "Consultation".to_string(),
            };
            let line = NewInvoiceLine { invoice_id: draft.id, description, quantity: 1, unit_price_cents: draft.total_cents };
            repo::insert_lines(conn, &[line])?;
            lines = repo::lines_for(conn, &draft)?;
        }
        let total = compute_total(&lines);
        let invoice = repo::issue(conn, draft.id, total, today, today + Duration::days(due_days))?;
        audit(&format!("issued {} total={} patient={}", invoice.number, format_cents(total), invoice.patient_id));
        billed_visits.extend(invoice.appointment_id);
        issued.push(invoice);
    }
    repo::mark_appointments_billed(conn, &billed_visits)?;
    Ok(issued)
}

pub fn unbilled_visits(conn: &mut PgConnection) -> ClinicResult<Vec<Appointment>> {
    appointment_service::completed_unbilled(conn, 500)
}

pub fn for_patient(conn: &mut PgConnection, patient_id: i32) -> ClinicResult<Vec<Invoice>> {
    Ok(repo::invoices_for_patient(conn, patient_id)?)
}

pub fn details(conn: &mut PgConnection, invoice_id: i32) -> ClinicResult<InvoiceDetails> {
    let invoice = get_invoice(conn, invoice_id)?;
    let lines = repo::lines_for(conn, &invoice)?;
    let payments = repo::payments_for(conn, &invoice)?;
    let paid_cents: i64 = payments.iter().map(|p| p.amount_cents).sum();
    Ok(InvoiceDetails { outstanding_cents: (invoice.total_cents - paid_cents).max(0), invoice, lines, payments, paid_cents })
}

pub fn record_payment(conn: &mut PgConnection, invoice_id: i32, request: PaymentRequest) -> ClinicResult<Payment> {
    let invoice = get_invoice(conn, invoice_id)?;
    if !invoice.is_open() {
        return Err(ClinicError::conflict(format!("invoice {} is {}", invoice.number, invoice.status)));
    }
    let method = request.method.trim().to_ascii_lowercase();
    if request.amount_cents <= 0 || !PAYMENT_METHODS.contains(&method.as_str()) {
        return Err(ClinicError::validation("payment needs a positive amount and a known method"));
    }
    let outstanding = invoice.total_cents - repo::paid_total(conn, invoice.id)?;
    if request.amount_cents > outstanding {
        return Err(ClinicError::validation(format!("outstanding balance is only {}", format_cents(outstanding))));
    }
    let reference = request.reference.unwrap_or_else(|| Uuid::new_v4().simple().to_string());
    let new_payment = NewPayment { invoice_id, amount_cents: request.amount_cents, method, reference, paid_at: Utc::now().naive_utc() };
    let payment = repo::insert_payment(conn, &new_payment)?;
    let next = if payment.amount_cents == outstanding { InvoiceStatus::Paid } else { InvoiceStatus::PartiallyPaid };
    repo::set_status(conn, invoice.id, next)?;
    audit(&format!("payment {} on {} amount={} via {}", payment.reference, invoice.number, format_cents(payment.amount_cents), payment.method));
    Ok(payment)
}

pub fn submit_claim(conn: &mut PgConnection, invoice_id: i32) -> ClinicResult<InsuranceClaim> {
    let invoice = get_invoice(conn, invoice_id)?;
    if !invoice.is_open() || repo::open_claim_for(conn, invoice.id)?.is_some() {
        return Err(ClinicError::conflict("invoice is closed or already has a pending claim"));
    }
    let patient = patient_service::get_patient(conn, invoice.patient_id)?;
    let (Some(provider), Some(policy_number)) = (patient.insurance_provider, patient.insurance_number) else {
        return Err(ClinicError::validation("patient has no insurance on file"));
    };
    let claim = NewInsuranceClaim {
        invoice_id: invoice.id,
        provider,
        policy_number,
        claim_reference: format!("{CLAIM_PREFIX}-{}", Uuid::new_v4().simple()),
        amount_cents: invoice.total_cents - repo::paid_total(conn, invoice.id)?,
        status: "submitted".to_string(),
        submitted_at: Utc::now().naive_utc(),
    };
    let claim = repo::insert_claim(conn, &claim)?;
    audit(&format!("claim {} for {} sent to {}", claim.claim_reference, invoice.number, claim.provider));
    Ok(claim)
}

/// Records the insurer's answer; an approval is booked as an insurance payment.
pub fn resolve_claim(conn: &mut PgConnection, invoice_id: i32, decision: ClaimDecision) -> ClinicResult<InsuranceClaim> {
    let claim = repo::open_claim_for(conn, invoice_id)?.ok_or_else(|| ClinicError::not_found("open claim", invoice_id))?;
    let now = Utc::now().naive_utc();
    if !decision.approved {
        audit(&format!("claim {} rejected", claim.claim_reference));
        return Ok(repo::resolve_claim(conn, claim.id, "rejected", 0, now)?);
    }
    let amount = decision.amount_cents.unwrap_or(claim.amount_cents).min(claim.amount_cents);
    let resolved = repo::resolve_claim(conn, claim.id, "approved", amount, now)?;
    let payment = PaymentRequest { amount_cents: amount, method: "insurance".to_string(), reference: Some(resolved.claim_reference.clone()) };
    record_payment(conn, invoice_id, payment)?;
    Ok(resolved)
}

/// Appends one line to the billing audit trail the accountants ask for.
fn audit(event: &str) {
    let path = Path::new(AUDIT_LOG);
    let _ = path.parent().map(fs::create_dir_all);
    let line = format!("{} {event}\n", Local::now().format("%Y-%m-%dT%H:%M:%S%z"));
    if let Err(err) = OpenOptions::new().create(true).append(true).open(path).and_then(|mut f| f.write_all(line.as_bytes())) {
        log::error!("could not write to {AUDIT_LOG}: {err}");
    }
}
