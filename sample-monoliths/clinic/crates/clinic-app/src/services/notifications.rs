//! Appointment reminders by SMS and e-mail, and their message templates.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration as StdDuration;

use chrono::{Duration, Local, NaiveTime, Utc};
use clinic_common::config::Config;
use clinic_common::error::{ClinicError, ClinicResult};
use diesel::PgConnection;
use serde::Serialize;

use crate::models::notification::{
    Channel, NewSentNotification, NotificationTemplate, PatientContact, ReminderReport, SentNotification,
    TemplateUpsert,
};
use crate::models::Appointment;
use crate::repository::notifications as repo;
use crate::services::appointments as appointment_service;

const SMS_GATEWAY_URL: &str = "http://sms-gateway.internal:8080/send";
/// Daily cap in our contract with the SMS provider.
const DAILY_SMS_LIMIT: usize = 2_000;
const MAX_MESSAGES_PER_PATIENT_PER_DAY: i64 = 3;
const REMINDER_TEMPLATE: &str = "appointment_reminder";

/// SMS sent by this process since the last daily reset.
static SENT_TODAY: AtomicUsize = AtomicUsize::new(0);

#[derive(Serialize)]
struct SmsPayload<'a> {
    to: &'a str,
    from: &'a str,
    text: &'a str,
}

/// Sends reminders for booked appointments starting within the lead time.
pub fn send_due_reminders(conn: &mut PgConnection, config: &Config) -> ClinicResult<ReminderReport> {
    let now = Local::now().naive_local();
    let until = now + Duration::hours(config.reminder_lead_hours);
    let mut report = ReminderReport::default();
    for appointment in appointment_service::due_for_reminder(conn, now, until)? {
        if SENT_TODAY.load(Ordering::Relaxed) >= DAILY_SMS_LIMIT {
            report.rate_limited = true;
            break;
        }
        match remind(conn, config, &appointment) {
            Ok(true) => {
                appointment_service::mark_reminded(conn, appointment.id)?;
                report.sent += 1;
            }
            Ok(false) => report.skipped += 1,
            Err(err) => {
                log::warn!("reminder for appointment #{} failed: {err}", appointment.id);
                report.failed += 1;
            }
        }
    }
    log::info!("reminders: {} sent, {} skipped, {} failed", report.sent, report.skipped, report.failed);
    Ok(report)
}

/// Returns `Ok(false)` when the patient cannot or should not be contacted.
fn remind(conn: &mut PgConnection, config: &Config, appointment: &Appointment) -> ClinicResult<bool> {
    if repo::already_sent(conn, appointment.id, REMINDER_TEMPLATE)? {
        return Ok(true);
    }
    let Some(contact) = repo::patient_contact(conn, appointment.patient_id)? else {
        return Ok(false);
    };
    let midnight = Local::now().date_naive().and_time(NaiveTime::MIN);
    if repo::count_sent_since(conn, appointment.patient_id, midnight)? >= MAX_MESSAGES_PER_PATIENT_PER_DAY {
        return Ok(false);
    }
    let vars = [
        ("name", contact.first_name.clone()),
        ("clinic", config.clinic_name.clone()),
        ("date", appointment.starts_at.format("%A %-d %B").to_string()),
        ("time", appointment.starts_at.format("%H:%M").to_string()),
    ];
    let (channel, recipient) = match preferred_channel(&contact) {
        Some(target) => target,
        None => return Ok(false),
    };
    let text = template_for(conn, channel)?.render(&vars);
    // E-mail is picked up from the outbox by the mail relay; SMS goes out right away.
    let outcome = match channel {
        Channel::Sms => send_sms(config, &recipient, &text).map(|_| "sent"),
        Channel::Email => Ok("queued"),
    };
    let entry = NewSentNotification {
        patient_id: appointment.patient_id,
        appointment_id: Some(appointment.id),
        channel: channel.as_str().to_string(),
        template_code: REMINDER_TEMPLATE.to_string(),
        recipient,
        status: outcome.as_ref().map_or("failed", |status| *status).to_string(),
        error: outcome.as_ref().err().map(ToString::to_string),
        sent_at: Utc::now().naive_utc(),
    };
    repo::record(conn, &entry)?;
    outcome.map(|_| true)
}

fn preferred_channel(contact: &PatientContact) -> Option<(Channel, String)> {
    match (contact.sms_target(), contact.email.as_deref()) {
        (Some(phone), _) => Some((Channel::Sms, phone.to_string())),
        (None, Some(email)) => Some((Channel::Email, email.to_string())),
        (None, None) => None,
    }
}

fn template_for(conn: &mut PgConnection, channel: Channel) -> ClinicResult<NotificationTemplate> {
    repo::active_template(conn, REMINDER_TEMPLATE, channel)?
        .ok_or_else(|| ClinicError::NotFound(format!("no active {channel} template {REMINDER_TEMPLATE:?}")))
}

fn send_sms(config: &Config, to: &str, text: &str) -> ClinicResult<()> {
    let client = reqwest::blocking::Client::builder()
        .timeout(StdDuration::from_secs(10))
        .build()
        .map_err(|err| ClinicError::Gateway(err.to_string()))?;
    let mut request = client.post(SMS_GATEWAY_URL).json(&SmsPayload { to, from: &config.sms_sender_id, text });
    if let Some(key) = &config.sms_api_key {
        request = request.bearer_auth(key);
    }
    let response = request.send().map_err(|err| ClinicError::Gateway(err.to_string()))?;
    if !response.status().is_success() {
        return Err(ClinicError::Gateway(format!("SMS gateway answered {}", response.status())));
    }
    SENT_TODAY.fetch_add(1, Ordering::Relaxed);
    Ok(())
}

pub fn sent_today() -> usize {
    SENT_TODAY.load(Ordering::Relaxed)
}

/// Called by the nightly job; returns yesterday's count.
pub fn reset_daily_counter() -> usize {
    SENT_TODAY.swap(0, Ordering::Relaxed)
}

pub fn templates(conn: &mut PgConnection) -> ClinicResult<Vec<NotificationTemplate>> {
    Ok(repo::list_templates(conn)?)
}

pub fn save_template(conn: &mut PgConnection, mut template: TemplateUpsert) -> ClinicResult<NotificationTemplate> {
    template.code = template.code.trim().to_ascii_lowercase();
    template.channel = template.channel.trim().to_ascii_lowercase();
    if template.code.is_empty() || !matches!(template.channel.as_str(), "sms" | "email") {
        return Err(ClinicError::validation("a template needs a code and the channel sms or email"));
    }
    if template.channel == Channel::Sms.as_str() && template.body.chars().count() > 320 {
        return Err(ClinicError::validation("SMS templates are limited to two messages (320 characters)"));
    }
    Ok(repo::upsert_template(conn, &template)?)
}

pub fn history(conn: &mut PgConnection, patient_id: i32) -> ClinicResult<Vec<SentNotification>> {
    Ok(repo::recent_for_patient(conn, patient_id, 50)?)
}
