//! A capture of 64 MiB or more is read on every core (memory-mapped chunks): the binary says
//! exactly what it says on one core (`TCPSTATE_JOBS=1`, the streaming path) — summary counts,
//! listed rows in order, every unread line with its line number, the notice of a format
//! change — for a generated file of `ss -i` records (continuation lines under each row) with
//! unreadable rows scattered through it and a netstat section in the middle; and the counts
//! are the ones the file was built with. A bad `TCPSTATE_JOBS` is refused in one sentence.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tcpstate::source::capture::progress::PROGRESS_MIN;

const BIN: &str = env!("CARGO_BIN_EXE_tcpstate");

/// A generated capture, removed on drop.
struct Big {
    path: PathBuf,
    /// LISTEN sockets in it, and the line numbers of its unreadable rows.
    listen: u64,
    bad_lines: Vec<u64>,
}

impl Drop for Big {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

fn big() -> Big {
    let fx = |rel| std::fs::read_to_string(crate::common::capture::fixture(rel)).unwrap();
    let ss = fx("linux/ss-tanpeoi.txt");
    let netstat = fx("linux/netstat-tan.txt");
    let mut lines = ss.lines();
    let head = lines.next().unwrap();
    let body: Vec<&str> = lines.collect();
    let per_body = body.iter().filter(|l| l.starts_with("LISTEN")).count() as u64;
    let mut out = format!("{head}\n");
    let (mut no, mut listen, mut bad_lines) = (1u64, 0u64, Vec::new());
    let mut reps = 0u64;
    while (out.len() as u64) < PROGRESS_MIN + (8 << 20) {
        for l in &body {
            out.push_str(l);
            out.push('\n');
            no += 1;
        }
        listen += per_body;
        reps += 1;
        if reps.is_multiple_of(97) {
            out.push_str("ESTAB 12 x 10.0.0.1:1 10.0.0.2:2\n");
            no += 1;
            bad_lines.push(no);
        }
        if reps == 1500 {
            // A netstat section, then the ss header again.
            for l in netstat.lines() {
                out.push_str(l);
                out.push('\n');
                no += 1;
            }
            listen += netstat
                .lines()
                .filter(|l| l.split_whitespace().last() == Some("LISTEN"))
                .count() as u64;
            out.push_str(head);
            out.push('\n');
            no += 1;
        }
    }
    let path = std::env::temp_dir().join(format!("tcpstate-parallel-{}.txt", std::process::id()));
    std::fs::write(&path, out).unwrap();
    Big {
        path,
        listen,
        bad_lines,
    }
}

fn run(jobs: &str, args: &[&str], file: &Path) -> Output {
    Command::new(BIN)
        .args(args)
        .arg("--from")
        .arg(file)
        .env("TCPSTATE_JOBS", jobs)
        .output()
        .unwrap()
}

#[test]
fn two_threads_say_what_one_says() {
    let file = big();
    for args in [
        &["summary", "--format", "json"][..],
        &["list", "--state", "listening", "--format", "json"][..],
    ] {
        let one = run("1", args, &file.path);
        let two = run("2", args, &file.path);
        let (out1, err1) = (
            String::from_utf8_lossy(&one.stdout),
            String::from_utf8_lossy(&one.stderr),
        );
        assert_eq!(one.status.code(), two.status.code(), "{args:?}: {err1}");
        assert_eq!(out1, String::from_utf8_lossy(&two.stdout), "{args:?}");
        assert_eq!(err1, String::from_utf8_lossy(&two.stderr), "{args:?}");
        // The unread rows are named with their lines, and the format change is noticed.
        let name = file.path.display().to_string();
        for no in &file.bad_lines[..3] {
            assert!(
                err1.contains(&format!("{name}:{no}")),
                "{args:?}: line {no}: {err1}"
            );
        }
        assert!(err1.contains("changes format"), "{err1}");
        if args[0] == "list" {
            let listed = out1.matches("\"LISTEN\"").count() as u64;
            assert_eq!(listed, file.listen, "{out1:.400}");
        } else {
            // The totals come last: `"listen": N` for both families together.
            let total = out1.rfind("\"listen\": ").map(|i| &out1[i + 10..]);
            let n: u64 = total
                .and_then(|t| t.split(',').next())
                .and_then(|n| n.trim().parse().ok())
                .unwrap_or_else(|| panic!("no total of LISTEN: {out1}"));
            assert_eq!(n, file.listen, "{out1}");
        }
    }
}

#[test]
fn a_bad_jobs_value_is_refused() {
    let file = crate::common::capture::fixture("linux/ss-tan.txt");
    let out = run("many", &["summary"], &file);
    assert_ne!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("TCPSTATE_JOBS='many'"), "{err}");
}
