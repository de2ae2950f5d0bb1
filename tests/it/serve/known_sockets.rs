//! The known IPv6 sockets every counting test relies on: two listeners on ::1, one with
//! connections waiting in its accept queue, one with accepted connections, a CLOSE_WAIT and
//! its FIN_WAIT2 peer and two TIME_WAIT entries; made inside the namespace and waited for until
//! the kernel shows exactly those counts. Also checks that the exporter's one-walk dump sees
//! what the per-family dumps see.

use std::collections::BTreeMap;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::time::Duration;

use socket2::Socket;
use tcpstate::analyze::count::Counts;
use tcpstate::source::netlink::NetlinkSource;
use tcpstate::source::{Query, Source};
use tcpstate::{Family, TcpState};
use tcpstate_population::Server;
use tcpstate_population::sockets::{listener, read_eof};

use crate::common;
use crate::common::{Netns, poll};

/// The sockets the test holds open, all on ::1 inside the namespace.
pub(super) struct Population {
    _keep: Vec<Box<dyn Send>>,
    /// Listener with 3 connections waiting in its accept queue (backlog 8).
    pub(super) port_a: u16,
    /// Listener with 2 accepted connections, 1 CLOSE_WAIT and 2 TIME_WAIT (backlog 16).
    pub(super) port_b: u16,
}

/// The known IPv6 counts of the population.
pub(super) fn expected_v6() -> BTreeMap<TcpState, u64> {
    BTreeMap::from([
        (TcpState::Listen, 2),
        // A: 3 queued + 3 clients; B: 2 accepted + 2 clients.
        (TcpState::Established, 10),
        (TcpState::CloseWait, 1),
        (TcpState::FinWait2, 1),
        (TcpState::TimeWait, 2),
    ])
}

/// A listener on ::1, on a port the kernel picks, with an explicit backlog (std's is fixed).
pub(super) fn listen_v6(backlog: usize) -> TcpListener {
    listener(Server::new(common::Family::V6, 0), backlog)
        .expect("a listener on ::1")
        .into()
}

/// Make the population; must run inside the namespace.
pub(super) fn populate() -> Population {
    let mut keep: Vec<Box<dyn Send>> = Vec::new();
    let a = listen_v6(8);
    let port_a = a.local_addr().unwrap().port();
    for _ in 0..3 {
        keep.push(Box::new(
            TcpStream::connect(a.local_addr().unwrap()).unwrap(),
        ));
    }
    let b = listen_v6(16);
    let port_b = b.local_addr().unwrap().port();
    let addr_b = b.local_addr().unwrap();
    for _ in 0..2 {
        keep.push(Box::new(TcpStream::connect(addr_b).unwrap()));
        keep.push(Box::new(b.accept().unwrap().0));
    }
    // CLOSE_WAIT on the server side, FIN_WAIT2 on the client side: the client closes.
    let client = TcpStream::connect(addr_b).unwrap();
    let server = Socket::from(b.accept().unwrap().0);
    drop(client);
    read_eof(&server).expect("the client's FIN");
    keep.push(Box::new(server));
    // TIME_WAIT on the server side: the server closes first, then the client.
    for _ in 0..2 {
        let client = Socket::from(TcpStream::connect(addr_b).unwrap());
        let server = b.accept().unwrap().0;
        server.shutdown(Shutdown::Both).unwrap();
        drop(server);
        read_eof(&client).expect("the server's FIN");
        drop(client);
    }
    keep.push(Box::new(a));
    keep.push(Box::new(b));
    Population {
        _keep: keep,
        port_a,
        port_b,
    }
}

/// IPv6 counts as the kernel reports them now; must run inside the namespace.
pub(super) fn kernel_v6_counts() -> Counts {
    let mut counts = Counts::new();
    let mut src = NetlinkSource::open().unwrap();
    let q = Query {
        v4: false,
        ..Query::default()
    };
    src.run(&q, &mut counts).unwrap();
    counts
}

/// Make the population and wait (bounded) until the kernel shows exactly the known counts.
pub(super) fn settled_population(ns: &Netns) -> Population {
    let pop = ns.inside(populate);
    let settled = poll(Duration::from_secs(5), Duration::from_millis(50), || {
        let c = ns.inside(kernel_v6_counts);
        TcpState::REPORTED
            .iter()
            .all(|&s| c.get_family(Family::V6, s) == expected_v6().get(&s).copied().unwrap_or(0))
            .then_some(())
    });
    if settled.is_none() {
        let c = ns.inside(kernel_v6_counts);
        panic!("the population never settled: {:?}", c.all_rows());
    }
    pop
}

#[test]
fn one_walk_dump_sees_what_the_per_family_dumps_see() {
    let Some(ns) = Netns::new("serve-walk") else {
        return;
    };
    let _pop = settled_population(&ns);
    let (ordered, unordered, n_ordered, n_unordered) = ns.inside(|| {
        // Some IPv4 sockets too: a listener and one connection to it.
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let _c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
        let _s = l.accept().unwrap();
        let mut src = NetlinkSource::open().unwrap();
        let (mut a, mut b) = (Counts::new(), Counts::new());
        let ra = src.run(&Query::default(), &mut a).unwrap();
        let rb = src.run_unordered(&Query::default(), &mut b).unwrap();
        (a, b, ra.sockets, rb.sockets)
    });
    assert_eq!(n_ordered, n_unordered);
    assert_eq!(ordered, unordered);
    assert_eq!(unordered.get_family(Family::V4, TcpState::Established), 2);
    assert_eq!(unordered.get_family(Family::V4, TcpState::Listen), 1);
    assert_eq!(unordered.get_family(Family::V6, TcpState::Established), 10);
}
