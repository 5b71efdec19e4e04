//! Civil dates as editors write them (`2024-05-12`) and as readers see them (`2024年5月12日`),
//! and what "today" is for a site.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar date without time or zone: what every date field of the content model is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub jiff::civil::Date);

impl Date {
    /// Parses `YYYY-MM-DD`, the only form the content model accepts.
    pub fn parse(s: &str) -> Result<Date, String> {
        let s = s.trim();
        let ok_shape = s.len() == 10
            && s.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        if !ok_shape {
            return Err(format!(
                "日期 `{s}` 格式不对,应写成 YYYY-MM-DD,例如 2024-05-12"
            ));
        }
        // The shape is checked: the digits make the date directly (every page shows dates,
        // through a template filter, many times).
        let b = s.as_bytes();
        let num = |from: usize, to: usize| {
            b[from..to]
                .iter()
                .fold(0i16, |n, d| n * 10 + i16::from(d - b'0'))
        };
        jiff::civil::Date::new(num(0, 4), num(5, 7) as i8, num(8, 10) as i8)
            .map(Date)
            .map_err(|_| format!("日期 `{s}` 不存在,请检查月份和日"))
    }

    /// The earliest and latest date a document or `site.yaml` may carry: before the People's
    /// Republic and its congresses, or after 2100, a date is a typo (`0023-05-01`).
    pub const EARLIEST: Date = Date(jiff::civil::date(1949, 1, 1));
    pub const LATEST: Date = Date(jiff::civil::date(2100, 12, 31));

    /// [`Date::parse`] for a date written in content: also within [`Date::EARLIEST`] and
    /// [`Date::LATEST`].
    pub fn parse_content(s: &str) -> Result<Date, String> {
        let d = Date::parse(s)?;
        if (Date::EARLIEST..=Date::LATEST).contains(&d) {
            Ok(d)
        } else {
            Err(format!(
                "日期 `{}` 不在 {} 至 {} 之间,多半是笔误",
                s.trim(),
                Date::EARLIEST,
                Date::LATEST
            ))
        }
    }

    pub fn year(self) -> i16 {
        self.0.year()
    }

    /// `2024年5月12日`, the form used in running Chinese text.
    pub fn zh(self) -> String {
        format!("{}年{}月{}日", self.0.year(), self.0.month(), self.0.day())
    }

    /// `2024-05-12`: ISO 8601, as in the disclosure block and machine-readable files.
    pub fn iso(self) -> String {
        self.0.to_string()
    }

    /// Today in the site's time zone, so a build at 07:00 in Beijing does not use yesterday.
    pub fn today_in(timezone: &str) -> Result<Date, String> {
        let tz = jiff::tz::TimeZone::get(timezone)
            .map_err(|_| format!("未知时区 `{timezone}`,例如 Asia/Shanghai"))?;
        Ok(Date(jiff::Timestamp::now().to_zoned_datetime(tz).date()))
    }
}

impl fmt::Display for Date {
    /// ISO `2024-05-12`, as in the disclosure block and machine-readable files.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A visitor, so the error is raised while serde_yaml still knows the position.
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date YYYY-MM-DD")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Date, E> {
                Date::parse_content(v).map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Date, E> {
                Date::parse_content(&v.to_string()).map_err(E::custom)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Date, E> {
                Date::parse_content(&v.to_string()).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_iso_and_shows_chinese() {
        let d = Date::parse("2024-05-02").unwrap();
        assert_eq!(d.zh(), "2024年5月2日");
        assert_eq!(d.to_string(), "2024-05-02");
        assert_eq!(d.year(), 2024);
        // Four-digit years padded (what the pages have always shown); others as jiff writes them.
        assert_eq!(Date(jiff::civil::date(987, 1, 2)).iso(), "0987-01-02");
        for (y, m, day) in [(987, 1, 2), (2026, 12, 31), (1, 10, 9), (-5, 3, 4)] {
            let d = Date(jiff::civil::date(y, m, day));
            assert_eq!(d.to_string(), d.0.to_string());
            assert_eq!(d.zh(), format!("{y}年{m}月{day}日"));
        }
    }

    #[test]
    fn rejects_impossible_and_misshapen_dates() {
        assert!(Date::parse("2024-13-01").unwrap_err().contains("不存在"));
        assert!(Date::parse("2023-02-29").unwrap_err().contains("不存在"));
        assert!(Date::parse("2024/5/1").unwrap_err().contains("YYYY-MM-DD"));
        assert!(
            Date::parse("2024年5月1日")
                .unwrap_err()
                .contains("YYYY-MM-DD")
        );
    }

    #[test]
    fn content_dates_stay_within_1949_and_2100() {
        assert!(Date::parse_content("1949-01-01").is_ok());
        assert!(Date::parse_content("2100-12-31").is_ok());
        for typo in ["0023-05-01", "1948-12-31", "2101-01-01", "9999-12-31"] {
            let e = Date::parse_content(typo).unwrap_err();
            assert!(e.contains(typo) && e.contains("1949-01-01"), "{e}");
            // A date, just not one content may carry (`--today` may).
            assert!(Date::parse(typo).is_ok());
        }
    }

    #[test]
    fn today_needs_a_known_zone() {
        assert!(Date::today_in("Asia/Shanghai").is_ok());
        assert!(Date::today_in("Mars/Base").is_err());
    }
}
