//! Which tracepoint a record comes from and how to decode it. Every tracepoint of a trace
//! writes into the same per-CPU ring buffers; the record's first field, `common_type`, is the
//! tracepoint's id, so one table maps it to the state-change decoder or to an incident
//! decoder.

use super::event::{Decoded, Layout};
use super::format::Field;
use super::incident::IncidentLayout;

/// Where `common_type` sits: the first field of every tracepoint record.
const COMMON_TYPE: Field = Field { offset: 0, size: 2 };

/// The decoders of one trace.
#[derive(Debug, Clone)]
pub struct Decoders {
    state_id: u64,
    state: Layout,
    /// (tracepoint id, layout, shortest record).
    incidents: Vec<(u64, IncidentLayout, usize)>,
}

impl Decoders {
    pub fn new(state_id: u64, state: Layout) -> Decoders {
        Decoders {
            state_id,
            state,
            incidents: Vec::new(),
        }
    }

    pub fn add(&mut self, id: u64, layout: IncidentLayout) {
        self.incidents.push((id, layout, layout.min_len()));
    }

    /// Decode one raw record.
    #[inline]
    pub fn decode(&self, raw: &[u8], ts: u64, cpu: u32, pid: u32, tid: u32) -> Decoded {
        if raw.len() < COMMON_TYPE.end() {
            return Decoded::Malformed;
        }
        let id = super::event::uint(raw, COMMON_TYPE);
        if id == self.state_id || self.incidents.is_empty() {
            return self.state.decode(raw, ts, cpu, pid, tid);
        }
        match self.incidents.iter().find(|(i, _, _)| *i == id) {
            Some((_, l, min)) if raw.len() >= *min => match l.decode(raw, ts, cpu, pid, tid) {
                Some(i) => Decoded::Incident(i),
                None => Decoded::OtherProtocol,
            },
            _ => Decoded::Malformed,
        }
    }
}
