//! Counting traced events beside another command (`serve --events`, `check --events`,
//! `watch --events`): the refusals they share — a kind only `trace` shows, a scope other than
//! the caller's namespace (the tracepoints see every namespace and do not say which a socket
//! is in), a filter word an event cannot match — and the start of the counter thread with a
//! snapshot of this namespace telling inbound from outbound.

use anyhow::Result;

use super::{UsageError, open_scope};
use crate::cli::{Common, SsFilterArgs};
use tcpstate::serve::events::{EventCounters, Tally};
use tcpstate::source::scope::Scope;
use tcpstate::trace::{EventKind, EventKinds};

/// What a command counting events says about itself in its refusals and notices.
pub struct Counting {
    /// `serve`, `check`, `watch`.
    pub who: &'static str,
    /// What to do instead of `--netns` / `--all-netns`, after a semicolon.
    pub instead: &'static str,
}

/// Start counting `kinds` into `tally`, host-wide, after the refusals in the module doc.
pub fn start<T: Tally>(
    common: &Common,
    ss: &SsFilterArgs,
    c: &Counting,
    kinds: EventKinds,
    pages: usize,
    scope: &Scope,
    tally: T,
) -> Result<EventCounters<T>> {
    let who = c.who;
    if let Some(k) = kinds
        .iter()
        .find(|k| !matches!(k, EventKind::Retrans | EventKind::Reset | EventKind::Drop))
    {
        return Err(UsageError(format!(
            "{who} --events counts retrans, reset and drop; '{}' is for tcpstate trace",
            k.key()
        ))
        .into());
    }
    if !scope.is_caller_namespace() {
        return Err(UsageError(format!(
            "{who} --events cannot be split by network namespace (the kernel's tracepoints see every namespace and do not say which a socket is in); {}",
            c.instead
        ))
        .into());
    }
    let filter = common.filter(ss)?;
    if let Some(word) = filter.expr.as_ref().and_then(|e| e.kernel_only()) {
        return Err(UsageError(format!(
            "{who} --events cannot filter events by '{word}': a traced event carries addresses and ports only"
        ))
        .into());
    }
    let snapshot = open_scope(common, false)?
        .into_targets()
        .pop()
        .and_then(|t| t.into_live_source());
    EventCounters::start(kinds, filter, tally, pages, snapshot, who)
}
