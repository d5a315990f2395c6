//! Message templates, the outbox of sent notifications and contact details.

use std::fmt;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::schema::{notification_templates, sent_notifications};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Sms,
    Email,
}

impl Channel {
    pub fn as_str(&self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Email => "email",
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[cfg_attr(feature = "postgres", diesel(table_name = crate::schema::notification_templates))]
#[cfg_attr(feature = "postgres", diesel(check_for_backend(diesel::pg::Pg)))]
pub struct NotificationTemplate {
    pub id: i32,
    pub code: String,
    pub channel: String,
    pub subject: Option<String>,
    pub body: String,
    pub active: bool,
}

impl NotificationTemplate {
    /// Replaces `{{name}}` placeholders; unknown placeholders are left as-is.
    pub fn render(&self, vars: &[(&str, String)]) -> String {
        let mut text = self.body.clone();
        for (key, value) in vars {
            text = text.replace(&format!("{{{{{key}}}}}"), value);
        }
        text
    }
}

#[derive(Debug, Deserialize, Insertable, AsChangeset)]
#[diesel(table_name = notification_templates)]
pub struct TemplateUpsert {
    pub code: String,
    pub channel: String,
    pub subject: Option<String>,
    pub body: String,
    pub active: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = sent_notifications)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct SentNotification {
    pub id: i32,
    pub patient_id: i32,
    pub appointment_id: Option<i32>,
    pub channel: String,
    pub template_code: String,
    pub recipient: String,
    pub status: String,
    pub error: Option<String>,
    pub sent_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = sent_notifications)]
pub struct NewSentNotification {
    pub patient_id: i32,
    pub appointment_id: Option<i32>,
    pub channel: String,
    pub template_code: String,
    pub recipient: String,
    pub status: String,
    pub error: Option<String>,
    pub sent_at: NaiveDateTime,
}

/// Contact columns of a patient, as needed to deliver a message.
#[derive(Debug, Clone, Queryable)]
pub struct PatientContact {
    pub first_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub sms_opt_in: bool,
}

impl PatientContact {
    pub fn sms_target(&self) -> Option<&str> {
        self.phone.as_deref().filter(|_| self.sms_opt_in)
    }
}

#[derive(Debug, Default, Serialize)]
pub struct ReminderReport {
    pub sent: usize,
    pub skipped: usize,
    pub failed: usize,
    pub rate_limited: bool,
}
