//! Tests of the test fixture itself: populations of sockets in every state the fixture makes,
//! for IPv4 and IPv6, must show in `ss` inside the namespace with exactly the counts the
//! fixture promises, and stay so for a while; namespaces must get distinct names when made in
//! parallel and must be gone after their guard is dropped, also when a test panics. Without
//! root the tests skip with a reason.

use crate::common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use common::{Counts, Expected, Family, Netns, Population, STATES, require_tool};

/// Netns plus the tools a population needs, or `None` (with the reason printed).
fn setup(tag: &str) -> Option<Netns> {
    Netns::with_tools(tag, &["ss", "nft"])
}

/// Every state x family: what `ss -Htan -4|-6 state X` counts in the namespace against `want`.
fn mismatches_with_ss(ns: &Netns, want: &Expected) -> Vec<String> {
    let mut bad = Vec::new();
    for state in STATES {
        for family in Family::ALL {
            let seen = ns
                .ss_count(state.ss_filter, family.flag())
                .expect("ss runs in the namespace");
            let expected = want.get(&(state.netstat, family)).copied().unwrap_or(0);
            if seen != expected {
                bad.push(format!(
                    "{} {family}: fixture says {expected}, ss counts {seen}",
                    state.netstat
                ));
            }
        }
    }
    bad
}

fn assert_matches_ss(ns: &Netns, want: &Expected) {
    let bad = mismatches_with_ss(ns, want);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// The expected map must be exactly the requested counts, plus one LISTEN socket per SYN_RECV
/// listener.
fn assert_expected_is_requested(pop: &Population<'_>) {
    for family in Family::ALL {
        let asked = pop.requested(family);
        for (state, n) in asked.entries() {
            let extra = if state == "LISTEN" {
                asked
                    .syn_recv
                    .div_ceil(common::population::SYN_RECV_PER_LISTENER)
            } else {
                0
            };
            assert_eq!(
                pop.expected_count(state, family),
                n + extra,
                "{state} {family}"
            );
        }
    }
    assert!(pop.expected().values().all(|&n| n > 0), "no zero entries");
}

#[test]
fn every_state_in_both_families_matches_ss() {
    let Some(ns) = setup("every") else { return };
    let v4 = Counts {
        established: 5,
        listen: 2,
        time_wait: 4,
        close_wait: 3,
        fin_wait2: 3,
        syn_sent: 3,
        syn_recv: 4,
        fin_wait1: 2,
        last_ack: 2,
        closing: 3,
    };
    let v6 = Counts {
        established: 4,
        listen: 3,
        time_wait: 2,
        close_wait: 2,
        fin_wait2: 2,
        syn_sent: 2,
        syn_recv: 3,
        fin_wait1: 3,
        last_ack: 3,
        closing: 2,
    };
    let pop = Population::builder(&ns)
        .v4(v4)
        .v6(v6)
        .build()
        .expect("population builds");
    eprintln!(
        "built {} sockets in {:?}",
        v4.total() + v6.total(),
        pop.build_time()
    );
    assert_expected_is_requested(&pop);
    assert_matches_ss(&ns, pop.expected());
    // The states must hold, not just pass by: look again after more than one retransmission
    // timeout of the sockets that keep retransmitting (FIN_WAIT1, LAST_ACK, CLOSING).
    std::thread::sleep(Duration::from_millis(1500));
    assert_matches_ss(&ns, pop.expected());
    pop.verify().expect("population is stable");
}

#[test]
fn one_of_each_state() {
    let Some(ns) = setup("one") else { return };
    let pop = Population::builder(&ns)
        .both(Counts::each(1))
        .build()
        .expect("population builds");
    assert_expected_is_requested(&pop);
    assert_matches_ss(&ns, pop.expected());
}

#[test]
fn paired_states_take_independent_counts() {
    let Some(ns) = setup("uneven") else { return };
    let v4 = Counts {
        fin_wait2: 4,
        close_wait: 1,
        fin_wait1: 1,
        last_ack: 4,
        established: 3,
        ..Counts::default()
    };
    let v6 = Counts {
        fin_wait2: 1,
        close_wait: 4,
        fin_wait1: 4,
        last_ack: 0,
        established: 1,
        ..Counts::default()
    };
    let pop = Population::builder(&ns)
        .v4(v4)
        .v6(v6)
        .build()
        .expect("population builds");
    assert_expected_is_requested(&pop);
    assert_matches_ss(&ns, pop.expected());
}

#[test]
fn an_empty_population_makes_nothing() {
    let Some(ns) = setup("empty") else { return };
    let pop = Population::builder(&ns).build().expect("builds");
    assert!(pop.expected().is_empty());
    assert_eq!(pop.descriptors(), 0);
    assert_matches_ss(&ns, pop.expected());
}

#[test]
fn two_populations_share_a_namespace() {
    let Some(ns) = setup("share") else { return };
    let a = Population::builder(&ns)
        .v4(Counts::each(2))
        .build()
        .expect("first population");
    let b = Population::builder(&ns)
        .v6(Counts::each(1))
        .v4(Counts {
            time_wait: 3,
            listen: 1,
            ..Counts::default()
        })
        .build()
        .expect("second population");
    assert!(a.ports().is_disjoint(b.ports()));
    a.verify().expect("first population unchanged");
    let mut total = a.expected().clone();
    for (key, n) in b.expected() {
        *total.entry(*key).or_default() += n;
    }
    assert_matches_ss(&ns, &total);
}

#[test]
#[ignore = "flaky under load: 1 run in ~20 on a loaded machine, 13 of 600 bulk TIME_WAIT sockets stayed invisible to sock_diag for 30 s (under investigation); run with --ignored"]
fn bulk_population_matches_ss() {
    let Some(ns) = setup("bulk") else { return };
    let started = Instant::now();
    let pop = Population::bulk(&ns, 300, 600, 300, 600, 100).expect("bulk population");
    eprintln!(
        "bulk: {} sockets ({} descriptors) in {:?}",
        pop.expected().values().sum::<usize>(),
        pop.descriptors(),
        started.elapsed()
    );
    assert_eq!(pop.expected_count("ESTABLISHED", Family::V4), 600);
    assert_eq!(pop.expected_count("TIME_WAIT", Family::V4), 600);
    assert_eq!(pop.expected_count("CLOSE_WAIT", Family::V4), 300);
    assert_eq!(pop.expected_count("SYN_RECV", Family::V4), 600);
    assert_eq!(pop.expected_count("LISTEN", Family::V4), 101);
    assert_eq!(pop.descriptors(), 600 + 300 + 101);
    assert_matches_ss(&ns, pop.expected());
}

/// Thousands of sockets: run by hand (`cargo test --test fixture -- --ignored`) to see how
/// long a benchmark's setup takes.
#[test]
#[ignore = "slow: thousands of sockets"]
fn bulk_thousands() {
    let Some(ns) = setup("bulkbig") else { return };
    let started = Instant::now();
    let pop = Population::bulk(&ns, 3000, 8000, 2000, 6000, 1000).expect("bulk population");
    eprintln!(
        "bulk: {} sockets ({} descriptors) in {:?}",
        pop.expected().values().sum::<usize>(),
        pop.descriptors(),
        started.elapsed()
    );
    assert_matches_ss(&ns, pop.expected());
}

#[test]
fn counts_beyond_the_bounds_are_refused() {
    let Some(ns) = setup("bounds") else { return };
    let err = Population::bulk(&ns, 9000, 0, 0, 0, 0).expect_err("18,000 descriptors refused");
    assert!(format!("{err:#}").contains("descriptors"), "{err:#}");
}

fn netns_names() -> BTreeSet<String> {
    let out = std::process::Command::new("ip")
        .args(["netns", "list"])
        .output()
        .expect("ip netns list runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

#[test]
fn parallel_namespaces_get_distinct_names() {
    let made: Vec<Option<Netns>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8).map(|_| s.spawn(|| Netns::new("par"))).collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread creating a namespace"))
            .collect()
    });
    let Some(made) = made.into_iter().collect::<Option<Vec<Netns>>>() else {
        return;
    };
    let names: BTreeSet<String> = made.iter().map(|ns| ns.name().to_string()).collect();
    assert_eq!(names.len(), made.len(), "names are distinct: {names:?}");
    let pid = std::process::id().to_string();
    for name in &names {
        assert!(name.starts_with("tcpst-par-"), "{name}");
        assert!(name.contains(&pid), "{name} carries the pid");
    }
    let listed = netns_names();
    assert!(
        names.is_subset(&listed),
        "all listed: {names:?} in {listed:?}"
    );
    drop(made);
    let listed = netns_names();
    assert!(names.is_disjoint(&listed), "all removed: {listed:?}");
}

#[test]
fn namespace_is_gone_after_drop() {
    let Some(ns) = Netns::new("drop") else { return };
    let name = ns.name().to_string();
    assert!(netns_names().contains(&name));
    assert!(ns.path().exists());
    drop(ns);
    assert!(!netns_names().contains(&name), "{name} still listed");
}

#[test]
fn namespace_is_gone_after_a_panic_with_sockets_in_it() {
    if Netns::new("probe").is_none() {
        return;
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let result = std::thread::spawn(move || {
        let ns = Netns::new("panic").expect("namespace (root was checked)");
        tx.send(ns.name().to_string()).expect("send name");
        let _pop = Population::builder(&ns)
            .v4(Counts {
                established: 2,
                listen: 1,
                ..Counts::default()
            })
            .build()
            .expect("population builds");
        panic!("deliberate panic with a population alive");
    })
    .join();
    assert!(result.is_err(), "the thread panicked");
    let name = rx.recv().expect("the thread sent its namespace's name");
    assert!(!netns_names().contains(&name), "{name} still listed");
}

#[test]
fn within_runs_in_the_namespace() {
    use std::os::unix::fs::MetadataExt;
    let Some(ns) = Netns::new("within") else {
        return;
    };
    let outside = std::fs::metadata("/proc/thread-self/ns/net")
        .expect("own namespace")
        .ino();
    let inside = ns
        .within(|| std::fs::metadata("/proc/thread-self/ns/net").map(|m| m.ino()))
        .expect("thread joins the namespace")
        .expect("its namespace link");
    let named = std::fs::metadata(ns.path()).expect("the bind mount").ino();
    assert_eq!(inside, named, "the thread is in the named namespace");
    assert_ne!(inside, outside, "and not in the test's own");
    let again = std::fs::metadata("/proc/thread-self/ns/net")
        .expect("own namespace")
        .ino();
    assert_eq!(again, outside, "the calling thread did not move");

    ns.sysctl("net.ipv4.tcp_fin_timeout", "17").expect("set");
    assert_eq!(
        ns.read_sysctl("net.ipv4.tcp_fin_timeout").expect("read"),
        "17"
    );
    let seen = ns
        .check_output("cat", &["/proc/sys/net/ipv4/tcp_fin_timeout"])
        .expect("cat in the namespace");
    assert_eq!(seen.trim(), "17");
}

#[test]
fn run_and_nft_reach_the_namespace() {
    let Some(ns) = setup("run") else { return };
    let out = ns
        .run("ip", &["-o", "link", "show", "lo"])
        .expect("ip runs");
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("UP"),
        "lo is up"
    );
    let only_lo = ns.check_output("ip", &["-o", "link"]).expect("ip link");
    assert_eq!(
        only_lo.lines().count(),
        1,
        "a fresh namespace has only lo: {only_lo}"
    );
    ns.nft("add table inet probe\n").expect("nft loads rules");
    let tables = ns
        .check_output("nft", &["list", "tables"])
        .expect("nft lists");
    assert!(tables.contains("probe"), "{tables}");
    assert!(ns.nft("this is not nft syntax\n").is_err());
    assert_eq!(ns.ss_count("listening", "-4").expect("ss"), 0);
}

#[test]
fn require_tool_finds_tools_on_path() {
    assert!(!common::find_tool("no-such-tool-tcpstate-fixture"));
    assert!(common::find_tool("sh"));
    assert!(require_tool("sh"));
    // A missing tool is a skip, which TCPSTATE_REQUIRE_NETNS=1 turns into a failure.
    if std::env::var_os("TCPSTATE_REQUIRE_NETNS").is_none() {
        assert!(!require_tool("no-such-tool-tcpstate-fixture"));
    }
}
