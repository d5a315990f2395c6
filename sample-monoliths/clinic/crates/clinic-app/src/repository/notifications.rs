//! Queries on `notification_templates` and `sent_notifications`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel::PgConnection;

use crate::models::notification::{
    Channel, NewSentNotification, NotificationTemplate, PatientContact, SentNotification,
    TemplateUpsert,
};
use crate::schema::{notification_templates, patients, sent_notifications};

pub fn active_template(
    conn: &mut PgConnection,
    template_code: &str,
    channel: Channel,
) -> QueryResult<Option<NotificationTemplate>> {
    notification_templates::table
        .filter(notification_templates::code.eq(template_code))
        .filter(notification_templates::channel.eq(channel.as_str()))
        .filter(notification_templates::active.eq(true))
        .select(NotificationTemplate::as_select())
        .first(conn)
        .optional()
}

pub fn list_templates(conn: &mut PgConnection) -> QueryResult<Vec<NotificationTemplate>> {
    notification_templates::table
        .order((notification_templates::code.asc(), notification_templates::channel.asc()))
        .select(NotificationTemplate::as_select())
        .load(conn)
}

pub fn upsert_template(conn: &mut PgConnection, template: &TemplateUpsert) -> QueryResult<NotificationTemplate> {
    diesel::insert_into(notification_templates::table)
        .values(template)
        .on_conflict((notification_templates::code, notification_templates::channel))
        .do_update()
        .set((
            notification_templates::subject.eq(excluded(notification_templates::subject)),
            notification_templates::body.eq(excluded(notification_templates::body)),
            notification_templates::active.eq(excluded(notification_templates::active)),
        ))
        .returning(NotificationTemplate::as_returning())
        .get_result(conn)
}

/// Contact details for a reminder, read from the patient record.
pub fn patient_contact(conn: &mut PgConnection, patient_id: i32) -> QueryResult<Option<PatientContact>> {
    patients::table
        .filter(patients::id.eq(patient_id))
        .filter(patients::archived.eq(false))
        .select((
            patients::first_name,
            patients::phone,
            patients::email,
            patients::sms_opt_in,
        ))
        .first::<PatientContact>(conn)
        .optional()
}

pub fn record(conn: &mut PgConnection, entry: &NewSentNotification) -> QueryResult<usize> {
    diesel::insert_into(sent_notifications::table)
        .values(entry)
        .execute(conn)
}

pub fn count_sent_since(conn: &mut PgConnection, patient_id: i32, since: NaiveDateTime) -> QueryResult<i64> {
    sent_notifications::table
        .filter(sent_notifications::patient_id.eq(patient_id))
        .filter(sent_notifications::sent_at.ge(since))
        .filter(sent_notifications::status.eq("sent"))
        .count()
        .get_result(conn)
}

pub fn recent_for_patient(conn: &mut PgConnection, patient_id: i32, limit: i64) -> QueryResult<Vec<SentNotification>> {
    sent_notifications::table
        .filter(sent_notifications::patient_id.eq(patient_id))
        .order(sent_notifications::sent_at.desc())
        .limit(limit)
        .select(SentNotification::as_select())
        .load(conn)
}

pub fn already_sent(conn: &mut PgConnection, appointment_id: i32, template_code: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        sent_notifications::table
            .filter(sent_notifications::appointment_id.eq(appointment_id))
            .filter(sent_notifications::template_code.eq(template_code))
            .filter(sent_notifications::status.eq("sent")),
    ))
    .get_result(conn)
}
