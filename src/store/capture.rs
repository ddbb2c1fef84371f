//! Captures: a source's preserved copies, kept byte for byte in the case.
//! Content streams in and out, through SQLite's incremental blob I/O or, on
//! PostgreSQL, in rows of `capture_chunk` of `CHUNK` bytes each, so that no
//! file has to fit in memory.

use std::io::{Read, Write};

use super::sql::{Connection, OptionalExtension, params};
use anyhow::{Context, Result};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::history::{self, Change};
use super::kind::{Kind, handle as format_handle};
use super::{Case, Writer, handle};
use crate::error::UserError;
use crate::model::grouped;

/// How much is read and written at a time: large files stream through.
pub const CHUNK: usize = 256 * 1024;

/// A capture as listed for choosing one.
#[derive(Debug, Clone)]
pub struct Capture {
    pub id: i64,
    /// Its number among its source's captures: 1, 2...
    pub number: i64,
    pub source_id: i64,
    pub sha256: String,
    pub size: i64,
    pub file_name: String,
}

impl Capture {
    /// How messages name a capture: `capture 2 of S3`.
    pub fn name(&self) -> String {
        format!("capture {} of {}", self.number, format_handle(Kind::Source, self.source_id))
    }
}

/// How a capture is named in history and messages: `S3 capture 2`.
pub fn capture_handle(source_id: i64, number: i64) -> String {
    format!("{} capture {number}", format_handle(Kind::Source, source_id))
}

/// A new capture, once kept.
#[derive(Debug, Clone)]
pub struct Attached {
    pub capture: Capture,
    pub media_type: String,
}

/// Reads `input` to its end in chunks, hashing it and passing each chunk to
/// `each`. Returns the SHA-256 and the number of bytes.
pub fn stream(input: &mut dyn Read, mut each: impl FnMut(&[u8]) -> Result<()>) -> Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    let mut total = 0u64;
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        hasher.update(&buf[..n]);
        each(&buf[..n])?;
        total += n as u64;
    }
    Ok((hex::encode(hasher.finalize()), total))
}

impl Writer<'_> {
    /// Keeps a file as a capture of a source. `open` gives the file from its
    /// start; it is read twice: once to hash it, so that the row is written
    /// once with its SHA-256 (rewriting a row rewrites its content too), then
    /// to stream it in, hashed again to catch a file that changed meanwhile.
    pub fn attach(
        &self,
        source: &str,
        open: &mut dyn FnMut() -> Result<Box<dyn Read>>,
        file_name: &str,
        media_type: &str,
        reason: &str,
    ) -> Result<Attached> {
        let conn = self.conn();
        let source_id = handle::resolve(conn, Kind::Source, source)?;
        let source_uuid = handle::uuid_of(conn, Kind::Source, source_id)?;
        let (sha256, size) = stream(&mut *open()?, |_| Ok(())).with_context(|| format!("cannot read {file_name}"))?;
        if size > MAX_SIZE {
            return Err(UserError::Usage(format!(
                "{file_name} is {} bytes; a capture can be at most {} bytes (SQLite's limit for one value)",
                grouped(size as f64),
                grouped(MAX_SIZE as f64)
            ))
            .into());
        }
        let source_handle = format_handle(Kind::Source, source_id);
        let twin: Option<i64> = conn
            .query_row(
                "SELECT count(*) FROM capture WHERE source_id = ?1 AND id <= (SELECT id FROM capture WHERE source_id = ?1 AND sha256 = ?2)",
                params![source_id, sha256],
                |r| r.get(0),
            )
            .optional()?
            .filter(|n| *n > 0);
        if let Some(number) = twin {
            return Err(UserError::Conflict(format!(
                "{source_handle} already has this capture: capture {number}, SHA-256 {sha256}; nothing was added"
            ))
            .into());
        }
        let uuid = super::record::new_uuid();
        let actor = self.actor();
        let id = new_capture(
            conn,
            params![uuid, source_id, sha256, size as i64, media_type, file_name, actor.analyst, actor.at],
        )
        .context("cannot store the capture in the case file")?;
        let (again, written) = {
            let mut blob = content_writer(conn, id)?;
            let mut room = size;
            let result = stream(&mut *open()?, |chunk| {
                if chunk.len() as u64 > room {
                    room = 0;
                    return Ok(());
                }
                room -= chunk.len() as u64;
                blob.write_all(chunk).context("cannot store the capture in the case file")
            })
            .with_context(|| format!("cannot read {file_name}"))?;
            blob.flush().context("cannot store the capture in the case file")?;
            result
        };
        if again != sha256 || written != size {
            return Err(UserError::Usage(format!(
                "{file_name} changed while it was being read ({} bytes, then {}); attach it once it is complete",
                grouped(size as f64),
                grouped(written as f64)
            ))
            .into());
        }
        let number: i64 = conn.query_row(
            "SELECT count(*) FROM capture WHERE source_id = ?1 AND id <= ?2",
            params![source_id, id],
            |r| r.get(0),
        )?;
        history::append(
            conn,
            actor,
            Change {
                action: "attach",
                entity: "capture",
                entity_uuid: &uuid,
                handle: &capture_handle(source_id, number),
                claim_uuid: None,
                before: None,
                after: Some(json!({
                    "source": source_handle,
                    "source_uuid": source_uuid,
                    "file_name": file_name,
                    "media_type": media_type,
                    "size": size,
                    "sha256": sha256,
                    "attached_by": actor.analyst,
                    "attached_at": actor.at,
                })),
                reason,
            },
        )?;
        Ok(Attached {
            capture: Capture {
                id,
                number,
                source_id,
                sha256,
                size: size as i64,
                file_name: file_name.to_string(),
            },
            media_type: media_type.to_string(),
        })
    }
}

/// SQLite's largest value (SQLITE_MAX_LENGTH as bundled).
pub const MAX_SIZE: u64 = 1_000_000_000;

impl Case {
    /// The capture of a source the user named (its number or the start of
    /// its SHA-256), or its only one.
    pub fn capture(&self, source: &str, wanted: Option<&str>) -> Result<Capture> {
        let source_id = handle::resolve(self.conn(), Kind::Source, source)?;
        choose(self.conn(), source_id, wanted)
    }

    /// Every capture of a source, numbered as `source show` lists them.
    pub fn captures(&self, source: &str) -> Result<Vec<Capture>> {
        let source_id = handle::resolve(self.conn(), Kind::Source, source)?;
        captures_of(self.conn(), source_id)
    }

    /// Streams a capture's content to `out`; returns how many bytes it wrote.
    pub fn copy_capture(&self, capture: &Capture, out: &mut dyn Write) -> Result<u64> {
        copy_content(self.conn(), capture.id, out)
    }
}

/// Reads a capture's content in chunks and returns its SHA-256 and size.
pub fn hash_content(conn: &Connection, id: i64) -> Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let size = copy_content(conn, id, &mut HashSink(&mut hasher))?;
    Ok((hex::encode(hasher.finalize()), size))
}

struct HashSink<'a>(&'a mut Sha256);

impl Write for HashSink<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Writes a capture's row, its content to come through `content_writer`;
/// returns its id. The values are those of the columns uuid, source_id,
/// sha256, size, media_type, file_name, attached_by and attached_at.
pub(crate) fn new_capture(conn: &Connection, values: &[&dyn super::sql::ToSql]) -> Result<i64> {
    let sql = conn.pick(
        "INSERT INTO capture (uuid, source_id, sha256, size, media_type, file_name, content, attached_by, attached_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, zeroblob(?4), ?7, ?8) RETURNING id",
        "INSERT INTO capture (uuid, source_id, sha256, size, media_type, file_name, attached_by, attached_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
    );
    Ok(conn.query_row(sql, values, |r| r.get(0))?)
}

/// Where a new capture's content is written, in order, `size` bytes in
/// all. Call `flush` at the end.
pub(crate) fn content_writer(conn: &Connection, id: i64) -> Result<Box<dyn Write + '_>> {
    Ok(match conn.sqlite() {
        Some(lite) => Box::new(lite.blob_open(rusqlite::MAIN_DB, "capture", "content", id, false)?),
        None => Box::new(Chunks {
            conn,
            id,
            seq: 0,
            buf: Vec::with_capacity(CHUNK),
        }),
    })
}

/// A capture's content, read from the start.
pub(crate) fn content_reader(conn: &Connection, id: i64) -> Result<Box<dyn Read + '_>> {
    Ok(match conn.sqlite() {
        Some(lite) => Box::new(lite.blob_open(rusqlite::MAIN_DB, "capture", "content", id, true)?),
        None => Box::new(Chunks {
            conn,
            id,
            seq: 0,
            buf: Vec::new(),
        }),
    })
}

/// A capture's content as rows of `capture_chunk`, written or read one
/// chunk at a time.
struct Chunks<'c> {
    conn: &'c Connection,
    id: i64,
    seq: i64,
    buf: Vec<u8>,
}

fn io_error(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

impl Write for Chunks<'_> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let n = data.len().min(CHUNK - self.buf.len());
        self.buf.extend_from_slice(&data[..n]);
        if self.buf.len() == CHUNK {
            self.flush()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        self.conn
            .execute(
                "INSERT INTO capture_chunk (capture_id, seq, data) VALUES (?1, ?2, ?3)",
                params![self.id, self.seq, self.buf],
            )
            .map_err(io_error)?;
        self.seq += 1;
        self.buf.clear();
        Ok(())
    }
}

impl Read for Chunks<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.buf.is_empty() {
            let chunk: Option<Vec<u8>> = self
                .conn
                .query_row(
                    "SELECT data FROM capture_chunk WHERE capture_id = ?1 AND seq = ?2",
                    params![self.id, self.seq],
                    |r| r.get(0),
                )
                .optional()
                .map_err(io_error)?;
            match chunk {
                Some(data) => {
                    self.buf = data;
                    self.buf.reverse();
                    self.seq += 1;
                }
                None => return Ok(0),
            }
        }
        let n = out.len().min(self.buf.len());
        for slot in &mut out[..n] {
            *slot = self.buf.pop().unwrap_or_default();
        }
        Ok(n)
    }
}

/// Streams a capture's content to `out`; returns how many bytes it wrote.
pub fn copy_content(conn: &Connection, id: i64, out: &mut dyn Write) -> Result<u64> {
    let mut blob = content_reader(conn, id)?;
    let mut buf = vec![0u8; CHUNK];
    let mut total = 0u64;
    loop {
        let n = blob.read(&mut buf)?;
        if n == 0 {
            break;
        }
        out.write_all(&buf[..n])?;
        total += n as u64;
    }
    Ok(total)
}

fn captures_of(conn: &Connection, source_id: i64) -> Result<Vec<Capture>> {
    let mut stmt = conn.prepare("SELECT id, sha256, size, file_name FROM capture WHERE source_id = ?1 ORDER BY id")?;
    let mut number = 0;
    let all = stmt
        .query_map([source_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .map(|row| {
            let (id, sha256, size, file_name) = row?;
            number += 1;
            Ok(Capture {
                id,
                number,
                source_id,
                sha256,
                size,
                file_name,
            })
        })
        .collect::<super::sql::Result<Vec<_>>>()?;
    Ok(all)
}

/// Picks the capture the user named, or the only one.
fn choose(conn: &Connection, source_id: i64, wanted: Option<&str>) -> Result<Capture> {
    let source = format_handle(Kind::Source, source_id);
    let all = captures_of(conn, source_id)?;
    let listing = |captures: &[&Capture]| {
        captures
            .iter()
            .map(|c| format!("{} ({}, {})", c.number, c.file_name, &c.sha256[..c.sha256.len().min(12)]))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if all.is_empty() {
        return Err(UserError::NotFound {
            what: "capture",
            handle: source.clone(),
            hint: format!("{source} has no captures; keep one with `crosscheck source attach {source} FILE`"),
        }
        .into());
    }
    let Some(wanted) = wanted.map(str::trim) else {
        if all.len() == 1 {
            return Ok(all.into_iter().next().expect("one capture"));
        }
        return Err(UserError::Usage(format!(
            "{source} has {} captures; choose one with --capture: {}",
            all.len(),
            listing(&all.iter().collect::<Vec<_>>())
        ))
        .into());
    };
    let by_number = wanted.parse::<i64>().ok().and_then(|n| all.iter().position(|c| c.number == n));
    if let Some(i) = by_number {
        return Ok(all.into_iter().nth(i).expect("position found"));
    }
    let prefix = wanted.to_ascii_lowercase();
    if prefix.len() < 6 || !prefix.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(UserError::NotFound {
            what: "capture",
            handle: wanted.to_string(),
            hint: format!(
                "give a capture number of {source} or the start of its SHA-256 (at least 6 hex digits): {}",
                listing(&all.iter().collect::<Vec<_>>())
            ),
        }
        .into());
    }
    let matching: Vec<&Capture> = all.iter().filter(|c| c.sha256.starts_with(&prefix)).collect();
    match matching.len() {
        1 => {
            let id = matching[0].id;
            Ok(all.into_iter().find(|c| c.id == id).expect("matched"))
        }
        0 => Err(UserError::NotFound {
            what: "capture",
            handle: wanted.to_string(),
            hint: format!(
                "no capture of {source} has a SHA-256 starting so; its captures: {}",
                listing(&all.iter().collect::<Vec<_>>())
            ),
        }
        .into()),
        _ => Err(UserError::Usage(format!(
            "several captures of {source} have a SHA-256 starting with {wanted}: {}; give more digits",
            listing(&matching)
        ))
        .into()),
    }
}
