//! Files that appear only when complete: written beside their name, synced,
//! then renamed. Reports, extracted captures, rejects files and backups all
//! go through here.

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::error::UserError;

/// Writes a file so that it appears only when complete: into a temporary
/// file beside it, synced, then renamed over the name. On any failure the
/// temporary file is removed and nothing appears.
pub fn write_file(path: &Path, force: bool, fill: impl FnOnce(&mut File) -> Result<u64>) -> Result<u64> {
    let partial = Partial::create(path)?;
    let mut file = partial.file()?;
    let n = fill(&mut file).with_context(|| format!("cannot write {}", path.display()))?;
    file.sync_all().with_context(|| format!("cannot write {}", path.display()))?;
    drop(file);
    partial.finish(path, force)?;
    Ok(n)
}

/// A temporary file beside its final name, removed unless finished.
pub struct Partial {
    pub path: PathBuf,
    done: bool,
}

impl Partial {
    /// Makes the temporary file's name beside `target`, and removes any file
    /// with that name left by an earlier crash of this process id.
    pub fn create(target: &Path) -> Result<Partial> {
        let name = target
            .file_name()
            .ok_or_else(|| UserError::Usage(format!("{} is not a file name", target.display())))?;
        if target.is_dir() {
            return Err(UserError::Usage(format!("{} is a folder; give the name of the file to write", target.display())).into());
        }
        let dir = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        if !dir.is_dir() {
            return Err(UserError::NotFound {
                what: "folder",
                handle: dir.display().to_string(),
                hint: "create it first, or give a path in an existing folder".to_string(),
            }
            .into());
        }
        let path = dir.join(format!(".{}.{}.partial", name.to_string_lossy(), std::process::id()));
        let _ = std::fs::remove_file(&path);
        Ok(Partial { path, done: false })
    }

    pub fn file(&self) -> Result<File> {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&self.path)
            .with_context(|| format!("cannot create {}", self.path.display()))
    }

    /// Gives the finished file its name.
    pub fn finish(mut self, target: &Path, force: bool) -> Result<()> {
        if !force && target.exists() {
            return Err(UserError::Conflict(format!("{} exists; give --force to replace it", target.display())).into());
        }
        std::fs::rename(&self.path, target).with_context(|| format!("cannot write {}", target.display()))?;
        self.done = true;
        // The rename itself must survive a crash.
        if let Some(dir) = target.parent().filter(|p| !p.as_os_str().is_empty())
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
