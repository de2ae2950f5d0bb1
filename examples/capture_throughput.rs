//! Measure how fast a saved capture is read: `cargo run --release --example capture_throughput
//! [FILE] [MB]`. When FILE does not exist it first writes a `netstat -tanp`-style capture of MB
//! megabytes (default 200) there (to a temporary file, removed afterwards, without FILE). Prints sockets, seconds and MB/s for one pass of
//! `CaptureSource` into a counting sink (one core; the file is read once beforehand so the
//! page cache holds it).

use std::io::Write;
use std::time::Instant;

use tcpstate::source::capture::CaptureSource;
use tcpstate::source::{Query, Source};
use tcpstate::{Flow, Socket};

/// CPU time of this thread: on a shared, busy machine it measures the work, where wall time
/// also measures the wait for a core.
fn cpu_seconds() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec we own.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9
}

fn generate(path: &std::path::Path, mb: usize) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    writeln!(w, "Active Internet connections (servers and established)")?;
    writeln!(
        w,
        "Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name    "
    )?;
    let states = [
        "ESTABLISHED",
        "TIME_WAIT",
        "ESTABLISHED",
        "CLOSE_WAIT",
        "FIN_WAIT2",
        "ESTABLISHED",
    ];
    let mut written = 0usize;
    let mut i: u64 = 0;
    while written < mb << 20 {
        i += 1;
        let st = states[(i % states.len() as u64) as usize];
        let line = if i.is_multiple_of(7) {
            format!(
                "tcp6       0      0 2001:db8::{:x}:443       2001:db8:1::{:x}:{:<5}   {:<11} {}/nginx: worker  \n",
                i % 4096,
                (i * 31) % 65536,
                1024 + i % 60000,
                st,
                1000 + i % 50
            )
        } else {
            let local = format!("10.{}.{}.{}:{}", i % 200, (i / 200) % 250, i % 250, 443);
            let remote = format!("192.168.{}.{}:{}", (i / 7) % 250, i % 251, 1024 + i % 60000);
            format!(
                "tcp        0      0 {local:<23} {remote:<23} {st:<11} {}/nginx: worker  \n",
                1000 + i % 50
            )
        };
        w.write_all(line.as_bytes())?;
        written += line.len();
    }
    w.flush()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let keep = !args.is_empty();
    let path = match args.first() {
        Some(p) => std::path::PathBuf::from(p),
        None => {
            std::env::temp_dir().join(format!("tcpstate-throughput-{}.txt", std::process::id()))
        }
    };
    if !path.exists() {
        let mb = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(200);
        generate(&path, mb).expect("write the capture");
    }
    let bytes = std::fs::metadata(&path).expect("stat").len();
    let _ = std::fs::read(&path); // warm the page cache
    let mut best_wall = f64::MAX;
    let mut best_cpu = f64::MAX;
    let mut sockets = 0;
    for _ in 0..5 {
        let mut n = 0u64;
        let t = Instant::now();
        let c = cpu_seconds();
        let r = CaptureSource::open(&path)
            .run(&Query::default(), &mut |_: &Socket| {
                n += 1;
                Flow::Continue
            })
            .expect("read the capture");
        best_cpu = best_cpu.min(cpu_seconds() - c);
        best_wall = best_wall.min(t.elapsed().as_secs_f64());
        sockets = n;
        assert!(r.unread.is_empty(), "{:?}", &r.unread[..1]);
    }
    if !keep {
        let _ = std::fs::remove_file(&path);
    }
    let mb = bytes as f64 / 1e6;
    println!(
        "{bytes} bytes, {sockets} sockets, best of 5: {best_wall:.3} s wall ({:.0} MB/s), \
         {best_cpu:.3} s CPU ({:.0} MB/s on one core)",
        mb / best_wall,
        mb / best_cpu
    );
}
