//! Opening an input: compression and content are recognized by their first bytes,
//! not by the file name, so a `.jsonl.zst`, a gzip stream piped on stdin and a WARC
//! named `.dat` are all read for what they are.

use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// How many bytes of a stream are looked at to tell what it holds.
const SNIFF_BYTES: usize = 8 << 10;

/// A compression recognized by its magic bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
    Xz,
    Bzip2,
}

impl Compression {
    /// The compression whose magic bytes start `head`.
    pub fn sniff(head: &[u8]) -> Compression {
        if head.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
            Compression::Xz
        } else if head.len() >= 4 && head.starts_with(b"BZh") && (b'1'..=b'9').contains(&head[3]) {
            Compression::Bzip2
        } else {
            Compression::None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Compression::None => "plain",
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
            Compression::Xz => "xz",
            Compression::Bzip2 => "bzip2",
        }
    }
}

/// The name [`Content::Other`] gives Parquet.
pub const PARQUET: &str = "Parquet";

/// What a (decompressed) stream holds, judged from its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Content {
    /// Nothing at all (an empty file, or one of blanks only).
    Empty,
    /// Starts with `{`: one JSON object per line.
    Jsonl,
    /// Starts with `[`: one JSON array, which tidings does not read.
    JsonArray,
    /// Starts with `WARC/` (WARC and WET files).
    Warc,
    /// A format tidings does not read, named (zip, Parquet, PDF …).
    Other(&'static str),
    /// Control characters or invalid UTF-8 throughout: not text.
    Binary,
    /// Anything else that reads as text.
    Text,
}

impl Content {
    /// Judges `head`, the first bytes of a stream (after decompression).
    pub fn sniff(head: &[u8]) -> Content {
        let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
        let magic: [(&[u8], &str); 8] = [
            (b"PK\x03\x04", "a zip archive"),
            (b"PAR1", PARQUET),
            (b"%PDF", "PDF"),
            (b"\x7fELF", "an executable"),
            (b"\x04\x22\x4d\x18", "lz4"),
            (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
            (b"SQLite format 3", "an SQLite database"),
            (b"ARROW1", "Arrow IPC"),
        ];
        if let Some((_, name)) = magic.iter().find(|(m, _)| head.starts_with(m)) {
            return Content::Other(name);
        }
        if head.trim_ascii_start().starts_with(b"filedesc://") {
            return Content::Other("ARC (the format before WARC; `warcio recompress` converts it)");
        }
        if head.len() > 262 && &head[257..262] == b"ustar" {
            return Content::Other("a tar archive");
        }
        if looks_binary(head) {
            return Content::Binary;
        }
        match head.iter().find(|b| !b.is_ascii_whitespace()) {
            None => Content::Empty,
            Some(b'{') => Content::Jsonl,
            Some(b'[') => Content::JsonArray,
            Some(_) if head.trim_ascii_start().starts_with(b"WARC/") => Content::Warc,
            Some(_) => Content::Text,
        }
    }

    /// For messages: "looks like …".
    pub fn describe(self) -> &'static str {
        match self {
            Content::Empty => "empty",
            Content::Jsonl => "JSONL",
            Content::JsonArray => "a JSON array (tidings reads one object per line: JSONL)",
            Content::Warc => "WARC",
            Content::Other(name) => name,
            Content::Binary => "binary data (not JSONL, WARC or text)",
            Content::Text => "text",
        }
    }
}

/// More than one byte in ten a control character (other than tab, line breaks,
/// form feed and escape) or part of invalid UTF-8. A stray NUL or bad byte in one
/// record of a JSONL file stays that record's problem; `/dev/zero` or a JPEG is
/// refused whole instead of as thousands of "lines".
fn looks_binary(head: &[u8]) -> bool {
    if head.is_empty() {
        return false;
    }
    let controls = head
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b)) || b == 0x7f)
        .count();
    let mut invalid = 0;
    let mut rest = head;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(_) => break,
            Err(e) => {
                let bad = e.error_len().unwrap_or(rest.len() - e.valid_up_to());
                invalid += bad;
                rest = &rest[e.valid_up_to() + bad..];
            }
        }
    }
    // A multi-byte character cut by the end of the sample is not invalid.
    let invalid = invalid.saturating_sub(3);
    (controls + invalid) * 10 > head.len()
}

/// Counts the bytes read from a file (before decompression), for the byte offsets
/// of messages about a broken compressed stream.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Adds the bytes read from an input to a counter shared over all inputs (the
/// progress of a run, against the inputs' total size).
pub(crate) struct Tally<R> {
    pub inner: R,
    pub total: Arc<AtomicU64>,
}

impl<R: Read> Read for Tally<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.total.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Reads up to [`SNIFF_BYTES`] from `r` (fewer only at its end).
fn read_head(r: &mut dyn Read) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    r.take(SNIFF_BYTES as u64).read_to_end(&mut head)?;
    Ok(head)
}

/// An opened input: the decompressed stream and what it looks like.
pub struct Opened {
    pub reader: Box<dyn BufRead + Send>,
    pub compression: Compression,
    pub content: Content,
    /// Bytes consumed from the underlying file or pipe so far (compressed bytes).
    pub raw_pos: Arc<AtomicU64>,
    /// An error while decompressing the first block (a truncated or corrupt header).
    pub head_error: Option<io::Error>,
}

impl Opened {
    /// "zstd-compressed WARC", "JSONL", …
    pub fn describe(&self) -> String {
        match self.compression {
            Compression::None => self.content.describe().to_string(),
            c => format!("{}-compressed {}", c.name(), self.content.describe()),
        }
    }

    /// Compressed bytes read so far.
    pub fn raw_offset(&self) -> u64 {
        self.raw_pos.load(Ordering::Relaxed)
    }
}

/// Opens a stream: recognizes its compression by magic bytes, decompresses it, and
/// sniffs what the decompressed bytes hold. The bytes looked at are not lost: they
/// are put back in front of the stream.
///
/// # Errors
/// Reading the first bytes of the raw stream fails.
pub fn open_stream(raw: Box<dyn Read + Send>) -> io::Result<Opened> {
    let raw_pos = Arc::new(AtomicU64::new(0));
    let mut counted = Counting {
        inner: raw,
        count: raw_pos.clone(),
    };
    let head = read_head(&mut counted)?;
    let compression = Compression::sniff(&head);
    let raw: Box<dyn Read + Send> = Box::new(Cursor::new(head).chain(counted));
    let mut decoded: Box<dyn Read + Send> = match compression {
        Compression::None => raw,
        // Multi-member: `cat a.gz b.gz` and bgzip files are one stream.
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(raw)),
        Compression::Zstd => Box::new(zstd::stream::read::Decoder::new(raw)?),
        Compression::Xz => Box::new(liblzma::read::XzDecoder::new_multi_decoder(raw)),
        Compression::Bzip2 => Box::new(bzip2::read::MultiBzDecoder::new(raw)),
    };
    let (head, head_error) = if compression == Compression::None {
        (read_head(&mut decoded)?, None)
    } else {
        // A broken stream can fail in its first block: the caller reports it as a
        // reject of this input, with the offset.
        let mut head = Vec::with_capacity(SNIFF_BYTES);
        let res = (&mut decoded)
            .take(SNIFF_BYTES as u64)
            .read_to_end(&mut head);
        (head, res.err())
    };
    let content = Content::sniff(&head);
    // After an error the decoder is not read again: the bytes it gave come first,
    // then the caller reports the error.
    let rest: Box<dyn Read + Send> = if head_error.is_some() {
        Box::new(io::empty())
    } else {
        decoded
    };
    Ok(Opened {
        reader: Box::new(BufReader::with_capacity(
            1 << 16,
            Cursor::new(head).chain(rest),
        )),
        compression,
        content,
        raw_pos,
        head_error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(bytes: Vec<u8>) -> (Opened, Vec<u8>) {
        let mut o = open_stream(Box::new(Cursor::new(bytes))).unwrap();
        let mut out = Vec::new();
        o.reader.read_to_end(&mut out).unwrap();
        (o, out)
    }

    #[test]
    fn every_compression_is_recognized_by_its_bytes_and_read_whole() {
        let text = b"{\"id\":\"a\",\"text\":\"x\"}\n".repeat(2000);
        let gz = {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            io::Write::write_all(&mut e, &text).unwrap();
            e.finish().unwrap()
        };
        let zst = zstd::encode_all(&text[..], 1).unwrap();
        let xz = {
            let mut e = liblzma::write::XzEncoder::new(Vec::new(), 1);
            io::Write::write_all(&mut e, &text).unwrap();
            e.finish().unwrap()
        };
        let bz = {
            let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
            io::Write::write_all(&mut e, &text).unwrap();
            e.finish().unwrap()
        };
        for (bytes, want) in [
            (text.clone(), Compression::None),
            (gz, Compression::Gzip),
            (zst, Compression::Zstd),
            (xz, Compression::Xz),
            (bz, Compression::Bzip2),
        ] {
            let (o, out) = open(bytes);
            assert_eq!((o.compression, o.content), (want, Content::Jsonl));
            assert_eq!(out, text, "{want:?}");
        }
    }

    #[test]
    fn content_is_told_from_the_first_bytes() {
        let cases: [(&[u8], Content); 11] = [
            (b"", Content::Empty),
            (b"\n \r\n", Content::Empty),
            (b"\xEF\xBB\xBF{\"id\":1}", Content::Jsonl),
            (b"  [{\"id\":1}]", Content::JsonArray),
            (b"WARC/1.0\r\nWARC-Type: warcinfo\r\n", Content::Warc),
            (b"PK\x03\x04rest", Content::Other("a zip archive")),
            (
                b"filedesc://x.arc 127.0.0.1 20140216050221 text/plain 75\n",
                Content::Other("ARC (the format before WARC; `warcio recompress` converts it)"),
            ),
            (&[0u8; 100], Content::Binary),
            (b"Plain news text.\nSecond line.", Content::Text),
            // One NUL in a record is that record's problem, not the file's.
            (
                b"{\"id\":\"a\",\"text\":\"x\x00y and more text here\"}\n",
                Content::Jsonl,
            ),
            (b"\xff\xfe\x00\x01\x02\x03\x88\x99", Content::Binary),
        ];
        for (bytes, want) in cases {
            assert_eq!(
                Content::sniff(bytes),
                want,
                "{:?}",
                String::from_utf8_lossy(bytes)
            );
        }
    }
}
