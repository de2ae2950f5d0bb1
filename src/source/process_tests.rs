//! The process map's own checks: socket links, owners by inode and by listener, namespaces.

use super::*;
use crate::socket::{Endpoint, Family};

#[test]
fn socket_links() {
    assert_eq!(parse_socket_link(b"socket:[48213]"), Some(48213));
    assert_eq!(parse_socket_link(b"pipe:[48213]"), None);
    assert_eq!(parse_socket_link(b"/dev/null"), None);
    assert_eq!(parse_socket_link(b"socket:[]"), Some(0));
}

fn sock(state: TcpState, ip: &str, port: u16, inode: u64) -> Socket {
    let mut s = Socket::new(
        Family::V4,
        state,
        Endpoint::new(ip.parse().unwrap(), port),
        Endpoint::unspecified(),
    );
    s.inode = Some(inode);
    s.netns = 7;
    s
}

#[test]
fn mini_sockets_go_to_the_listener_of_their_port() {
    let mut m = ProcessMap {
        procs: vec![
            Proc {
                pid: 10,
                comm: OnceLock::from(Box::from("nginx")),
            },
            Proc {
                pid: 11,
                comm: OnceLock::from(Box::from("nginx")),
            },
            Proc {
                pid: 20,
                comm: OnceLock::from(Box::from("sshd")),
            },
        ],
        owners: vec![(100, 0), (100, 1), (200, 2), (300, 1)],
        ..ProcessMap::default()
    };
    m.add_listener(&sock(TcpState::Listen, "0.0.0.0", 80, 100));
    m.add_listener(&sock(TcpState::Listen, "127.0.0.1", 22, 200));
    let pids = |a: Attribution| a.owners().map(|o| o.pid).collect::<Vec<_>>();

    let est = sock(TcpState::Established, "10.0.0.1", 80, 300);
    assert_eq!(pids(m.owners(&est)), [11]);
    assert!(!m.owners(&est).via_listener);

    let tw = sock(TcpState::TimeWait, "10.0.0.1", 80, 0);
    let a = m.owners(&tw);
    assert!(a.via_listener);
    assert_eq!(pids(a), [10, 11]);
    assert_eq!(a.owners().next().unwrap().command, "nginx");

    let syn = sock(TcpState::SynRecv, "127.0.0.1", 22, 0);
    assert_eq!(pids(m.owners(&syn)), [20]);

    // A client-side TIME_WAIT on an ephemeral port, or a listener in another namespace.
    let client = sock(TcpState::TimeWait, "127.0.0.1", 40001, 0);
    assert!(m.owners(&client).is_empty());
    let mut other_ns = tw.clone();
    other_ns.netns = 8;
    assert!(m.owners(&other_ns).is_empty());
    // An inode nobody holds.
    assert!(
        m.owners(&sock(TcpState::CloseWait, "::1", 5, 999))
            .is_empty()
    );
}

#[test]
fn scans_this_process() {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let ino = {
        use std::os::fd::AsRawFd;
        let link = std::fs::read_link(format!("/proc/self/fd/{}", l.as_raw_fd())).unwrap();
        parse_socket_link(link.as_os_str().as_encoded_bytes()).unwrap()
    };
    let m = ProcessMap::scan(None);
    let s = sock(TcpState::Listen, "127.0.0.1", 1, ino);
    let owners: Vec<_> = m.owners(&s).owners().map(|o| o.pid).collect();
    assert_eq!(owners, [std::process::id()]);
}

#[test]
fn threaded_and_serial_reads_agree() {
    use std::os::fd::AsRawFd;
    let ls: Vec<_> = (0..40)
        .map(|_| std::net::TcpListener::bind("127.0.0.1:0").unwrap())
        .collect();
    let mine: Vec<u64> = ls
        .iter()
        .map(|l| {
            let link = std::fs::read_link(format!("/proc/self/fd/{}", l.as_raw_fd())).unwrap();
            parse_socket_link(link.as_os_str().as_encoded_bytes()).unwrap()
        })
        .collect();
    let read = |parallel_min| {
        let dir = rustix::fs::open(
            "/proc/self/fd",
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .unwrap();
        let mut buf = vec![MaybeUninit::uninit(); 4096];
        let mut batch = Batch::default();
        batch.add(std::process::id(), dir, &mut buf);
        let mut m = ProcessMap::default();
        batch.resolve_into(&mut m, parallel_min);
        m.owners.sort_unstable();
        m.owners
    };
    // Other tests open and close sockets meanwhile: compare ours only.
    let ours = |v: Vec<(u64, u32)>| -> Vec<u64> {
        let mut v: Vec<u64> = v
            .into_iter()
            .map(|(i, _)| i)
            .filter(|i| mine.contains(i))
            .collect();
        v.sort_unstable();
        v
    };
    let serial = ours(read(usize::MAX));
    assert_eq!(serial.len(), 40);
    assert_eq!(ours(read(0)), serial);
}
