//! Date and time helpers for appointment slots and working hours.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

/// Day names in the order used by `working_hours.weekday` (0 = Monday).
pub const WEEKDAY_NAMES: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Slot length used when neither practitioner nor specialty defines one.
pub const DEFAULT_SLOT_MINUTES: i64 = 20;

/// A half-open interval `[start, end)` on the clinic's local clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Slot {
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
}

impl Slot {
    pub fn new(start: NaiveDateTime, end: NaiveDateTime) -> Option<Slot> {
        if end > start {
            Some(Slot { start, end })
        } else {
            None
        }
    }

    pub fn starting_at(start: NaiveDateTime, minutes: i64) -> Slot {
        Slot {
            start,
            end: start + Duration::minutes(minutes),
        }
    }

    pub fn minutes(&self) -> i64 {
        (self.end - self.start).num_minutes()
    }

    pub fn overlaps(&self, other: &Slot) -> bool {
        self.start < other.end && other.start < self.end
    }

    pub fn contains(&self, other: &Slot) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    pub fn date(&self) -> NaiveDate {
        self.start.date()
    }
}

pub fn weekday_index(day: NaiveDate) -> i16 {
    day.weekday().num_days_from_monday() as i16
}

pub fn weekday_name(index: i16) -> Option<&'static str> {
    usize::try_from(index).ok().and_then(|i| WEEKDAY_NAMES.get(i).copied())
}

pub fn parse_weekday(name: &str) -> Option<i16> {
    let wanted = name.trim().to_ascii_lowercase();
    WEEKDAY_NAMES
        .iter()
        .position(|day| *day == wanted || day[..3] == wanted)
        .map(|i| i as i16)
}

pub fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Cuts `[from, to)` on `day` into consecutive slots of `minutes` each.
/// A trailing remainder shorter than one slot is dropped.
pub fn split_into_slots(day: NaiveDate, from: NaiveTime, to: NaiveTime, minutes: i64) -> Vec<Slot> {
    let mut slots = Vec::new();
    if minutes <= 0 || to <= from {
        return slots;
    }
    let step = Duration::minutes(minutes);
    let end = day.and_time(to);
    let mut cursor = day.and_time(from);
    while cursor + step <= end {
        slots.push(Slot {
            start: cursor,
            end: cursor + step,
        });
        cursor += step;
    }
    slots
}

/// Midnight-to-midnight bounds of a calendar day.
pub fn day_bounds(day: NaiveDate) -> (NaiveDateTime, NaiveDateTime) {
    let start = day.and_time(NaiveTime::MIN);
    (start, start + Duration::days(1))
}

/// `days` consecutive dates starting with `start`.
pub fn dates_from(start: NaiveDate, days: u32) -> impl Iterator<Item = NaiveDate> {
    (0..days).filter_map(move |offset| start.checked_add_signed(Duration::days(i64::from(offset))))
}

pub fn hours_between(from: NaiveDateTime, to: NaiveDateTime) -> i64 {
    (to - from).num_hours()
}

pub fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}
