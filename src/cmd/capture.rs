//! `crosscheck source attach|extract`: captures of a source (PDF, HTML,
//! image, WARC) kept byte for byte inside the case file, each with its
//! SHA-256, size, media type, original file name, and who attached it when.

use std::fs::File;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rusqlite::{Connection, MAIN_DB, params};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::Ctx;
use crate::db;
use crate::error::{CheckFailed, UserError};
use crate::handle::{self, Kind};
use crate::history::{self, Change};
use crate::model::grouped;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  crosscheck source attach S3 tass-1070039.pdf\n  crosscheck source attach tass-2019-07-23 page.warc --media-type application/warc\n\nPrints the capture's SHA-256 on stdout; check a copy anywhere with sha256sum."
)]
pub struct AttachArgs {
    /// The source: S12, its slug or UUID.
    pub source: String,
    /// The file to keep: a PDF, web page, image, WARC or any other file (at most 1,000,000,000 bytes).
    pub file: PathBuf,
    /// The media type, when the guess from the file's first bytes and its name is wrong: application/pdf, text/html, image/png...
    #[arg(long)]
    pub media_type: Option<String>,
    /// How or why it was captured, for the history.
    #[arg(long, default_value = "")]
    pub reason: String,
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  crosscheck source extract S3 > copy.pdf\n  crosscheck source extract S3 --capture 9f86d081 --output copy.pdf"
)]
pub struct ExtractArgs {
    /// The source: S12, its slug or UUID.
    pub source: String,
    /// Which capture, when the source has several: its number, as `source show` lists it, or the start of its SHA-256 (at least 6 hex digits).
    #[arg(long)]
    pub capture: Option<String>,
    /// Write to this file instead of stdout. The file appears only once it is complete.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace the --output file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// SQLite's largest value (SQLITE_MAX_LENGTH as bundled).
const MAX_SIZE: u64 = 1_000_000_000;

/// How much is read and written at a time: large files stream through.
const CHUNK: usize = 256 * 1024;

pub fn attach(args: AttachArgs, conn: &mut Connection, ctx: &Ctx) -> Result<()> {
    let media_type = args.media_type.as_deref().map(parse_media_type).transpose()?;
    let mut file = open_input(&args.file)?;
    let size = file
        .metadata()
        .with_context(|| format!("cannot read {}", args.file.display()))?
        .len();
    if size > MAX_SIZE {
        return Err(UserError::Usage(format!(
            "{} is {} bytes; a capture can be at most {} bytes (SQLite's limit for one value)",
            args.file.display(),
            grouped(size as f64),
            grouped(MAX_SIZE as f64)
        ))
        .into());
    }
    let file_name = args.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut head = Vec::with_capacity(512);
    (&mut file)
        .take(512)
        .read_to_end(&mut head)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let media_type = media_type.unwrap_or_else(|| guess_media_type(&head, &file_name).to_string());

    let tx = db::write(conn)?;
    let actor = ctx.actor(&tx)?;
    let source_id = handle::resolve(&tx, Kind::Source, &args.source)?;
    let source_uuid: String = tx.query_row("SELECT uuid FROM source WHERE id = ?1", [source_id], |r| r.get(0))?;
    let uuid = uuid::Uuid::new_v4().to_string();
    // Room for the content first, then the bytes streamed in while hashed:
    // a large file never has to fit in memory.
    tx.execute(
        "INSERT INTO capture (uuid, source_id, sha256, size, media_type, file_name, content, attached_by, attached_at)
         VALUES (?1, ?2, '', ?3, ?4, ?5, zeroblob(?3), ?6, ?7)",
        params![uuid, source_id, size as i64, media_type, file_name, actor.analyst, actor.at],
    )
    .context("cannot store the capture in the case file")?;
    let id = tx.last_insert_rowid();
    let sha256 = {
        let mut blob = tx.blob_open(MAIN_DB, "capture", "content", id, false)?;
        let mut hasher = Sha256::new();
        hasher.update(&head);
        blob.write_all(&head).context("cannot store the capture in the case file")?;
        let mut total = head.len() as u64;
        let mut buf = vec![0u8; CHUNK];
        loop {
            let n = match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e).with_context(|| format!("cannot read {}", args.file.display())),
            };
            total += n as u64;
            if total > size {
                break;
            }
            hasher.update(&buf[..n]);
            blob.write_all(&buf[..n]).context("cannot store the capture in the case file")?;
        }
        if total != size {
            return Err(UserError::Usage(format!(
                "{} changed while it was being read ({} bytes, then {}); attach it once it is complete",
                args.file.display(),
                grouped(size as f64),
                grouped(total as f64)
            ))
            .into());
        }
        blob.close()?;
        hex::encode(hasher.finalize())
    };
    let duplicate: Option<i64> = tx
        .query_row(
            "SELECT id FROM capture WHERE source_id = ?1 AND sha256 = ?2 AND id <> ?3",
            params![source_id, sha256, id],
            |r| r.get(0),
        )
        .ok();
    let source_handle = handle::format(Kind::Source, source_id);
    if let Some(existing) = duplicate {
        return Err(UserError::Conflict(format!(
            "{source_handle} already has this capture: capture {existing}, SHA-256 {sha256}; nothing was added"
        ))
        .into());
    }
    tx.execute("UPDATE capture SET sha256 = ?2 WHERE id = ?1", params![id, sha256])?;
    history::append(
        &tx,
        &actor,
        Change {
            action: "attach",
            entity: "capture",
            entity_uuid: &uuid,
            handle: &capture_handle(source_id, id),
            claim_uuid: None,
            before: None,
            after: Some(json!({
                "source": source_handle,
                "source_uuid": source_uuid,
                "file_name": file_name,
                "media_type": media_type,
                "size": size,
                "sha256": sha256,
            })),
            reason: args.reason.trim(),
        },
    )?;
    tx.commit().context("cannot store the capture in the case file")?;
    println!("{sha256}");
    eprintln!(
        "kept {file_name} as capture {id} of {source_handle}: {media_type}, {} bytes, SHA-256 {sha256}",
        grouped(size as f64)
    );
    Ok(())
}

/// How a capture is named in history: `S3 capture 2`.
fn capture_handle(source_id: i64, id: i64) -> String {
    format!("{} capture {id}", handle::format(Kind::Source, source_id))
}

fn open_input(path: &Path) -> Result<File> {
    match File::open(path) {
        Ok(file) => match file.metadata() {
            Ok(m) if m.is_dir() => Err(UserError::Usage(format!("{} is a directory; give the file to keep", path.display())).into()),
            // A pipe or device has no size to reserve and may never end.
            Ok(m) if !m.is_file() => Err(UserError::Usage(format!(
                "{} is not a regular file; save it to a file first, then attach that",
                path.display()
            ))
            .into()),
            Ok(_) => Ok(file),
            Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(UserError::NotFound {
            what: "file",
            handle: path.display().to_string(),
            hint: "give the path of the file to keep".to_string(),
        }
        .into()),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Checks a media type given by hand: `type/subtype`, with optional
/// parameters, in printable ASCII.
fn parse_media_type(value: &str) -> Result<String, UserError> {
    let v = value.trim();
    let token = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "!#$&^_.+-".contains(c));
    let essence = v.split(';').next().unwrap_or("");
    let ok = v.len() <= 255
        && v.chars().all(|c| c.is_ascii_graphic() || c == ' ')
        && essence.split_once('/').is_some_and(|(t, s)| token(t.trim()) && token(s.trim()));
    if ok {
        Ok(v.to_ascii_lowercase())
    } else {
        Err(UserError::invalid(
            "media type",
            value,
            "allowed: a media type such as application/pdf, text/html, image/png or application/warc",
        ))
    }
}

/// Guesses a media type from the file's first bytes, else from its name.
pub fn guess_media_type(head: &[u8], file_name: &str) -> &'static str {
    let lower: Vec<u8> = head.iter().take(64).map(u8::to_ascii_lowercase).collect();
    let text_start = {
        let s = lower.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&lower);
        let skip = s.iter().take_while(|b| b.is_ascii_whitespace()).count();
        &s[skip..]
    };
    if head.starts_with(b"%PDF-") {
        return "application/pdf";
    }
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        return "image/png";
    }
    if head.starts_with(b"\xff\xd8\xff") {
        return "image/jpeg";
    }
    if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        return "image/gif";
    }
    if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return "image/webp";
    }
    if head.starts_with(b"WARC/") {
        return "application/warc";
    }
    if text_start.starts_with(b"<!doctype html") || text_start.starts_with(b"<html") {
        return "text/html";
    }
    let name = file_name.to_ascii_lowercase();
    let extension = name.rsplit_once('.').map_or("", |(_, e)| e);
    match extension {
        "pdf" => "application/pdf",
        "html" | "htm" => "text/html",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "warc" => "application/warc",
        "gz" if name.ends_with(".warc.gz") => "application/warc+gzip",
        "gz" => "application/gzip",
        "txt" | "text" => "text/plain",
        "csv" => "text/csv",
        "json" => "application/json",
        "mhtml" | "mht" => "multipart/related",
        _ => "application/octet-stream",
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

/// Streams a capture's content to `out`; returns how many bytes it wrote.
fn copy_content(conn: &Connection, id: i64, out: &mut dyn Write) -> Result<u64> {
    let mut blob = conn.blob_open(MAIN_DB, "capture", "content", id, true)?;
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

/// A capture as listed for choosing one.
struct Capture {
    id: i64,
    sha256: String,
    size: i64,
    file_name: String,
}

pub fn extract(args: ExtractArgs, conn: &mut Connection, _ctx: &Ctx) -> Result<()> {
    if let Some(path) = &args.output
        && path.exists()
        && !args.force
    {
        return Err(UserError::Conflict(format!(
            "{} exists; give --force to replace it, or choose another --output",
            path.display()
        ))
        .into());
    }
    if args.output.is_none() && std::io::stdout().is_terminal() {
        // A capture's bytes could drive the terminal as escape sequences do.
        return Err(UserError::Usage(format!(
            "stdout is a terminal; give --output FILE, or redirect: crosscheck source extract {} > FILE",
            crate::output::inert(&args.source)
        ))
        .into());
    }
    // One read transaction: the capture chosen is the capture written.
    let tx = conn.transaction()?;
    let source_id = handle::resolve(&tx, Kind::Source, &args.source)?;
    let capture = choose(&tx, source_id, args.capture.as_deref())?;
    let mut hasher = Sha256::new();
    match &args.output {
        None => {
            let stdout = std::io::stdout();
            let mut out = Tee {
                out: std::io::BufWriter::with_capacity(CHUNK, stdout.lock()),
                hasher: &mut hasher,
            };
            let written = copy_content(&tx, capture.id, &mut out)?;
            out.out.flush()?;
            // Written already: a mismatch can only be reported afterwards.
            capture.check_copy(source_id, written, hasher)?;
        }
        Some(path) => {
            // Checked before the file takes its name: a bad copy never appears.
            let written = crate::atomic::write_file(path, args.force, |out| {
                let mut tee = Tee { out, hasher: &mut hasher };
                let written = copy_content(&tx, capture.id, &mut tee)?;
                capture.check_copy(source_id, written, hasher.clone())?;
                Ok(written)
            })?;
            eprintln!(
                "wrote {} ({}, {} bytes, SHA-256 {}) to {}",
                capture_handle(source_id, capture.id),
                capture.file_name,
                grouped(written as f64),
                capture.sha256,
                path.display()
            );
        }
    }
    tx.finish()?;
    Ok(())
}

impl Capture {
    /// Fails when the bytes written are not the bytes attached.
    fn check_copy(&self, source_id: i64, written: u64, hasher: Sha256) -> Result<()> {
        let sha256 = hex::encode(hasher.finalize());
        if sha256 == self.sha256 && written as i64 == self.size {
            return Ok(());
        }
        Err(CheckFailed(format!(
            "{} ({}) no longer matches what was attached: {} bytes with SHA-256 {sha256}, recorded {} bytes with {}; run `crosscheck verify`",
            capture_handle(source_id, self.id),
            self.file_name,
            grouped(written as f64),
            grouped(self.size as f64),
            self.sha256
        ))
        .into())
    }
}

/// Writes what passes through to `out` and hashes it.
struct Tee<'a, W: Write> {
    out: W,
    hasher: &'a mut Sha256,
}

impl<W: Write> Write for Tee<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// Picks the capture the user named, or the only one.
fn choose(conn: &Connection, source_id: i64, wanted: Option<&str>) -> Result<Capture> {
    let source = handle::format(Kind::Source, source_id);
    let mut stmt = conn.prepare("SELECT id, sha256, size, file_name FROM capture WHERE source_id = ?1 ORDER BY id")?;
    let all: Vec<Capture> = stmt
        .query_map([source_id], |r| {
            Ok(Capture {
                id: r.get(0)?,
                sha256: r.get(1)?,
                size: r.get(2)?,
                file_name: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let listing = |captures: &[&Capture]| {
        captures
            .iter()
            .map(|c| format!("{} ({}, {})", c.id, c.file_name, &c.sha256[..c.sha256.len().min(12)]))
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
    let by_number = wanted.parse::<i64>().ok().and_then(|n| all.iter().position(|c| c.id == n));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_come_from_magic_bytes_then_the_name() {
        assert_eq!(guess_media_type(b"%PDF-1.7\n", "x.bin"), "application/pdf");
        assert_eq!(guess_media_type(b"\x89PNG\r\n\x1a\n....", "x"), "image/png");
        assert_eq!(guess_media_type(b"\xff\xd8\xff\xe0", "x"), "image/jpeg");
        assert_eq!(guess_media_type(b"GIF89a", "x"), "image/gif");
        assert_eq!(guess_media_type(b"WARC/1.1\r\n", "x"), "application/warc");
        assert_eq!(guess_media_type(b"\xef\xbb\xbf  <!DOCTYPE html><html>", "x"), "text/html");
        assert_eq!(guess_media_type(b"hello", "notes.TXT"), "text/plain");
        assert_eq!(guess_media_type(b"\x1f\x8b", "crawl.warc.gz"), "application/warc+gzip");
        assert_eq!(guess_media_type(b"", "page.htm"), "text/html");
        assert_eq!(guess_media_type(b"\x00\x01", "blob"), "application/octet-stream");
    }

    #[test]
    fn media_types_given_by_hand_are_checked() {
        assert_eq!(parse_media_type("Application/PDF").unwrap(), "application/pdf");
        assert_eq!(parse_media_type("text/html; charset=utf-8").unwrap(), "text/html; charset=utf-8");
        for bad in ["pdf", "text/", "/html", "text/html\u{1b}[2J", "a b/c"] {
            assert!(parse_media_type(bad).is_err(), "{bad:?}");
        }
    }
}
