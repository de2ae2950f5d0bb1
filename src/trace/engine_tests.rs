//! Tests of the trace engine on hand-made events.
use super::*;
use crate::socket::Endpoint;
use crate::tcp::state::StateSet;
use crate::trace::fsm_check::StateMachine;
use crate::trace::owner::NoProcessScan;
use TcpState::*;

fn ev(ts: u64, sk: u64, old: TcpState, new: TcpState, local: u16, remote: u16) -> RawEvent {
    RawEvent {
        ts,
        cpu: 0,
        pid: std::process::id(),
        tid: std::process::id(),
        skaddr: sk,
        old,
        new,
        family: Family::V4,
        local: SocketAddr::from(([127, 0, 0, 1], local)),
        remote: SocketAddr::from(([127, 0, 0, 1], remote)),
    }
}

#[test]
fn time_in_state_owner_and_flags() {
    let f = Filter::default();
    let mut e = Engine::new(&f, StateMachine, NoProcessScan, 0);
    let a = e.event(&ev(10, 1, Close, SynSent, 0, 80)).unwrap();
    assert_eq!(a.dwell, Dwell::Unknown);
    assert_eq!(a.owner.source, OwnerSource::Connect);
    let b = e.event(&ev(25, 1, SynSent, Established, 5000, 80)).unwrap();
    assert_eq!(b.dwell, Dwell::Exact(15));
    assert_eq!(b.owner.source, OwnerSource::Connect);
    assert!(!b.unexpected);
    e.event(&ev(30, 1, Established, FinWait1, 5000, 80));
    e.event(&ev(31, 1, FinWait1, FinWait2, 5000, 80));
    let c = e.event(&ev(40, 1, FinWait2, Close, 5000, 80)).unwrap();
    assert_eq!(c.closing_for, Some(10));
    assert_eq!(e.summary().closes.items.len(), 1);
    assert_eq!(e.summary().handshakes.items[0].ns, 15);
    // Not allowed: flagged, still shown.
    let d = e.event(&ev(50, 2, Close, Established, 6000, 80)).unwrap();
    assert!(d.unexpected);
    assert_eq!(e.summary().shown, 6);
    assert_eq!(e.summary().get(SynSent, Established), 1);
    assert_eq!(e.summary().unexpected, 1);
}

#[test]
fn seeded_sockets_and_close_wait() {
    let f = Filter::default();
    let mut e = Engine::new(&f, StateMachine, NoProcessScan, 100);
    let mut s = Socket::new(
        Family::V4,
        Established,
        Endpoint::new([127, 0, 0, 1].into(), 7000),
        Endpoint::new([127, 0, 0, 1].into(), 80),
    );
    e.seed(&s);
    s.local.port = Some(7001);
    s.state = CloseWait;
    e.seed(&s);
    let t = e
        .event(&ev(150, 9, Established, CloseWait, 7000, 80))
        .unwrap();
    assert_eq!(t.dwell, Dwell::AtLeast(50));
    let sum = e.finish(1000);
    assert_eq!(sum.close_wait.len(), 2);
    assert!(sum.close_wait.iter().all(|g| g.count == 1));
    let seeded = sum
        .close_wait
        .iter()
        .find(|g| g.local_port == 7001)
        .unwrap();
    assert!(seeded.at_least && seeded.oldest_ns == 900);
}

#[test]
fn filters_by_port_and_state() {
    let mut f = Filter::default();
    f.port.push(crate::filter::PortRange { lo: 80, hi: 80 });
    f.states = StateSet::of(&[CloseWait]);
    let mut e = Engine::new(&f, StateMachine, NoProcessScan, 0);
    assert!(
        e.event(&ev(1, 1, Established, CloseWait, 5000, 81))
            .is_none()
    );
    assert!(
        e.event(&ev(2, 2, Established, FinWait1, 5000, 80))
            .is_none()
    );
    assert!(
        e.event(&ev(3, 3, Established, CloseWait, 5000, 80))
            .is_some()
    );
    assert!(e.event(&ev(4, 3, CloseWait, LastAck, 5000, 80)).is_some());
    assert_eq!(e.summary().shown, 2);
    assert_eq!(e.summary().seen, 4);
}
