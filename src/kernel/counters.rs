//! Kernel TCP counters: the `TcpExt` section of `/proc/net/netstat` (ListenOverflows,
//! ListenDrops, TCPTimeWaitOverflow, SyncookiesSent, …), the `Tcp` section of `/proc/net/snmp`
//! (ActiveOpens, PassiveOpens, EstabResets, OutRsts, CurrEstab, …) and the TCP line of
//! `/proc/net/sockstat` (inuse, orphan, tw, alloc, mem). Both netstat and snmp files hold
//! pairs of lines — a line of names, then a line of values under the same prefix.

use std::collections::BTreeMap;

/// Named counter values of one section (`TcpExt`, `Tcp`).
pub type CounterSection = BTreeMap<String, i64>;

/// The TCP line of sockstat.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sockstat {
    pub inuse: u64,
    pub orphan: u64,
    pub tw: u64,
    pub alloc: u64,
    /// TCP memory in pages (compare with `net.ipv4.tcp_mem`).
    pub mem: u64,
}

/// A snapshot of the counters that matter for TCP states.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counters {
    pub tcp_ext: CounterSection,
    pub tcp: CounterSection,
    pub sockstat: Sockstat,
}

impl Counters {
    /// A `TcpExt` counter, 0 when this kernel does not have it.
    pub fn ext(&self, name: &str) -> i64 {
        self.tcp_ext.get(name).copied().unwrap_or(0)
    }

    /// A `Tcp` (snmp) counter, 0 when absent.
    pub fn tcp(&self, name: &str) -> i64 {
        self.tcp.get(name).copied().unwrap_or(0)
    }
}

/// Read the counters of the calling thread's network namespace.
pub fn read() -> std::io::Result<Counters> {
    read_from("/proc/thread-self/net")
}

/// Read the counters from a directory laid out like `/proc/net`.
pub fn read_from(dir: &str) -> std::io::Result<Counters> {
    let netstat = std::fs::read_to_string(format!("{dir}/netstat"))?;
    let snmp = std::fs::read_to_string(format!("{dir}/snmp"))?;
    let sockstat = std::fs::read_to_string(format!("{dir}/sockstat"))?;
    Ok(Counters {
        tcp_ext: parse_section(&netstat, "TcpExt"),
        tcp: parse_section(&snmp, "Tcp"),
        sockstat: parse_sockstat(&sockstat),
    })
}

/// The three counter files, opened once and read again on every `read`. A /proc/net file
/// stays bound to the network namespace it was opened in, so files opened by a thread inside
/// another namespace keep reading that namespace from any thread (the exporter's collector).
#[derive(Debug)]
pub struct CounterFiles {
    netstat: std::fs::File,
    snmp: std::fs::File,
    sockstat: std::fs::File,
}

impl CounterFiles {
    /// Open the calling thread's namespace's files.
    pub fn open() -> std::io::Result<CounterFiles> {
        let open = |name: &str| std::fs::File::open(format!("/proc/thread-self/net/{name}"));
        Ok(CounterFiles {
            netstat: open("netstat")?,
            snmp: open("snmp")?,
            sockstat: open("sockstat")?,
        })
    }

    /// Read the counters as they are now.
    pub fn read(&mut self) -> std::io::Result<Counters> {
        use std::io::{Read, Seek, SeekFrom};
        let text = |f: &mut std::fs::File| -> std::io::Result<String> {
            f.seek(SeekFrom::Start(0))?;
            let mut s = String::new();
            f.read_to_string(&mut s)?;
            Ok(s)
        };
        Ok(Counters {
            tcp_ext: parse_section(&text(&mut self.netstat)?, "TcpExt"),
            tcp: parse_section(&text(&mut self.snmp)?, "Tcp"),
            sockstat: parse_sockstat(&text(&mut self.sockstat)?),
        })
    }
}

/// Parse one `Prefix: names…` / `Prefix: values…` pair. Values that are not numbers are
/// skipped (they never occur in these files).
pub fn parse_section(text: &str, prefix: &str) -> CounterSection {
    let mut out = CounterSection::new();
    let head = format!("{prefix}:");
    let mut lines = text.lines().filter(|l| l.starts_with(&head));
    while let (Some(names), Some(values)) = (lines.next(), lines.next()) {
        for (n, v) in names
            .split_whitespace()
            .skip(1)
            .zip(values.split_whitespace().skip(1))
        {
            if let Ok(v) = v.parse::<i64>() {
                out.insert(n.to_string(), v);
            }
        }
    }
    out
}

/// Parse the `TCP:` line of sockstat: `TCP: inuse 5 orphan 0 tw 2 alloc 7 mem 1`.
pub fn parse_sockstat(text: &str) -> Sockstat {
    let mut s = Sockstat::default();
    if let Some(line) = text.lines().find(|l| l.starts_with("TCP:")) {
        let words: Vec<&str> = line.split_whitespace().skip(1).collect();
        for pair in words.chunks(2) {
            if let [k, v] = pair {
                let v = v.parse().unwrap_or(0);
                match *k {
                    "inuse" => s.inuse = v,
                    "orphan" => s.orphan = v,
                    "tw" => s.tw = v,
                    "alloc" => s.alloc = v,
                    "mem" => s.mem = v,
                    _ => {}
                }
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_and_sockstat() {
        let netstat = "TcpExt: SyncookiesSent ListenOverflows ListenDrops\nTcpExt: 3 17 19\nIpExt: InNoRoutes\nIpExt: 0\n";
        let s = parse_section(netstat, "TcpExt");
        assert_eq!(s.get("ListenOverflows"), Some(&17));
        assert_eq!(s.get("ListenDrops"), Some(&19));
        assert_eq!(s.len(), 3);
        let snmp = "Tcp: RtoAlgorithm MaxConn ActiveOpens\nTcp: 1 -1 42\n";
        assert_eq!(parse_section(snmp, "Tcp").get("MaxConn"), Some(&-1));
        let st = parse_sockstat("sockets: used 5\nTCP: inuse 5 orphan 1 tw 2 alloc 7 mem 3\n");
        assert_eq!(
            st,
            Sockstat {
                inuse: 5,
                orphan: 1,
                tw: 2,
                alloc: 7,
                mem: 3
            }
        );
    }

    #[test]
    fn live_counters_are_readable() {
        if let Ok(c) = read() {
            assert!(c.tcp.contains_key("ActiveOpens"));
        }
        if let Ok(mut f) = CounterFiles::open() {
            let first = f.read().expect("read once");
            let again = f.read().expect("read again");
            assert!(first.tcp.contains_key("ActiveOpens"));
            assert!(again.tcp("ActiveOpens") >= first.tcp("ActiveOpens"));
        }
    }
}
