//! Compiles the lexicons in `models/lexicons/` into the binary, so a `tidings`
//! binary works wherever it is copied and loads a lexicon without parsing it: each
//! `{lang}.tsv.gz` becomes a table (`src/lexicon/compile.rs`, shared with the
//! run-time `--models DIR` path) in `OUT_DIR/lexicons/{lang}.bin`, included as bytes.
use std::fmt::Write;
use std::io::Read;
use std::path::{Path, PathBuf};

#[path = "src/lexicon/compile.rs"]
mod compile;

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = manifest.join("../../models/lexicons");
    // Naming any file turns off cargo's default of rerunning on every change in
    // the package: the compiler is named too, or a format change would be missed.
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/lexicon/compile.rs");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.to_string_lossy().ends_with(".tsv.gz"));
    files.sort();
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| format!("OUT_DIR: {e}"))?);
    let tables = out_dir.join("lexicons");
    std::fs::create_dir_all(&tables).map_err(|e| format!("{}: {e}", tables.display()))?;
    let mut list = String::from("pub static LEXICONS: &[(&str, &[u8])] = &[\n");
    for path in files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let lang = name.trim_end_matches(".tsv.gz");
        let mut text = String::new();
        std::fs::File::open(&path)
            .and_then(|f| flate2::read::GzDecoder::new(f).read_to_string(&mut text))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let table = compile::compile(&text)
            .map_err(|e| format!("{}:{}: {}", path.display(), e.line, e.message))?;
        let dest = tables.join(format!("{lang}.bin"));
        std::fs::write(&dest, table).map_err(|e| format!("{}: {e}", dest.display()))?;
        writeln!(
            list,
            "    ({lang:?}, include_bytes!({:?})),",
            dest.display().to_string()
        )
        .map_err(|e| e.to_string())?;
    }
    list.push_str("];\n");
    let dest = out_dir.join("bundled_lexicons.rs");
    std::fs::write(&dest, list).map_err(|e| format!("{}: {e}", dest.display()))
}
