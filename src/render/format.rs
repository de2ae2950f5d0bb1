//! The output formats: one `--format` for every command, and the one table of which formats
//! each view writes (`OutputKind::formats`), so a command asked for a format it cannot write says
//! so in the same sentence everywhere. The data views (summaries, groups, lists, watch lines,
//! trace lines) share the four `DataFormat`s.

use clap::ValueEnum;

/// Output format, shared by every command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns (or wrapped text) for people; also spelt `text`.
    #[default]
    #[value(alias = "text")]
    Table,
    /// `STATE COUNT` lines exactly as the netstat+awk one-liner prints them.
    Plain,
    /// JSON (schema in the README).
    Json,
    /// CSV with a header row.
    Csv,
    /// Graphviz DOT (`fsm`).
    Dot,
    /// Mermaid `stateDiagram-v2` (`fsm`).
    Mermaid,
    /// A monitoring-plugin status line with perfdata (`check`).
    Nagios,
}

/// The formats of socket data (summaries, groups, lists): the subset of `Format` those
/// commands write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DataFormat {
    #[default]
    Table,
    Plain,
    Json,
    Csv,
}

impl DataFormat {
    /// The data format for `--format f`, or `None` when `f` is not one.
    pub fn of(f: Format) -> Option<DataFormat> {
        match f {
            Format::Table => Some(DataFormat::Table),
            Format::Plain => Some(DataFormat::Plain),
            Format::Json => Some(DataFormat::Json),
            Format::Csv => Some(DataFormat::Csv),
            Format::Dot | Format::Mermaid | Format::Nagios => None,
        }
    }
}

/// What a command shows, as far as formats go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    Summary,
    List,
    Watch,
    Trace,
    Check,
    Explain,
    Fsm,
    /// `fleet`: the summary matrix from Prometheus.
    Fleet,
    /// `fleet check`.
    FleetCheck,
    /// `conntrack`: counts of the conntrack table, or groups of its entries.
    Conntrack,
    /// `conntrack list`.
    ConntrackList,
    /// `ipvs`.
    Ipvs,
}

impl OutputKind {
    /// The command word, for messages.
    pub fn command(self) -> &'static str {
        match self {
            OutputKind::Summary => "summary",
            OutputKind::List => "list",
            OutputKind::Watch => "watch",
            OutputKind::Trace => "trace",
            OutputKind::Check => "check",
            OutputKind::Explain => "explain",
            OutputKind::Fsm => "fsm",
            OutputKind::Fleet => "fleet",
            OutputKind::FleetCheck => "fleet check",
            OutputKind::Conntrack => "conntrack",
            OutputKind::ConntrackList => "conntrack list",
            OutputKind::Ipvs => "ipvs",
        }
    }

    /// The formats this view writes.
    pub fn formats(self) -> &'static [Format] {
        use Format::*;
        match self {
            OutputKind::Summary
            | OutputKind::List
            | OutputKind::Watch
            | OutputKind::Trace
            | OutputKind::Fleet
            | OutputKind::Conntrack
            | OutputKind::ConntrackList
            | OutputKind::Ipvs => &[Table, Plain, Json, Csv],
            OutputKind::Check => &[Table, Plain, Json, Nagios],
            OutputKind::Explain => &[Table, Json],
            OutputKind::FleetCheck => &[Table, Json, Nagios],
            OutputKind::Fsm => &[Table, Dot, Mermaid, Json],
        }
    }

    /// Prose views call `table` by its alias `text`.
    fn is_prose(self) -> bool {
        matches!(self, OutputKind::Explain | OutputKind::Fsm)
    }
}

/// A format the command cannot write.
#[derive(Debug, thiserror::Error)]
#[error("`{command}` cannot write --format {format}; it writes: {valid}")]
pub struct UnwritableFormat {
    pub command: &'static str,
    pub format: String,
    pub valid: String,
}

impl Format {
    /// The word `--format` takes for this format.
    pub fn word(self) -> String {
        self.to_possible_value()
            .map(|v| v.get_name().to_string())
            .unwrap_or_default()
    }

    /// This format, if `view` writes it.
    pub fn for_view(self, view: OutputKind) -> Result<Format, UnwritableFormat> {
        if view.formats().contains(&self) {
            return Ok(self);
        }
        let valid: Vec<String> = view
            .formats()
            .iter()
            .map(|&f| {
                if f == Format::Table && view.is_prose() {
                    "text".to_string()
                } else {
                    f.word()
                }
            })
            .collect();
        Err(UnwritableFormat {
            command: view.command(),
            format: self.word(),
            valid: valid.join(", "),
        })
    }

    /// The data format of a data view, after `for_view`.
    pub fn data(self, view: OutputKind) -> Result<DataFormat, UnwritableFormat> {
        let f = self.for_view(view)?;
        DataFormat::of(f).ok_or_else(|| UnwritableFormat {
            command: view.command(),
            format: f.word(),
            valid: "table, plain, json, csv".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_table_one_sentence() {
        assert_eq!(
            Format::Csv.for_view(OutputKind::Summary).ok(),
            Some(Format::Csv)
        );
        assert_eq!(
            Format::Nagios
                .data(OutputKind::List)
                .unwrap_err()
                .to_string(),
            "`list` cannot write --format nagios; it writes: table, plain, json, csv"
        );
        assert_eq!(
            Format::Csv
                .for_view(OutputKind::Explain)
                .unwrap_err()
                .to_string(),
            "`explain` cannot write --format csv; it writes: text, json"
        );
        assert_eq!(
            Format::Plain
                .for_view(OutputKind::Fsm)
                .unwrap_err()
                .to_string(),
            "`fsm` cannot write --format plain; it writes: text, dot, mermaid, json"
        );
        assert!(Format::Nagios.for_view(OutputKind::Check).is_ok());
        for view in [
            OutputKind::Summary,
            OutputKind::List,
            OutputKind::Watch,
            OutputKind::Trace,
            OutputKind::Fleet,
        ] {
            for f in view.formats() {
                assert!(f.data(view).is_ok());
            }
        }
    }
}
