//! Prescribing rules, refill requests and the printable prescription copy.

use std::fs;
use std::path::PathBuf;

use chrono::{Duration, Local, NaiveDate, Utc};
use clinic_common::error::{ClinicError, ClinicResult};
use clinic_common::time::days_between;
use diesel::{OptionalExtension, PgConnection};

use crate::models::prescription::*;
use crate::repository::prescriptions as repo;
use crate::services::{patients, practitioners};

/// Printable copies are kept here so reception can reprint them.
const STORAGE_DIR: &str = "./storage/prescriptions";
const DEFAULT_VALID_DAYS: i64 = 180;
const CONTROLLED_VALID_DAYS: i64 = 30;
const MIN_DAYS_BETWEEN_REFILLS: i64 = 21;

pub fn issue(conn: &mut PgConnection, request: PrescriptionRequest) -> ClinicResult<PrescriptionView> {
    let patient = patients::ensure_active(conn, request.patient_id)?;
    let prescriber = practitioners::get_practitioner(conn, request.practitioner_id)?;
    let today = Local::now().date_naive();
    check_license(conn, prescriber.id, today)?;

    let medication = repo::find_medication(conn, request.medication_id).optional()?;
    let medication = medication.ok_or_else(|| ClinicError::not_found("medication", request.medication_id))?;
    let max_refills = if medication.controlled { 0 } else { medication.max_refills };
    if request.dosage.trim().is_empty() || !(0..=max_refills).contains(&request.refills) {
        return Err(ClinicError::validation(format!(
            "{} needs a dosage and allows at most {max_refills} refills",
            medication.label()
        )));
    }
    if medication.controlled && patient.is_minor_on(today) {
        return Err(ClinicError::Forbidden("controlled medication for a minor needs a paper prescription".into()));
    }
    let valid_days =
        if medication.controlled { CONTROLLED_VALID_DAYS } else { request.valid_days.unwrap_or(DEFAULT_VALID_DAYS).clamp(1, 365) };

    let prescription = repo::insert_prescription(
        conn,
        &NewPrescription {
            patient_id: patient.id,
            practitioner_id: prescriber.id,
            medication_id: medication.id,
            dosage: request.dosage.trim().to_string(),
            issued_on: today,
            expires_on: today + Duration::days(valid_days),
            refills_allowed: request.refills,
            refills_used: 0,
            status: "active".to_string(),
        },
    )?;
    let view = PrescriptionView::from((prescription, medication));
    match store_copy(&view, &patient.full_name(), &prescriber.full_name) {
        Ok(path) => log::info!("prescription #{} stored at {}", view.prescription.id, path.display()),
        Err(err) => log::warn!("could not store prescription #{}: {err}", view.prescription.id),
    }
    Ok(view)
}

/// The prescriber must be active and hold a license valid today.
fn check_license(conn: &mut PgConnection, practitioner_id: i32, today: NaiveDate) -> ClinicResult<()> {
    match repo::practitioner_license(conn, practitioner_id)? {
        None => Err(ClinicError::not_found("practitioner", practitioner_id)),
        Some((_, _, false)) => Err(ClinicError::Forbidden("prescriber is no longer active".into())),
        Some((number, expires, _)) if expires < today => {
            Err(ClinicError::Forbidden(format!("license {number} expired on {expires}")))
        }
        Some(_) => Ok(()),
    }
}

pub fn get(conn: &mut PgConnection, prescription_id: i32) -> ClinicResult<PrescriptionView> {
    let row = repo::find_prescription(conn, prescription_id).optional()?;
    row.map(PrescriptionView::from).ok_or_else(|| ClinicError::not_found("prescription", prescription_id))
}

pub fn for_patient(conn: &mut PgConnection, patient_id: i32) -> ClinicResult<Vec<PrescriptionView>> {
    patients::get_patient(conn, patient_id)?;
    Ok(repo::for_patient(conn, patient_id)?.into_iter().map(PrescriptionView::from).collect())
}

pub fn request_refill(conn: &mut PgConnection, prescription_id: i32) -> ClinicResult<Refill> {
    let PrescriptionView { prescription, medication, .. } = get(conn, prescription_id)?;
    let today = Local::now().date_naive();
    if !prescription.is_active(today) || prescription.refills_remaining() == 0 {
        return Err(ClinicError::conflict("no refills left; a new prescription is needed"));
    }
    if medication.controlled {
        return Err(ClinicError::Forbidden("controlled medications cannot be refilled".into()));
    }
    if repo::pending_refill_exists(conn, prescription.id)? {
        return Err(ClinicError::conflict("a refill request is already pending"));
    }
    if let Some(last) = repo::last_approved_refill(conn, &prescription)? {
        let since = days_between(last.requested_at.date(), today);
        if since < MIN_DAYS_BETWEEN_REFILLS {
            let wait = MIN_DAYS_BETWEEN_REFILLS - since;
            return Err(ClinicError::conflict(format!("last refill was {since} days ago; wait {wait} more days")));
        }
    }
    let refill = NewRefill { prescription_id: prescription.id, requested_at: Utc::now().naive_utc() };
    Ok(repo::insert_refill(conn, &refill)?)
}

pub fn decide_refill(conn: &mut PgConnection, refill_id: i32, decision: RefillDecision) -> ClinicResult<Refill> {
    let refill = repo::find_refill(conn, refill_id)?;
    if refill.approved.is_some() {
        return Err(ClinicError::conflict("this refill has already been decided"));
    }
    if decision.approve && get(conn, refill.prescription_id)?.refills_remaining == 0 {
        return Err(ClinicError::conflict("no refills left on this prescription"));
    }
    Ok(repo::decide_refill(conn, &refill, decision.approve, Utc::now().naive_utc())?)
}

pub fn expire_old(conn: &mut PgConnection) -> ClinicResult<usize> {
    Ok(repo::expire_before(conn, Local::now().date_naive())?)
}

fn store_copy(view: &PrescriptionView, patient_name: &str, prescriber_name: &str) -> std::io::Result<PathBuf> {
    fs::create_dir_all(STORAGE_DIR)?;
    let path = PathBuf::from(STORAGE_DIR).join(format!("rx-{:06}.pdf", view.prescription.id));
    let lines = [
        format!("Prescription #{}", view.prescription.id),
        format!("Patient: {patient_name}"),
        format!("Medication: {} - {}", view.medication.label(), view.prescription.dosage),
        format!("Refills: {}  Valid until: {}", view.prescription.refills_allowed, view.prescription.expires_on),
        format!("Prescriber: {prescriber_name}"),
    ];
    fs::write(&path, render_pdf(&lines))?;
    Ok(path)
}

/// Single-page PDF with one line of Helvetica text per entry.
fn render_pdf(lines: &[String]) -> Vec<u8> {
    let mut content = String::from("BT /F1 12 Tf 16 TL 60 780 Td\n");
    for line in lines {
        content.push_str(&format!("({}) '\n", line.replace('\\', "/").replace('(', "[").replace(')', "]")));
    }
    content.push_str("ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut pdf = String::from("%PDF-1.4\n");
    let mut offsets = Vec::with_capacity(objects.len());
    for (index, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.push_str(&format!("{} 0 obj\n{body}\nendobj\n", index + 1));
    }
    let xref_at = pdf.len();
    pdf.push_str(&format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1));
    for offset in offsets {
        pdf.push_str(&format!("{offset:010} 00000 n \n"));
    }
    pdf.push_str(&format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n", objects.len() + 1));
    pdf.into_bytes()
}
