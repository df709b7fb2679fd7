//! Bundles the lexicons in `models/lexicons/` into the binary, so a `tidings`
//! binary works wherever it is copied.
use std::fmt::Write;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/lexicons");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p: &std::path::PathBuf| p.to_string_lossy().ends_with(".tsv.gz"));
    files.sort();
    let mut out = String::from("pub static LEXICONS: &[(&str, &[u8])] = &[\n");
    for p in files {
        println!("cargo:rerun-if-changed={}", p.display());
        let name = p.file_name().unwrap().to_string_lossy();
        let lang = name.trim_end_matches(".tsv.gz");
        writeln!(
            out,
            "    ({lang:?}, include_bytes!({:?})),",
            p.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("bundled_lexicons.rs");
    std::fs::write(dest, out).unwrap();
}
