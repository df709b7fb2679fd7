//! WARC and WET sources (fastwarc): a WET conversion record is a text document; a
//! WARC response (or resource) with HTML is turned into its main text by
//! dom_smoothie (readability.js), with title, URL, language and date. Other records
//! (warcinfo, request, metadata, revisit, responses that are not HTML) are not
//! documents: they are counted in the report, by type.
//!
//! fastwarc's records hold a reader that is not `Send`, so the archive is walked on
//! a thread of its own that sends finished records over a bounded channel: the
//! source itself is `Send`, and reading overlaps with the caller's work.

use super::dates::parse_date;
use super::open::Opened;
use super::report::{with_report, SharedReport};
use super::{check_id, Document, DocumentSource, ReadOptions, Record, Reject};
use crate::lang::Lang;
use crate::Error;
use fastwarc::stream_io::traits::WarcRead;
use fastwarc::warc::iter::{ArchiveIteratorOptions, ArchiveIteratorThreadSafe};
use fastwarc::warc::record::{AutoDecode, SharedWarcRecord, WarcRecord, WarcRecordType};
use std::any::Any;
use std::io::{self, BufRead, Read, Seek, SeekFrom};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;

/// Records read ahead by the archive thread.
const READ_AHEAD: usize = 64;

/// A WARC or WET stream.
pub struct WarcSource {
    name: String,
    looks_like: String,
    records: Receiver<Record>,
    walker: Option<std::thread::JoinHandle<()>>,
}

impl WarcSource {
    pub(crate) fn from_opened(
        name: String,
        mut opened: Opened,
        options: Arc<ReadOptions>,
        report: Option<SharedReport>,
    ) -> WarcSource {
        let looks_like = opened.describe();
        let (tx, rx) = sync_channel(READ_AHEAD);
        let reader = std::mem::replace(&mut opened.reader, Box::new(io::empty()));
        let walker = Walker {
            name: name.clone(),
            options,
            report,
            tx: tx.clone(),
            opened,
        };
        let spawned = std::thread::Builder::new()
            .name("tidings-warc".into())
            .spawn(move || walker.walk(reader));
        let walker = match spawned {
            Ok(handle) => Some(handle),
            Err(e) => {
                let _ = tx.send(Err(Reject {
                    id: None,
                    location: name.clone(),
                    reason: format!("cannot start a thread to read it: {e}"),
                }));
                None
            }
        };
        drop(tx);
        WarcSource {
            name,
            looks_like,
            records: rx,
            walker,
        }
    }
}

impl DocumentSource for WarcSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn looks_like(&self) -> Option<String> {
        Some(self.looks_like.clone())
    }

    fn next_record(&mut self) -> Option<Result<Record, Error>> {
        // The thread ends (and drops its sender) at the archive's end. If it ended
        // by a panic (a bug in a parser), the rest of the file is one reject rather
        // than silently missing.
        match self.records.recv() {
            Ok(record) => Some(Ok(record)),
            Err(_) => {
                let panicked = self.walker.take()?.join().err()?;
                let what = panicked
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panicked.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                Some(Ok(Err(Reject {
                    id: None,
                    location: self.name.clone(),
                    reason: format!(
                        "the WARC reader failed on this file (the rest of it is lost): {what}"
                    ),
                })))
            }
        }
    }
}

/// A stream read forward only, presented to fastwarc as seekable: it asks for its
/// position and skips ahead, which reading and discarding serve; a backward seek
/// (digest checks, which are off) is refused. This lets it read stdin and streams
/// we decompressed ourselves (xz, bzip2).
struct ForwardOnly {
    inner: Box<dyn BufRead + Send>,
    pos: u64,
}

impl Read for ForwardOnly {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl BufRead for ForwardOnly {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        self.inner.consume(n);
        self.pos += n as u64;
    }
}

impl Seek for ForwardOnly {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
            SeekFrom::End(_) => None,
        };
        match target {
            Some(t) if t >= self.pos => {
                let skip = t - self.pos;
                let skipped = io::copy(&mut (&mut *self).take(skip), &mut io::sink())?;
                if skipped < skip {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
                Ok(self.pos)
            }
            _ => Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "this stream reads forward only",
            )),
        }
    }
}

impl WarcRead for ForwardOnly {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }

    fn inner_seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.seek(pos)
    }

    fn inner_stream_position(&mut self) -> io::Result<u64> {
        Ok(self.pos)
    }
}

/// The archive thread's state.
struct Walker {
    name: String,
    options: Arc<ReadOptions>,
    report: Option<SharedReport>,
    tx: SyncSender<Record>,
    opened: Opened,
}

impl Walker {
    fn walk(mut self, reader: Box<dyn BufRead + Send>) {
        let options = ArchiveIteratorOptions {
            // Decompression is done already (open.rs), by the file's bytes.
            stream_detect: false,
            parse_http: true,
            // Chunked transfer and gzip/deflate/brotli content encodings undone.
            decode_http_payload: AutoDecode::All,
            verify_digests: false,
            // LF-only header lines, as some crawlers write.
            quirks_mode: true,
            max_header_len: 64 << 10,
            inplace: false,
        };
        let reader = ForwardOnly {
            inner: reader,
            pos: 0,
        };
        let mut n = 0usize;
        for item in ArchiveIteratorThreadSafe::with_options(reader, options) {
            n += 1;
            let location = format!("{}:record {n}", self.name);
            let record = match item {
                Ok(shared) => shared.with_mut(|r| self.record(r, location)),
                Err(e) => {
                    // fastwarc's iterator repeats a broken stream's error forever:
                    // the first one ends the file.
                    let offset = self.opened.raw_offset();
                    let _ = self.tx.send(Err(Reject {
                        id: None,
                        location: format!("{}:byte {offset}", self.name),
                        reason: format!(
                            "{} stream is truncated or corrupt at WARC record {n} (the rest of the file is lost): {e}",
                            self.opened.compression.name()
                        ),
                    }));
                    return;
                }
            };
            if let Some(record) = record {
                if self.tx.send(record).is_err() {
                    return; // the reader was dropped
                }
            }
        }
        if let Some(e) = self.opened.head_error.take() {
            let _ = self.tx.send(Err(Reject {
                id: None,
                location: format!("{}:byte {}", self.name, self.opened.raw_offset()),
                reason: format!(
                    "{} stream is truncated or corrupt after WARC record {n}: {e}",
                    self.opened.compression.name()
                ),
            }));
        }
    }

    fn note(&self, kind: &'static str, location: &str, detail: &str) {
        if let Some(r) = &self.report {
            with_report(r, |r| r.note(kind, location, detail));
        }
    }

    /// The record as a document or reject, or `None` for a record that is not a
    /// document (counted in the report).
    fn record(&self, r: &mut WarcRecord, location: String) -> Option<Record> {
        let kind = r.record_type();
        let is_html = || {
            r.http_content_type()
                .or_else(|| {
                    r.headers()
                        .get("Content-Type")
                        .map(|c| c.split(';').next().unwrap_or("").trim().to_string())
                })
                .is_some_and(|t| {
                    t.eq_ignore_ascii_case("text/html")
                        || t.eq_ignore_ascii_case("application/xhtml+xml")
                })
        };
        let html = match kind {
            WarcRecordType::Conversion => false,
            WarcRecordType::Response | WarcRecordType::Resource if is_html() => {
                if r.is_http()
                    && r.http_headers()
                        .and_then(|h| h.status_code())
                        .is_some_and(|c| c != 200)
                {
                    self.note(
                        "WARC responses other than 200 (not documents)",
                        &location,
                        "",
                    );
                    return None;
                }
                true
            }
            WarcRecordType::Response | WarcRecordType::Resource => {
                self.note(
                    "WARC responses that are not HTML (not documents)",
                    &location,
                    "",
                );
                return None;
            }
            other => {
                let _ = other;
                self.note(
                    "WARC records of other types (warcinfo, request, metadata, revisit)",
                    &location,
                    r.headers().get("WARC-Type").as_deref().unwrap_or(""),
                );
                return None;
            }
        };
        let header = |k: &str| {
            r.headers()
                .get(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let record_id = header("WARC-Record-ID").map(|v| v.trim_matches(['<', '>']).to_string());
        let url = header("WARC-Target-URI");
        let warc_date = header("WARC-Date").and_then(|d| parse_date(&d));
        let lang_hint = header("WARC-Identified-Content-Language");
        let charset = r.http_charset().map(|c| c.into_owned());
        let content_language = r
            .http_headers()
            .and_then(|h| h.get("Content-Language"))
            .map(|c| c.into_owned());
        let Some(id) = record_id.clone().or_else(|| url.clone()) else {
            return Some(Err(Reject {
                id: None,
                location,
                reason: "WARC record has neither WARC-Record-ID nor WARC-Target-URI".into(),
            }));
        };
        if let Err(reason) = check_id(&id) {
            return Some(Err(Reject {
                id: Some(id),
                location,
                reason: reason.into(),
            }));
        }
        let cap = self.options.max_line_bytes as u64;
        let mut body = Vec::new();
        let read = match r.reader_mut() {
            Some(reader) => reader.take(cap + 1).read_to_end(&mut body).map(|_| ()),
            None => Ok(()),
        };
        if let Err(e) = read {
            return Some(Err(Reject {
                id: Some(id),
                location,
                reason: format!("record body cannot be read: {e}"),
            }));
        }
        if body.len() as u64 > cap {
            return Some(Err(Reject {
                id: Some(id),
                location,
                reason: format!(
                    "record body is longer than the limit of {cap} bytes (--max-line-bytes)"
                ),
            }));
        }
        let mut doc = Document {
            id,
            url,
            date: warc_date,
            location,
            ..Default::default()
        };
        if html {
            let text = decode_html(&body, charset.as_deref());
            match main_text(&text, doc.url.as_deref()) {
                Some(page) => {
                    doc.text = page.text;
                    doc.title = page.title;
                    if let Some(d) = page.published.as_deref().and_then(parse_date) {
                        doc.date = Some(d);
                    }
                    doc.lang = page
                        .lang
                        .as_deref()
                        .or(content_language.as_deref())
                        .and_then(|l| Lang::from_code(l.split(',').next().unwrap_or("")));
                }
                None => {
                    return Some(Err(Reject {
                        id: Some(doc.id),
                        location: doc.location,
                        reason: "HTML page has no readable main text".into(),
                    }))
                }
            }
        } else {
            doc.text = match super::string_from_utf8(body) {
                Ok(t) => t,
                Err(body) => {
                    self.note("invalid UTF-8 replaced with U+FFFD", &doc.location, "");
                    String::from_utf8_lossy(&body).into_owned()
                }
            };
            // Common Crawl's WET names the detected languages, most likely first.
            doc.lang = lang_hint
                .as_deref()
                .and_then(|l| Lang::from_code(l.split(',').next().unwrap_or("")));
        }
        Some(Ok(doc))
    }
}

/// HTML bytes as text: the charset the HTTP header names, else the page's own
/// `<meta charset>`, else UTF-8 (WHATWG decoding, as browsers do).
fn decode_html(body: &[u8], charset: Option<&str>) -> String {
    let sniffed = || {
        let head = String::from_utf8_lossy(&body[..body.len().min(2048)]).to_ascii_lowercase();
        let at = head.find("charset=")? + "charset=".len();
        let name: String = head[at..]
            .trim_start_matches(['"', '\''])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
            .collect();
        Some(name)
    };
    let label = charset.map(str::to_string).or_else(sniffed);
    let encoding = label
        .and_then(|l| encoding_rs::Encoding::for_label(l.as_bytes()))
        .unwrap_or(encoding_rs::UTF_8);
    encoding.decode(body).0.into_owned()
}

/// What a page's main text extraction gives.
pub struct Page {
    pub title: Option<String>,
    pub text: String,
    pub lang: Option<String>,
    pub published: Option<String>,
}

/// The main text of an HTML page, boilerplate stripped (dom_smoothie), or `None`
/// when it finds none.
pub fn main_text(html: &str, url: Option<&str>) -> Option<Page> {
    let config = dom_smoothie::Config {
        // Bounded work on huge pages.
        max_elements_to_parse: 100_000,
        text_mode: dom_smoothie::TextMode::Formatted,
        ..Default::default()
    };
    let mut readability = dom_smoothie::Readability::new(html, url, Some(config)).ok()?;
    let article = readability.parse().ok()?;
    let text = article.text_content.trim().to_string();
    if text.is_empty() {
        return None;
    }
    Some(Page {
        title: Some(article.title.trim().to_string()).filter(|t| !t.is_empty()),
        text,
        lang: article.lang,
        published: article.published_time,
    })
}
