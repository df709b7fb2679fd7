//! Any bytes as a JSONL stream (compressed or not, as its first bytes say): the
//! reader must end without panicking, one record at most per input byte.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tidings::document::{read_stream, Kind, ReadOptions};

fuzz_target!(|data: &[u8]| {
    let options = ReadOptions {
        max_line_bytes: 1 << 12,
        ..ReadOptions::default()
    };
    let reader = Box::new(std::io::Cursor::new(data.to_vec()));
    let mut source = read_stream("fuzz".into(), reader, Kind::Jsonl, options).expect("in memory");
    let mut n = 0;
    while let Some(item) = source.next_record() {
        let _ = item.expect("no IO error in memory");
        n += 1;
        assert!(n <= data.len() + 2, "a reader that yields forever");
    }
});
