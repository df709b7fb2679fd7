//! The lexicon builder: turns the raw bilingual pairs written by `tools/lexicon/`
//! into the engine's lexicon files (`models/lexicons/{lang}.tsv.gz`).
//!
//! A tool, not part of the engine: the engine only reads what this writes. Keys go
//! through the engine's own [`term_key`], so runtime lookups and lexicon keys cannot drift.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use tidings::analyze::{is_ideographic, term_key};
use tidings::lang::Lang;
use tidings::Error;

/// How many pivot concepts a term keeps: the strongest few carry the meaning,
/// the tail is mostly dictionary noise that makes unrelated documents meet.
pub const MAX_CONCEPTS: usize = 4;

/// Concepts weaker than this share of a term's strongest one are dropped: they
/// spread the term's weight over rare senses and make unrelated documents meet.
pub const MIN_RELATIVE_WEIGHT: f64 = 0.4;

/// A place name shares its spelling with common words often enough (Arabic اللون,
/// "the colour", is also a German town) that a dictionary sense outranks it.
const NAME_WEIGHT: f64 = 0.5;

/// Builds `out/{lang}.tsv.gz` from the raw pairs written by `tools/lexicon/extract.py`:
/// `raw/{lang}.tsv` (`foreign<TAB>english<TAB>weight<TAB>sources`), `raw/names.tsv`
/// (`lang<TAB>name<TAB>english<TAB>source`) and an optional patch file
/// (`lang<TAB>foreign<TAB>english<TAB>weight<TAB>source`). Keys and concepts go
/// through [`term_key`], the function the runtime uses, so they cannot drift.
/// Deterministic: same input, byte-identical output. Returns (lang, keys) per file written.
///
/// # Errors
/// [`Error::Io`] when a file cannot be read or written; [`Error::Parse`] (file and
/// line) when a weight in a raw or patch file is not a finite number; an empty
/// weight is an error too.
pub fn build_lexicons(
    raw: &Path,
    patch: Option<&Path>,
    out: &Path,
) -> Result<Vec<(Lang, usize)>, Error> {
    // lang → key → concept → weight
    let mut acc: BTreeMap<Lang, BTreeMap<String, BTreeMap<String, f64>>> = BTreeMap::new();
    let mut add = |lang: Lang, foreign: &str, english: &str, weight: f64| {
        if lang == Lang::ENG || lang.is_und() || weight.is_nan() || weight <= 0.0 {
            return;
        }
        let mut words = foreign.split_whitespace();
        let (Some(word), None) = (words.next(), words.next()) else {
            return;
        };
        let Some(key) = term_key(lang, word) else {
            return;
        };
        let concepts: Vec<String> = english
            .split_whitespace()
            .filter_map(|w| term_key(Lang::ENG, w))
            .collect();
        if concepts.is_empty() || (key.chars().count() < 2 && !is_ideographic(&key)) {
            return;
        }
        let share = weight / concepts.len() as f64;
        let entry = acc.entry(lang).or_default().entry(key).or_default();
        for c in concepts {
            *entry.entry(c).or_default() += share;
        }
    };
    let read = |path: &Path| -> Result<String, Error> {
        let mut s = String::new();
        std::fs::File::open(path)
            .and_then(|mut f| f.read_to_string(&mut s))
            .map_err(|e| Error::Io {
                path: path.to_path_buf(),
                source: e,
            })?;
        Ok(s)
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(raw)
        .map_err(|e| Error::Io {
            path: raw.to_path_buf(),
            source: e,
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "tsv"))
        .collect();
    files.sort();
    for path in &files {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let text = read(path)?;
        if stem == "names" {
            for line in text.lines() {
                let f: Vec<&str> = line.split('\t').collect();
                if let [lang, name, english, ..] = f[..] {
                    if let Some(l) = Lang::from_code(lang) {
                        add(l, name, english, NAME_WEIGHT);
                    }
                }
            }
            continue;
        }
        let Some(lang) = Lang::from_code(stem) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            let f: Vec<&str> = line.split('\t').collect();
            if let [foreign, english, weight, ..] = f[..] {
                add(lang, foreign, english, parse_weight(path, i + 1, weight)?);
            }
        }
    }
    if let Some(patch) = patch {
        // The hand-written patch outranks the sources: its entries replace theirs.
        let text = read(patch)?;
        let mut patched: BTreeMap<(Lang, String), BTreeMap<String, f64>> = BTreeMap::new();
        for (i, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty())
        {
            let f: Vec<&str> = line.split('\t').collect();
            if let [lang, foreign, english, weight, ..] = f[..] {
                let (Some(l), Some(key)) = (
                    Lang::from_code(lang),
                    term_key(Lang::from_code(lang).unwrap_or(Lang::UND), foreign),
                ) else {
                    continue;
                };
                let concepts: Vec<String> = english
                    .split_whitespace()
                    .filter_map(|w| term_key(Lang::ENG, w))
                    .collect();
                let w = parse_weight(patch, i + 1, weight)?;
                for c in &concepts {
                    *patched
                        .entry((l, key.clone()))
                        .or_default()
                        .entry(c.clone())
                        .or_default() += w / concepts.len() as f64;
                }
            }
        }
        for ((l, key), concepts) in patched {
            acc.entry(l).or_default().insert(key, concepts);
        }
    }
    let mut aliases = lemma_aliases(&raw.join("lemmas"), &acc, &read)?;
    std::fs::create_dir_all(out).map_err(|e| Error::Io {
        path: out.to_path_buf(),
        source: e,
    })?;
    let mut written = Vec::new();
    for (lang, keys) in acc {
        let aliases = aliases.remove(&lang).unwrap_or_default();
        let path = out.join(format!("{}.tsv.gz", lang.code()));
        let file = std::fs::File::create(&path).map_err(|e| Error::Io {
            path: path.clone(),
            source: e,
        })?;
        // Fixed header fields (no mtime, no name) keep the gzip bytes reproducible.
        let mut gz = flate2::GzBuilder::new()
            .mtime(0)
            .write(file, flate2::Compression::best());
        let io = |e| Error::Io {
            path: path.clone(),
            source: e,
        };
        let mut alias_iter = aliases.iter().peekable();
        for (key, concepts) in &keys {
            // Both are sorted and disjoint: merge them into one sorted file.
            while let Some((form, lemma)) = alias_iter.next_if(|(form, _)| *form < key) {
                writeln!(gz, "{form}\t={lemma}").map_err(io)?;
            }
            let mut cs: Vec<(&String, f64)> = concepts.iter().map(|(c, w)| (c, *w)).collect();
            cs.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
            cs.truncate(MAX_CONCEPTS);
            let top = cs.first().map_or(0.0, |c| c.1);
            cs.retain(|c| c.1 >= MIN_RELATIVE_WEIGHT * top);
            let norm = cs.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
            let line: Vec<String> = cs
                .iter()
                .map(|(c, w)| format!("{c}:{:.2}", (w / norm).max(0.01)))
                .collect();
            writeln!(gz, "{key}\t{}", line.join(" ")).map_err(io)?;
        }
        for (form, lemma) in alias_iter {
            writeln!(gz, "{form}\t={lemma}").map_err(io)?;
        }
        gz.finish().map_err(io)?;
        written.push((lang, keys.len() + aliases.len()));
    }
    Ok(written)
}

/// The weight column of line `line` (1-based) of `path`: a finite number.
fn parse_weight(path: &Path, line: usize, text: &str) -> Result<f64, Error> {
    match text.parse::<f64>() {
        Ok(w) if w.is_finite() => Ok(w),
        _ => Err(Error::Parse {
            file: path.display().to_string(),
            line,
            message: format!("weight `{text}` is not a number"),
        }),
    }
}

/// Reads `lemmas/{lang}.tsv` (`form<TAB>lemma`, from an inflection list) and returns,
/// per language, form key → lemma key for forms whose key the lexicon lacks while
/// their lemma's key has concepts: German "wurde" reaches "werden", Polish "osób"
/// reaches "osoba". A form key reached from several lemmas (stemming merges forms)
/// goes to the lemma most of its forms name, then the first in sort order.
fn lemma_aliases(
    dir: &Path,
    acc: &BTreeMap<Lang, BTreeMap<String, BTreeMap<String, f64>>>,
    read: &dyn Fn(&Path) -> Result<String, Error>,
) -> Result<BTreeMap<Lang, BTreeMap<String, String>>, Error> {
    let mut out = BTreeMap::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for (&lang, keys) in acc {
        let path = dir.join(format!("{}.tsv", lang.code()));
        if !path.is_file() {
            continue;
        }
        let text = read(&path)?;
        let mut votes: BTreeMap<String, BTreeMap<String, u32>> = BTreeMap::new();
        for line in text.lines() {
            let Some((form, lemma)) = line.split_once('\t') else {
                continue;
            };
            if form.contains(' ') || lemma.contains(' ') {
                continue;
            }
            let (Some(fk), Some(lk)) = (term_key(lang, form), term_key(lang, lemma)) else {
                continue;
            };
            if fk == lk || keys.contains_key(&fk) || !keys.contains_key(&lk) {
                continue;
            }
            if fk.chars().count() < 2 && !is_ideographic(&fk) {
                continue;
            }
            *votes.entry(fk).or_default().entry(lk).or_default() += 1;
        }
        let chosen: BTreeMap<String, String> = votes
            .into_iter()
            .filter_map(|(fk, lemmas)| {
                // max_by_key keeps the last maximum: iterate in reverse for the first.
                let lk = lemmas
                    .into_iter()
                    .rev()
                    .max_by_key(|(_, n)| *n)
                    .map(|(lk, _)| lk)?;
                Some((fk, lk))
            })
            .collect();
        out.insert(lang, chosen);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh directory under the system temp dir, removed when dropped.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> TempDir {
            let dir =
                std::env::temp_dir().join(format!("tidings-lexicon-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(dir.join("raw")).expect("temp dir");
            TempDir(dir)
        }

        fn write(&self, rel: &str, text: &str) -> PathBuf {
            let path = self.0.join(rel);
            std::fs::write(&path, text).expect("write");
            path
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// Builds from `raw/deu.tsv` = `raw` and a patch file = `patch`; the error
    /// message, or `None` when the build succeeds.
    fn build_error(name: &str, raw: &str, patch: &str) -> Option<String> {
        let dir = TempDir::new(name);
        dir.write("raw/deu.tsv", raw);
        let patch = dir.write("patch.tsv", patch);
        let err = build_lexicons(&dir.0.join("raw"), Some(&patch), &dir.0.join("out")).err()?;
        // Paths differ per run: keep the file name and what follows.
        let msg = err.to_string();
        Some(msg.rsplit('/').next().unwrap_or(&msg).to_owned())
    }

    #[test]
    fn weights_that_are_not_numbers_are_errors_naming_file_and_line() {
        const RAW: &str = "Haus\thouse\t0.9\tfreedict\nRegierung\tgovernment\t0.8\tfreedict\n";
        const PATCH: &str = "# comment\n\ndeu\tMinisterium\tministry\t0.95\tpatch\n";
        let cases: &[(&str, &str, &str, Option<&str>)] = &[
            ("good", RAW, PATCH, None),
            (
                "raw-garbage",
                "Haus\thouse\t0.9\tfreedict\nRegierung\tgovernment\tx\tfreedict\n",
                PATCH,
                Some("deu.tsv:2: weight `x` is not a number"),
            ),
            (
                "raw-empty",
                "Haus\thouse\t\tfreedict\n",
                PATCH,
                Some("deu.tsv:1: weight `` is not a number"),
            ),
            (
                "raw-nan",
                "Haus\thouse\tNaN\tfreedict\n",
                PATCH,
                Some("deu.tsv:1: weight `NaN` is not a number"),
            ),
            (
                "patch-garbage",
                RAW,
                "# comment\n\ndeu\tMinisterium\tministry\t0,95\tpatch\n",
                Some("patch.tsv:3: weight `0,95` is not a number"),
            ),
            (
                "patch-empty",
                RAW,
                "deu\tMinisterium\tministry\t\tpatch\n",
                Some("patch.tsv:1: weight `` is not a number"),
            ),
        ];
        for &(name, raw, patch, want) in cases {
            assert_eq!(
                build_error(name, raw, patch).as_deref(),
                want,
                "case {name}"
            );
        }
    }

    #[test]
    fn the_real_patch_file_parses() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let dir = TempDir::new("real-patch");
        let patch = root.join("tools/lexicon/patch.tsv");
        let written = build_lexicons(&dir.0.join("raw"), Some(&patch), &dir.0.join("out"))
            .expect("tools/lexicon/patch.tsv parses");
        assert!(written.len() > 10, "{written:?}");
    }
}
