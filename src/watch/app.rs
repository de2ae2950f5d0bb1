//! The dashboard's state and keys: which state is selected, how its sockets are grouped, which
//! view is open, whether sampling is paused, and everything derived from the last two samples —
//! per-state changes and rates, the history behind each sparkline, the groups that moved most,
//! the kernel counters as rates. It neither samples nor draws: the loop in `watch` feeds it
//! samples and key presses, and `ui` reads it.

use std::cell::Cell;
use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::events::EventRates;
use super::sample::{GroupSample, Sample, SampleRequest, SocketSample};
use crate::analyze::count::Counts;
use crate::analyze::group::{GroupBy, Key};
use crate::analyze::listener::ListenQueue;
use crate::kernel::counters::Counters;
use crate::tcp::state::{StateSet, TcpState};

/// The groupings `g` cycles through. Process attribution (`-p`) plugs in here as one more
/// `GroupBy` once it exists.
pub const GROUPINGS: [GroupBy; 4] = [
    GroupBy::RemoteIp,
    GroupBy::LocalPort,
    GroupBy::RemotePort,
    GroupBy::LocalIp,
];

/// Where a kernel counter lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// `/proc/net/netstat`, `TcpExt:` lines.
    TcpExt,
    /// `/proc/net/snmp`, `Tcp:` lines.
    Tcp,
}

/// A kernel counter the dashboard shows as a rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Watched {
    pub section: Section,
    pub name: &'static str,
    /// Short label on screen.
    pub label: &'static str,
    /// Whether any increase is a sign of trouble (shown in red).
    pub alarm: bool,
}

const fn w(section: Section, name: &'static str, label: &'static str, alarm: bool) -> Watched {
    Watched {
        section,
        name,
        label,
        alarm,
    }
}

/// The counters that matter for connection states: accept queues overflowing, TIME_WAIT
/// buckets running out, resets, and the rate of new connections for scale.
pub const WATCHED: [Watched; 8] = [
    w(Section::TcpExt, "ListenOverflows", "ListenOverflows", true),
    w(Section::TcpExt, "ListenDrops", "ListenDrops", true),
    w(
        Section::TcpExt,
        "TCPTimeWaitOverflow",
        "TimeWaitOverflow",
        true,
    ),
    w(Section::Tcp, "OutRsts", "OutRsts", false),
    w(Section::Tcp, "EstabResets", "EstabResets", false),
    w(Section::Tcp, "ActiveOpens", "ActiveOpens", false),
    w(Section::Tcp, "PassiveOpens", "PassiveOpens", false),
    w(Section::Tcp, "RetransSegs", "RetransSegs", false),
];

impl Watched {
    pub fn value(&self, c: &Counters) -> i64 {
        match self.section {
            Section::TcpExt => c.ext(self.name),
            Section::Tcp => c.tcp(self.name),
        }
    }
}

/// The most points a sparkline history keeps per state, whatever `--history` says.
pub const HISTORY_LIMIT: usize = 10_000;

/// What the dashboard is set up with.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    pub interval: Duration,
    pub history: Duration,
    pub by: GroupBy,
    /// The states the filter lets through: the rows of the state table.
    pub states: StateSet,
    pub host: String,
    /// `--events`: the dashboard has an events panel.
    pub events: bool,
}

/// Which screen is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Dashboard,
    /// The sockets of the selected state, netstat's six columns.
    Sockets,
}

/// A count and how it changed: one row of the state table, or its total.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Change {
    pub count: u64,
    /// Change since the previous sample (none before the second sample).
    pub delta: Option<i64>,
    /// That change per second.
    pub rate: Option<f64>,
}

/// Drops per second of each listener of `now` since the same socket in `prev`: found by
/// cookie in a map, else (no cookie) by address.
fn drop_rates(prev: &[ListenQueue], now: &[ListenQueue], elapsed: Duration) -> Vec<Option<f64>> {
    let by_cookie: HashMap<u64, &ListenQueue> =
        prev.iter().filter_map(|p| Some((p.cookie?, p))).collect();
    now.iter()
        .map(|l| {
            let before = match l.cookie {
                Some(c) => by_cookie.get(&c).copied(),
                None => prev.iter().find(|p| p.same_socket(l)),
            }?;
            l.drop_rate(before, elapsed)
        })
        .collect()
}

/// A group of the selected state and how much it moved since the previous sample.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mover {
    pub key: Key,
    pub count: u64,
    /// None when the previous sample grouped another state or by another key.
    pub delta: Option<i64>,
}

/// A kernel counter as a rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CounterRate {
    pub watched: Watched,
    pub total: i64,
    pub rate: Option<f64>,
}

/// The dashboard's state.
#[derive(Debug)]
pub struct App {
    pub opts: WatchOptions,
    /// The rows of the state table, kernel order.
    pub states: Vec<TcpState>,
    /// Index into `states`.
    pub selected: usize,
    pub by: GroupBy,
    pub view: View,
    /// First socket shown in the socket list.
    pub scroll: usize,
    pub help: bool,
    pub paused: bool,
    pub quit: bool,
    /// Counts per state (parallel to `states`), oldest first.
    history: Vec<VecDeque<u64>>,
    history_cap: usize,
    pub last: Option<Sample>,
    prev_counts: Option<Counts>,
    /// Time between the last two samples.
    pub elapsed: Option<Duration>,
    pub movers: Vec<Mover>,
    pub counter_rates: Vec<CounterRate>,
    /// Drops per second of each listener of the last sample (in its order), since the same
    /// socket's previous sample; `None` before that or when a count is unknown.
    pub listener_drop_rates: Vec<Option<f64>>,
    /// Traced events per second since the previous sample (`--events`); `None` before the
    /// second sample or without `--events`.
    pub event_rates: Option<EventRates>,
    /// Samples taken so far.
    pub samples: u64,
    /// The last sampling error, shown until the next good sample.
    pub error: Option<String>,
    /// The last notice a source printed.
    pub notice: Option<String>,
    /// Socket rows that fit on screen, set by the drawing (for PageUp/PageDown).
    pub page: Cell<usize>,
    /// What to sample changed (state, grouping, socket list): sample again soon.
    pub resample: bool,
}

impl App {
    pub fn new(opts: WatchOptions) -> App {
        // Sockets of unknown state (a FreeBSD `netstat -T` capture) have the last row, which
        // the drawing shows only once some are seen.
        let states: Vec<TcpState> = TcpState::COUNTED
            .into_iter()
            .filter(|&s| opts.states.contains(s))
            .collect();
        let points = opts.history.as_secs_f64() / opts.interval.as_secs_f64().max(0.001);
        let history_cap = (points.ceil() as usize).clamp(2, HISTORY_LIMIT);
        App {
            history: vec![VecDeque::new(); states.len()],
            history_cap,
            by: opts.by,
            opts,
            states,
            selected: 0,
            view: View::Dashboard,
            scroll: 0,
            help: false,
            paused: false,
            quit: false,
            last: None,
            prev_counts: None,
            elapsed: None,
            movers: Vec::new(),
            counter_rates: Vec::new(),
            listener_drop_rates: Vec::new(),
            event_rates: None,
            samples: 0,
            error: None,
            notice: None,
            page: Cell::new(10),
            resample: false,
        }
    }

    pub fn selected_state(&self) -> TcpState {
        self.states
            .get(self.selected)
            .copied()
            .unwrap_or(TcpState::Established)
    }

    /// What the next sample must hold.
    pub fn request(&self) -> SampleRequest {
        let state = self.selected_state();
        SampleRequest {
            groups: Some((state, self.by)),
            listeners: true,
            sockets: (self.view == View::Sockets).then_some(state),
            counters: true,
        }
    }

    /// How many points the history keeps per state.
    pub fn history_cap(&self) -> usize {
        self.history_cap
    }

    /// The history of the state in row `i`, oldest first, with the sample number of its first
    /// point (so that a drawing can bucket points at fixed boundaries).
    pub fn history(&self, i: usize) -> (u64, &VecDeque<u64>) {
        static EMPTY: VecDeque<u64> = VecDeque::new();
        match self.history.get(i) {
            Some(h) => (self.samples - h.len() as u64, h),
            None => (self.samples, &EMPTY),
        }
    }

    /// Whether the state in row `i` was non-zero at any time in the history.
    pub fn ever_nonzero(&self, i: usize) -> bool {
        self.history
            .get(i)
            .is_some_and(|h| h.iter().any(|&n| n > 0))
    }

    /// The state table's rows, parallel to `states` (empty before the first sample).
    pub fn rows(&self) -> Vec<Change> {
        let Some(last) = &self.last else {
            return Vec::new();
        };
        self.states
            .iter()
            .map(|&s| self.change(last.counts.get(s), |c| c.get(s)))
            .collect()
    }

    /// The table's total row.
    pub fn total(&self) -> Option<Change> {
        let last = self.last.as_ref()?;
        Some(self.change(last.counts.total(), Counts::total))
    }

    fn change(&self, count: u64, prev: impl Fn(&Counts) -> u64) -> Change {
        let delta = self
            .prev_counts
            .as_ref()
            .map(|p| count as i64 - prev(p) as i64);
        let rate = match (delta, self.elapsed) {
            (Some(d), Some(e)) if e > Duration::ZERO => Some(d as f64 / e.as_secs_f64()),
            _ => None,
        };
        Change { count, delta, rate }
    }

    /// The last sample's groups, if they are of the selected state and grouping.
    pub fn current_groups(&self) -> Option<&GroupSample> {
        let g = self.last.as_ref()?.groups.as_ref()?;
        (g.state == self.selected_state() && g.by == self.by).then_some(g)
    }

    /// The last sample's sockets, if they are of the selected state.
    pub fn current_sockets(&self) -> Option<&SocketSample> {
        let s = self.last.as_ref()?.sockets.as_ref()?;
        (s.state == self.selected_state()).then_some(s)
    }

    /// Take in a new sample.
    pub fn on_sample(&mut self, s: Sample) {
        self.elapsed = self.last.as_ref().map(|l| s.taken.duration_since(l.taken));
        for (i, &st) in self.states.iter().enumerate() {
            let h = &mut self.history[i];
            h.push_back(s.counts.get(st));
            while h.len() > self.history_cap {
                h.pop_front();
            }
        }
        let prev_groups = self.last.as_ref().and_then(|l| l.groups.as_ref());
        self.movers = match &s.groups {
            Some(g) => movers(
                prev_groups.filter(|p| p.state == g.state && p.by == g.by),
                g,
            ),
            None => Vec::new(),
        };
        let prev_counters = self.last.as_ref().and_then(|l| l.counters.as_ref());
        self.counter_rates = match &s.counters {
            Some(c) => counter_rates(prev_counters, c, self.elapsed),
            None => Vec::new(),
        };
        self.listener_drop_rates = match (self.last.as_ref(), self.elapsed) {
            (Some(prev), Some(elapsed)) => drop_rates(&prev.listeners, &s.listeners, elapsed),
            _ => vec![None; s.listeners.len()],
        };
        self.event_rates = match (&s.events, self.elapsed) {
            (Some(c), Some(elapsed)) => Some(EventRates::of(c, elapsed)),
            _ => None,
        };
        self.prev_counts = self.last.take().map(|l| l.counts);
        self.last = Some(s);
        self.samples += 1;
        self.error = None;
    }

    /// A sample failed: say so and keep the last good one.
    pub fn on_error(&mut self, e: &anyhow::Error) {
        let msg = e
            .chain()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join(": ");
        self.error = Some(msg);
    }

    fn select(&mut self, by: isize) {
        if self.states.is_empty() {
            return;
        }
        let n = self.states.len() as isize;
        let next = (self.selected as isize + by).clamp(0, n - 1) as usize;
        if next != self.selected {
            self.selected = next;
            self.resample = true;
        }
    }

    fn regroup(&mut self, forward: bool) {
        let i = GROUPINGS.iter().position(|&g| g == self.by).unwrap_or(0);
        let n = GROUPINGS.len();
        self.by = GROUPINGS[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }];
        self.resample = true;
    }

    fn scroll_by(&mut self, by: isize) {
        let len = self.current_sockets().map_or(0, |s| s.sockets.len());
        let max = len.saturating_sub(self.page.get().max(1));
        self.scroll = (self.scroll as isize + by).clamp(0, max as isize) as usize;
    }

    /// React to a key.
    pub fn on_key(&mut self, k: KeyEvent) {
        if k.kind != KeyEventKind::Press {
            return;
        }
        if k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char('c') {
            self.quit = true;
            return;
        }
        if self.help {
            // Any key closes the help.
            self.help = false;
            return;
        }
        let page = self.page.get().max(1) as isize;
        match (self.view, k.code) {
            (_, KeyCode::Char('q')) => self.quit = true,
            (_, KeyCode::Char('?') | KeyCode::F(1)) => self.help = true,
            (_, KeyCode::Char('p') | KeyCode::Char(' ')) => {
                self.paused = !self.paused;
                if !self.paused {
                    self.resample = true;
                }
            }
            (View::Dashboard, KeyCode::Up | KeyCode::Char('k')) => self.select(-1),
            (View::Dashboard, KeyCode::Down | KeyCode::Char('j')) => self.select(1),
            (View::Dashboard, KeyCode::Home) => self.select(-(self.states.len() as isize)),
            (View::Dashboard, KeyCode::End) => self.select(self.states.len() as isize),
            (View::Dashboard, KeyCode::Enter | KeyCode::Right) => {
                self.view = View::Sockets;
                self.scroll = 0;
                self.resample = true;
            }
            (View::Dashboard, KeyCode::Char('g')) => self.regroup(true),
            (View::Dashboard, KeyCode::Char('G')) => self.regroup(false),
            (
                View::Sockets,
                KeyCode::Esc | KeyCode::Backspace | KeyCode::Left | KeyCode::Char('h'),
            ) => self.view = View::Dashboard,
            (View::Sockets, KeyCode::Up | KeyCode::Char('k')) => self.scroll_by(-1),
            (View::Sockets, KeyCode::Down | KeyCode::Char('j')) => self.scroll_by(1),
            (View::Sockets, KeyCode::PageUp) => self.scroll_by(-page),
            (View::Sockets, KeyCode::PageDown) => self.scroll_by(page),
            (View::Sockets, KeyCode::Home) => self.scroll = 0,
            (View::Sockets, KeyCode::End) => self.scroll_by(isize::MAX / 2),
            _ => {}
        }
    }
}

/// The groups of `cur` with their change since `prev`: those that moved most first (groups
/// that vanished included, at 0), then the largest. Without `prev`, largest first.
fn movers(prev: Option<&GroupSample>, cur: &GroupSample) -> Vec<Mover> {
    let mut out: Vec<Mover> = Vec::with_capacity(cur.groups.len());
    match prev {
        Some(p) => {
            let mut before: HashMap<&Key, u64> =
                p.groups.iter().map(|g| (&g.key, g.total)).collect();
            for g in &cur.groups {
                let was = before.remove(&g.key).unwrap_or(0);
                out.push(Mover {
                    key: g.key.clone(),
                    count: g.total,
                    delta: Some(g.total as i64 - was as i64),
                });
            }
            for (k, was) in before {
                out.push(Mover {
                    key: k.clone(),
                    count: 0,
                    delta: Some(-(was as i64)),
                });
            }
            out.sort_by(|a, b| {
                let (da, db) = (a.delta.unwrap_or(0).abs(), b.delta.unwrap_or(0).abs());
                db.cmp(&da)
                    .then(b.count.cmp(&a.count))
                    .then_with(|| a.key.cmp(&b.key))
            });
        }
        None => out.extend(cur.groups.iter().map(|g| Mover {
            key: g.key.clone(),
            count: g.total,
            delta: None,
        })),
    }
    out
}

fn counter_rates(
    prev: Option<&Counters>,
    cur: &Counters,
    elapsed: Option<Duration>,
) -> Vec<CounterRate> {
    WATCHED
        .iter()
        .map(|w| {
            let total = w.value(cur);
            let rate = match (prev, elapsed) {
                (Some(p), Some(e)) if e > Duration::ZERO => {
                    Some((total - w.value(p)).max(0) as f64 / e.as_secs_f64())
                }
                _ => None,
            };
            CounterRate {
                watched: *w,
                total,
                rate,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::sample::tests::{Fixed, sock};
    use super::super::sample::{Probe, take};
    use super::*;

    fn app() -> App {
        App::new(WatchOptions {
            interval: Duration::from_secs(1),
            history: Duration::from_secs(60),
            by: GroupBy::RemoteIp,
            states: StateSet::ALL,
            host: "h".into(),
            events: false,
        })
    }

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    fn feed(app: &mut App, probe: &mut dyn Probe) {
        let s = take(probe, &app.request()).unwrap();
        app.on_sample(s);
    }

    #[test]
    fn deltas_movers_and_history() {
        let mut a = app();
        assert_eq!(a.history_cap(), 60);
        let mut p = Fixed(vec![
            sock(TcpState::Established, 80, 2, 1),
            sock(TcpState::Established, 80, 3, 2),
        ]);
        feed(&mut a, &mut p);
        assert_eq!(a.rows()[0].count, 2);
        assert_eq!(a.rows()[0].delta, None);
        assert!(a.movers.iter().all(|m| m.delta.is_none()));
        p.0.push(sock(TcpState::Established, 80, 3, 3));
        p.0.push(sock(TcpState::Established, 80, 3, 4));
        p.0.remove(0);
        feed(&mut a, &mut p);
        let r = &a.rows()[0];
        assert_eq!((r.count, r.delta), (3, Some(1)));
        assert!(r.rate.is_some());
        // 127.0.0.3 went from 1 to 3, 127.0.0.2 from 1 to 0.
        assert_eq!(a.movers[0].key.to_string(), "127.0.0.3");
        assert_eq!(a.movers[0].delta, Some(2));
        assert_eq!(a.movers[1].count, 0);
        assert_eq!(a.movers[1].delta, Some(-1));
        let (first, h) = a.history(0);
        assert_eq!((first, h.len()), (0, 2));
        assert_eq!(a.total().unwrap().count, 3);
    }

    #[test]
    fn keys() {
        let mut a = app();
        assert_eq!(a.selected_state(), TcpState::Established);
        a.on_key(key(KeyCode::Up));
        assert_eq!(a.selected, 0);
        a.on_key(key(KeyCode::Down));
        assert_eq!(a.selected_state(), TcpState::SynSent);
        assert!(a.resample);
        a.on_key(key(KeyCode::Char('g')));
        assert_eq!(a.by, GroupBy::LocalPort);
        a.on_key(key(KeyCode::Char('G')));
        assert_eq!(a.by, GroupBy::RemoteIp);
        a.on_key(key(KeyCode::Enter));
        assert_eq!(a.view, View::Sockets);
        assert_eq!(a.request().sockets, Some(TcpState::SynSent));
        a.on_key(key(KeyCode::Esc));
        assert_eq!(a.view, View::Dashboard);
        a.on_key(key(KeyCode::Char('?')));
        assert!(a.help);
        a.on_key(key(KeyCode::Char('q')));
        assert!(!a.help && !a.quit, "a key closes the help first");
        a.on_key(key(KeyCode::Char('p')));
        assert!(a.paused);
        a.on_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
        assert!(a.quit);
    }

    #[test]
    fn rows_follow_the_state_filter() {
        let a = App::new(WatchOptions {
            states: StateSet::of(&[TcpState::TimeWait, TcpState::CloseWait]),
            ..app().opts
        });
        assert_eq!(a.states, vec![TcpState::TimeWait, TcpState::CloseWait]);
        assert_eq!(a.selected_state(), TcpState::TimeWait);
    }
}
