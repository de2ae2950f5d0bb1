//! Reading the tracer's JSON lines: one transition as (old, new, inferred), whether it touches
//! an endpoint, transitions grouped per socket, one socket's whole life compared with what it
//! must be, and the summary's transition matrix checked against the events shown.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use serde_json::Value;

fn step(v: &Value) -> (String, String, bool) {
    (
        v["old"].as_str().unwrap_or("?").to_string(),
        v["new"].as_str().unwrap_or("?").to_string(),
        v["inferred"] == true,
    )
}

pub(super) fn touches(v: &Value, ip: Ipv4Addr, port: u16) -> bool {
    let ep = |k: &str| {
        (
            v[k]["address"].as_str().unwrap_or("").to_string(),
            v[k]["port"].as_u64().unwrap_or(0),
        )
    };
    let ip = ip.to_string();
    let (la, lp) = ep("local");
    let (ra, rp) = ep("remote");
    (la == ip && lp == u64::from(port)) || (ra == ip && rp == u64::from(port))
}

/// Events grouped per socket (by skaddr), each in order.
pub(super) fn by_socket(events: &[Value]) -> BTreeMap<String, Vec<Value>> {
    let mut m: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for e in events {
        m.entry(e["skaddr"].as_str().unwrap_or("").to_string())
            .or_default()
            .push(e.clone());
    }
    m
}

pub(super) fn steps(events: &[Value]) -> Vec<(String, String, bool)> {
    events.iter().map(step).collect()
}

pub(super) fn s(a: &str, b: &str, inferred: bool) -> (String, String, bool) {
    (a.to_string(), b.to_string(), inferred)
}

/// The summary's transitions must be exactly the kernel transitions shown.
pub(super) fn assert_matrix_matches(events: &[Value], summary: &Value) {
    let mut counted: BTreeMap<(String, String), u64> = BTreeMap::new();
    for e in events.iter().filter(|e| e["inferred"] == false) {
        let (o, n, _) = step(e);
        *counted.entry((o, n)).or_default() += 1;
    }
    let mut reported: BTreeMap<(String, String), u64> = BTreeMap::new();
    for c in summary["transitions"]
        .as_array()
        .expect("transitions array")
    {
        reported.insert(
            (
                c["from"].as_str().unwrap_or("").into(),
                c["to"].as_str().unwrap_or("").into(),
            ),
            c["count"].as_u64().unwrap_or(0),
        );
    }
    assert_eq!(counted, reported, "summary matrix differs from the events");
    let inferred = events.iter().filter(|e| e["inferred"] == true).count() as u64;
    assert_eq!(summary["time_wait"]["confirmed"].as_u64(), Some(inferred));
    assert_eq!(
        summary["events"]["shown"].as_u64(),
        Some(counted.values().sum::<u64>())
    );
}

/// The moves of the socket whose first move `first` picks, which must be exactly `want`.
pub(super) fn life<'a>(
    socks: &'a BTreeMap<String, Vec<Value>>,
    name: &str,
    first: impl Fn(&Value) -> bool,
    want: &[(String, String, bool)],
) -> Result<&'a Vec<Value>, String> {
    let moves = socks
        .values()
        .find(|v| first(&v[0]))
        .ok_or(format!("no {name} socket"))?;
    ensure!(steps(moves) == want, "{name} life {:?}", steps(moves));
    Ok(moves)
}
