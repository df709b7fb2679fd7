//! Dates in the forms crawls carry them, to a [`Day`]. The day is the one written
//! (`2026-05-07T23:30-05:00` is May 7): a story spans days, and the writer's
//! calendar day is what its readers saw. Epoch numbers have no zone: UTC.

use super::Day;

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// A date string: ISO 8601 (`2026-05-07`, with or without time and zone, `T` or a
/// space), RFC 2822 (`Thu, 07 May 2026 10:00:00 +0000`), `May 7, 2026`,
/// `7 May 2026`, `2026/05/07`, or epoch seconds or milliseconds written as digits.
pub fn parse_date(s: &str) -> Option<Day> {
    let s = s.trim();
    if let Some(d) = Day::parse(s) {
        return Some(d);
    }
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && s.len() >= 9 {
        return s.parse::<i64>().ok().and_then(epoch_day);
    }
    let b = s.as_bytes();
    if b.len() >= 10 && b[4] == b'/' && b[7] == b'/' {
        return Day::parse(&format!("{}-{}-{}", &s[0..4], &s[5..7], &s[8..10]));
    }
    words_date(s)
}

/// Epoch seconds, or milliseconds when the number is too large for seconds of
/// this era (from 1e11 on: seconds that far out are year 5138).
pub fn epoch_day(n: i64) -> Option<Day> {
    let secs = if n.unsigned_abs() >= 100_000_000_000 {
        n / 1000
    } else {
        n
    };
    let day = secs.div_euclid(86_400);
    // Years 0..10000: anything else is not a date a news record carries.
    ((-719_528..2_932_897).contains(&day)).then_some(Day(day as i32))
}

/// `[Weekday,] 7 May 2026 …` or `[Weekday,] May 7, 2026 …`.
fn words_date(s: &str) -> Option<Day> {
    let mut tokens = s
        .split(|c: char| c.is_whitespace() || c == ',' || c == '-' || c == '.')
        .filter(|t| !t.is_empty())
        .peekable();
    if tokens.peek().is_some_and(|t| {
        t.len() >= 3 && t.chars().all(|c| c.is_ascii_alphabetic()) && month(t).is_none()
    }) {
        tokens.next(); // a weekday
    }
    let (a, b, c) = (tokens.next()?, tokens.next()?, tokens.next()?);
    let (day, mon, year) = match (month(a), month(b)) {
        (Some(m), None) => (b, m, c),
        (None, Some(m)) => (a, m, c),
        _ => return None,
    };
    let day: u32 = day
        .trim_end_matches(['s', 't', 'n', 'd', 'r', 'h'])
        .parse()
        .ok()?;
    if year.len() != 4 {
        return None;
    }
    let year: i32 = year.parse().ok()?;
    Day::parse(&format!("{year:04}-{mon:02}-{day:02}"))
}

/// 1..=12 for an English month name or its three-letter abbreviation.
fn month(t: &str) -> Option<u32> {
    let lower = t.to_ascii_lowercase();
    let i = MONTHS.iter().position(|m| lower.starts_with(m))?;
    let full = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ][i];
    (lower.len() == 3 || full.starts_with(&lower) || lower == "sept").then_some(i as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forms_crawls_write() {
        let may7 = Day::parse("2026-05-07");
        let cases = [
            ("2026-05-07", may7),
            ("2026-05-07T10:00:00Z", may7),
            ("2026-05-07 23:30:00-05:00", may7),
            ("2026-05-07T10:00:00.123+02:00", may7),
            ("2026/05/07", may7),
            ("Thu, 07 May 2026 10:00:00 +0000", may7),
            ("Thu, 7 May 2026 10:00:00 GMT", may7),
            ("May 7, 2026", may7),
            ("7 May 2026", may7),
            ("May 7th, 2026", may7),
            ("Thursday, May 7, 2026", may7),
            ("7-May-2026", may7),
            ("1778150400", may7),
            ("1778150400000", may7),
            ("yesterday", None),
            ("May 2026", None),
            ("Feb 30, 2026", None),
            ("2026-13-01", None),
            ("", None),
            ("12", None),
        ];
        for (s, want) in cases {
            assert_eq!(parse_date(s), want, "{s:?}");
        }
        assert_eq!(epoch_day(1_778_150_400), may7);
        assert_eq!(epoch_day(-86_400), Some(Day(-1)));
        assert_eq!(epoch_day(i64::MAX), None);
    }
}
