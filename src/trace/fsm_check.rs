//! Checking each traced transition against the TCP state machine of `tcp::fsm` (RFC 9293 with
//! the Linux moves the tracepoint reports). The trace engine asks a [`TransitionCheck`]; a
//! transition it does not allow is flagged, never dropped.

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

/// The project's state machine, `tcp::fsm::allowed`.
#[derive(Debug, Clone, Copy, Default)]
pub struct StateMachine;

impl TransitionCheck for StateMachine {
    fn allowed(&self, from: TcpState, to: TcpState) -> bool {
        crate::tcp::fsm::allowed(from, to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TcpState::*;

    #[test]
    fn what_the_tracepoint_reports_is_allowed() {
        let t = StateMachine;
        for path in [
            &[Close, SynSent, Established, FinWait1, FinWait2, Close][..],
            &[Close, Listen, Close],
            &[Listen, SynRecv, Established, CloseWait, LastAck, Close],
            &[NewSynRecv, Established],
            &[Established, FinWait1, Closing, Close],
            &[SynSent, Close],
            &[Established, Close],
        ] {
            for w in path.windows(2) {
                assert!(t.allowed(w[0], w[1]), "{} -> {}", w[0], w[1]);
            }
        }
        assert!(!t.allowed(Close, Established));
        assert!(!t.allowed(Listen, Established));
        assert!(!t.allowed(CloseWait, FinWait1));
        assert!(!t.allowed(TimeWait, Established));
        let always = |_: TcpState, _: TcpState| true;
        assert!(always.allowed(Close, Close));
    }
}
