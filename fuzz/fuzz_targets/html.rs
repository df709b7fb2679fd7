//! Any text as an HTML page: main-text extraction must not panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    let _ = tidings::document::main_text(&html, Some("https://example.com/a"));
});
