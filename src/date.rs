//! Front-matter dates: the forms an editor may write, checked against the calendar (jiff), and
//! the forms the Atom feeds (RFC 3339) and the sitemap (a W3C date) write them in.
//!
//! Accepted: `YYYY-MM-DD`; `YYYY-MM-DDTHH:MM` or `YYYY-MM-DDTHH:MM:SS`, read as UTC (the build
//! has no time zone of its own: the machine's would make two builds differ); and an RFC 3339
//! timestamp, `YYYY-MM-DDTHH:MM:SS[.fraction]` followed by `Z` or `±HH:MM`.

use jiff::Timestamp;
use jiff::civil;
use jiff::tz::Offset;
use serde::{Serialize, Serializer};

/// A `date` or `updated` from front matter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Date {
    /// As written: what templates see (the `local_date` filter formats it).
    pub written: String,
    /// The moment it names, to order pages by: a date alone is midnight UTC.
    pub instant: Timestamp,
    /// That moment in RFC 3339 as Atom wants it (`2023-10-13T00:00:00Z`,
    /// `2023-10-13T08:00:00+08:00`), built from the parsed parts, never copied from the input.
    pub rfc3339: String,
    /// The day as written, `YYYY-MM-DD`: a W3C date for the sitemap's `lastmod`.
    pub day: String,
}

/// Why a text is not a date.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum DateError {
    /// It is not written in one of the accepted forms.
    Shape,
    /// It has the form of a date but names a day, time or offset that does not exist; the text
    /// says which (`February 2023 has 28 days`).
    Impossible(String),
}

/// Templates see a date as it was written.
impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.written)
    }
}

/// Reads one of the accepted forms (see the module's documentation).
pub(crate) fn parse(text: &str) -> Result<Date, DateError> {
    let mut s = Scanner { text, at: 0 };
    let (year, month, day) = (s.number(4)?, s.then(b'-', 2)?, s.then(b'-', 2)?);
    let date = calendar_day(year, month, day)?;
    let mut time = Clock::midnight();
    if s.eat(b'T') {
        time = s.clock()?;
    }
    if s.at != text.len() {
        return Err(DateError::Shape);
    }
    let civil_time = civil::Time::new(time.hour, time.minute, time.second, time.nanos)
        .map_err(|_| impossible_time(&time))?;
    let offset = Offset::from_seconds(time.offset_seconds).map_err(|_| DateError::Shape)?;
    let instant = offset
        .to_timestamp(date.to_datetime(civil_time))
        .map_err(|_| DateError::Impossible("it is outside the range of dates".into()))?;
    let day_text = format!("{year:04}-{month:02}-{day:02}");
    let rfc3339 = format!(
        "{day_text}T{:02}:{:02}:{:02}{}{}",
        time.hour, time.minute, time.second, time.fraction, time.offset
    );
    Ok(Date {
        written: text.to_string(),
        instant,
        rfc3339,
        day: day_text,
    })
}

fn calendar_day(year: i32, month: i32, day: i32) -> Result<civil::Date, DateError> {
    let (Ok(year16), Ok(month8), Ok(day8)) =
        (i16::try_from(year), i8::try_from(month), i8::try_from(day))
    else {
        return Err(DateError::Shape);
    };
    if !(1..=12).contains(&month) {
        return Err(DateError::Impossible(format!(
            "there is no month {month:02}"
        )));
    }
    civil::Date::new(year16, month8, day8).map_err(|_| {
        let first = civil::Date::new(year16, month8, 1).ok();
        DateError::Impossible(match first {
            Some(first) => format!(
                "{} has {} days",
                first.strftime("%B %Y"),
                first.days_in_month()
            ),
            None => format!("{year:04} is outside the range of dates"),
        })
    })
}

fn impossible_time(time: &Clock) -> DateError {
    DateError::Impossible(format!(
        "{:02}:{:02}:{:02} is not a time of day (00:00:00 to 23:59:59)",
        time.hour, time.minute, time.second
    ))
}

/// The time of day after `T`, and its offset from UTC.
struct Clock {
    hour: i8,
    minute: i8,
    second: i8,
    nanos: i32,
    /// `.5` as written, or empty.
    fraction: String,
    /// `Z` or `+08:00`: what the RFC 3339 form ends with.
    offset: String,
    offset_seconds: i32,
}

impl Clock {
    /// Midnight UTC: the time of a date written alone.
    fn midnight() -> Clock {
        Clock {
            hour: 0,
            minute: 0,
            second: 0,
            nanos: 0,
            fraction: String::new(),
            offset: "Z".into(),
            offset_seconds: 0,
        }
    }
}

struct Scanner<'a> {
    text: &'a str,
    at: usize,
}

impl Scanner<'_> {
    fn eat(&mut self, byte: u8) -> bool {
        let found = self.text.as_bytes().get(self.at) == Some(&byte);
        self.at += usize::from(found);
        found
    }

    /// Exactly `len` ASCII digits.
    fn number(&mut self, len: usize) -> Result<i32, DateError> {
        let digits = self
            .text
            .get(self.at..self.at + len)
            .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
            .ok_or(DateError::Shape)?;
        self.at += len;
        digits.parse().map_err(|_| DateError::Shape)
    }

    /// `separator` followed by exactly `len` digits.
    fn then(&mut self, separator: u8, len: usize) -> Result<i32, DateError> {
        if !self.eat(separator) {
            return Err(DateError::Shape);
        }
        self.number(len)
    }

    /// `HH:MM`, optionally `:SS` and then `.fraction`, optionally `Z` or `±HH:MM`.
    fn clock(&mut self) -> Result<Clock, DateError> {
        let small = |n: i32| i8::try_from(n).map_err(|_| DateError::Shape);
        let mut clock = Clock {
            hour: small(self.number(2)?)?,
            minute: small(self.then(b':', 2)?)?,
            ..Clock::midnight()
        };
        if self.eat(b':') {
            clock.second = small(self.number(2)?)?;
            if self.eat(b'.') {
                let start = self.at;
                let len = self.text[start..]
                    .bytes()
                    .take_while(u8::is_ascii_digit)
                    .count();
                if !(1..=9).contains(&len) {
                    return Err(DateError::Shape);
                }
                self.at += len;
                let digits = &self.text[start..self.at];
                clock.nanos = format!("{digits:0<9}")
                    .parse()
                    .map_err(|_| DateError::Shape)?;
                clock.fraction = format!(".{digits}");
            }
        }
        self.offset(&mut clock)?;
        Ok(clock)
    }

    /// Nothing (UTC), `Z`, or `+HH:MM` / `-HH:MM` with hours up to 23 and minutes up to 59.
    fn offset(&mut self, clock: &mut Clock) -> Result<(), DateError> {
        if self.eat(b'Z') {
            return Ok(());
        }
        let start = self.at;
        let sign = match self.text.as_bytes().get(start) {
            Some(b'+') => 1,
            Some(b'-') => -1,
            _ => return Ok(()),
        };
        self.at += 1;
        let (hours, minutes) = (self.number(2)?, self.then(b':', 2)?);
        if hours > 23 || minutes > 59 {
            return Err(DateError::Impossible(format!(
                "{} is not an offset from UTC (-23:59 to +23:59)",
                &self.text[start..self.at]
            )));
        }
        clock.offset = self.text[start..self.at].to_string();
        clock.offset_seconds = sign * (hours * 3600 + minutes * 60);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atom(text: &str) -> String {
        parse(text).unwrap().rfc3339
    }

    #[test]
    fn every_accepted_form_becomes_valid_rfc_3339() {
        assert_eq!(atom("2023-10-13"), "2023-10-13T00:00:00Z");
        assert_eq!(atom("2023-10-13T08:00"), "2023-10-13T08:00:00Z");
        assert_eq!(atom("2023-10-13T08:00:05"), "2023-10-13T08:00:05Z");
        assert_eq!(atom("2023-10-13T08:00:05Z"), "2023-10-13T08:00:05Z");
        assert_eq!(atom("2023-10-13T08:00+08:00"), "2023-10-13T08:00:00+08:00");
        assert_eq!(
            atom("2023-10-13T08:00:05.25-05:30"),
            "2023-10-13T08:00:05.25-05:30"
        );
        assert_eq!(atom("2024-02-29"), "2024-02-29T00:00:00Z");
        for text in [
            "2023-10-13",
            "2023-10-13T08:00",
            "2023-10-13T08:00:05.25-05:30",
        ] {
            let written = atom(text);
            assert!(
                written.parse::<Timestamp>().is_ok(),
                "{written} does not read back"
            );
        }
    }

    #[test]
    fn the_instant_orders_across_offsets() {
        let early = parse("2023-10-13T08:00:00+08:00").unwrap();
        let late = parse("2023-10-13T01:00:00Z").unwrap();
        assert!(early.instant < late.instant);
        assert_eq!(early.day, "2023-10-13");
    }

    #[test]
    fn impossible_dates_say_why() {
        let why = |text: &str| match parse(text) {
            Err(DateError::Impossible(why)) => why,
            other => panic!("{text}: {other:?}"),
        };
        assert_eq!(why("2023-02-31"), "February 2023 has 28 days");
        assert_eq!(why("2023-02-29"), "February 2023 has 28 days");
        assert_eq!(why("2023-04-00"), "April 2023 has 30 days");
        assert_eq!(why("2023-13-01"), "there is no month 13");
        assert!(why("2023-10-13T24:00").contains("not a time of day"));
        assert!(why("2023-10-13T23:59:60Z").contains("not a time of day"));
        assert!(why("2023-10-13T08:00:00+24:00").contains("not an offset"));
    }

    #[test]
    fn anything_else_is_not_a_date() {
        for text in [
            "",
            "2023",
            "13.10.2023",
            "2023-1-13",
            "2023-10-13T</updated><x>",
            "2023-10-13T08",
            "2023-10-13 08:00",
            "2023-10-13t08:00:00z",
            "2023-10-13T08:00:00.Z",
            "2023-10-13T08:00.5",
            "2023-10-13T08:00:00.1234567890Z",
            "2023-10-13T08:00:00+0800",
            "2023-10-13T08:00:00+08",
            "2023-10-13Z",
            "2023-10-13\n",
            "+2023-10-13",
            "２０２３-10-13",
        ] {
            assert_eq!(parse(text), Err(DateError::Shape), "{text:?}");
        }
    }

    #[test]
    fn templates_see_the_date_as_written() {
        let date = parse("2023-10-13T08:00").unwrap();
        assert_eq!(
            serde_json::to_value(&date).unwrap(),
            serde_json::json!("2023-10-13T08:00")
        );
    }
}
