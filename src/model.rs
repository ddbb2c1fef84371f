//! The users' vocabulary: verdicts, stances, grades, kinds, dates and figures,
//! each with the one parser that every command and importer goes through.

use std::fmt;

use crate::error::UserError;

/// Defines an enum of fixed words: parsing names the value and lists the words
/// allowed, and `as_str` gives the word stored in the database.
macro_rules! words {
    ($(#[$meta:meta])* $name:ident, $field:literal { $($variant:ident = $word:literal: $doc:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $(#[doc = $doc] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }

            #[allow(dead_code)]
            pub fn describe(self) -> &'static str {
                match self { $($name::$variant => $doc),+ }
            }

            /// The allowed words, for error messages and help.
            pub fn allowed() -> String {
                let words: Vec<&str> = Self::ALL.iter().map(|w| w.as_str()).collect();
                format!("allowed: {}", words.join(", "))
            }

            pub fn parse(value: &str) -> Result<Self, UserError> {
                let wanted = value.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|w| w.as_str().eq_ignore_ascii_case(wanted))
                    .ok_or_else(|| UserError::invalid($field, value, Self::allowed()))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = UserError;
            fn from_str(s: &str) -> Result<Self, UserError> {
                Self::parse(s)
            }
        }
    };
}

words! {
    /// The verdict on a claim.
    Status, "status" {
        Unverified = "unverified": "not yet checked (the default)",
        InReview = "in-review": "being checked",
        Supported = "supported": "the evidence supports it",
        Refuted = "refuted": "the evidence refutes it",
        Misleading = "misleading": "true in part, but gives a false impression",
        Disputed = "disputed": "competing accounts, unresolved",
        Unverifiable = "unverifiable": "cannot be checked (opinion, forecast, no record)",
    }
}

words! {
    /// A party's position on a claim.
    Stance, "stance" {
        Affirms = "affirms": "says the claim is true",
        Denies = "denies": "says the claim is false",
        Disputes = "disputes": "contests the claim or its framing",
        Qualifies = "qualifies": "accepts it in part, with conditions",
    }
}

words! {
    /// Whose words a statement's quote is.
    QuoteKind, "quote_kind" {
        Direct = "direct": "the speaker's own words, verbatim (possibly translated)",
        Reported = "reported": "the source's account of what was said",
    }
}

words! {
    /// How a source bears on a claim.
    Relation, "relation" {
        Supports = "supports": "the source supports the claim",
        Refutes = "refutes": "the source refutes the claim",
        Context = "context": "the source gives context",
    }
}

words! {
    /// What kind of party makes statements.
    PartyKind, "party kind" {
        State = "state": "a state, by ISO 3166 alpha-2 code",
        Body = "body": "a body of a state: ministry, joint chiefs, embassy",
        Organisation = "organisation": "an international or private organisation",
        Outlet = "outlet": "a newspaper, agency or broadcaster",
        Analyst = "analyst": "an analyst or researcher",
    }
}

words! {
    /// What kind of document a source is.
    SourceKind, "source kind" {
        OfficialStatement = "official-statement": "a statement by a government or body",
        NewsReport = "news-report": "a news report",
        WhitePaper = "white-paper": "a white paper",
        LegalAct = "legal-act": "a law, order, treaty or charter",
        Dataset = "dataset": "a dataset",
        Analysis = "analysis": "an analysis or commentary by an expert",
        Reference = "reference": "a reference work",
        Opinion = "opinion": "an opinion piece or blog",
        Other = "other": "anything else",
    }
}

words! {
    /// NATO Admiralty grade of a source's reliability.
    Reliability, "reliability" {
        A = "A": "completely reliable",
        B = "B": "usually reliable",
        C = "C": "fairly reliable",
        D = "D": "not usually reliable",
        E = "E": "unreliable",
        F = "F": "reliability cannot be judged",
    }
}

/// How consistent an evidence item or a statement is with a hypothesis, on
/// Heuer's scale (Analysis of Competing Hypotheses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Consistency {
    VeryConsistent,
    Consistent,
    Neutral,
    NotApplicable,
    Inconsistent,
    VeryInconsistent,
}

impl Consistency {
    pub const ALL: [Consistency; 6] = [
        Consistency::VeryConsistent,
        Consistency::Consistent,
        Consistency::Neutral,
        Consistency::NotApplicable,
        Consistency::Inconsistent,
        Consistency::VeryInconsistent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Consistency::VeryConsistent => "CC",
            Consistency::Consistent => "C",
            Consistency::Neutral => "N",
            Consistency::NotApplicable => "NA",
            Consistency::Inconsistent => "I",
            Consistency::VeryInconsistent => "II",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Consistency::VeryConsistent => "very consistent",
            Consistency::Consistent => "consistent",
            Consistency::Neutral => "neutral",
            Consistency::NotApplicable => "not applicable",
            Consistency::Inconsistent => "inconsistent",
            Consistency::VeryInconsistent => "very inconsistent",
        }
    }

    /// The scale, for errors and help: "CC very consistent, C consistent, ...".
    pub fn scale() -> String {
        let words: Vec<String> = Self::ALL.iter().map(|r| format!("{} {}", r.as_str(), r.describe())).collect();
        words.join(", ")
    }

    /// Reads a rating word in any case: `ii`, `CC`, `na`.
    pub fn parse(value: &str) -> Result<Self, UserError> {
        let wanted = value.trim();
        Self::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| UserError::invalid("rating", value, format!("allowed: {}", Self::scale())))
    }

    /// Heuer counts the evidence against a hypothesis: I is one point, II two.
    pub fn inconsistency(self) -> f64 {
        match self {
            Consistency::Inconsistent => 1.0,
            Consistency::VeryInconsistent => 2.0,
            _ => 0.0,
        }
    }

    /// The rating on a numeric scale, for diagnosticity: II -2, I -1, N and
    /// NA 0, C 1, CC 2.
    pub fn value(self) -> f64 {
        match self {
            Consistency::VeryInconsistent => -2.0,
            Consistency::Inconsistent => -1.0,
            Consistency::Neutral | Consistency::NotApplicable => 0.0,
            Consistency::Consistent => 1.0,
            Consistency::VeryConsistent => 2.0,
        }
    }
}

impl fmt::Display for Consistency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

words! {
    /// How much a rating bears on its hypothesis (ACH's relevance).
    Relevance, "relevance" {
        Low = "low": "bears on it a little",
        Medium = "medium": "bears on it (the default)",
        High = "high": "bears on it strongly",
    }
}

/// NATO Admiralty grade of a piece of information's credibility, 1 to 6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Credibility(pub u8);

impl Credibility {
    pub const FIELD: &'static str = "credibility";
    const WORDS: [&'static str; 6] = [
        "confirmed by other sources",
        "probably true",
        "possibly true",
        "doubtful",
        "improbable",
        "truth cannot be judged",
    ];

    pub fn allowed() -> String {
        let grades: Vec<String> = Self::WORDS.iter().enumerate().map(|(i, w)| format!("{} {w}", i + 1)).collect();
        format!("allowed: {}", grades.join(", "))
    }

    pub fn parse(value: &str) -> Result<Self, UserError> {
        match value.trim().parse::<u8>() {
            Ok(n @ 1..=6) => Ok(Credibility(n)),
            _ => Err(UserError::invalid(Self::FIELD, value, Self::allowed())),
        }
    }
}

/// Checks a calendar date given to the day, month or year (2019-07-23,
/// 2019-07, 2019): sources and statements are often dated only that far.
/// Returns the date as written; an empty value stays empty.
pub fn parse_date(field: &str, value: &str) -> Result<String, UserError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(String::new());
    }
    let bad = || UserError::invalid(field, value, "allowed: a date as YYYY-MM-DD, YYYY-MM or YYYY");
    let parts: Vec<&str> = value.split('-').collect();
    let number = |s: &str, len: usize| -> Option<u32> {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let year = parts.first().and_then(|y| number(y, 4)).ok_or_else(bad)?;
    if let Some(month) = parts.get(1) {
        let month = number(month, 2).filter(|m| (1..=12).contains(m)).ok_or_else(bad)?;
        if let Some(day) = parts.get(2) {
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
            let days = match month {
                2 if leap => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            let day = number(day, 2).ok_or_else(bad)?;
            if !(1..=days).contains(&day) {
                return Err(UserError::invalid(
                    field,
                    value,
                    format!("{year:04}-{month:02} has no day {day} (it has {days} days); allowed: a date as YYYY-MM-DD, YYYY-MM or YYYY"),
                ));
            }
        }
    }
    if parts.len() > 3 || year == 0 {
        return Err(bad());
    }
    Ok(value.to_string())
}

/// A figure: one value, or a low to high range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figure {
    pub low: f64,
    pub high: f64,
}

impl Figure {
    /// Parses `300000`, `300,000`, `50000..100000` or `50,000 to 100,000`. An
    /// empty value is no figure. Commas must group the whole part in threes
    /// (`1,2` and `1.000,5` are refused, not read as 12 and 1.0005), and a
    /// number must be kept exactly (9007199254740993 cannot be, as a figure
    /// is a double-precision number).
    pub fn parse(field: &str, value: &str) -> Result<Option<Figure>, UserError> {
        let text = value.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let bad = || {
            UserError::invalid(
                field,
                value,
                "allowed: a number written 300000, 300,000, 4209.3 or -40 (commas only between groups of three digits, a point before decimals), or a range LOW..HIGH (50000..100000, or 50,000 to 100,000) with LOW not above HIGH",
            )
        };
        let number = |s: &str| -> Result<f64, UserError> {
            let s = s.trim();
            let plain = plain_digits(s).ok_or_else(bad)?;
            let n = plain.parse::<f64>().ok().filter(|n| n.is_finite()).ok_or_else(bad)?;
            if normal_form(&plain) != normal_form(&format!("{n}")) {
                return Err(UserError::invalid(
                    field,
                    value,
                    format!(
                        "{s} cannot be kept exactly: a figure holds about 15 significant digits, and this would be stored as {}",
                        plain_number(n)
                    ),
                ));
            }
            Ok(n)
        };
        let (low, high) = if let Some((a, b)) = text.split_once("..").or_else(|| text.split_once(" to ")) {
            (number(a)?, number(b)?)
        } else {
            let n = number(text)?;
            (n, n)
        };
        if low > high {
            return Err(bad());
        }
        Ok(Some(Figure { low, high }))
    }

    pub fn from_columns(low: Option<f64>, high: Option<f64>) -> Option<Figure> {
        Some(Figure { low: low?, high: high? })
    }

    /// The machine form that `parse` reads back: `300000` or `50000..100000`.
    pub fn plain(&self) -> String {
        if self.low == self.high {
            plain_number(self.low)
        } else {
            format!("{}..{}", plain_number(self.low), plain_number(self.high))
        }
    }

    /// The form people read, with its unit: `300,000 servicemen`.
    pub fn with_unit(&self, unit: &str) -> String {
        if unit.is_empty() {
            self.human()
        } else {
            format!("{} {unit}", self.human())
        }
    }

    /// The form people read: `300,000` or `50,000–100,000`.
    pub fn human(&self) -> String {
        if self.low == self.high {
            grouped(self.low)
        } else {
            format!("{}–{}", grouped(self.low), grouped(self.high))
        }
    }
}

/// A number as written, without its grouping commas: `-1,234.5` ->
/// `-1234.5`. None unless it is an optional minus, digits (grouped in
/// threes by commas, or not at all), and optionally a point and digits.
fn plain_digits(text: &str) -> Option<String> {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (unsigned, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let groups: Vec<&str> = whole.split(',').collect();
    let grouped_well = groups.len() == 1 || (groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3));
    if !groups.iter().all(|g| digits(g)) || !grouped_well || fraction.is_some_and(|f| !digits(f)) {
        return None;
    }
    let mut plain = String::with_capacity(text.len());
    if unsigned.len() < text.len() {
        plain.push('-');
    }
    plain.push_str(&groups.concat());
    if let Some(f) = fraction {
        plain.push('.');
        plain.push_str(f);
    }
    Some(plain)
}

/// A decimal number's digits without leading zeros in the whole part or
/// trailing zeros in the fraction, to compare what was written with what
/// is stored.
fn normal_form(plain: &str) -> String {
    let (sign, unsigned) = match plain.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", plain),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let whole = whole.trim_start_matches('0');
    let fraction = fraction.trim_end_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    if whole == "0" && fraction.is_empty() {
        // -0 and 0 are the same figure.
        return "0".to_string();
    }
    if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    }
}

/// A number without exponent or needless decimals.
pub fn plain_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// A number with thousands separators: 300,000; 4,209.3.
pub fn grouped(n: f64) -> String {
    let plain = plain_number(n.abs());
    let (int, frac) = plain.split_once('.').map_or((plain.as_str(), None), |(i, f)| (i, Some(f)));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(frac) = frac {
        out.push('.');
        out.push_str(frac);
    }
    if n < 0.0 { format!("-{out}") } else { out }
}

/// A slug or party code: letters, digits and hyphens, not starting with a
/// digit, and not shaped like a typed handle (C3, ST12) or a UUID.
pub fn parse_slug(field: &str, value: &str) -> Result<String, UserError> {
    let v = value.trim();
    let ok = !v.is_empty()
        && v.len() <= 64
        && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        && v.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && !crate::store::kind::looks_like_handle(v)
        && uuid::Uuid::parse_str(v).is_err();
    if ok {
        Ok(v.to_string())
    } else {
        Err(UserError::invalid(
            field,
            value,
            "allowed: 1 to 64 ASCII letters, digits, '-', '_' or '.', starting with a letter, and not shaped like a handle such as C3, C03 or S12",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_accept_partial_dates_and_reject_impossible_ones() {
        for ok in ["2019", "2019-07", "2019-07-23", "2020-02-29", ""] {
            assert_eq!(parse_date("date", ok).unwrap(), ok);
        }
        for bad in [
            "2019-02-29",
            "2019-13",
            "2019-7-23",
            "23/07/2019",
            "2019-07-32",
            "0000",
            "2019-07-23-1",
            "yesterday",
        ] {
            let err = parse_date("date", bad).unwrap_err().to_string();
            assert!(err.contains(bad) && err.contains("YYYY-MM-DD"), "{err}");
        }
    }

    #[test]
    fn figures_parse_values_and_ranges() {
        assert_eq!(
            Figure::parse("f", "300,000").unwrap(),
            Some(Figure {
                low: 300000.0,
                high: 300000.0
            })
        );
        assert_eq!(
            Figure::parse("f", "50000..100000").unwrap(),
            Some(Figure {
                low: 50000.0,
                high: 100000.0
            })
        );
        assert_eq!(Figure::parse("f", "50,000 to 100,000").unwrap().unwrap().human(), "50,000–100,000");
        assert_eq!(Figure::parse("f", "4209.3").unwrap().unwrap().human(), "4,209.3");
        assert_eq!(Figure::parse("f", "").unwrap(), None);
        for bad in ["lots", "100..50", "1e5", "NaN", "inf", "..", "5.."] {
            assert!(Figure::parse("f", bad).is_err(), "{bad}");
        }
        assert_eq!(Figure::parse("f", "-40").unwrap().unwrap().plain(), "-40");
        assert_eq!(Figure::parse("f", "1,234,567.50").unwrap().unwrap().plain(), "1234567.5");
        assert_eq!(Figure::parse("f", "007").unwrap().unwrap().plain(), "7");
        assert_eq!(Figure::parse("f", "9007199254740992").unwrap().unwrap().plain(), "9007199254740992");
    }

    #[test]
    fn figures_with_malformed_grouping_or_too_many_digits_are_refused() {
        for bad in [
            "1,2",
            "1.000,5",
            ",5",
            "5,",
            "1,23,456",
            "1234,567",
            "1,,000",
            "5.",
            ".5",
            "+5",
            "1 000",
            "300_000",
            "1,000.5,0",
        ] {
            let err = Figure::parse("figure", bad).unwrap_err().to_string();
            assert!(err.contains("commas only between groups of three digits"), "{bad}: {err}");
        }
        let err = Figure::parse("figure", "9007199254740993").unwrap_err().to_string();
        assert!(
            err.contains("cannot be kept exactly") && err.contains("stored as 9007199254740992"),
            "{err}"
        );
    }

    #[test]
    fn words_parse_case_insensitively_and_list_what_is_allowed() {
        assert_eq!(Status::parse("In-Review").unwrap(), Status::InReview);
        let err = Status::parse("true").unwrap_err().to_string();
        assert!(
            err.contains("\"true\"") && err.contains("unverified, in-review, supported"),
            "{err}"
        );
        assert!(Credibility::parse("7").is_err());
        assert_eq!(Reliability::parse("b").unwrap(), Reliability::B);
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    fn days_in(year: u32, month: u32) -> u32 {
        match month {
            2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }

    /// A finite number as figures hold them: whole numbers, decimals, and
    /// the extremes of f64.
    fn number() -> impl Strategy<Value = f64> {
        prop_oneof![
            (-1_000_000_000i64..1_000_000_000).prop_map(|n| n as f64),
            (-1_000_000_000i64..1_000_000_000, 1u32..6).prop_map(|(n, places)| n as f64 / 10f64.powi(places as i32)),
            prop::num::f64::NORMAL | prop::num::f64::SUBNORMAL | prop::num::f64::ZERO,
        ]
    }

    proptest! {
        #[test]
        fn every_real_date_parses_to_itself(year in 1u32..=9999, month in 1u32..=12, day_seed in 0u32..31) {
            let day = day_seed % days_in(year, month) + 1;
            for date in [format!("{year:04}"), format!("{year:04}-{month:02}"), format!("{year:04}-{month:02}-{day:02}")] {
                prop_assert_eq!(parse_date("date", &date).unwrap(), date.clone());
                prop_assert_eq!(parse_date("date", &format!("  {date}\t")).unwrap(), date);
            }
        }

        #[test]
        fn impossible_days_are_refused(year in 1u32..=9999, month in 1u32..=12, extra in 1u32..10) {
            let day = days_in(year, month) + extra;
            let date = format!("{year:04}-{month:02}-{day:02}");
            prop_assert!(parse_date("date", &date).is_err());
        }

        #[test]
        fn any_text_is_a_date_or_an_error_that_names_it(text in any::<String>()) {
            match parse_date("published", &text) {
                Ok(date) => {
                    prop_assert_eq!(date.as_str(), text.trim());
                    prop_assert!(date.is_empty() || [4, 7, 10].contains(&date.len()));
                    prop_assert!(date.bytes().all(|b| b.is_ascii_digit() || b == b'-'));
                }
                Err(e) => {
                    let message = e.to_string();
                    prop_assert!(message.starts_with("invalid published ") && message.contains("YYYY-MM-DD"), "{}", message);
                }
            }
        }

        #[test]
        fn figures_round_trip_through_their_plain_form(a in number(), b in number()) {
            let figure = Figure { low: a.min(b), high: a.max(b) };
            prop_assert_eq!(Figure::parse("figure", &figure.plain()).unwrap(), Some(figure));
            let one = Figure { low: a, high: a };
            prop_assert_eq!(Figure::parse("figure", &one.plain()).unwrap(), Some(one));
            // The grouped form people read parses back too: 300,000.
            prop_assert_eq!(Figure::parse("figure", &grouped(a)).unwrap(), Some(one));
        }

        #[test]
        fn any_text_is_a_figure_or_an_error_that_names_it(text in any::<String>()) {
            match Figure::parse("figure", &text) {
                Ok(Some(f)) => prop_assert!(f.low.is_finite() && f.high.is_finite() && f.low <= f.high),
                Ok(None) => prop_assert!(text.trim().is_empty()),
                Err(e) => prop_assert!(e.to_string().starts_with("invalid figure "), "{}", e),
            }
        }
    }
}
