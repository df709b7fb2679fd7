//! Output files written whole or not at all: each is written to a hidden temporary
//! file in its own folder and renamed over its name only when complete, so a run
//! that is killed, fails or fills the disk leaves the previous file (or none), never
//! a truncated one that looks complete. The temporary files are created before any
//! work, which also checks every output path up front.

use anyhow::{Context, Result};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use tidings::document::Input;

/// One output being written.
pub struct AtomicFile {
    dest: PathBuf,
    /// `None` for a destination that is not a regular file (`/dev/null`, a pipe):
    /// those are written in place, never renamed over.
    tmp: Option<PathBuf>,
    writer: Option<BufWriter<File>>,
}

impl AtomicFile {
    /// Creates the temporary file beside `dest` (`.NAME.tidings-PID.tmp`).
    ///
    /// # Errors
    /// The folder does not exist or cannot be written, or `dest` is a folder.
    pub fn create(dest: &Path) -> Result<AtomicFile> {
        let meta = std::fs::metadata(dest).ok();
        if meta.as_ref().is_some_and(|m| m.is_dir()) {
            anyhow::bail!("{} is a folder, not a file", dest.display());
        }
        if meta.as_ref().is_some_and(|m| !m.is_file()) {
            let f = std::fs::OpenOptions::new()
                .write(true)
                .open(dest)
                .with_context(|| format!("opening {}", dest.display()))?;
            return Ok(AtomicFile {
                dest: dest.to_path_buf(),
                tmp: None,
                writer: Some(BufWriter::new(f)),
            });
        }
        let name = dest
            .file_name()
            .with_context(|| format!("{} names no file", dest.display()))?;
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let mut tmp_name = std::ffi::OsString::from(".");
        tmp_name.push(name);
        tmp_name.push(format!(".tidings-{}.tmp", std::process::id()));
        let tmp = dir.join(tmp_name);
        let f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)
            .with_context(|| format!("cannot write {}", dest.display()))?;
        Ok(AtomicFile {
            dest: dest.to_path_buf(),
            tmp: Some(tmp),
            writer: Some(BufWriter::new(f)),
        })
    }

    pub fn path(&self) -> &Path {
        &self.dest
    }

    /// Where to write the content.
    pub fn writer(&mut self) -> &mut BufWriter<File> {
        self.writer.as_mut().expect("not committed yet")
    }

    /// Flushes, syncs and renames the file to its name.
    ///
    /// # Errors
    /// Writing, syncing or renaming fails (the temporary file is removed).
    pub fn commit(mut self) -> Result<()> {
        let w = self.writer.take().expect("committed once");
        let file = w
            .into_inner()
            .map_err(|e| e.into_error())
            .with_context(|| format!("writing {}", self.dest.display()))?;
        if let Some(tmp) = &self.tmp {
            file.sync_all()
                .with_context(|| format!("writing {}", self.dest.display()))?;
            drop(file);
            std::fs::rename(tmp, &self.dest).with_context(|| {
                format!("renaming the finished {} into place", self.dest.display())
            })?;
            self.tmp = None;
        }
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let Some(tmp) = self.tmp.take() {
            self.writer = None;
            let _ = std::fs::remove_file(tmp);
        }
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writer().write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.writer().flush()
    }
}

/// Checks output paths before anything is written: each folder exists, no output
/// is one of the inputs, and no two outputs name one file.
///
/// # Errors
/// The first path that breaks one of those rules.
pub fn check_outputs(named: &[&Option<PathBuf>], inputs: &[Input]) -> Result<()> {
    let mut seen: Vec<(PathBuf, &PathBuf)> = Vec::new();
    let input_paths: Vec<PathBuf> = inputs
        .iter()
        .filter_map(|i| match i {
            Input::File { path, .. } => resolved(path),
            Input::Stdin | Input::Saved { .. } => None,
        })
        .collect();
    for p in named.iter().copied().flatten() {
        // Special files (`/dev/null`, `/dev/stdout`) may be named twice.
        if std::fs::metadata(p).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
            continue;
        }
        let r = resolved(p)
            .with_context(|| format!("cannot write {}: its folder does not exist", p.display()))?;
        anyhow::ensure!(
            !input_paths.contains(&r),
            "refusing to write {}: it is one of the inputs",
            p.display()
        );
        if let Some((_, first)) = seen.iter().find(|(q, _)| *q == r) {
            anyhow::bail!(
                "{} and {} name the same file: each output needs its own",
                first.display(),
                p.display()
            );
        }
        seen.push((r, p));
    }
    Ok(())
}

/// The path as the file system resolves it, for comparing an output with an input:
/// the folder resolved and the name appended when the file does not exist yet.
pub fn resolved(p: &Path) -> Option<PathBuf> {
    if let Ok(c) = std::fs::canonicalize(p) {
        return Some(c);
    }
    let dir = match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    Some(std::fs::canonicalize(dir).ok()?.join(p.file_name()?))
}
