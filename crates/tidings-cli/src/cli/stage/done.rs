//! Completion markers, datatrove's convention: a stage command that finishes
//! leaves `OUT.done` beside its first output file, and run again with the same
//! inputs and settings it is not redone.
//!
//! The marker is a short text: the command, the tidings version, a hash of the
//! settings that shape the outputs, and the 128-bit xxh3 of every input file and
//! of every output written. A stage is skipped only when the marker it would write
//! now is the one there, byte for byte: an input or a setting that changed, an
//! output removed or rewritten, another version, each redoes it. The marker is
//! written last, after every output is renamed into place whole (`atomic.rs`), and
//! a stale one is removed before any output is replaced: a stage killed mid-way
//! leaves no marker and no partial output, so a rerun redoes it.

use anyhow::{Context, Result};
use std::io::Read;
use std::path::{Path, PathBuf};
use tidings::document::Input;

use crate::cli::atomic::AtomicFile;

/// The marker of one run of a stage.
pub struct Marker {
    path: PathBuf,
    /// Everything but the outputs' hashes: what the stage was asked to do.
    head: String,
    outputs: Vec<PathBuf>,
}

/// What a marker is checked for.
pub enum State {
    /// The marker matches: the outputs are those of these inputs and settings.
    Done,
    /// No marker.
    Absent,
    /// A marker of other inputs, settings or outputs.
    Stale,
}

impl Marker {
    /// The marker of `command` run with `settings` (a text of every setting that
    /// shapes the outputs) on `inputs` and stage files `files`, writing `outputs`;
    /// `None` when the run cannot be marked: an input is stdin (it cannot be
    /// fingerprinted), or no output is a regular file (stories to stdout, `-o
    /// /dev/null`). The marker is the first regular output's name with `.done`.
    ///
    /// # Errors
    /// An input that cannot be read (to hash it).
    pub fn new(
        command: &str,
        settings: &str,
        inputs: &[Input],
        files: &[&Path],
        outputs: &[&Path],
    ) -> Result<Option<Marker>> {
        let outputs: Vec<PathBuf> = outputs
            .iter()
            .filter(|p| !std::fs::metadata(p).is_ok_and(|m| !m.is_file()))
            .map(|p| p.to_path_buf())
            .collect();
        let Some(first) = outputs.first() else {
            return Ok(None);
        };
        let mut paths: Vec<&Path> = Vec::new();
        for i in inputs {
            match i {
                Input::File { path, .. } | Input::Saved { path, .. } => paths.push(path),
                Input::Stdin => return Ok(None),
            }
        }
        paths.extend(files);
        let mut head = format!(
            "tidings-stage-done 1\ncommand {command}\nversion {}\nsettings {:032x}\n",
            tidings::stage_file::VERSION,
            twox_hash::XxHash3_128::oneshot(settings.as_bytes())
        );
        for p in paths {
            head.push_str(&format!("input {:032x} {}\n", hash_file(p)?, p.display()));
        }
        let mut path = first.clone().into_os_string();
        path.push(".done");
        Ok(Some(Marker {
            path: PathBuf::from(path),
            head,
            outputs,
        }))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The marker's text with the outputs as they are now; `None` when one is missing.
    fn text(&self) -> Option<String> {
        let mut text = self.head.clone();
        for p in &self.outputs {
            let h = hash_file(p).ok()?;
            text.push_str(&format!("output {h:032x} {}\n", p.display()));
        }
        Some(text)
    }

    /// Whether the stage is done: the marker there is the one it would write now.
    pub fn state(&self) -> State {
        match std::fs::read_to_string(&self.path) {
            Err(_) => State::Absent,
            Ok(there) if self.text().is_some_and(|now| now == there) => State::Done,
            Ok(_) => State::Stale,
        }
    }

    /// Removes a stale marker, before any output is replaced.
    ///
    /// # Errors
    /// It is there and cannot be removed.
    pub fn clear(&self) -> Result<()> {
        match std::fs::remove_file(&self.path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(e).with_context(|| format!("removing the stale {}", self.path.display()))
            }
            _ => Ok(()),
        }
    }

    /// Writes the marker (atomically), once every output is in place.
    ///
    /// # Errors
    /// An output is missing, or the marker cannot be written.
    pub fn write(&self) -> Result<()> {
        let text = self
            .text()
            .with_context(|| format!("an output of {} is missing", self.path.display()))?;
        let mut f = AtomicFile::create(&self.path)?;
        std::io::Write::write_all(f.writer(), text.as_bytes())
            .with_context(|| format!("writing {}", self.path.display()))?;
        f.commit()
    }
}

/// The 128-bit xxh3 of a file's bytes, read in blocks.
fn hash_file(p: &Path) -> Result<u128> {
    let mut f = std::fs::File::open(p).with_context(|| format!("reading {}", p.display()))?;
    let mut h = twox_hash::XxHash3_128::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f
            .read(&mut buf)
            .with_context(|| format!("reading {}", p.display()))?;
        if n == 0 {
            return Ok(h.finish_128());
        }
        h.write(&buf[..n]);
    }
}
