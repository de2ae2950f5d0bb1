//! The places a kernel table other than the sockets is read from (the conntrack and IPVS
//! tables), on the scope's one seam: live targets are the namespaces `source::scope` opens
//! (entered only through it), captures are the `--from` files, read as that table's text
//! rather than as socket captures. The readers of each table add their own methods.

use std::collections::HashSet;
use std::path::PathBuf;

use anyhow::{Result, anyhow};

use super::Unread;
use super::scope::{Place, Scope, ScopeSpec, Target};

/// A capture of a table that yielded no entry but had lines it could not read is not a quiet
/// table: it is the wrong file, or a layout not understood. One sentence naming the first
/// such line, instead of an empty count that looks like an idle host.
pub fn fail_if_nothing_read(entries: u64, unread: &[Unread], table: &str) -> Result<()> {
    match unread.first() {
        Some(u) if entries == 0 => Err(anyhow!(
            "{}:{}: {}; no {table} entry was read from {} ({} line{} not understood): is it {table} text?",
            u.file,
            u.line,
            u.why,
            u.file,
            unread.len(),
            if unread.len() == 1 { "" } else { "s" }
        )),
        _ => Ok(()),
    }
}

/// Where one target's table comes from.
pub enum TableInput {
    /// A live namespace.
    Live(Target),
    /// A saved text; `strict`: an unreadable line is an error.
    Capture { path: PathBuf, strict: bool },
}

/// One place a table is read from.
pub struct TableTarget {
    /// The name output shows: the host, a namespace, a capture's label.
    pub label: String,
    pub input: TableInput,
}

impl TableTarget {
    /// Whether this is a live table (its size, limit and statistics can be known).
    pub fn is_live(&self) -> bool {
        matches!(self.input, TableInput::Live(_))
    }
}

/// The targets of a scope, and the notices opening it gave.
pub fn targets(spec: ScopeSpec) -> Result<(Vec<TableTarget>, Vec<String>)> {
    if let Place::Captures(files) = &spec.place {
        let mut used = HashSet::new();
        let out = files
            .iter()
            .map(|f| {
                let stem = f.label.clone().unwrap_or_else(|| {
                    f.path
                        .file_stem()
                        .map_or("stdin".into(), |s| s.to_string_lossy().into_owned())
                });
                // Two files with one stem get `web1` and `web1 (2)`.
                let mut label = stem.clone();
                let mut i = 2;
                while !used.insert(label.clone()) {
                    label = format!("{stem} ({i})");
                    i += 1;
                }
                TableTarget {
                    label,
                    input: TableInput::Capture {
                        path: f.path.clone(),
                        strict: f.strict,
                    },
                }
            })
            .collect();
        return Ok((out, Vec::new()));
    }
    let mut scope = Scope::open(spec)?;
    let notices = scope.take_notices();
    let out = scope
        .into_targets()
        .into_iter()
        .map(|t| TableTarget {
            label: t.label.clone(),
            input: TableInput::Live(t),
        })
        .collect();
    Ok((out, notices))
}
