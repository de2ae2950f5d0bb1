//! The places a kernel table other than the sockets is read from (the conntrack and IPVS
//! tables), on the scope's one seam: live targets are the namespaces `source::scope` opens
//! (entered only through it), captures are the `--from` files, read as that table's text
//! rather than as socket captures, through the one line reader of table text here. The readers
//! of each table add their own methods.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};

use super::Unread;
use super::scope::{Place, Scope, ScopeSpec, Target};

/// A table's text (a `--from` capture or a /proc file) read line by line: `parse` reads a
/// line as an entry (`Some`), a line to pass over (`None`: a header, another protocol) or the
/// sentence saying why it cannot; entries go to `each` until it returns false, unreadable
/// lines to `unread` (an error with `strict`). A text that yields no entry but had lines it
/// could not read is not a quiet table: it is the wrong file, or a layout not understood, and
/// fails with one sentence naming the first such line instead of an empty count that looks
/// like an idle host.
pub fn read_text<T>(
    input: impl Read,
    name: &str,
    strict: bool,
    table: &str,
    parse: impl Fn(&str) -> Result<Option<T>, String>,
    each: &mut dyn FnMut(&T) -> bool,
    unread: &mut Vec<Unread>,
) -> Result<()> {
    let mut r = BufReader::with_capacity(256 * 1024, input);
    let mut line = Vec::with_capacity(512);
    let (mut n, mut entries) = (0u64, 0u64);
    loop {
        line.clear();
        if r.read_until(b'\n', &mut line)
            .with_context(|| format!("cannot read {name}"))?
            == 0
        {
            break;
        }
        n += 1;
        match parse(&String::from_utf8_lossy(&line)) {
            Ok(Some(e)) => {
                entries += 1;
                if !each(&e) {
                    return Ok(());
                }
            }
            Ok(None) => {}
            Err(why) if strict => return Err(anyhow!("{name}:{n}: {why}")),
            Err(why) => unread.push(Unread {
                file: name.to_string(),
                line: n,
                why,
            }),
        }
    }
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

/// `read_text` of a `--from` capture: the file at `path`, or standard input for `-`.
pub fn read_capture<T>(
    path: &Path,
    strict: bool,
    table: &str,
    parse: impl Fn(&str) -> Result<Option<T>, String>,
    each: &mut dyn FnMut(&T) -> bool,
    unread: &mut Vec<Unread>,
) -> Result<()> {
    let name = path.display().to_string();
    if name == "-" {
        return read_text(
            io::stdin().lock(),
            "<stdin>",
            strict,
            table,
            parse,
            each,
            unread,
        );
    }
    let f = File::open(path).with_context(|| format!("cannot read {name}"))?;
    read_text(f, &name, strict, table, parse, each, unread)
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
