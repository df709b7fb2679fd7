//! Parquet sources (feature `parquet`): each row is a record, its columns named by
//! the same [`Fields`](super::Fields) as JSONL's keys (a dotted path reaches into
//! struct columns). Parquet needs to seek, so it is read from files only.

use super::dates::parse_date;
use super::report::{with_report, SharedReport};
use super::{check_id, Document, DocumentSource, ReadOptions, Record, Reject};
use crate::Error;
use arrow_array::{Array, ArrayRef, RecordBatch, StructArray};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use std::path::Path;
use std::sync::Arc;

/// A Parquet file, batch by batch.
pub struct ParquetSource {
    name: String,
    batches: Option<ParquetRecordBatchReader>,
    batch: Option<RecordBatch>,
    row: usize,
    row_no: usize,
    options: Arc<ReadOptions>,
    report: Option<SharedReport>,
    /// A file that cannot be opened as Parquet: one reject.
    failed: Option<Reject>,
}

impl ParquetSource {
    pub(crate) fn open(
        path: &Path,
        options: Arc<ReadOptions>,
        report: Option<SharedReport>,
    ) -> Result<ParquetSource, Error> {
        let name = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|e| Error::Io {
            path: path.to_path_buf(),
            source: e,
        })?;
        let (batches, failed) = match ParquetRecordBatchReaderBuilder::try_new(file)
            .and_then(|b| b.with_batch_size(1024).build())
        {
            Ok(r) => (Some(r), None),
            Err(e) => (
                None,
                Some(Reject {
                    id: None,
                    location: name.clone(),
                    reason: format!("not a readable Parquet file: {e}"),
                }),
            ),
        };
        Ok(ParquetSource {
            name,
            batches,
            batch: None,
            row: 0,
            row_no: 0,
            options,
            report,
            failed,
        })
    }
}

impl DocumentSource for ParquetSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn looks_like(&self) -> Option<String> {
        Some("Parquet".into())
    }

    fn next_record(&mut self) -> Option<Result<Record, Error>> {
        if let Some(r) = self.failed.take() {
            return Some(Ok(Err(r)));
        }
        loop {
            if let Some(batch) = &self.batch {
                if self.row < batch.num_rows() {
                    let row = self.row;
                    self.row += 1;
                    self.row_no += 1;
                    let location = format!("{}:record {}", self.name, self.row_no);
                    let mut notes = Vec::new();
                    let rec = row_record(batch, row, location, &self.options, &mut notes);
                    if let (Some(r), Ok(doc)) = (&self.report, &rec) {
                        with_report(r, |r| {
                            for (kind, detail) in notes {
                                r.note(kind, &doc.location, &detail);
                            }
                        });
                    }
                    return Some(Ok(rec));
                }
            }
            match self.batches.as_mut()?.next()? {
                Ok(b) => {
                    self.batch = Some(b);
                    self.row = 0;
                }
                Err(e) => {
                    // A broken page ends the file: the rows after it are lost.
                    self.batches = None;
                    return Some(Ok(Err(Reject {
                        id: None,
                        location: format!("{}:record {}", self.name, self.row_no + 1),
                        reason: format!("Parquet data cannot be decoded from here on: {e}"),
                    })));
                }
            }
        }
    }
}

/// The column at a dotted path: the whole path as a column name first, then
/// through struct columns.
fn column(batch: &RecordBatch, path: &str) -> Option<ArrayRef> {
    if let Some(c) = batch.column_by_name(path) {
        return Some(c.clone());
    }
    let mut parts = path.split('.');
    let mut col = batch.column_by_name(parts.next()?)?.clone();
    for p in parts {
        let s = col.as_any().downcast_ref::<StructArray>()?;
        col = s.column_by_name(p)?.clone();
    }
    Some(col)
}

fn is_string(t: &DataType) -> bool {
    matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}

/// A cell as text (numbers as written, dates and timestamps in ISO 8601), `None`
/// when null or absent.
fn cell(batch: &RecordBatch, path: &str, row: usize) -> Option<(String, DataType)> {
    let col = column(batch, path)?;
    if col.is_null(row) {
        return None;
    }
    let f = ArrayFormatter::try_new(col.as_ref(), &FormatOptions::default()).ok()?;
    Some((f.value(row).to_string(), col.data_type().clone()))
}

fn row_record(
    batch: &RecordBatch,
    row: usize,
    location: String,
    options: &ReadOptions,
    notes: &mut Vec<(&'static str, String)>,
) -> Record {
    let fields = &options.fields;
    let reject = |id: Option<String>, location: String, reason: String| {
        Err(Reject {
            id,
            location,
            reason,
        })
    };
    let id = match cell(batch, &fields.id, row) {
        Some((id, t))
            if is_string(&t)
                || t.is_integer()
                || t.is_floating()
                || matches!(t, DataType::Decimal128(..) | DataType::Decimal256(..)) =>
        {
            id
        }
        Some((_, t)) => {
            return reject(
                None,
                location,
                format!("\"{}\" is {t}, not a string or number", fields.id),
            )
        }
        None => {
            return reject(
                None,
                location,
                format!("missing \"{}\" (string or number)", fields.id),
            )
        }
    };
    if let Err(reason) = check_id(&id) {
        return reject(Some(id), location, reason.into());
    }
    let text = match (column(batch, &fields.text), cell(batch, &fields.text, row)) {
        (None, _) => {
            let names: Vec<String> = batch
                .schema()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .take(8)
                .collect();
            notes.push((
                super::report::NO_TEXT_FIELD,
                format!("its columns are {}", names.join(", ")),
            ));
            String::new()
        }
        (Some(_), None) => String::new(),
        (Some(_), Some((t, dt))) if is_string(&dt) => t,
        (Some(_), Some((_, dt))) => {
            return reject(
                Some(id),
                location,
                format!("\"{}\" is {dt}, not a string", fields.text),
            )
        }
    };
    let get = |path: &str| {
        cell(batch, path, row)
            .map(|c| c.0)
            .filter(|s| !s.trim().is_empty())
    };
    let mut date = None;
    if let Some(raw) = fields.date.iter().find_map(|p| get(p)) {
        match parse_date(&raw) {
            Some(d) => date = Some(d),
            None => notes.push(("unparseable date (ignored)", raw.chars().take(60).collect())),
        }
    }
    let lang = get(&fields.lang)
        .and_then(|code| super::declared_lang(&code, || code.chars().take(40).collect(), notes));
    Ok(Document {
        id,
        text,
        title: get(&fields.title),
        url: get(&fields.url),
        date,
        lang,
        source: get(&fields.source),
        location,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Day, Fields, Input};
    use crate::lang::Lang;
    use arrow_array::{Int64Array, StringArray, TimestampSecondArray};
    use arrow_schema::{Field, Schema};

    #[test]
    fn rows_are_records_with_mapped_columns() {
        let dir = std::env::temp_dir().join(format!("tidings-parquet-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("news.parquet");
        let meta = StructArray::from(vec![(
            Arc::new(Field::new("lang", DataType::Utf8, true)),
            Arc::new(StringArray::from(vec![Some("de"), None, Some("xx")])) as ArrayRef,
        )]);
        let schema = Arc::new(Schema::new(vec![
            Field::new("doc_id", DataType::Int64, true),
            Field::new("body", DataType::Utf8, true),
            Field::new(
                "published",
                DataType::Timestamp(arrow_schema::TimeUnit::Second, None),
                true,
            ),
            Field::new("meta", meta.data_type().clone(), true),
        ]));
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(Int64Array::from(vec![
                    Some(9_007_199_254_740_993),
                    None,
                    Some(3),
                ])),
                Arc::new(StringArray::from(vec![
                    Some("Die Brücke ist offen."),
                    Some("no id"),
                    None,
                ])),
                Arc::new(TimestampSecondArray::from(vec![
                    Some(1_778_150_400),
                    None,
                    None,
                ])),
                Arc::new(meta),
            ],
        )
        .unwrap();
        let mut w = parquet::arrow::ArrowWriter::try_new(
            std::fs::File::create(&path).unwrap(),
            schema,
            None,
        )
        .unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
        let options = ReadOptions {
            fields: Fields {
                id: "doc_id".into(),
                text: "body".into(),
                date: vec!["published".into()],
                lang: "meta.lang".into(),
                ..Fields::default()
            },
            ..ReadOptions::default()
        };
        let mut src = Input::file(path.clone())
            .open_with(&Arc::new(options), None)
            .unwrap();
        let got: Vec<Record> = std::iter::from_fn(|| src.next_record())
            .map(Result::unwrap)
            .collect();
        assert_eq!(got.len(), 3);
        let first = got[0].as_ref().unwrap();
        assert_eq!(
            (
                first.id.as_str(),
                first.text.as_str(),
                first.date,
                first.lang
            ),
            (
                "9007199254740993",
                "Die Brücke ist offen.",
                Day::parse("2026-05-07"),
                Lang::from_code("deu")
            )
        );
        let second = got[1].as_ref().unwrap_err();
        assert!(
            second.reason.starts_with("missing \"doc_id\"")
                && second.location.ends_with(":record 2"),
            "{second:?}"
        );
        let third = got[2].as_ref().unwrap();
        assert_eq!(
            (third.id.as_str(), third.text.as_str(), third.lang),
            ("3", "", None)
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
