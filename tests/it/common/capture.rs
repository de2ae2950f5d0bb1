//! Helpers shared by the capture tests: fixture paths, and a sink that tallies sockets per
//! state and family (keeping them for closer checks) and takes saved-summary counts.

use std::collections::BTreeMap;
use std::path::PathBuf;

use tcpstate::source::capture::CaptureSource;
use tcpstate::source::{Query, Report, Source};
use tcpstate::{Family, Flow, Sink, Socket, TcpState};

pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/captures")
        .join(rel)
}

/// Counts per state (as parsed), per family, and aggregates.
#[derive(Default, Debug)]
pub struct Tally {
    pub states: BTreeMap<TcpState, u64>,
    pub families: [u64; 2],
    pub sockets: Vec<Socket>,
}

impl Sink for Tally {
    fn socket(&mut self, s: &Socket) -> std::io::Result<Flow> {
        *self.states.entry(s.state).or_default() += 1;
        self.families[s.family.index()] += 1;
        self.sockets.push(s.clone());
        Ok(Flow::Continue)
    }

    fn aggregate(
        &mut self,
        _family: Option<Family>,
        state: TcpState,
        n: u64,
    ) -> std::io::Result<Flow> {
        *self.states.entry(state).or_default() += n;
        Ok(Flow::Continue)
    }
}

pub fn map(pairs: &[(TcpState, u64)]) -> BTreeMap<TcpState, u64> {
    let mut m = BTreeMap::new();
    for &(s, n) in pairs {
        *m.entry(s).or_default() += n;
    }
    m
}

pub fn run(mut src: CaptureSource) -> (Tally, Report) {
    let mut t = Tally::default();
    let r = src
        .run(&Query::default(), &mut t)
        .unwrap_or_else(|e| panic!("{}: {e}", src.name()));
    assert_eq!(r.sockets, t.sockets.len() as u64);
    (t, r)
}

pub fn run_file(rel: &str) -> (Tally, Report) {
    run(CaptureSource::open(fixture(rel)))
}

pub fn unread_lines(r: &Report) -> Vec<u64> {
    r.unread.iter().map(|u| u.line).collect()
}

/// What `ss -Htan state X | wc -l` said in the namespace while the Linux captures were made.
pub const LINUX: &[(TcpState, u64)] = &[
    (TcpState::Established, 12),
    (TcpState::FinWait2, 3),
    (TcpState::TimeWait, 6),
    (TcpState::CloseWait, 3),
    (TcpState::Listen, 4),
];
