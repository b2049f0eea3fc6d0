//! Errors and warnings about configuration files, each naming the file, the
//! field and the line, and a TOML reader that produces them.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use toml::de::{DeTable, DeValue};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file, relative to the configuration folder.
    pub file: PathBuf,
    /// The field as a path, such as `counters[2].queues[0]`; empty for the
    /// whole file.
    pub field: String,
    /// 1-based, where the field could be found.
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{label}: {}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if !self.field.is_empty() {
            write!(f, ": {}", self.field)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// One configuration file's text, to read values from and to point into.
pub struct Source {
    /// Relative to the configuration folder, for messages.
    pub file: PathBuf,
    pub text: String,
}

impl Source {
    /// # Errors
    /// The file cannot be read; the diagnostic says why.
    pub fn read(dir: &Path, file: impl Into<PathBuf>) -> Result<Self, Diagnostic> {
        let file = file.into();
        std::fs::read_to_string(dir.join(&file))
            .map(|text| Self {
                file: file.clone(),
                text,
            })
            .map_err(|e| Diagnostic {
                severity: Severity::Error,
                file,
                field: String::new(),
                line: None,
                message: format!("cannot read: {e}"),
            })
    }

    /// Deserializes the whole file, naming the field and line of the first
    /// problem: a syntax error, a missing or unknown field, a wrong type.
    ///
    /// # Errors
    /// The file is not valid TOML for `T`.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, Diagnostic> {
        let de = toml::de::Deserializer::parse(&self.text)
            .map_err(|e| self.toml_error(String::new(), &e))?;
        serde_path_to_error::deserialize(de).map_err(|e| {
            let field = e.path().to_string();
            let field = if field == "." { String::new() } else { field };
            let mut d = self.toml_error(field.clone(), e.inner());
            if d.line.is_none() {
                d.line = self.line_of(&field);
            }
            d
        })
    }

    fn toml_error(&self, field: String, e: &toml::de::Error) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            file: self.file.clone(),
            field,
            line: e.span().map(|s| self.line_at(s.start)),
            message: e.message().trim().to_owned(),
        }
    }

    fn line_at(&self, offset: usize) -> usize {
        self.text[..offset.min(self.text.len())]
            .matches('\n')
            .count()
            + 1
    }

    /// The line where `field` (such as `counters[2].queues[0]`) is written.
    pub fn line_of(&self, field: &str) -> Option<usize> {
        let doc = DeTable::parse(&self.text).ok()?;
        let mut span = doc.span();
        let mut value: Option<&DeValue<'_>> = None;
        let mut table: Option<&DeTable<'_>> = Some(doc.get_ref());
        for segment in split_path(field) {
            let next = match segment {
                Segment::Key(key) => table
                    .and_then(|t| t.get(key))
                    .or_else(|| value.and_then(|v| v.get(key))),
                Segment::Index(i) => value.and_then(|v| v.get(i)),
            }?;
            span = next.span();
            value = Some(next.get_ref());
            table = None;
        }
        Some(self.line_at(span.start))
    }

    pub fn error(&self, field: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        self.diagnostic(Severity::Error, field.into(), message.into())
    }

    pub fn warning(&self, field: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        self.diagnostic(Severity::Warning, field.into(), message.into())
    }

    fn diagnostic(&self, severity: Severity, field: String, message: String) -> Diagnostic {
        Diagnostic {
            severity,
            file: self.file.clone(),
            line: self.line_of(&field),
            field,
            message,
        }
    }
}

enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

fn split_path(field: &str) -> impl Iterator<Item = Segment<'_>> {
    field.split('.').filter(|s| !s.is_empty()).flat_map(|part| {
        let (key, rest) = part.split_once('[').unwrap_or((part, ""));
        let indices = rest
            .split('[')
            .filter_map(|i| i.trim_end_matches(']').parse().ok())
            .map(Segment::Index);
        (!key.is_empty())
            .then_some(Segment::Key(key))
            .into_iter()
            .chain(indices.collect::<Vec<_>>())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> Source {
        Source {
            file: "hall.toml".into(),
            text: text.into(),
        }
    }

    const TEXT: &str = "[hall]\nname = \"x\"\n\n[[queues]]\nprefix = \"A\"\n\n[[queues]]\nprefix = \"B\"\nservices = [\n  \"S1\",\n  \"S2\",\n]\n";

    #[test]
    fn finds_the_line_of_nested_fields() {
        let s = source(TEXT);
        assert_eq!(s.line_of("hall.name"), Some(2));
        assert_eq!(s.line_of("queues[1].prefix"), Some(8));
        assert_eq!(s.line_of("queues[1].services[1]"), Some(11));
        assert_eq!(s.line_of("queues[7]"), None);
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        queues: Vec<Queue>,
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Queue {
        prefix: String,
        cap: u32,
    }

    #[test]
    fn type_errors_name_field_and_line() {
        let s = source(
            "[[queues]]\nprefix = \"A\"\ncap = 1\n\n[[queues]]\nprefix = \"B\"\ncap = \"many\"\n",
        );
        let d = s.parse::<Doc>().unwrap_err();
        assert_eq!(d.field, "queues[1].cap");
        assert_eq!(d.line, Some(7));
        assert!(
            d.to_string()
                .starts_with("error: hall.toml:7: queues[1].cap: "),
            "{d}"
        );
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let d = source("[hall]\nname = \"x\n").parse::<Doc>().unwrap_err();
        assert_eq!(d.line, Some(2));
    }
}
