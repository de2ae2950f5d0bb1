//! `tcpstate-bench`: builds one socket population in a private network namespace, then times
//! tcpstate beside `ss`, `netstat` and a minimal raw sock_diag dump (the floor) on it,
//! alternating the commands within each repetition, and prints medians of wall time, CPU time
//! and peak RSS with every ratio to the floor and to the matching `ss`/`netstat` command.
//! Run as root: `cargo run --release -p tcpstate-bench -- --sockets 100000`.

mod conntrack;
mod measure;

use std::collections::BTreeMap;
use std::fs::File;
use std::os::fd::AsRawFd;
use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use tcpstate::analyze::count::Counts;
use tcpstate::source::netlink::NetlinkSource;
use tcpstate::source::{Query, Source};
use tcpstate::tcpinfo::Extensions;
use tcpstate::{StateSet, TcpState};

use measure::{Sample, median};
use tcpstate_population::plan::{self, Job, Mix};
use tcpstate_population::worker::{self, Worker};
use tcpstate_population::{Kind, Netns};

#[derive(Debug, Parser)]
#[command(about = "Time tcpstate beside ss and netstat on one socket population")]
struct Args {
    #[command(subcommand)]
    cmd: Option<Sub>,

    /// Sockets in the population (55 % ESTABLISHED, 35 % TIME_WAIT, 5 % CLOSE_WAIT+FIN_WAIT2,
    /// 4.9 % SYN_RECV+SYN_SENT, 0.1 % LISTEN).
    #[arg(long, default_value_t = 10_000)]
    sockets: usize,

    /// Repetitions of every command (medians are reported).
    #[arg(long, default_value_t = 5)]
    reps: usize,

    /// The tcpstate binary to measure.
    #[arg(long, default_value = "target/release/tcpstate")]
    tcpstate: PathBuf,

    /// Only these commands (labels, separated by ';' since labels hold commas); all by default.
    #[arg(long, value_delimiter = ';')]
    only: Vec<String>,

    /// Sockets closed per repetition by `ss -K` and `tcpstate kill` (ESTABLISHED pairs made
    /// afresh beside the population before each); 0 to skip.
    #[arg(long, default_value_t = 10_000)]
    kill: usize,
}

#[derive(Debug, Subcommand)]
enum Sub {
    /// (internal) make one kind of socket inside the namespace and hold it.
    Worker {
        /// established, time-wait, close-wait, syn-recv or listen.
        kind: Kind,
        #[arg(long)]
        port: u16,
        #[arg(long)]
        count: usize,
    },
    /// The floor: dump every TCP socket of the current namespace with sock_diag, discard it.
    Floor {
        /// Ask for tcp_info and the congestion algorithm too (as `list -i`, `summary --stats`).
        #[arg(long)]
        info: bool,
        /// Ask for the socket memory too (as `list -m`).
        #[arg(long)]
        memory: bool,
    },
    /// Time `tcpstate conntrack` beside `conntrack -L -p tcp | awk` and awk over
    /// /proc/net/nf_conntrack on a conntrack table of ENTRIES TCP entries (+10 % UDP).
    Conntrack {
        #[arg(long, default_value_t = 100_000)]
        entries: usize,
    },
    /// The conntrack floor: one ctnetlink dump of the TCP entries of the current namespace,
    /// each decoded and dropped (what the kernel costs, plus decoding).
    CtFloor,
}

fn sh(cmd: &str) -> Result<()> {
    let st = Command::new("sh").arg("-c").arg(cmd).status()?;
    if !st.success() {
        bail!("`{cmd}` failed");
    }
    Ok(())
}

fn sh_out(cmd: &str) -> Result<String> {
    let out = Command::new("sh").arg("-c").arg(cmd).output()?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A command to time, and the anchor it is compared with.
struct Case {
    label: String,
    cmd: String,
    vs: Option<String>,
}

/// The ss expression the filter cases use: both ends of the connections of one server port.
fn expression(port: impl std::fmt::Display) -> String {
    format!("( dport = :{port} or sport = :{port} )")
}

fn cases(t: &str, me: &str, with_processes: bool, port: u16) -> Vec<Case> {
    let awk_netstat =
        r#"netstat -n | awk '/^tcp/ {++S[$NF]} END {for (a in S) print a, S[a]}' > /dev/null"#;
    let awk_ss = r#"ss -tan | awk 'NR>1 {++S[$1]} END {for (a in S) print a, S[a]}' > /dev/null"#;
    let mut v = vec![
        Case {
            label: "floor: raw sock_diag dump".into(),
            cmd: format!("{me} floor"),
            vs: None,
        },
        Case {
            label: "cat /proc/net/tcp{,6}".into(),
            cmd: "cat /proc/net/tcp /proc/net/tcp6 > /dev/null".into(),
            vs: None,
        },
        Case {
            label: "netstat -n | awk".into(),
            cmd: awk_netstat.into(),
            vs: None,
        },
        Case {
            label: "ss -tan | awk".into(),
            cmd: awk_ss.into(),
            vs: None,
        },
        Case {
            label: "ss -tan".into(),
            cmd: "ss -tan > /dev/null".into(),
            vs: None,
        },
        Case {
            label: "ss -tan state time-wait dport = :80".into(),
            cmd: "ss -tan state time-wait dport = :80 > /dev/null".into(),
            vs: None,
        },
        Case {
            label: "tcpstate summary".into(),
            cmd: format!("{t} summary > /dev/null"),
            vs: Some("ss -tan | awk".into()),
        },
        Case {
            label: "tcpstate --format json".into(),
            cmd: format!("{t} --format json > /dev/null"),
            vs: Some("ss -tan | awk".into()),
        },
        Case {
            label: "tcpstate list".into(),
            cmd: format!("{t} list > /dev/null"),
            vs: Some("ss -tan".into()),
        },
        Case {
            label: "tcpstate list --state time-wait --dport 80".into(),
            cmd: format!("{t} list --state time-wait --dport 80 > /dev/null"),
            vs: Some("ss -tan state time-wait dport = :80".into()),
        },
    ];
    let e = expression(port);
    v.push(Case {
        label: format!("ss -tan '{e}'"),
        cmd: format!("ss -tan '{e}' > /dev/null"),
        vs: None,
    });
    v.push(Case {
        label: format!("tcpstate list '{e}'"),
        cmd: format!("{t} list '{e}' > /dev/null"),
        vs: Some(format!("ss -tan '{e}'")),
    });
    v.push(Case {
        label: format!("tcpstate summary '{e}'"),
        cmd: format!("{t} summary '{e}' > /dev/null"),
        vs: Some("floor: raw sock_diag dump".into()),
    });
    // Inside the connections (issue 17): tcp_info and memory from the same dump. `ss -t`
    // without -a lists the states below; `ss -ta` every socket, as `tcpstate list` does.
    let ss_default = "established,syn-sent,fin-wait-1,fin-wait-2,close-wait,last-ack,closing";
    v.extend([
        Case {
            label: "floor: raw sock_diag dump with tcp_info".into(),
            cmd: format!("{me} floor --info"),
            vs: None,
        },
        Case {
            label: "ss -tin".into(),
            cmd: "ss -tin > /dev/null".into(),
            vs: None,
        },
        Case {
            label: "tcpstate list -i (ss -t's states)".into(),
            cmd: format!("{t} list -i --state {ss_default} > /dev/null"),
            vs: Some("ss -tin".into()),
        },
        Case {
            label: "ss -tain".into(),
            cmd: "ss -tain > /dev/null".into(),
            vs: None,
        },
        Case {
            label: "tcpstate list -i".into(),
            cmd: format!("{t} list -i > /dev/null"),
            vs: Some("ss -tain".into()),
        },
        Case {
            label: "ss -tm".into(),
            cmd: "ss -tm > /dev/null".into(),
            vs: None,
        },
        Case {
            label: "tcpstate list -m (ss -t's states)".into(),
            cmd: format!("{t} list -m --state {ss_default} > /dev/null"),
            vs: Some("ss -tm".into()),
        },
        Case {
            label: "ss -tam".into(),
            cmd: "ss -tam > /dev/null".into(),
            vs: None,
        },
        Case {
            label: "tcpstate list -m".into(),
            cmd: format!("{t} list -m > /dev/null"),
            vs: Some("ss -tam".into()),
        },
        Case {
            label: "tcpstate summary --by remote-ip --stats".into(),
            cmd: format!("{t} summary --by remote-ip --stats > /dev/null"),
            vs: Some("floor: raw sock_diag dump with tcp_info".into()),
        },
        Case {
            label: "tcpstate summary --by remote-ip".into(),
            cmd: format!("{t} summary --by remote-ip > /dev/null"),
            vs: Some("floor: raw sock_diag dump".into()),
        },
    ]);
    if with_processes {
        v.push(Case {
            label: "ss -tanp".into(),
            cmd: "ss -tanp > /dev/null".into(),
            vs: None,
        });
        v.push(Case {
            label: "tcpstate list -p".into(),
            cmd: format!("{t} list -p > /dev/null"),
            vs: Some("ss -tanp".into()),
        });
    }
    v
}

fn enter_netns(name: &str) -> Result<()> {
    let f = File::open(format!("/run/netns/{name}")).context("opening the namespace")?;
    // SAFETY: setns on a namespace descriptor; affects only this thread, whose children
    // inherit it.
    if unsafe { libc::setns(f.as_raw_fd(), libc::CLONE_NEWNET) } != 0 {
        bail!("setns: {}", std::io::Error::last_os_error());
    }
    Ok(())
}

fn build(ns: &Netns, total: usize) -> Result<Vec<Worker>> {
    let n = ns.name();
    for (k, v) in [
        ("net.ipv4.ip_local_port_range", "32768 65000"),
        ("net.ipv4.tcp_tw_reuse", "0"),
        ("net.ipv4.tcp_max_tw_buckets", "4000000"),
        ("net.core.somaxconn", "262144"),
        ("net.ipv4.tcp_max_syn_backlog", "262144"),
        ("net.ipv4.tcp_syncookies", "0"),
        ("net.ipv4.tcp_synack_retries", "10"),
        ("net.ipv4.tcp_syn_retries", "10"),
    ] {
        sh(&format!("ip netns exec {n} sysctl -qw {k}='{v}'"))?;
    }
    let jobs = plan::plan(total, Mix::STANDARD);
    let syn_ports: Vec<String> = jobs
        .iter()
        .filter(|j| j.kind == Kind::SynRecv)
        .map(|j| j.port.to_string())
        .collect();
    if !syn_ports.is_empty() {
        let rules = format!(
            "table inet bench {{\n chain out {{\n type filter hook output priority 0;\n tcp sport {{ {} }} tcp flags & (syn|ack) == syn|ack drop\n }}\n}}\n",
            syn_ports.join(", ")
        );
        ns.nft(&rules)
            .context("loading the SYN_RECV rule (install nftables)")?;
    }
    // Descriptor-holding workers first; TIME_WAIT is made separately, fresh before timing
    // (TIME_WAIT lasts 60 s).
    let rest: Vec<Job> = jobs
        .into_iter()
        .filter(|j| j.kind != Kind::TimeWait)
        .collect();
    start_all(n, rest)
}

/// A worker process for `job`: this same binary, `worker …`, inside the namespace.
fn start_worker(ns: &str, job: Job) -> Result<Worker> {
    let me = std::env::current_exe().context("finding this benchmark's own binary")?;
    let mut cmd = Command::new("ip");
    cmd.args(["netns", "exec", ns])
        .arg(me)
        .args(["worker", job.kind.name(), "--port"])
        .arg(job.port.to_string())
        .arg("--count")
        .arg(job.count.to_string());
    Worker::start(cmd, job)
}

fn start_all(ns: &str, jobs: Vec<Job>) -> Result<Vec<Worker>> {
    let mut started = Vec::new();
    for j in jobs {
        started.push(start_worker(ns, j)?);
    }
    for w in started.iter_mut() {
        w.wait_ready()?;
    }
    Ok(started)
}

/// TIME_WAIT sockets in the namespace the calling thread is in.
fn time_wait_now() -> Result<u64> {
    let mut src = NetlinkSource::open()?;
    let mut counts = Counts::new();
    let q = Query {
        states: StateSet::of(&[TcpState::TimeWait]),
        ..Query::default()
    };
    src.run(&q, &mut counts)?;
    Ok(counts.get(TcpState::TimeWait))
}

/// Make the TIME_WAIT share afresh: end the previous TIME_WAIT workers, wait until their
/// sockets have expired (at most 60 s), start new ones.
fn refresh_time_wait(ns: &str, total: usize, old: &mut Vec<Worker>) -> Result<()> {
    old.clear();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(75);
    while time_wait_now()? > 0 {
        if std::time::Instant::now() > deadline {
            bail!("TIME_WAIT sockets did not expire within 75 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    let jobs: Vec<Job> = plan::plan(total, Mix::STANDARD)
        .into_iter()
        .filter(|j| j.kind == Kind::TimeWait)
        .collect();
    *old = start_all(ns, jobs)?;
    Ok(())
}

fn main() -> Result<()> {
    let args = Args::parse();
    match args.cmd {
        Some(Sub::Worker { kind, port, count }) => {
            return worker::serve(Job { kind, port, count });
        }
        Some(Sub::Floor { info, memory }) => {
            let mut src = NetlinkSource::open()?;
            let q = Query {
                extensions: Extensions { info, memory },
                ..Query::default()
            };
            let bytes = src.dump_raw(&q)?;
            println!("{bytes}");
            return Ok(());
        }
        Some(Sub::CtFloor) => {
            let mut nl = tcpstate::source::conntrack::ctnetlink::Ctnetlink::open()?;
            let mut n = 0u64;
            nl.entries(true, true, &mut |_| {
                n += 1;
                true
            })?;
            println!("{n}");
            return Ok(());
        }
        Some(Sub::Conntrack { .. }) | None => {}
    }
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        bail!("the benchmark needs root: it creates a network namespace (run it with sudo)");
    }
    let t = std::fs::canonicalize(&args.tcpstate).with_context(|| {
        format!(
            "{} not found: build it first with `cargo build --release`",
            args.tcpstate.display()
        )
    })?;
    let t = t.display().to_string();
    if let Some(Sub::Conntrack { entries }) = args.cmd {
        let me = std::env::current_exe()?.display().to_string();
        return conntrack::run(&t, &me, entries, args.reps, enter_netns);
    }
    let me = std::env::current_exe()?.display().to_string();
    let with_p = sh_out(&format!("{t} list --help"))?.contains("--processes");

    // Removed when the benchmark ends, however it ends (after the workers, declared later).
    let ns = Netns::create("bench")?;
    let start = std::time::Instant::now();
    eprintln!("building {} sockets in {} …", args.sockets, ns.name());
    let workers = build(&ns, args.sockets)?;
    enter_netns(ns.name())?;
    let mut tw_workers = Vec::new();
    refresh_time_wait(ns.name(), args.sockets, &mut tw_workers)?;
    eprintln!("built in {:.1} s", start.elapsed().as_secs_f64());
    let population = sh_out(&format!("{t} --format plain"))?;
    eprintln!("population (tcpstate --format plain):\n{population}");
    // A repetition must fit in TIME_WAIT's 60 s; past that size, each one gets fresh sockets.
    let refresh = args.sockets >= 300_000;

    let port = plan::plan(args.sockets, Mix::STANDARD)
        .iter()
        .find(|j| j.kind == Kind::Established)
        .map_or(30000, |j| j.port);
    let cases: Vec<Case> = cases(&t, &me, with_p, port)
        .into_iter()
        .filter(|c| args.only.is_empty() || args.only.contains(&c.label))
        .collect();
    let mut samples: BTreeMap<String, Vec<Sample>> = BTreeMap::new();
    for rep in 0..args.reps {
        if refresh && rep > 0 {
            eprintln!("waiting for TIME_WAIT to expire, then making it afresh …");
            refresh_time_wait(ns.name(), args.sockets, &mut tw_workers)?;
        }
        for c in &cases {
            let s = measure::run(&c.cmd)?;
            samples.entry(c.label.clone()).or_default().push(s);
        }
        eprintln!(
            "repetition {}/{} done; TIME_WAIT now {}",
            rep + 1,
            args.reps,
            time_wait_now()?
        );
    }
    let kill_samples = if args.kill > 0 {
        time_kills(ns.name(), &t, args.kill, args.reps)?
    } else {
        Vec::new()
    };
    let after = sh_out(&format!("{t} --format plain"))?;
    drop(workers);
    drop(tw_workers);

    let med = |label: &str, f: fn(&Sample) -> f64| {
        samples
            .get(label)
            .map(|v| median(v.iter().map(f).collect()))
            .unwrap_or(0.0)
    };
    let floor = med("floor: raw sock_diag dump", |s| s.wall_s);
    println!(
        "\n{} sockets, {} repetitions, medians; {}",
        args.sockets,
        args.reps,
        sh_out("uname -sr")?.trim()
    );
    println!("\n| command | wall s | CPU s | peak RSS MiB | × floor | × anchor |");
    println!("|---|---:|---:|---:|---:|---:|");
    for c in &cases {
        let wall = med(&c.label, |s| s.wall_s);
        let cpu = med(&c.label, |s| s.cpu_s);
        let rss = med(&c.label, |s| s.max_rss_kib as f64) / 1024.0;
        let vs =
            c.vs.as_ref()
                .map(|a| format!("{:.2} (vs {a})", wall / med(a, |s| s.wall_s)))
                .unwrap_or_default();
        let xf = if floor > 0.0 { wall / floor } else { 0.0 };
        println!(
            "| `{}` | {wall:.3} | {cpu:.3} | {rss:.1} | {xf:.2} | {} |",
            c.label.replace('|', "\\|"),
            vs.replace('|', "\\|")
        );
    }
    if !kill_samples.is_empty() {
        print_kills(args.kill, &kill_samples);
    }
    println!("\npopulation at start:\n{population}\npopulation at end:\n{after}");
    Ok(())
}

/// The commands that close the kill round's sockets on `port`, ss's first: (label, command).
fn kill_cases(t: &str, port: impl std::fmt::Display) -> [(String, String); 2] {
    let e = expression(port);
    [
        (
            format!("ss -K state established '{e}'"),
            format!("ss -K state established '{e}' > /dev/null"),
        ),
        (
            format!("tcpstate kill --yes state established '{e}'"),
            format!("{t} kill --yes state established '{e}' > /dev/null"),
        ),
    ]
}

/// Time `ss -K` and `tcpstate kill` closing `sockets` ESTABLISHED sockets beside the
/// population: each repetition, for each tool, fresh pairs on a port of
/// their own, the kill timed, then a check that none of them is left.
fn time_kills(
    ns: &str,
    t: &str,
    sockets: usize,
    reps: usize,
) -> Result<Vec<(String, Vec<Sample>)>> {
    let mut out: Vec<(String, Vec<Sample>)> = kill_cases(t, "P")
        .into_iter()
        .map(|(label, _)| (label, Vec::new()))
        .collect();
    // Below the ephemeral range (32768–65000), above the listeners (20000…).
    let mut port = 25000u16;
    for rep in 0..reps {
        for (tool, samples) in out.iter_mut().enumerate() {
            port += 1;
            let job = Job {
                kind: Kind::Established,
                port,
                count: sockets / 2,
            };
            let worker = start_all(ns, vec![job])?;
            let (_, cmd) = &kill_cases(t, port)[tool];
            samples.1.push(measure::run(cmd)?);
            let left = sh_out(&format!(
                "ss -Htan state established '{}' | wc -l",
                expression(port)
            ))?;
            if left.trim() != "0" {
                bail!("`{cmd}` left {} sockets", left.trim());
            }
            drop(worker);
        }
        eprintln!("kill repetition {}/{} done", rep + 1, reps);
    }
    Ok(out)
}

fn print_kills(sockets: usize, samples: &[(String, Vec<Sample>)]) {
    println!(
        "\nClosing {sockets} ESTABLISHED sockets, made afresh beside the population for each command (P: their port)\n"
    );
    println!("| command | wall s | CPU s | peak RSS MiB | × ss -K |");
    println!("|---|---:|---:|---:|---:|");
    let wall = |v: &Vec<Sample>| median(v.iter().map(|s| s.wall_s).collect());
    let anchor = samples.first().map_or(0.0, |(_, v)| wall(v));
    for (label, v) in samples {
        let w = wall(v);
        let cpu = median(v.iter().map(|s| s.cpu_s).collect());
        let rss = median(v.iter().map(|s| s.max_rss_kib as f64).collect()) / 1024.0;
        println!(
            "| `{label}` | {w:.3} | {cpu:.3} | {rss:.1} | {:.2} |",
            if anchor > 0.0 { w / anchor } else { 0.0 }
        );
    }
}
