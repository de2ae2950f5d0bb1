//! One target of a scope: a place sockets come from (a live namespace's source or a saved
//! capture), with its label and, when live, its namespace and counter files. A target scans
//! itself through a filter into a sink, and answers what its namespace holds besides the
//! sockets (counters, sysctls, the conntrack table's census).

use anyhow::Result;

use super::capture::CaptureSource;
use super::netns::{self, Namespace, NetnsError};
use super::scope::{Order, Unsupported};
use super::{Query, Report, Source, SourceError};
use crate::filter::Filter;
use crate::kernel::counters::{CounterFiles, Counters};
use crate::kernel::facts::HostFacts;
use crate::sink::{Filtered, Sink, TargetInfo};
use crate::tcpinfo::Extensions;

pub(super) enum TargetInput {
    Live(Box<dyn Source + Send>),
    Capture(Box<CaptureSource>),
}

/// One place sockets come from.
pub struct Target {
    /// The name output shows: the host name, a namespace's name, a capture's label.
    pub label: String,
    /// Inode of the live namespace; `None` for a capture.
    pub netns: Option<u64>,
    /// The `netns` label of exported series: `None` for the caller's own namespace when no
    /// namespace was asked for.
    pub netns_label: Option<String>,
    pub(super) input: TargetInput,
    /// The namespace, held open to read sysctls inside it; `None` for the caller's own.
    pub(super) namespace: Option<Namespace>,
    pub(super) counters: Option<CounterFiles>,
}

impl Target {
    /// Whether the sockets come from the live kernel (so counters and sysctls belong to them).
    pub fn is_live(&self) -> bool {
        matches!(self.input, TargetInput::Live(_))
    }

    pub(super) fn info(&self, index: usize) -> TargetInfo<'_> {
        TargetInfo {
            label: &self.label,
            netns: self.netns,
            index,
        }
    }

    /// Push this target's sockets matching `filter` into `sink`, between `begin` and
    /// `finish`.
    pub fn scan(
        &mut self,
        index: usize,
        filter: &Filter,
        extensions: Extensions,
        sink: &mut dyn Sink,
        order: Order,
    ) -> Result<Report> {
        sink.begin(&self.info(index))?;
        let query = Query {
            extensions,
            ..filter.query()
        };
        let in_kernel = match &self.input {
            TargetInput::Live(s) => s.filters_in_kernel(),
            TargetInput::Capture(_) => false,
        };
        let left = filter
            .left_after(&query, in_kernel)
            .map_err(|e| Unsupported(format!("{}: {e}", self.label)))?;
        let mut filtered = Filtered {
            filter: &left,
            inner: sink,
        };
        let run = match &mut self.input {
            TargetInput::Live(s) => match order {
                Order::Families => s.run(&query, &mut filtered),
                Order::Any => s.run_unordered(&query, &mut filtered),
            },
            TargetInput::Capture(c) => {
                if c.holds_summary()? && !filter.only_states() {
                    return Err(Unsupported(format!(
                        "{} holds a saved summary (counts per state, no addresses or ports): \
                         only --state, -4 and -6 can filter it",
                        c.name()
                    ))
                    .into());
                }
                c.run(&query, &mut filtered)
            }
        };
        let report = match run {
            Ok(r) => r,
            // The sink's own error (a closed pipe) travels as itself.
            Err(SourceError::Sink(e)) => return Err(e.into()),
            Err(e) => return Err(e.into()),
        };
        sink.finish(&report)?;
        Ok(report)
    }

    /// The live source, for work beyond a scan (a listener dump); `None` for a capture.
    pub fn live_source(&mut self) -> Option<&mut (dyn Source + Send)> {
        match &mut self.input {
            TargetInput::Live(s) => Some(s.as_mut()),
            TargetInput::Capture(_) => None,
        }
    }

    /// The live source, taken over by the caller; `None` for a capture.
    pub fn into_live_source(self) -> Option<Box<dyn Source + Send>> {
        match self.input {
            TargetInput::Live(s) => Some(s),
            TargetInput::Capture(_) => None,
        }
    }

    /// The kernel's TCP counters of this target's namespace, read now; `None` for captures
    /// or when the files could not be opened.
    pub fn counters(&mut self) -> Option<std::io::Result<Counters>> {
        self.counters.as_mut().map(CounterFiles::read)
    }

    /// Run `f` inside this target's namespace (at once when it is the caller's own).
    pub fn inside<T: Send>(&self, f: impl FnOnce() -> T + Send) -> Result<T, NetnsError> {
        match &self.namespace {
            None => Ok(f()),
            Some(ns) => netns::within_one(ns, f),
        }
    }

    /// Counters and sysctls of this target's namespace; `None` for a capture.
    pub fn facts(&mut self) -> Result<Option<HostFacts>> {
        if !self.is_live() {
            return Ok(None);
        }
        let counters = self.counters().and_then(|r| r.ok());
        let mut facts = self.inside(HostFacts::read_sysctls)?;
        facts.counters = counters;
        facts.conntrack = self
            .inside(super::conntrack::census_here)?
            .map_err(|e| format!("{e:#}"))
            .transpose();
        Ok(Some(facts))
    }
}
