//! `crosscheck source attach|extract`: captures of a source (PDF, HTML,
//! image, WARC) kept byte for byte inside the case file, each with its
//! SHA-256, size, media type, original file name, and who attached it when.

use std::fs::File;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

use super::Ctx;
use crate::atomic::{Replaces, Target};
use crate::error::{CheckFailed, UserError};
use crate::model::grouped;
use crate::output::inert;
use crate::store::Case;
use crate::store::capture::{CHUNK, Capture};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  crosscheck source attach S3 tass-1070039.pdf\n  crosscheck source attach tass-2019-07-23 page.warc \\\n    --media-type application/warc\n\nPrints the capture's SHA-256 on stdout; check a copy anywhere with sha256sum."
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

pub fn attach(args: AttachArgs, case: &mut Case, ctx: &Ctx) -> Result<()> {
    let media_type = args.media_type.as_deref().map(parse_media_type).transpose()?;
    let path = args.file.clone();
    let mut first = open_input(&path)?;
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut head = Vec::with_capacity(512);
    (&mut first)
        .take(512)
        .read_to_end(&mut head)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let media_type = media_type.unwrap_or_else(|| guess_media_type(&head, &file_name).to_string());
    let mut open = || -> Result<Box<dyn Read>> { Ok(Box::new(open_input(&path)?)) };
    let writer = case.write(&ctx.analyst()?)?;
    let attached = writer.attach(&args.source, &mut open, &file_name, &media_type, args.reason.trim())?;
    writer.commit().context("cannot store the capture in the case file")?;
    let capture = &attached.capture;
    super::print_line(&capture.sha256)?;
    crate::say!(
        "kept {} as {}: {}, {} bytes, SHA-256 {}",
        inert(&file_name),
        capture.name(),
        inert(&attached.media_type),
        grouped(capture.size as f64),
        capture.sha256
    );
    Ok(())
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

pub fn extract(args: ExtractArgs, case: &Case, ctx: &Ctx) -> Result<()> {
    let target = args
        .output
        .as_deref()
        .map(|path| Target::new("--output", path, &ctx.db, Replaces::NoCase))
        .transpose()?;
    if let Some(target) = &target
        && target.exists()
        && !args.force
    {
        return Err(UserError::Conflict(format!(
            "{} exists; give --force to replace it, or choose another --output",
            target.shown()
        ))
        .into());
    }
    if target.is_none() && std::io::stdout().is_terminal() {
        // A capture's bytes could drive the terminal as escape sequences do.
        return Err(UserError::Usage(format!(
            "stdout is a terminal; give --output FILE, or redirect: crosscheck source extract {} > FILE",
            inert(&args.source)
        ))
        .into());
    }
    // One read transaction: the capture chosen is the capture written.
    case.snapshot(|case| {
        let capture = case.capture(&args.source, args.capture.as_deref())?;
        let mut hasher = Sha256::new();
        match &target {
            None => {
                let stdout = std::io::stdout();
                let mut out = Tee {
                    out: std::io::BufWriter::with_capacity(CHUNK, stdout.lock()),
                    hasher: &mut hasher,
                };
                let written = case.copy_capture(&capture, &mut out)?;
                out.out.flush()?;
                // Written already: a mismatch can only be reported afterwards.
                check_copy(&capture, written, hasher)
            }
            Some(target) => {
                // Checked before the file takes its name: a bad copy never appears.
                let written = crate::atomic::write_file(target, args.force, |out| {
                    let mut tee = Tee { out, hasher: &mut hasher };
                    let written = case.copy_capture(&capture, &mut tee)?;
                    check_copy(&capture, written, hasher.clone())?;
                    Ok(written)
                })?;
                crate::say!(
                    "wrote {} ({}, {} bytes, SHA-256 {}) to {}",
                    capture.name(),
                    capture.file_name,
                    grouped(written as f64),
                    capture.sha256,
                    target.shown()
                );
                Ok(())
            }
        }
    })
}

/// Fails when the bytes written are not the bytes attached.
fn check_copy(capture: &Capture, written: u64, hasher: Sha256) -> Result<()> {
    let sha256 = hex::encode(hasher.finalize());
    if sha256 == capture.sha256 && written as i64 == capture.size {
        return Ok(());
    }
    Err(CheckFailed(format!(
        "{} ({}) no longer matches what was attached: {} bytes with SHA-256 {sha256}, recorded {} bytes with {}; run `crosscheck verify`",
        capture.name(),
        inert(&capture.file_name),
        grouped(written as f64),
        grouped(capture.size as f64),
        capture.sha256
    ))
    .into())
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
