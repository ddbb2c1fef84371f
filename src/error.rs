//! Errors that decide the exit code. Everything else is an `anyhow` error with
//! context, and exits 1.

use std::process::ExitCode;

/// Input the user can correct. Each names the value and what is allowed.
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    /// A value that is not allowed for a field.
    #[error("invalid {field} {value:?}: {allowed}")]
    Invalid { field: String, value: String, allowed: String },
    /// A required field left empty.
    #[error("{field} is required: {hint}")]
    Missing { field: String, hint: String },
    /// A handle that names no record.
    #[error("no {what} {handle:?}: {hint}")]
    NotFound { what: &'static str, handle: String, hint: String },
    /// The case file does not exist.
    #[error(
        "no case file at {0}: create one with `crosscheck init` (or `crosscheck init --seed` for the sample case), or choose another with --db or CROSSCHECK_DB"
    )]
    NoDatabase(String),
    /// The PostgreSQL database holds no case yet.
    #[error("no case in {0} yet: the database is empty; `crosscheck --db {0} init` makes one there (add --seed for the sample case)")]
    NoCase(String),
    /// A record that already exists.
    #[error("{0}")]
    Conflict(String),
    /// A record whose UUID is already in the case.
    #[error("a {table} with UUID {uuid} is already in this case; use `edit`, or import with --update to change it")]
    DuplicateUuid { table: &'static str, uuid: String },
    /// An error in an input file, with where it happened.
    #[error("{file}, line {line}{}: {message}", column_part(.column))]
    InFile {
        file: String,
        line: u64,
        column: String,
        message: String,
    },
    /// Anything else the user asked for that cannot be done as asked.
    #[error("{0}")]
    Usage(String),
}

impl UserError {
    /// The folder a file was to be written in does not exist: the same
    /// message for the case file (`--db`) as for `--output`.
    pub fn no_folder(folder: &std::path::Path) -> UserError {
        UserError::NotFound {
            what: "folder",
            handle: folder.display().to_string(),
            hint: "create it first, or give a path in an existing folder".to_string(),
        }
    }

    pub fn invalid(field: &str, value: &str, allowed: impl Into<String>) -> Self {
        UserError::Invalid {
            field: field.to_string(),
            value: value.to_string(),
            allowed: allowed.into(),
        }
    }

    /// Adds "did you mean ...?" to a not-found error, where there are names near it.
    pub fn with_suggestions(self, names: &[String]) -> Self {
        match self {
            UserError::NotFound { what, handle, hint } if !names.is_empty() => UserError::NotFound {
                what,
                handle,
                hint: format!("did you mean {}? Otherwise {hint}", names.join(", ")),
            },
            other => other,
        }
    }

    pub fn missing(field: &str, hint: impl Into<String>) -> Self {
        UserError::Missing {
            field: field.to_string(),
            hint: hint.into(),
        }
    }
}

fn column_part(column: &str) -> String {
    if column.is_empty() {
        String::new()
    } else {
        format!(", column {column}")
    }
}

/// A check that found problems (`crosscheck verify`).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CheckFailed(pub String);

/// A search that found nothing: exit 1, as grep's.
#[derive(Debug, thiserror::Error)]
#[error("no record matches {0:?}")]
pub struct NoMatch(pub String);

/// Exit codes, documented in the README.
pub mod exit {
    /// Success.
    pub const OK: u8 = 0;
    /// An unexpected failure: I/O, a locked or damaged database, disk full;
    /// also a search that matched nothing.
    pub const FAILURE: u8 = 1;
    /// Bad input: a bad flag, value or input file. Nothing was written.
    pub const INVALID: u8 = 2;
    /// A handle or case file that does not exist. Nothing was written.
    pub const NOT_FOUND: u8 = 3;
    /// `verify` found a problem in the case file.
    pub const CHECK_FAILED: u8 = 4;
}

/// Picks the exit code for an error chain.
pub fn exit_code(err: &anyhow::Error) -> ExitCode {
    for cause in err.chain() {
        if let Some(user) = cause.downcast_ref::<UserError>() {
            return ExitCode::from(match user {
                UserError::NotFound { .. } | UserError::NoDatabase(_) | UserError::NoCase(_) => exit::NOT_FOUND,
                _ => exit::INVALID,
            });
        }
        if cause.downcast_ref::<CheckFailed>().is_some() {
            return ExitCode::from(exit::CHECK_FAILED);
        }
    }
    ExitCode::from(exit::FAILURE)
}

/// True when the error is a closed pipe on stdout (`crosscheck ... | head`).
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<csv::Error>()
                .is_some_and(|e| matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe))
            || cause
                .downcast_ref::<serde_json::Error>()
                .is_some_and(|e| e.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}

/// The folder a file is to go in: "." for a bare file name.
pub fn folder_of(path: &std::path::Path) -> &std::path::Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."))
}
