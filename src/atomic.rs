//! Every file crosscheck writes: reports, extracted captures, rejects files
//! and backups. A `Target` is a path checked before anything is written: it
//! is never the case file or one of SQLite's files beside it, links
//! resolved. A regular file appears only when complete: written beside its
//! name, synced, then renamed. A device or pipe (`/dev/stdout`, a FIFO) is
//! written into as it is.

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::error::UserError;
use crate::output::inert;

/// The files SQLite keeps beside a case file while it is open or after a crash.
const SIDE_FILES: [(&str, &str); 3] = [
    ("-wal", "the write-ahead log"),
    ("-shm", "the shared-memory index"),
    ("-journal", "the rollback journal"),
];

/// A path that has been checked and may be written.
#[derive(Debug, Clone)]
pub struct Target {
    /// The path as the user gave it, for messages.
    given: PathBuf,
    /// Where the bytes go: the path with every link resolved.
    path: PathBuf,
    /// A device or pipe, written into without a temporary file.
    stream: bool,
}

/// What a target may replace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replaces {
    /// Anything but a crosscheck case file (reports, extracts, rejects files).
    NoCase,
    /// A crosscheck case file too, other than the open case (a backup, which
    /// is how a case is restored).
    AnyCase,
}

impl Target {
    /// Checks a path that `flag` asks crosscheck to write, while `case` is
    /// the open case file. Refuses, before any work: the case file and the
    /// files SQLite keeps beside it (naming which is the case), through
    /// links and hard links; a folder; a read-only file; and, unless
    /// `replaces` allows it, another crosscheck case file.
    pub fn new(flag: &str, path: &Path, case: &Path, replaces: Replaces) -> Result<Target> {
        let shown = inert(&path.display().to_string());
        let refuse = |why: String| -> anyhow::Error { UserError::Usage(format!("{flag} {shown}: {why}")).into() };
        let resolved = resolve(path);
        for (protected, what) in protected_paths(case) {
            if resolved == protected {
                return Err(refuse(format!("that is {what}: nothing was written; choose another file")));
            }
        }
        // What the name leads to, as opening it would follow it.
        let meta = std::fs::metadata(path).ok();
        if let Some(meta) = &meta {
            if same_file(meta, case) {
                return Err(refuse(format!(
                    "that is the case file {} under another name (a hard link to it): nothing was written; choose another file",
                    inert(&case.display().to_string())
                )));
            }
            if meta.is_dir() {
                return Err(refuse(format!(
                    "{shown} is a folder: nothing was written; give the name of the file to write"
                )));
            }
        }
        // The shell writes into /dev/stdout, /dev/null and /proc/self/fd/N
        // as they are; so does crosscheck.
        let stream = meta.as_ref().is_some_and(|m| !m.is_file()) || is_under(path, &["/dev/stdout", "/dev/stderr", "/dev/fd/", "/proc/"]);
        if let Some(meta) = &meta
            && meta.is_file()
        {
            if read_only(meta)
                || std::fs::OpenOptions::new().write(true).open(&resolved).is_err_and(|e| {
                    matches!(
                        e.kind(),
                        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
                    )
                })
            {
                return Err(refuse(
                    "the file is read-only: nothing was written; make it writable, or choose another file".to_string(),
                ));
            }
            if replaces == Replaces::NoCase && !stream && is_case_file(&resolved) {
                return Err(refuse(
                    "that is a crosscheck case file, which a report, extract or rejects file never replaces: nothing was written; choose another file".to_string(),
                ));
            }
        }
        Ok(Target {
            given: path.to_path_buf(),
            // A device or pipe is opened by the name given, which the system
            // follows (a link to /proc/self/fd/1 names a pipe no path reaches).
            path: if stream { path.to_path_buf() } else { resolved },
            stream,
        })
    }

    /// The path as the user gave it.
    pub fn given(&self) -> &Path {
        &self.given
    }

    /// Where the bytes go, links resolved.
    pub fn resolved(&self) -> &Path {
        &self.path
    }

    /// A device or pipe rather than a file.
    pub fn is_stream(&self) -> bool {
        self.stream
    }

    /// True when a regular file is already there.
    pub fn exists(&self) -> bool {
        !self.stream && self.path.exists()
    }

    /// The path for messages, made inert.
    pub fn shown(&self) -> String {
        inert(&self.given.display().to_string())
    }
}

/// Writes a target. A regular file appears only when complete: into a
/// temporary file beside it, synced, then renamed over the name; on any
/// failure the temporary file is removed and nothing appears. A device or
/// pipe is written into directly.
pub fn write_file(target: &Target, force: bool, fill: impl FnOnce(&mut File) -> Result<u64>) -> Result<u64> {
    let context = || format!("cannot write {}", target.shown());
    if target.stream {
        let regular = std::fs::metadata(&target.path).is_ok_and(|m| m.is_file());
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .truncate(regular)
            .open(&target.path)
            .with_context(context)?;
        let n = fill(&mut file).with_context(context)?;
        std::io::Write::flush(&mut file).with_context(context)?;
        return Ok(n);
    }
    let partial = Partial::create(target)?;
    let mut file = partial.file()?;
    let n = fill(&mut file).with_context(context)?;
    file.sync_all().with_context(context)?;
    drop(file);
    partial.finish(target, force)?;
    Ok(n)
}

/// The case file and the files beside it, each with how messages name it.
fn protected_paths(case: &Path) -> Vec<(PathBuf, String)> {
    let shown = inert(&case.display().to_string());
    let mut bases = vec![resolve(case)];
    let absolute = std::path::absolute(case).unwrap_or_else(|_| case.to_path_buf());
    if !bases.contains(&absolute) {
        bases.push(absolute);
    }
    let mut paths = Vec::new();
    for base in bases {
        paths.push((base.clone(), format!("the case file itself ({shown})")));
        for (suffix, what) in SIDE_FILES {
            let mut side = base.clone().into_os_string();
            side.push(suffix);
            paths.push((PathBuf::from(side), format!("{shown}{suffix}, {what} of the case file {shown}")));
        }
    }
    paths
}

/// The path with every link resolved, also where the file (or a link's
/// target) does not exist yet: then its folder is resolved.
fn resolve(path: &Path) -> PathBuf {
    let mut path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    // Follows a dangling link by hand, as opening it for writing would.
    for _ in 0..40 {
        if let Ok(real) = std::fs::canonicalize(&path) {
            return real;
        }
        match std::fs::read_link(&path) {
            Ok(next) => {
                path = match path.parent() {
                    Some(dir) if next.is_relative() => dir.join(next),
                    _ => next,
                }
            }
            Err(_) => break,
        }
    }
    match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) => std::fs::canonicalize(dir).map_or(path.clone(), |dir| dir.join(name)),
        _ => path,
    }
}

/// True when the path as given starts with one of these.
fn is_under(path: &Path, folders: &[&str]) -> bool {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let text = absolute.to_string_lossy();
    folders.iter().any(|f| text.starts_with(f))
}

#[cfg(unix)]
fn same_file(meta: &std::fs::Metadata, case: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(case).is_ok_and(|c| c.dev() == meta.dev() && c.ino() == meta.ino())
}

#[cfg(not(unix))]
fn same_file(_: &std::fs::Metadata, _: &Path) -> bool {
    false
}

/// A file nobody may write: no write permission for anyone. Refused even
/// where the user could write it anyway (root), as a protected file.
#[cfg(unix)]
fn read_only(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o222 == 0
}

#[cfg(not(unix))]
fn read_only(meta: &std::fs::Metadata) -> bool {
    meta.permissions().readonly()
}

/// True when the file's header marks it as a crosscheck case file.
pub fn is_case_file(path: &Path) -> bool {
    let mut head = [0u8; 72];
    let read = File::open(path).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head));
    read.is_ok()
        && head.starts_with(b"SQLite format 3\0")
        && i32::from_be_bytes([head[68], head[69], head[70], head[71]]) == crate::store::db::APPLICATION_ID
}

/// A temporary file beside its final name, removed unless finished.
pub struct Partial {
    pub path: PathBuf,
    done: bool,
}

impl Partial {
    /// Makes the temporary file's name beside `target`, and removes the
    /// temporary files of the same target that processes no longer
    /// running left behind (a killed backup leaves one the case's size).
    pub fn create(target: &Target) -> Result<Partial> {
        let path = &target.path;
        let name = path
            .file_name()
            .ok_or_else(|| UserError::Usage(format!("{} is not a file name", target.shown())))?;
        if path.is_dir() {
            return Err(UserError::Usage(format!("{} is a folder; give the name of the file to write", target.shown())).into());
        }
        let dir = crate::error::folder_of(path);
        if !dir.is_dir() {
            return Err(UserError::no_folder(crate::error::folder_of(&target.given)).into());
        }
        let prefix = format!(".{}.", name.to_string_lossy());
        remove_stale(dir, &prefix);
        let path = dir.join(format!("{prefix}{}.partial", std::process::id()));
        let _ = std::fs::remove_file(&path);
        Ok(Partial { path, done: false })
    }

    pub fn file(&self) -> Result<File> {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&self.path)
            .with_context(|| format!("cannot create {}", inert(&self.path.display().to_string())))
    }

    /// Gives the finished file its name.
    pub fn finish(mut self, target: &Target, force: bool) -> Result<()> {
        if !force && target.path.exists() {
            return Err(UserError::Conflict(format!("{} exists; give --force to replace it", target.shown())).into());
        }
        std::fs::rename(&self.path, &target.path).with_context(|| format!("cannot write {}", target.shown()))?;
        self.done = true;
        // The rename itself must survive a crash.
        if let Some(dir) = target.path.parent().filter(|p| !p.as_os_str().is_empty())
            && let Ok(dir) = File::open(dir)
        {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Removes `PREFIX<pid>.partial` files in `dir` whose process is gone.
/// Where it cannot be told whether a process runs, nothing is removed.
fn remove_stale(dir: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(prefix))
            .and_then(|rest| rest.strip_suffix(".partial"))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && process_gone(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// True when no process has this id (Linux: /proc lists the running ones).
fn process_gone(pid: u32) -> bool {
    Path::new("/proc/self").exists() && !Path::new("/proc").join(pid.to_string()).exists()
}
