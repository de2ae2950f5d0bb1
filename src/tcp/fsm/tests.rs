//! Unit tests of the transition table, the checks and the ladder.
use super::*;

fn has(from: TcpState, event: Event, to: TcpState, sends: Option<Segment>) -> bool {
    TRANSITIONS
        .iter()
        .any(|t| t.from == from && t.event == event && t.to == to && t.sends == sends)
}

#[test]
fn every_rfc_9293_diagram_transition_is_present() {
    let diagram = [
        (S::Close, Event::Call(C::Listen), S::Listen, None),
        (S::Close, Event::Call(C::Connect), S::SynSent, Some(G::Syn)),
        (S::Listen, CLOSE, S::Close, None),
        (S::Listen, recv(G::Syn), S::SynRecv, Some(G::SynAck)),
        (S::Listen, Event::Call(C::Send), S::SynSent, Some(G::Syn)),
        (S::SynSent, CLOSE, S::Close, None),
        (S::SynSent, recv(G::Syn), S::SynRecv, Some(G::SynAck)),
        (S::SynSent, recv(G::SynAck), S::Established, Some(G::Ack)),
        (S::SynRecv, recv(G::Ack), S::Established, None),
        (S::SynRecv, CLOSE, S::FinWait1, Some(G::Fin)),
        (S::SynRecv, recv(G::Rst), S::Listen, None),
        (S::Established, CLOSE, S::FinWait1, Some(G::Fin)),
        (S::Established, recv(G::Fin), S::CloseWait, Some(G::Ack)),
        (S::FinWait1, recv(G::Ack), S::FinWait2, None),
        (S::FinWait1, recv(G::Fin), S::Closing, Some(G::Ack)),
        (S::FinWait1, recv(G::FinAck), S::TimeWait, Some(G::Ack)),
        (S::FinWait2, recv(G::Fin), S::TimeWait, Some(G::Ack)),
        (S::Closing, recv(G::Ack), S::TimeWait, None),
        (S::CloseWait, CLOSE, S::LastAck, Some(G::Fin)),
        (S::LastAck, recv(G::Ack), S::Close, None),
        (
            S::TimeWait,
            Event::Timeout(Timeout::TimeWait),
            S::Close,
            None,
        ),
        (
            S::SynSent,
            Event::Timeout(Timeout::SynRetries),
            S::Close,
            None,
        ),
    ];
    for (from, event, to, sends) in diagram {
        assert!(
            has(from, event, to, sends),
            "{from} --{event:?}--> {to} missing"
        );
        let t = TRANSITIONS
            .iter()
            .find(|t| t.from == from && t.event == event && t.to == to)
            .unwrap();
        assert!(!t.linux_only, "{from} -> {to} is RFC 9293, not Linux-only");
    }
}

#[test]
fn impossible_moves_are_rejected() {
    assert!(!allowed(S::Listen, S::FinWait2));
    assert!(!allowed(S::TimeWait, S::Established));
    assert!(!allowed(S::Close, S::Established));
    assert!(!allowed(S::CloseWait, S::FinWait1));
    assert!(!allowed(S::Established, S::Established));
    let e = check_path(&[S::Close, S::Listen, S::FinWait2]).unwrap_err();
    assert_eq!(e.step, 2);
    assert_eq!((e.from, e.to), (S::Listen, S::FinWait2));
    assert_eq!(e.reachable, vec![S::Close, S::SynRecv, S::SynSent]);
}

#[test]
fn client_and_server_paths_are_possible() {
    let client = [
        S::Close,
        S::SynSent,
        S::Established,
        S::FinWait1,
        S::FinWait2,
        S::TimeWait,
        S::Close,
    ];
    let server = [
        S::Close,
        S::Listen,
        S::SynRecv,
        S::Established,
        S::CloseWait,
        S::LastAck,
        S::Close,
    ];
    assert_eq!(check_path(&client), Ok(PossiblePath::default()));
    assert_eq!(check_path(&server), Ok(PossiblePath::default()));
    // The ladder's sides are exactly these paths.
    for (role, want) in [(Role::Client, client), (Role::Server, server)] {
        let mut got: Vec<TcpState> = path(role).map(|s| s.from).collect();
        got.extend(path(role).last().map(|s| s.to));
        assert_eq!(got, want);
    }
}

#[test]
fn ladder_steps_are_transitions_and_segments_are_answered() {
    for s in LADDER {
        assert!(
            has(s.from, s.event, s.to, s.sends),
            "{:?} step {} -> {} not in table",
            s.role,
            s.from,
            s.to
        );
    }
    // Every segment sent is received by the other side in a later step.
    for (i, s) in LADDER.iter().enumerate() {
        if let Some(seg) = s.sends {
            let answered = LADDER[i + 1..]
                .iter()
                .find(|n| n.role != s.role && matches!(n.event, Event::Receive(_)));
            assert_eq!(answered.map(|n| n.event), Some(Event::Receive(seg)));
        }
    }
}

#[test]
fn linux_tracepoint_moves_are_allowed_and_marked() {
    for (from, to) in [
        (S::SynSent, S::Established),
        (S::Established, S::CloseWait),
        (S::FinWait1, S::FinWait2),
        (S::Close, S::SynSent),
        (S::Listen, S::Close),
        (S::NewSynRecv, S::Established),
        (S::Listen, S::NewSynRecv),
        (S::BoundInactive, S::Listen),
    ] {
        assert!(allowed(from, to), "{from} -> {to}");
    }
    for (from, to) in [
        (S::FinWait2, S::Close),
        (S::Established, S::Close),
        (S::Closing, S::Close),
    ] {
        assert!(allowed(from, to));
        assert!(linux_only(from, to), "{from} -> {to} should be Linux-only");
    }
    let p = check_path(&[S::Established, S::FinWait1, S::FinWait2, S::Close]).unwrap();
    assert_eq!(p.linux_only_steps, vec![3]);
}

#[test]
fn less_common_rfc_moves() {
    for (from, to) in [
        (S::SynSent, S::SynRecv),
        (S::SynRecv, S::Listen),
        (S::SynRecv, S::FinWait1),
        (S::SynSent, S::Close),
        (S::Listen, S::SynSent),
        (S::FinWait1, S::Closing),
        (S::Closing, S::TimeWait),
        (S::FinWait1, S::TimeWait),
        (S::Listen, S::Close),
    ] {
        assert!(allowed(from, to) && !linux_only(from, to), "{from} -> {to}");
    }
}

#[test]
fn successors_are_unique_and_every_state_is_in_the_table() {
    for s in TcpState::MACHINE {
        let next: Vec<_> = successors(s).collect();
        let mut dedup = next.clone();
        dedup.sort();
        dedup.dedup();
        assert_eq!(next.len(), dedup.len());
        assert!(TRANSITIONS.iter().any(|t| t.from == s) && TRANSITIONS.iter().any(|t| t.to == s));
    }
    // Every transition's note, if Linux-only, is a Linux note.
    for t in TRANSITIONS {
        if t.linux_only {
            assert!(t.note.is_some_and(Note::is_linux));
        }
    }
}
