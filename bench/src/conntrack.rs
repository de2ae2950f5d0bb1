//! `tcpstate-bench conntrack`: fills the conntrack table of a private network namespace with
//! a known mix of TCP entries (and some UDP ones, which every TCP count must pass over)
//! through `conntrack -R`, then times `tcpstate conntrack` beside the one-liners an operator
//! uses today — `conntrack -L -p tcp | awk` and awk over `/proc/net/nf_conntrack` — in one
//! run, commands alternating within each repetition, and prints medians and ratios.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::{Context, Result, bail};
use tcpstate_population::Netns;

use crate::measure::{self, Sample, median};

/// The TCP state mix: (conntrack state, share in thousandths, status flags).
const MIX: [(&str, usize, &str); 5] = [
    ("ESTABLISHED", 600, "-u SEEN_REPLY,ASSURED"),
    ("TIME_WAIT", 250, "-u SEEN_REPLY,ASSURED"),
    ("SYN_SENT", 50, ""),
    ("CLOSE_WAIT", 50, "-u SEEN_REPLY,ASSURED"),
    ("FIN_WAIT", 50, "-u SEEN_REPLY,ASSURED"),
];

/// `conntrack -R` lines: `tcp` TCP entries in the mix, `udp` UDP ones.
fn entries_file(tcp: usize, udp: usize) -> Result<tempfile_path::Path> {
    let path = tempfile_path::Path::new("tcpstate-bench-conntrack")?;
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path.0)?);
    let mut i = 0usize;
    let addr = |i: usize| {
        format!(
            "10.{}.{}.{}",
            1 + i / 65536 % 200,
            i / 256 % 256,
            1 + i % 250
        )
    };
    for (state, share, flags) in MIX {
        for _ in 0..tcp * share / 1000 {
            writeln!(
                f,
                "-I -p tcp -s {} -d 172.16.{}.{} --sport {} --dport {} --state {state} -t 7200 {flags}",
                addr(i),
                i % 8,
                1 + i % 16,
                1024 + i % 60000,
                [80, 443, 8080, 5432][i % 4]
            )?;
            i += 1;
        }
    }
    for j in 0..udp {
        writeln!(
            f,
            "-I -p udp -s {} -d 172.16.9.9 --sport {} --dport 53 -t 7200",
            addr(j),
            1024 + j % 60000
        )?;
    }
    f.flush()?;
    Ok(path)
}

/// A file under /tmp removed on drop.
mod tempfile_path {
    pub struct Path(pub std::path::PathBuf);

    impl Path {
        pub fn new(stem: &str) -> std::io::Result<Path> {
            let p = std::env::temp_dir().join(format!("{stem}-{}.txt", std::process::id()));
            std::fs::File::create(&p)?;
            Ok(Path(p))
        }
    }

    impl Drop for Path {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}

struct Case {
    label: &'static str,
    cmd: String,
    vs: &'static [&'static str],
}

pub fn run(
    t: &str,
    me: &str,
    tcp: usize,
    reps: usize,
    enter: impl Fn(&str) -> Result<()>,
) -> Result<()> {
    let ns = Netns::create("bench-ct")?;
    let max: usize = std::fs::read_to_string("/proc/sys/net/netfilter/nf_conntrack_max")
        .context("nf_conntrack is not loaded (no nf_conntrack_max)")?
        .trim()
        .parse()?;
    let udp = tcp / 10;
    if tcp + udp > max {
        bail!("{} entries do not fit nf_conntrack_max {max}", tcp + udp);
    }
    let file = entries_file(tcp, udp)?;
    eprintln!(
        "loading {tcp} TCP and {udp} UDP entries into {} …",
        ns.name()
    );
    let out = std::process::Command::new("ip")
        .args(["netns", "exec", ns.name(), "conntrack", "-R"])
        .arg(&file.0)
        .output()
        .context("running conntrack -R (install the conntrack package)")?;
    if !out.status.success() {
        bail!(
            "conntrack -R failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    enter(ns.name())?;
    let count = std::fs::read_to_string("/proc/sys/net/netfilter/nf_conntrack_count")?;
    eprintln!("table: {} entries", count.trim());

    let awk = "'{++S[$4]} END {for (a in S) print a, S[a]}'";
    let cases = [
        Case {
            label: "floor: ctnetlink dump, decoded",
            cmd: format!("{me} ct-floor > /dev/null"),
            vs: &[],
        },
        Case {
            label: "conntrack -L -p tcp | awk",
            cmd: format!("conntrack -L -p tcp 2>/dev/null | awk {awk} > /dev/null"),
            vs: &[],
        },
        Case {
            label: "awk /proc/net/nf_conntrack",
            cmd: "awk '$3 == \"tcp\" {++S[$6]} END {for (a in S) print a, S[a]}' /proc/net/nf_conntrack > /dev/null".into(),
            vs: &[],
        },
        Case {
            label: "tcpstate conntrack",
            cmd: format!("{t} conntrack > /dev/null"),
            vs: &[
                "conntrack -L -p tcp | awk",
                "awk /proc/net/nf_conntrack",
                "floor: ctnetlink dump, decoded",
            ],
        },
        Case {
            label: "tcpstate conntrack --format plain",
            cmd: format!("{t} conntrack --format plain > /dev/null"),
            vs: &["conntrack -L -p tcp | awk", "awk /proc/net/nf_conntrack"],
        },
        Case {
            label: "tcpstate conntrack --source proc",
            cmd: format!("{t} conntrack --source proc > /dev/null"),
            vs: &["awk /proc/net/nf_conntrack"],
        },
        Case {
            label: "conntrack -L -p tcp",
            cmd: "conntrack -L -p tcp > /dev/null 2>&1".into(),
            vs: &[],
        },
        Case {
            label: "tcpstate conntrack list",
            cmd: format!("{t} conntrack list > /dev/null"),
            vs: &["conntrack -L -p tcp"],
        },
    ];
    let plain = std::process::Command::new(t)
        .args(["conntrack", "--format", "plain"])
        .output()?;
    eprintln!(
        "tcpstate conntrack --format plain:\n{}",
        String::from_utf8_lossy(&plain.stdout)
    );
    let mut samples: BTreeMap<&str, Vec<Sample>> = BTreeMap::new();
    for rep in 0..reps {
        for c in &cases {
            samples
                .entry(c.label)
                .or_default()
                .push(measure::run(&c.cmd)?);
        }
        eprintln!("repetition {}/{reps} done", rep + 1);
    }
    let med = |label: &str, f: fn(&Sample) -> f64| {
        samples
            .get(label)
            .map(|v| median(v.iter().map(f).collect()))
            .unwrap_or(0.0)
    };
    println!(
        "\n{tcp} TCP + {udp} UDP conntrack entries, {reps} repetitions, medians; {}",
        String::from_utf8_lossy(
            &std::process::Command::new("uname")
                .arg("-sr")
                .output()?
                .stdout
        )
        .trim()
    );
    println!("\n| command | wall s | CPU s | peak RSS MiB | × anchor |");
    println!("|---|---:|---:|---:|---|");
    for c in &cases {
        let wall = med(c.label, |s| s.wall_s);
        let ratios: Vec<String> =
            c.vs.iter()
                .map(|a| format!("{:.2} (vs {a})", wall / med(a, |s| s.wall_s)))
                .collect();
        println!(
            "| `{}` | {wall:.3} | {:.3} | {:.1} | {} |",
            c.label.replace('|', "\\|"),
            med(c.label, |s| s.cpu_s),
            med(c.label, |s| s.max_rss_kib as f64) / 1024.0,
            ratios.join("; ").replace('|', "\\|")
        );
    }
    Ok(())
}
