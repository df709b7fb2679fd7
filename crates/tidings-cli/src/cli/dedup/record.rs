//! What a record becomes: the line it was, with the added fields before its
//! closing brace.

use memchr::memmem;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use tidings::document::{Day, Document};
use tidings::story::VariantKind;

/// The fields dedup adds, in this order.
const ADDED: [&str; 4] = ["story", "article", "variant", "representative"];

/// What dedup adds to one record.
pub struct Added {
    /// `None` at `--level exact`, which clusters nothing.
    pub story: Option<String>,
    pub article: Option<String>,
    pub variant: VariantKind,
    /// The id of the record kept in this one's place (its own when kept).
    pub representative: String,
}

/// A record's top-level fields in order, each value unparsed (as written).
struct Fields<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'de: 'a, 'a> serde::Deserialize<'de> for Fields<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ObjectVisitor;
        impl<'de> Visitor<'de> for ObjectVisitor {
            type Value = Fields<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields<'de>, A::Error> {
                let mut fields = Vec::new();
                while let Some(Key(k)) = map.next_key()? {
                    fields.push((k, map.next_value()?));
                }
                Ok(Fields(fields))
            }
        }
        d.deserialize_map(ObjectVisitor)
    }
}

/// A key, borrowed from the line unless it had escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> serde::Deserialize<'de> for Key<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }

            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// The names of the added fields, with the prefix, as JSON strings.
pub struct Names {
    pub plain: [String; 4],
    json: [String; 4],
    /// The JSON strings, to find in a record.
    finders: [memmem::Finder<'static>; 4],
    /// Whether the prefix is all ASCII (see [`Names::may_clash`]).
    ascii: bool,
}

impl Names {
    pub fn new(prefix: &str) -> Names {
        let plain = ADDED.map(|n| format!("{prefix}{n}"));
        let json = plain
            .clone()
            .map(|n| serde_json::to_string(&n).unwrap_or_default());
        let finders = json
            .clone()
            .map(|n| memmem::Finder::new(n.as_bytes()).into_owned());
        Names {
            plain,
            json,
            finders,
            ascii: prefix.is_ascii(),
        }
    }

    /// False when no top-level key of `record` (a JSON object) can be one of the
    /// names, found without parsing it: none of them stands in it as a JSON string,
    /// and no `\u` escape writes a printable ASCII character (a name spelt with
    /// escapes, `"\u0073tory"`, would need one; escapes of other characters, as
    /// `ensure_ascii` encoders write every non-ASCII one, cannot spell an ASCII
    /// name). A name with a non-ASCII prefix is always looked for by parsing.
    fn may_clash(&self, record: &str) -> bool {
        let bytes = record.as_bytes();
        !self.ascii
            || self.finders.iter().any(|f| f.find(bytes).is_some())
            || memmem::find_iter(bytes, b"\\u00")
                .any(|i| matches!(bytes.get(i + 4), Some(b'2'..=b'7')))
    }

    /// `"story":…,"article":…,"variant":…,"representative":…` onto `out`.
    fn write(&self, added: &Added, out: &mut Vec<u8>) -> serde_json::Result<()> {
        let [story, article, variant, rep] = &self.json;
        field(out, story, &added.story)?;
        out.push(b',');
        field(out, article, &added.article)?;
        out.push(b',');
        field(out, variant, &added.variant)?;
        out.push(b',');
        field(out, rep, &added.representative)
    }

    fn is_added(&self, key: &str) -> bool {
        self.plain.iter().any(|n| n == key)
    }
}

/// `name:value` onto `out` (`name` already a JSON string).
fn field(out: &mut Vec<u8>, name: &str, value: &impl serde::Serialize) -> serde_json::Result<()> {
    out.extend_from_slice(name.as_bytes());
    out.push(b':');
    serde_json::to_writer(out, value)
}

/// A JSON record of what a reader found in a record that is no JSON of its own
/// (WARC, text, Parquet): `id`, `url`, `date` (`YYYY-MM-DD`), `title`, `text`,
/// `lang` (when declared), `source`; the ones it lacks left out.
fn fields_record(doc: &Document) -> String {
    let mut obj = serde_json::Map::new();
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            obj.insert(k.to_string(), serde_json::Value::String(v));
        }
    };
    put("id", Some(doc.id.clone()));
    put("url", doc.url.clone());
    put("date", doc.date.map(Day::to_iso));
    put("title", doc.title.clone());
    put("text", Some(doc.text.clone()));
    put("lang", doc.lang.map(|l| l.code().to_string()));
    put("source", doc.source.clone());
    serde_json::Value::Object(obj).to_string()
}

/// The record as written: a JSONL line as read (invalid UTF-8 replaced, as the
/// reader parsed it), else [`fields_record`].
pub fn record_text(raw: Option<&str>, doc: &Document) -> String {
    raw.map_or_else(|| fields_record(doc), str::to_string)
}

/// One output line: `record` (a JSON object) with the added fields before its
/// closing brace, every byte of it kept (white space around it aside); or, when
/// it has fields of the added names, rebuilt without them (their values gone;
/// every other value as written, keys re-escaped, white space between fields
/// gone). Returns whether it had such fields.
///
/// # Errors
/// `record` is not a JSON object (never for what the readers accept).
pub fn write_line(
    record: &str,
    added: &Added,
    names: &Names,
    out: &mut Vec<u8>,
) -> serde_json::Result<bool> {
    const JSON_SPACE: [char; 4] = [' ', '\t', '\n', '\r'];
    let trimmed = record.trim_matches(JSON_SPACE);
    // Parsed only when it may hold fields of the added names (or is no object).
    let own = if names.may_clash(trimmed) || !trimmed.ends_with('}') {
        let mut de = serde_json::Deserializer::from_str(trimmed);
        let fields: Fields = serde::Deserialize::deserialize(&mut de)?;
        de.end()?;
        Some(fields).filter(|f| f.0.iter().any(|(k, _)| names.is_added(k)))
    } else {
        None
    };
    match &own {
        Some(fields) => {
            out.push(b'{');
            for (k, v) in fields.0.iter().filter(|(k, _)| !names.is_added(k)) {
                serde_json::to_writer(&mut *out, k)?;
                out.push(b':');
                out.extend_from_slice(v.get().as_bytes());
                out.push(b',');
            }
        }
        None => {
            let head = &trimmed[..trimmed.len() - 1];
            out.extend_from_slice(head.as_bytes());
            if !head.trim_end_matches(JSON_SPACE).ends_with('{') {
                out.push(b',');
            }
        }
    }
    names.write(added, out)?;
    out.extend_from_slice(b"}\n");
    Ok(own.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (record, output line): the record as written with the fields added before
    /// its brace, or rebuilt without its own fields of those names.
    #[test]
    fn lines_keep_the_record_and_add_the_fields() {
        let added = Added {
            story: None,
            article: Some("a-1".into()),
            variant: VariantKind::NearDuplicate,
            representative: "r\"1".into(),
        };
        let tail =
            r#""story":null,"article":"a-1","variant":"near_duplicate","representative":"r\"1"}"#;
        let cases = [
            (
                r#"{"id":1,"x":1.0e5}"#,
                format!(r#"{{"id":1,"x":1.0e5,{tail}"#),
            ),
            (
                " { \"id\" : \"é\" } \r",
                format!("{{ \"id\" : \"é\" ,{tail}"),
            ),
            (
                r#"{"id":"a","story":{"x":1},"text":"the story"}"#,
                format!(r#"{{"id":"a","text":"the story",{tail}"#),
            ),
            (
                r#"{"id":"a","\u0076ariant":1,"b":[1, 2]}"#,
                format!(r#"{{"id":"a","b":[1, 2],{tail}"#),
            ),
            (" {  } ", format!("{{  {tail}")),
            // The names inside a value are not fields.
            (
                r#"{"id":"a","text":"\"story\" \u00e9"}"#,
                format!(r#"{{"id":"a","text":"\"story\" \u00e9",{tail}"#),
            ),
        ];
        let names = Names::new("");
        for (record, want) in cases {
            let mut out = Vec::new();
            write_line(record, &added, &names, &mut out).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), want + "\n", "{record}");
        }
        let mut out = Vec::new();
        assert!(write_line("[1]", &added, &names, &mut out).is_err());
    }
}
