//! `tcpstate fleet` against a real Prometheus: three `tcpstate serve` exporters, each watching
//! its own private network namespace with a known socket population (`--netns`), all listening
//! in one hub namespace where Prometheus scrapes them every second, plus a target where nothing
//! listens. `fleet` must print every instance's exact counts (the dead one unknown, with a note,
//! never 0), `fleet check` must exit with the worst instance's status, and an unreachable
//! server or a bad selector must be one sentence and a non-zero exit.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Output, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::common::process::ChildGuard;
use crate::common::{Netns, STATE_KEYS, poll};
use crate::serve::server::{TCPSTATE, port_for, start_serve, wait_listening};

/// A namespace's known sockets: `listeners` listeners on 127.0.0.1 and `pairs` connections
/// to the first one, each accepted (two ESTABLISHED sockets a pair).
struct Known {
    _sockets: Vec<Box<dyn Send>>,
    /// The first listener's port.
    port: u16,
}

fn populate(ns: &Netns, listeners: usize, pairs: usize) -> Known {
    ns.inside(|| {
        let mut keep: Vec<Box<dyn Send>> = Vec::new();
        let first = TcpListener::bind("127.0.0.1:0").expect("a listener");
        let addr = first.local_addr().expect("its address");
        for _ in 0..pairs {
            keep.push(Box::new(TcpStream::connect(addr).expect("a connection")));
            keep.push(Box::new(first.accept().expect("accepted").0));
        }
        keep.push(Box::new(first));
        for _ in 1..listeners {
            keep.push(Box::new(
                TcpListener::bind("127.0.0.1:0").expect("a listener"),
            ));
        }
        Known {
            _sockets: keep,
            port: addr.port(),
        }
    })
}

/// Prometheus in `hub`, scraping `targets` every second as job `tcpstate`; waits until it is
/// ready. Returns the server, its directory (config, data, log) and its address.
fn start_prometheus(
    hub: &Netns,
    targets: &[SocketAddr],
) -> (ChildGuard, tempfile::TempDir, SocketAddr) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let list: Vec<String> = targets.iter().map(|t| format!("'{t}'")).collect();
    let config = dir.path().join("prometheus.yml");
    std::fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: tcpstate\n    static_configs:\n      - targets: [{}]\n",
            list.join(", ")
        ),
    )
    .expect("writes the configuration");
    let addr = port_for(hub);
    let log = std::fs::File::create(dir.path().join("prometheus.log")).expect("a log file");
    let mut cmd = hub.command("prometheus");
    cmd.arg(format!("--config.file={}", config.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.path().join("data").display()
        ))
        .arg(format!("--web.listen-address={addr}"))
        .stdout(Stdio::null())
        .stderr(log);
    let mut prom = ChildGuard::spawn("prometheus", &mut cmd);
    let log_text = |d: &tempfile::TempDir| {
        std::fs::read_to_string(d.path().join("prometheus.log")).unwrap_or_default()
    };
    assert!(
        wait_listening(hub, addr, &mut prom),
        "prometheus did not start: {}",
        log_text(&dir)
    );
    (prom, dir, addr)
}

/// `tcpstate args…` inside `hub`, without proxies from the environment.
fn tcpstate(hub: &Netns, args: &[&str]) -> Output {
    hub.command(TCPSTATE)
        .args(args)
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("TCPSTATE_PROMETHEUS")
        .env_remove("http_proxy")
        .env_remove("HTTP_PROXY")
        .env_remove("all_proxy")
        .env_remove("ALL_PROXY")
        .output()
        .expect("runs tcpstate")
}

fn show(o: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The JSON document of a run that succeeded.
fn json_of(o: &Output) -> Option<Value> {
    o.status.success().then_some(())?;
    serde_json::from_slice(&o.stdout).ok()
}

/// The host object labelled `label` in a fleet summary.
fn host<'a>(doc: &'a Value, label: &str) -> Option<&'a Value> {
    doc["hosts"].as_array()?.iter().find(|h| h["host"] == label)
}

/// A run whose error is one sentence on one line of stderr and whose exit is non-zero.
fn assert_one_sentence(o: &Output, code: i32, words: &[&str]) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(code), "{}", show(o));
    assert_eq!(err.lines().count(), 1, "{}", show(o));
    for w in words {
        assert!(err.contains(w), "wanted {w:?}: {}", show(o));
    }
    assert!(!err.contains("panicked"), "{}", show(o));
}

#[test]
fn fleet_prints_every_instance_from_prometheus() {
    let Some(hub) = Netns::with_tools("fleet-hub", &["prometheus"]) else {
        return;
    };
    // (listeners, established pairs) per namespace.
    let shapes = [(1usize, 1usize), (1, 3), (2, 2)];
    let mut spaces = Vec::new();
    for (i, _) in shapes.iter().enumerate() {
        let Some(ns) = Netns::new(&format!("fleet-{i}")) else {
            return;
        };
        spaces.push(ns);
    }
    let known: Vec<Known> = spaces
        .iter()
        .zip(shapes)
        .map(|(ns, (l, p))| populate(ns, l, p))
        .collect();
    let mut exporters = Vec::new();
    let mut targets = Vec::new();
    for (ns, k) in spaces.iter().zip(&known) {
        let port = k.port.to_string();
        let args = [
            "--netns",
            ns.name(),
            "--min-interval",
            "0",
            "--by-port",
            &port,
        ];
        let (serve, addr) = start_serve(&hub, &args);
        exporters.push(serve);
        targets.push(addr);
    }
    // A target where nothing listens: its scrape fails, its counts are unknown.
    let dead = port_for(&hub);
    let mut all = targets.clone();
    all.push(dead);
    let (_prom, dir, prom) = start_prometheus(&hub, &all);
    let url = format!("http://{prom}");
    let labels: Vec<String> = targets
        .iter()
        .zip(&spaces)
        .map(|(t, ns)| format!("{t}/{}", ns.name()))
        .collect();
    let dead_label = dead.to_string();

    // Wait (bounded) until Prometheus holds a scrape of every target, the dead one included.
    let doc = poll(Duration::from_secs(60), Duration::from_millis(250), || {
        let doc = json_of(&tcpstate(
            &hub,
            &["fleet", "--prometheus", &url, "--format", "json"],
        ))?;
        let complete = labels
            .iter()
            .all(|l| host(&doc, l).is_some_and(|h| h["total"].is_u64()))
            && host(&doc, &dead_label).is_some();
        complete.then_some(doc)
    });
    let Some(doc) = doc else {
        panic!(
            "Prometheus never held every instance: {}\n{}",
            show(&tcpstate(
                &hub,
                &["fleet", "--prometheus", &url, "--format", "json"]
            )),
            std::fs::read_to_string(dir.path().join("prometheus.log")).unwrap_or_default()
        );
    };

    // Exact counts per instance, every state.
    assert_eq!(doc["hosts"].as_array().map(Vec::len), Some(4), "{doc:#}");
    for (label, (listeners, pairs)) in labels.iter().zip(shapes) {
        let h = host(&doc, label).expect("the instance");
        for key in STATE_KEYS {
            let want = match key {
                "listen" => listeners,
                "established" => 2 * pairs,
                _ => 0,
            };
            assert_eq!(h["states"][key], want, "{label} {key}: {h:#}");
            assert_eq!(h["families"]["ipv6"]["states"][key], 0, "{label} {key}");
        }
        assert_eq!(h["total"], listeners + 2 * pairs, "{label}");
        assert!(h.get("note").is_none(), "{h:#}");
    }
    // The dead target: listed, unknown (null), never 0, and a note says why.
    let d = host(&doc, &dead_label).expect("the dead target");
    assert!(d["total"].is_null(), "{d:#}");
    assert!(d["states"]["established"].is_null(), "{d:#}");
    assert!(
        d["note"].as_str().is_some_and(|n| n.contains("up == 0")),
        "{d:#}"
    );
    // The combined column holds what is known: 4 listeners, 12 ESTABLISHED.
    assert_eq!(doc["all"]["states"]["listen"], 4);
    assert_eq!(doc["all"]["states"]["established"], 12);

    // The same at an explicit time (unix seconds, a second or two after the first scrapes,
    // which came within the last second), and narrowed by a selector.
    std::thread::sleep(Duration::from_secs(2));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
        .to_string();
    let sel = format!("{{job=\"tcpstate\",instance!=\"{dead}\"}}");
    let o = tcpstate(
        &hub,
        &[
            "fleet",
            "--prometheus",
            &url,
            "--at",
            &now,
            "--match",
            &sel,
            "--format",
            "json",
        ],
    );
    let narrowed = json_of(&o).unwrap_or_else(|| panic!("{}", show(&o)));
    assert_eq!(
        narrowed["hosts"].as_array().map(Vec::len),
        Some(3),
        "{narrowed:#}"
    );
    assert_eq!(narrowed["all"]["states"]["established"], 12);

    // --sort and --top: the instance with 3 pairs first, one kept; rows per instance in CSV.
    let o = tcpstate(
        &hub,
        &[
            "fleet",
            "--prometheus",
            &url,
            "--sort",
            "established",
            "--top",
            "1",
            "--rows",
            "--format",
            "csv",
        ],
    );
    assert!(o.status.success(), "{}", show(&o));
    let csv = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[0].starts_with("instance,total,established,"), "{csv}");
    assert!(
        lines[1].starts_with(&format!("{},7,6,", labels[1])),
        "{csv}"
    );

    // Per port: each exporter tracks its first listener's port, which holds the listener and
    // the accepted half of every pair; the clients' halves have it as their remote port.
    let o = tcpstate(
        &hub,
        &[
            "fleet",
            "--prometheus",
            &url,
            "--by",
            "port",
            "--format",
            "json",
        ],
    );
    let groups = json_of(&o).unwrap_or_else(|| panic!("{}", show(&o)));
    for ((label, (_, pairs)), k) in labels.iter().zip(shapes).zip(&known) {
        let mine: Vec<&Value> = groups
            .as_array()
            .map(|a| a.iter().filter(|g| g["host"] == label.as_str()).collect())
            .unwrap_or_default();
        assert_eq!(mine.len(), 1, "{label}: {groups:#}");
        assert_eq!(mine[0]["by"], "local_port");
        assert_eq!(mine[0]["key"], k.port.to_string());
        assert_eq!(mine[0]["total"], 1 + pairs, "{label}: {groups:#}");
        assert_eq!(mine[0]["states"]["listen"], 1);
        assert_eq!(mine[0]["states"]["established"], pairs);
    }
    let o = tcpstate(
        &hub,
        &[
            "fleet",
            "--prometheus",
            &url,
            "--by",
            "remote-port",
            "--format",
            "json",
        ],
    );
    let groups = json_of(&o).unwrap_or_else(|| panic!("{}", show(&o)));
    let remote: u64 = groups
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|g| g["states"]["established"].as_u64())
                .sum()
        })
        .unwrap_or(0);
    assert_eq!(remote, 6, "{groups:#}");

    // The table shows `?` for the dead target and says why on stderr.
    let o = tcpstate(&hub, &["fleet", "--prometheus", &url]);
    assert!(o.status.success(), "{}", show(&o));
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("ESTABLISHED") && l.contains('?')),
        "{table}"
    );
    assert!(
        String::from_utf8_lossy(&o.stderr).contains(&dead_label),
        "{}",
        show(&o)
    );

    // fleet check: the instance above the threshold warns, and so does the fleet.
    let live = ["--match", &sel];
    let o = tcpstate(
        &hub,
        &[
            &[
                "fleet",
                "check",
                "--prometheus",
                &url,
                "--warn",
                "established=5",
                "--format",
                "json",
            ][..],
            &live[..],
        ]
        .concat(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    for (label, (_, pairs)) in labels.iter().zip(shapes) {
        let i = v["instances"]
            .as_array()
            .and_then(|a| a.iter().find(|i| i["instance"] == label.as_str()))
            .unwrap_or_else(|| panic!("{label}: {v:#}"));
        let want = if 2 * pairs > 5 { "WARNING" } else { "OK" };
        assert_eq!(i["status"], want, "{label}: {i:#}");
    }
    let o = tcpstate(
        &hub,
        &[
            &[
                "fleet",
                "check",
                "--prometheus",
                &url,
                "--crit",
                "established=3",
                "--format",
                "nagios",
            ][..],
            &live[..],
        ]
        .concat(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout)
            .starts_with("TCPSTATE CRITICAL - 2 of 3 instances not OK"),
        "{}",
        show(&o)
    );
    let o = tcpstate(
        &hub,
        &[&["fleet", "check", "--prometheus", &url][..], &live[..]].concat(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    // With the dead target and no threshold crossed, the fleet is UNKNOWN.
    let o = tcpstate(&hub, &["fleet", "check", "--prometheus", &url]);
    assert_eq!(o.status.code(), Some(3), "{}", show(&o));

    // Errors from Prometheus: one sentence, non-zero exit.
    let o = tcpstate(
        &hub,
        &["fleet", "--prometheus", &url, "--match", "{job=~\"(\"}"],
    );
    assert_one_sentence(
        &o,
        1,
        &["rejected the query", "tcpstate_connections{job=~\"(\"}"],
    );
    let o = tcpstate(
        &hub,
        &[
            "fleet",
            "--prometheus",
            &url,
            "--match",
            "{job=\"nothing\"}",
        ],
    );
    assert_one_sentence(
        &o,
        1,
        &["has no tcpstate_connections series matching {job=\"nothing\"}"],
    );
    let o = tcpstate(&hub, &["fleet", "--prometheus", &url, "--at", "yesterday"]);
    assert_one_sentence(&o, 1, &["rejected the query", "yesterday"]);
    let unreachable = format!("http://{}", port_for(&hub));
    let o = tcpstate(&hub, &["fleet", "--prometheus", &unreachable]);
    assert_one_sentence(&o, 1, &["cannot reach Prometheus", "connection refused"]);
    let o = tcpstate(&hub, &["fleet", "check", "--prometheus", &unreachable]);
    assert_one_sentence(&o, 3, &["cannot reach Prometheus"]);
    for e in &mut exporters {
        assert!(e.exited().is_none(), "an exporter died");
    }
}
