//! What differs between SQLite's SQL and PostgreSQL's, in one place: the
//! translation of a statement written for SQLite, and values in SQLite's
//! five storage classes read from and bound to PostgreSQL's types.

use bytes::BytesMut;
use postgres::types::{IsNull, Kind, Type, to_sql_checked};
use rusqlite::types::{ToSql, ToSqlOutput, Value, ValueRef};

use super::sql::{Error, Result};

/// The key of the transaction-wide advisory lock every writer takes first:
/// the ASCII letters "xchk", crosscheck's mark in a SQLite file's header.
pub const WRITER_LOCK: i64 = 0x7863_686B;

/// A statement written for SQLite, in PostgreSQL's dialect:
/// - `?N` becomes `$N` (and a bare `?` the next number);
/// - `LIKE` becomes `ILIKE`: SQLite's LIKE ignores the case of ASCII letters;
/// - `instr(a, b)` becomes `strpos(a, b)`, `char(n)` becomes `chr(n)`,
///   and `temp.t` (a temporary table) becomes `pg_temp.t`;
/// - `a IS b` and `a IS NOT b`, SQLite's comparisons that treat NULL as a
///   value, become `IS NOT DISTINCT FROM` and `IS DISTINCT FROM`.
///
/// String literals and quoted names pass unchanged. What cannot be
/// translated word by word is written for each engine where it is used
/// (`Connection::pick`).
pub fn postgres(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut chars = sql.char_indices().peekable();
    let mut next_bare = 0;
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' | '"' => {
                out.push(c);
                for (_, d) in chars.by_ref() {
                    out.push(d);
                    if d == c {
                        break;
                    }
                }
            }
            '?' => {
                let mut digits = String::new();
                while let Some(&(_, d)) = chars.peek() {
                    if !d.is_ascii_digit() {
                        break;
                    }
                    digits.push(d);
                    chars.next();
                }
                if digits.is_empty() {
                    next_bare += 1;
                    digits = next_bare.to_string();
                }
                out.push('$');
                out.push_str(&digits);
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let start = i;
                let mut end = i + c.len_utf8();
                while let Some(&(j, d)) = chars.peek() {
                    if !(d.is_ascii_alphanumeric() || d == '_') {
                        break;
                    }
                    end = j + d.len_utf8();
                    chars.next();
                }
                let word = &sql[start..end];
                let prior = out.trim_end().chars().last();
                match word.to_ascii_lowercase().as_str() {
                    "like" if prior != Some('.') => out.push_str("ILIKE"),
                    "is" => {
                        let rest = sql[end..].trim_start();
                        let (negated, operand) = match next_word(rest) {
                            Some(w) if w.eq_ignore_ascii_case("not") => (true, rest[3..].trim_start()),
                            _ => (false, rest),
                        };
                        let keyword = next_word(operand)
                            .is_some_and(|w| ["null", "true", "false", "distinct", "unknown"].contains(&w.to_ascii_lowercase().as_str()));
                        if keyword {
                            out.push_str(word);
                        } else {
                            out.push_str(if negated { "IS DISTINCT FROM" } else { "IS NOT DISTINCT FROM" });
                            if negated {
                                // Skip NOT: it is part of what was written.
                                while let Some(&(j, _)) = chars.peek() {
                                    if j >= sql.len() - operand.len() {
                                        break;
                                    }
                                    chars.next();
                                }
                                out.push(' ');
                            }
                        }
                    }
                    "instr" if chars.peek().is_some_and(|&(_, d)| d == '(') => out.push_str("strpos"),
                    "char" if chars.peek().is_some_and(|&(_, d)| d == '(') => out.push_str("chr"),
                    "temp" if chars.peek().is_some_and(|&(_, d)| d == '.') => out.push_str("pg_temp"),
                    _ => out.push_str(word),
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// The word `text` starts with, if it starts with one.
fn next_word(text: &str) -> Option<&str> {
    let end = text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(text.len());
    (end > 0).then(|| &text[..end])
}

/// A column's value read from PostgreSQL as SQLite would store it.
pub struct Stored(pub Value);

impl<'a> postgres::types::FromSql<'a> for Stored {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Stored, Box<dyn std::error::Error + Sync + Send>> {
        let int = |n: usize| -> Result<i64, Box<dyn std::error::Error + Sync + Send>> {
            let bytes = raw.get(..n).ok_or("a short integer")?;
            Ok(match n {
                2 => i64::from(i16::from_be_bytes(bytes.try_into()?)),
                4 => i64::from(i32::from_be_bytes(bytes.try_into()?)),
                _ => i64::from_be_bytes(bytes.try_into()?),
            })
        };
        let value = match *ty {
            Type::BOOL => Value::Integer(i64::from(raw.first().copied().unwrap_or(0) != 0)),
            Type::INT2 => Value::Integer(int(2)?),
            Type::INT4 => Value::Integer(int(4)?),
            Type::INT8 => Value::Integer(int(8)?),
            Type::OID => Value::Integer(int(4)? & 0xFFFF_FFFF),
            Type::FLOAT4 => Value::Real(f64::from(f32::from_be_bytes(raw.try_into()?))),
            Type::FLOAT8 => Value::Real(f64::from_be_bytes(raw.try_into()?)),
            Type::NUMERIC => numeric(raw)?,
            Type::BYTEA => Value::Blob(raw.to_vec()),
            Type::JSONB => Value::Text(std::str::from_utf8(raw.get(1..).unwrap_or_default())?.to_string()),
            _ => Value::Text(std::str::from_utf8(raw)?.to_string()),
        };
        Ok(Stored(value))
    }

    fn from_sql_null(_: &Type) -> Result<Stored, Box<dyn std::error::Error + Sync + Send>> {
        Ok(Stored(Value::Null))
    }

    fn accepts(ty: &Type) -> bool {
        !matches!(ty.kind(), Kind::Array(_) | Kind::Composite(_) | Kind::Range(_))
    }
}

/// PostgreSQL's binary NUMERIC (what `sum` of integers gives): an integer
/// when it has no fraction and fits, else a real.
fn numeric(raw: &[u8]) -> Result<Value, Box<dyn std::error::Error + Sync + Send>> {
    let word = |i: usize| -> Result<i16, Box<dyn std::error::Error + Sync + Send>> {
        Ok(i16::from_be_bytes(raw.get(i * 2..i * 2 + 2).ok_or("a short numeric")?.try_into()?))
    };
    let (count, weight, sign) = (word(0)?, word(1)?, word(2)? as u16);
    if sign == 0xC000 {
        return Ok(Value::Real(f64::NAN));
    }
    let mut value = 0f64;
    let mut fraction = false;
    for k in 0..count {
        let digit = word(4 + k as usize)?;
        let power = i32::from(weight) - i32::from(k);
        value += f64::from(digit) * 10_000f64.powi(power);
        fraction |= power < 0 && digit != 0;
    }
    let value = if sign == 0x4000 { -value } else { value };
    if !fraction && value.abs() < 9.0e15 {
        return Ok(Value::Integer(value as i64));
    }
    Ok(Value::Real(value))
}

/// A value bound to a parameter, converted to the type PostgreSQL gave the
/// parameter, as SQLite would compare it: a number bound where text is
/// wanted is its decimal text, an integer where a boolean is wanted is
/// true when not 0.
#[derive(Debug)]
pub struct Bound(Value);

/// The values of a statement's parameters.
pub fn bound(params: &[&dyn ToSql]) -> Result<Vec<Bound>> {
    params
        .iter()
        .map(|p| {
            let value = match p.to_sql().map_err(|e| Error::Value(e.to_string()))? {
                ToSqlOutput::Borrowed(v) => match v {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(i) => Value::Integer(i),
                    ValueRef::Real(f) => Value::Real(f),
                    ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(b) => Value::Blob(b.to_vec()),
                },
                ToSqlOutput::Owned(v) => v,
                _ => return Err(Error::Value("a value of a kind only SQLite binds".to_string())),
            };
            Ok(Bound(value))
        })
        .collect()
}

impl postgres::types::ToSql for Bound {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use bytes::BufMut;
        let text = |out: &mut BytesMut, s: &str| {
            if *ty == Type::JSONB {
                out.put_u8(1);
            }
            out.put_slice(s.as_bytes());
        };
        match (&self.0, ty) {
            (Value::Null, _) => return Ok(IsNull::Yes),
            (Value::Integer(i), &Type::INT8) => out.put_i64(*i),
            (Value::Integer(i), &Type::INT4) => out.put_i32(i32::try_from(*i)?),
            (Value::Integer(i), &Type::INT2) => out.put_i16(i16::try_from(*i)?),
            (Value::Integer(i), &Type::BOOL) => out.put_u8(u8::from(*i != 0)),
            (Value::Integer(i), &Type::FLOAT8) => out.put_f64(*i as f64),
            (Value::Integer(i), &Type::FLOAT4) => out.put_f32(*i as f32),
            (Value::Integer(i), &Type::NUMERIC) => numeric_of(*i, out),
            (Value::Integer(i), _) => text(out, &i.to_string()),
            (Value::Real(f), &Type::FLOAT8) => out.put_f64(*f),
            (Value::Real(f), &Type::FLOAT4) => out.put_f32(*f as f32),
            (Value::Real(f), t) if [Type::INT8, Type::INT4, Type::INT2, Type::NUMERIC].contains(t) => {
                return Err(format!("a real number, {f}, where an integer is wanted").into());
            }
            (Value::Real(f), _) => text(out, &f.to_string()),
            (Value::Text(s), &Type::INT8) => out.put_i64(s.trim().parse()?),
            (Value::Text(s), &Type::INT4) => out.put_i32(s.trim().parse()?),
            (Value::Text(s), &Type::FLOAT8) => out.put_f64(s.trim().parse()?),
            (Value::Text(s), &Type::BOOL) => out.put_u8(u8::from(!matches!(s.trim(), "" | "0" | "false"))),
            (Value::Text(s), &Type::BYTEA) => out.put_slice(s.as_bytes()),
            (Value::Text(s), _) if s.contains('\0') => {
                return Err("PostgreSQL cannot store the NUL character (U+0000) in text; remove it from the value".into());
            }
            (Value::Text(s), _) => text(out, s),
            (Value::Blob(b), &Type::BYTEA) => out.put_slice(b),
            (Value::Blob(b), _) => text(out, std::str::from_utf8(b)?),
        }
        Ok(IsNull::No)
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// An integer in PostgreSQL's binary NUMERIC.
fn numeric_of(i: i64, out: &mut BytesMut) {
    use bytes::BufMut;
    let mut digits = Vec::new();
    let mut n = i.unsigned_abs();
    while n > 0 {
        digits.push((n % 10_000) as i16);
        n /= 10_000;
    }
    digits.reverse();
    out.put_i16(digits.len() as i16);
    out.put_i16(digits.len().saturating_sub(1) as i16);
    out.put_u16(if i < 0 { 0x4000 } else { 0 });
    out.put_i16(0);
    for d in digits {
        out.put_i16(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerics_read_as_sqlite_stores_them() {
        let words = |w: &[i16]| w.iter().flat_map(|x| x.to_be_bytes()).collect::<Vec<u8>>();
        // 12345: two base-10000 digits, 1 and 2345; weight 1, no scale.
        assert_eq!(numeric(&words(&[2, 1, 0, 0, 1, 2345])).unwrap(), Value::Integer(12345));
        // -1.5: digits 1 and 5000, weight 0, negative, scale 1.
        assert_eq!(numeric(&words(&[2, 0, 0x4000, 1, 1, 5000])).unwrap(), Value::Real(-1.5));
        for n in [0i64, 7, 10_000, -123_456_789, 9_007_199_254_740] {
            let mut out = BytesMut::new();
            numeric_of(n, &mut out);
            assert_eq!(numeric(&out).unwrap(), Value::Integer(n), "{n}");
        }
    }

    #[test]
    fn parameters_and_like_are_translated_outside_literals() {
        assert_eq!(
            postgres("SELECT id FROM t WHERE a LIKE ?1 || '%' AND b = '?2 like' AND c = ? AND d = ?"),
            "SELECT id FROM t WHERE a ILIKE $1 || '%' AND b = '?2 like' AND c = $1 AND d = $2"
        );
        assert_eq!(postgres("instr(lower(t.x), lower(?3)) > 0"), "strpos(lower(t.x), lower($3)) > 0");
        assert_eq!(
            postgres("a IS ?1 AND b IS NOT ?2 AND c IS NULL AND d IS NOT NULL AND e IS t.x"),
            "a IS NOT DISTINCT FROM $1 AND b IS DISTINCT FROM $2 AND c IS NULL AND d IS NOT NULL AND e IS NOT DISTINCT FROM t.x"
        );
        assert_eq!(postgres("SELECT \"like\", x.instr FROM y"), "SELECT \"like\", x.instr FROM y");
    }
}
