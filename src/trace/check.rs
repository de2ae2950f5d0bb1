//! Checking each traced transition against the TCP state machine. The trace engine asks a
//! [`TransitionCheck`]; a transition it does not allow is flagged, never dropped.
//!
//! TEMPORARY: [`MinimalTable`] is a stand-in so this branch can be tested on its own. At merge
//! it is replaced by `tcp::fsm::allowed` (RFC 9293 + Linux), written on another branch: an
//! `impl TransitionCheck` that calls it, and the table below deleted.

use crate::tcp::state::TcpState;

/// Whether the state machine allows a move from one state to another.
pub trait TransitionCheck {
    fn allowed(&self, from: TcpState, to: TcpState) -> bool;
}

impl<F: Fn(TcpState, TcpState) -> bool> TransitionCheck for F {
    fn allowed(&self, from: TcpState, to: TcpState) -> bool {
        self(from, to)
    }
}

/// TEMPORARY stand-in for `tcp::fsm::allowed` (replace at merge). The moves Linux reports
/// through `sock:inet_sock_set_state`, plus the RFC moves into TIME_WAIT that tcpstate infers.
#[derive(Debug, Clone, Copy, Default)]
pub struct MinimalTable;

impl TransitionCheck for MinimalTable {
    fn allowed(&self, from: TcpState, to: TcpState) -> bool {
        use TcpState::*;
        matches!(
            (from.reported(), to.reported()),
            (Close, SynSent | Listen)
                | (Listen, Close | SynRecv)
                | (SynSent, Established | SynRecv | Close)
                | (SynRecv, Established | FinWait1 | Close)
                | (Established, FinWait1 | CloseWait | Close)
                | (FinWait1, FinWait2 | Closing | TimeWait | Close)
                | (FinWait2, TimeWait | Close)
                | (Closing, TimeWait | Close)
                | (CloseWait, LastAck | Close)
                | (LastAck, Close)
                | (TimeWait, Close)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TcpState::*;

    #[test]
    fn lives_are_allowed() {
        let t = MinimalTable;
        for path in [
            &[Close, SynSent, Established, FinWait1, FinWait2, Close][..],
            &[Listen, SynRecv, Established, CloseWait, LastAck, Close],
            &[Established, FinWait1, Closing, Close],
        ] {
            for w in path.windows(2) {
                assert!(t.allowed(w[0], w[1]), "{} -> {}", w[0], w[1]);
            }
        }
        assert!(!t.allowed(Close, Established));
        assert!(!t.allowed(Listen, Established));
        assert!(!t.allowed(CloseWait, FinWait1));
        assert!(!t.allowed(Close, Close));
        let always = |_: TcpState, _: TcpState| true;
        assert!(always.allowed(Close, Close));
    }
}
