//! `tcpstate watch` against real sockets in a private network namespace: the dashboard driven
//! in a real terminal (tmux) — counts, changes, keys, the socket list, the too-small window and
//! the terminal restored on quit — and the plain interval lines parsed.

use crate::common;

use std::collections::BTreeMap;
use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::thread;
use std::time::Duration;

use common::tmux::Tmux;
use common::{Netns, poll, ss};

const BIN: &str = env!("CARGO_BIN_EXE_tcpstate");

/// The dashboard tests drive tcpstate in a terminal and compare with `ss`.
const TUI_TOOLS: [&str; 2] = ["ss", "tmux"];

/// `tcpstate watch --interval 200ms` inside the namespace, as a shell command line.
fn watch_line(ns: &Netns) -> String {
    format!("ip netns exec {} {BIN} watch --interval 200ms", ns.name())
}

/// Per-state counts as `ss` sees them in the namespace (netstat spellings), once no socket is
/// between two states (a FIN or SYN not yet answered), so that a test compares with a
/// population that has settled; if it never settles, the last counts.
fn settled_counts(ns: &Netns) -> BTreeMap<String, u64> {
    let moving = ["FIN_WAIT1", "LAST_ACK", "SYN_SENT", "SYN_RECV", "CLOSING"];
    let settled = |s: &ss::States| moving.iter().all(|m| !s.contains_key(m));
    let counts = ss::wait_states(ns, Duration::from_secs(4), settled)
        .or_else(|_| ss::states(ns))
        .expect("ss runs");
    counts
        .into_iter()
        .map(|(state, n)| (state.to_string(), n as u64))
        .collect()
}

/// What `stty -a` wrote to `path` once it has (bounded), or what the file holds then.
fn stty_after_quit(path: &Path) -> String {
    let read = || std::fs::read_to_string(path).unwrap_or_default();
    poll(Duration::from_secs(10), Duration::from_millis(50), || {
        Some(read()).filter(|text| text.contains("icanon"))
    })
    .unwrap_or_else(read)
}

/// Sockets the tests hold open in a namespace; closing them is dropping them.
#[derive(Default)]
struct Population {
    listeners: Vec<TcpListener>,
    streams: Vec<TcpStream>,
}

/// A listener on 127.0.0.1 and its address.
fn listener() -> (TcpListener, SocketAddr) {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let a = l.local_addr().expect("local_addr");
    (l, a)
}

/// `n` connections to `addr`, accepted: 2n ESTABLISHED sockets.
fn connect_accepted(l: &TcpListener, addr: SocketAddr, n: usize) -> Vec<TcpStream> {
    let mut v = Vec::new();
    for _ in 0..n {
        v.push(TcpStream::connect(addr).expect("connect"));
        v.push(l.accept().expect("accept").0);
    }
    v
}

/// The population the dashboard test starts with, made in `ns`:
/// listener A with 3 accepted connections (6 ESTABLISHED), listener B with 2 connections left
/// in its accept queue (4 ESTABLISHED, queue 2), one TIME_WAIT (client closed first), and one
/// connection whose server side closed: CLOSE_WAIT on the client, FIN_WAIT2 on the server.
fn populate(ns: &Netns) -> (Population, SocketAddr, SocketAddr) {
    ns.inside(|| {
        let mut p = Population::default();
        let (a, a_addr) = listener();
        let (b, b_addr) = listener();
        p.streams.extend(connect_accepted(&a, a_addr, 3));
        for _ in 0..2 {
            p.streams
                .push(TcpStream::connect(b_addr).expect("connect to B"));
        }
        // TIME_WAIT: the client closes first, then the server.
        let mut tw = connect_accepted(&a, a_addr, 1);
        let server = tw.pop().expect("server side");
        drop(tw);
        let mut buf = [0u8; 1];
        let _ = std::io::Read::read(&mut &server, &mut buf);
        drop(server);
        // CLOSE_WAIT on the client: the server closes, the client never does.
        let mut cw = connect_accepted(&a, a_addr, 1);
        drop(cw.pop());
        p.streams.extend(cw);
        p.listeners.push(a);
        p.listeners.push(b);
        (p, a_addr, b_addr)
    })
}

/// A state's row of the dashboard's state table: (count, change).
fn state_row(screen: &str, state: &str) -> Option<(u64, String)> {
    for line in screen.lines() {
        let t = line.trim_start_matches('│').trim_start_matches('▶');
        let words: Vec<&str> = t
            .split(|c: char| c.is_whitespace() || c == '│')
            .filter(|w| !w.is_empty())
            .collect();
        if words.first() == Some(&state)
            && let Some(Ok(n)) = words.get(1).map(|w| w.parse::<u64>())
        {
            return Some((n, words.get(2).unwrap_or(&"").to_string()));
        }
    }
    None
}

fn count(screen: &str, state: &str) -> Option<u64> {
    state_row(screen, state).map(|r| r.0)
}

/// The state whose row carries the selection marker.
fn selected(screen: &str) -> Option<String> {
    screen.lines().find_map(|l| {
        let t = l.trim_start_matches('│');
        t.strip_prefix('▶')
            .and_then(|r| r.split_whitespace().next())
            .map(str::to_string)
    })
}

#[test]
fn dashboard_shows_counts_changes_and_keys_and_restores_the_terminal() {
    let Some(ns) = Netns::with_tools("watch-tui", &TUI_TOOLS) else {
        return;
    };
    let (mut pop, a_addr, b_addr) = populate(&ns);
    let stty = tempfile::NamedTempFile::new().expect("temp file");
    let stty_path = stty.path().display().to_string();
    let cmd = format!(
        "sh -c '{}; stty -a > {stty_path}; sleep 60'",
        watch_line(&ns)
    );
    let t = Tmux::start("watch-tui", 120, 40, &cmd);

    // The counts shown are the kernel's (ss in the same namespace).
    let kernel = settled_counts(&ns);
    assert_eq!(kernel.get("ESTABLISHED"), Some(&10), "ss says {kernel:?}");
    assert_eq!(kernel.get("LISTEN"), Some(&2), "ss says {kernel:?}");
    let screen = t.wait_for("the counts of every state ss sees", |s| {
        kernel.iter().all(|(st, n)| count(s, st) == Some(*n))
    });
    assert_eq!(count(&screen, "TOTAL"), Some(kernel.values().sum()));
    assert_eq!(selected(&screen).as_deref(), Some("ESTABLISHED"));

    // Listener health: B, with two connections waiting in its accept queue, comes first.
    let b = format!("{b_addr}");
    let screen = t.wait_for("listener B first with a queue of 2", |s| {
        let mut rows = s
            .lines()
            .skip_while(|l| !l.contains("LOCAL ADDRESS"))
            .skip(1);
        rows.next().is_some_and(|r| {
            let words: Vec<&str> = r.split_whitespace().collect();
            r.contains(&b) && words.iter().any(|w| w.starts_with("2/"))
        })
    });
    assert!(screen.contains(&format!("{a_addr}")), "{screen}");

    // Moved most, by remote IP: every ESTABLISHED socket here has 127.0.0.1 as its peer.
    t.wait_for("ESTABLISHED grouped by remote ip", |s| {
        s.contains("ESTABLISHED by remote-ip")
            && s.lines()
                .any(|l| l.contains("│127.0.0.1 ") && l.split_whitespace().any(|w| w == "10"))
    });

    // More sockets: the count rises and the change since the last sample shows it. A change
    // is on screen for one interval only, so look at the first screen with the new count, and
    // try again if the connections straddled two samples.
    let mut seen_change = false;
    for _ in 0..5 {
        let before = count(&t.screen(), "ESTABLISHED").expect("ESTABLISHED row");
        let listener = pop.listeners[0].try_clone().expect("clone listener");
        pop.streams
            .extend(ns.inside(move || connect_accepted(&listener, a_addr, 2)));
        let screen = t.wait_for("the ESTABLISHED count to rise", |s| {
            count(s, "ESTABLISHED").is_some_and(|n| n > before)
        });
        let (after, delta) = state_row(&screen, "ESTABLISHED").expect("row");
        if delta == format!("+{}", after - before) {
            seen_change = true;
            break;
        }
    }
    assert!(seen_change, "never saw the change next to the new count");
    let established = settled_counts(&ns)["ESTABLISHED"];

    // Down selects the next state, Up comes back.
    t.keys(&["Down"]);
    t.wait_for("SYN_SENT selected", |s| {
        selected(s).as_deref() == Some("SYN_SENT")
    });
    t.keys(&["Up"]);
    t.wait_for("ESTABLISHED selected", |s| {
        selected(s).as_deref() == Some("ESTABLISHED")
    });

    // Enter lists the ESTABLISHED sockets in netstat's columns, with the known addresses.
    t.keys(&["Enter"]);
    let a = format!("{a_addr}");
    let screen = t.wait_for("the ESTABLISHED socket list", |s| {
        s.contains(&format!("ESTABLISHED sockets: {established}"))
            && s.contains("Proto  Recv-Q  Send-Q Local Address")
    });
    let rows: Vec<&str> = screen
        .lines()
        .filter(|l| l.contains("ESTABLISHED") && l.contains("tcp "))
        .collect();
    assert!(
        rows.iter().filter(|r| r.contains(&a)).count() >= 2,
        "rows with {a}: {screen}"
    );
    assert!(rows.iter().any(|r| r.contains(&b)), "{screen}");
    t.keys(&["Escape"]);
    t.wait_for("the dashboard again", |s| s.contains("TCP states"));

    // g groups by local port: listener A's port holds the server side of its connections.
    t.keys(&["g"]);
    let port = a_addr.port().to_string();
    t.wait_for("ESTABLISHED grouped by local port", |s| {
        s.contains("ESTABLISHED by local-port")
            && s.lines().any(|l| l.contains(&format!("│{port} ")))
    });

    // p pauses: new sockets do not show until sampling resumes.
    t.keys(&["p"]);
    t.wait_for("PAUSED in the title", |s| s.contains("PAUSED"));
    let frozen = count(&t.screen(), "ESTABLISHED").expect("row");
    let listener = pop.listeners[0].try_clone().expect("clone listener");
    pop.streams
        .extend(ns.inside(move || connect_accepted(&listener, a_addr, 1)));
    for _ in 0..10 {
        thread::sleep(Duration::from_millis(100));
        assert_eq!(count(&t.screen(), "ESTABLISHED"), Some(frozen), "paused");
    }
    t.keys(&["p"]);
    t.wait_for("sampling to resume", |s| {
        !s.contains("PAUSED") && count(s, "ESTABLISHED") == Some(frozen + 2)
    });

    // ? shows the help, any key closes it.
    t.keys(&["?"]);
    t.wait_for("the help", |s| {
        s.contains("Help") && s.contains("pause / resume")
    });
    t.keys(&["Escape"]);
    t.wait_for("the help to close", |s| !s.contains("pause / resume"));

    // q quits, and the terminal is back in cooked mode with echo.
    t.keys(&["q"]);
    let text = stty_after_quit(stty.path());
    let words: Vec<&str> = text.split_whitespace().collect();
    assert!(words.contains(&"icanon"), "stty -a after quit: {text}");
    assert!(words.contains(&"echo"), "stty -a after quit: {text}");
    assert!(!words.contains(&"-icanon") && !words.contains(&"-echo"));
    drop(pop);
}

/// Whether a tmux screen with escapes sets a foreground or background colour (SGR 30-49,
/// 90-107, or 38/48 extended), as opposed to bold or reverse video alone.
fn has_colour(escaped: &str) -> bool {
    let re = regex::Regex::new(r"\x1b\[([0-9;]*)m").expect("regex");
    re.captures_iter(escaped).any(|c| {
        c[1].split(';').any(|p| {
            p.parse::<u32>().is_ok_and(|n| {
                (30..=49).contains(&n) && n != 39 && n != 49 || (90..=107).contains(&n)
            })
        })
    })
}

#[test]
fn no_color_leaves_the_dashboard_without_colour() {
    let Some(ns) = Netns::with_tools("watch-mono", &TUI_TOOLS) else {
        return;
    };
    for (env, coloured) in [("", true), ("NO_COLOR=1 ", false)] {
        let cmd = format!(
            "env -u NO_COLOR TERM=xterm-256color {env}{}",
            watch_line(&ns)
        );
        let t = Tmux::start("watch-mono", 100, 30, &cmd);
        t.wait_for("the dashboard", |s| s.contains("TCP states"));
        let escaped = t.screen_escaped();
        assert_eq!(has_colour(&escaped), coloured, "{env:?}:\n{escaped:?}");
        t.keys(&["q"]);
    }
}

#[test]
fn too_small_a_window_is_said_not_drawn() {
    let Some(ns) = Netns::with_tools("watch-small", &TUI_TOOLS) else {
        return;
    };
    let t = Tmux::start("watch-small", 30, 8, &watch_line(&ns));
    let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let screen = t.wait_for("the too-small message", |s| {
        flat(s).contains("window too small: need 60x15, have 30x8")
    });
    assert!(!screen.contains("TCP states"), "{screen}");
    // Growing the window brings the dashboard.
    t.resize(80, 24);
    t.wait_for("the dashboard after a resize", |s| {
        s.contains("TCP states") && !s.contains("too small")
    });
    t.resize(50, 10);
    t.wait_for("the message again", |s| {
        flat(s).contains("need 60x15, have 50x10")
    });
    // Ctrl-C quits (raw mode makes it a key, not a signal).
    t.keys(&["C-c"]);
    let ended = poll(Duration::from_secs(10), Duration::from_millis(50), || {
        (!t.alive()).then_some(())
    });
    assert!(ended.is_some(), "Ctrl-C did not end the dashboard");
}

/// The `STATE=COUNT` pairs of a plain line, after its time stamp.
fn pairs(line: &str) -> (String, BTreeMap<String, u64>) {
    let mut words = line.split_whitespace();
    let time = words.next().expect("time").to_string();
    let m = words
        .map(|w| {
            let (s, n) = w.split_once('=').expect("STATE=COUNT");
            (s.to_string(), n.parse().expect("a count"))
        })
        .collect();
    (time, m)
}

#[test]
fn plain_lines_and_json_lines() {
    let Some(ns) = Netns::with_tools("watch-plain", &["ss"]) else {
        return;
    };
    let (pop, _, _) = populate(&ns);
    let kernel = settled_counts(&ns);

    let run = |extra: &[&str]| {
        let out = ns
            .command(BIN)
            .args(["watch", "--interval", "200ms"])
            .args(extra)
            .output()
            .expect("run tcpstate watch");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    };

    // --plain, three samples, a header first.
    let text = run(&["--plain", "--count", "3"]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(lines[0].starts_with("# tcpstate watch"), "{text}");
    let mut times = Vec::new();
    for l in &lines[1..] {
        let (time, m) = pairs(l);
        assert!(time.ends_with('Z') && time.contains('T'), "{time}");
        assert_eq!(m, kernel, "{l}");
        times.push(time);
    }
    assert!(times.windows(2).all(|w| w[0] < w[1]), "{times:?}");

    // Not a terminal: plain lines without --plain; --all-states and --no-header.
    let text = run(&["--count", "1", "--all-states", "--no-header"]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "{text}");
    let (_, m) = pairs(lines[0]);
    assert_eq!(m.len(), 11, "{text}");
    assert_eq!(m["SYN_SENT"], 0);
    assert_eq!(m["ESTABLISHED"], kernel["ESTABLISHED"]);

    // Filters apply: only LISTEN.
    let text = run(&[
        "--count",
        "1",
        "--no-header",
        "--state",
        "listen",
        "--all-states",
    ]);
    let (_, m) = pairs(text.trim());
    assert_eq!(m.len(), 1, "{text}");
    assert_eq!(m["LISTEN"], 2);

    // JSON: one object per line, a change from the second line on.
    let text = run(&["--count", "2", "--format", "json"]);
    let objs: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON object per line"))
        .collect();
    assert_eq!(objs.len(), 2, "{text}");
    assert_eq!(objs[0]["states"]["listen"], 2);
    assert_eq!(objs[0]["states"]["established"], kernel["ESTABLISHED"]);
    assert!(objs[0]["delta"].is_null());
    assert_eq!(objs[1]["delta"]["listen"], 0);

    // CSV: a header of every state, one row per sample.
    let text = run(&["--count", "2", "--format", "csv"]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    let head: Vec<&str> = lines[0].split(',').collect();
    let row: Vec<&str> = lines[1].split(',').collect();
    let at = head
        .iter()
        .position(|h| *h == "LISTEN")
        .expect("LISTEN column");
    assert_eq!(row[at], "2");

    // A closed pipe ends quietly.
    let mut child = ns
        .command(BIN)
        .args(["watch", "--interval", "20ms"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = [0u8; 1];
    let mut stdout = child.stdout.take().expect("stdout");
    std::io::Read::read_exact(&mut stdout, &mut first).expect("a first byte");
    drop(stdout);
    let out = child.wait_with_output().expect("wait");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::io::stderr().flush();
    drop(pop);
}

/// The pid of the process the pane's shell started (the dashboard, once `ip netns exec` has
/// exec'd it).
fn child_of(pid: u32) -> Option<u32> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).ok()?;
    text.split_whitespace().next()?.parse().ok()
}

fn is_tcpstate(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == "tcpstate")
}

/// The dashboard's pid: the pane's process itself, or the child of the pane's shell.
fn watch_pid(t: &Tmux) -> u32 {
    let pane = t.pane_pid();
    poll(Duration::from_secs(2), Duration::from_millis(20), || {
        if is_tcpstate(pane) {
            return Some(pane);
        }
        child_of(pane).filter(|&c| is_tcpstate(c))
    })
    .expect("no tcpstate process in the pane")
}

/// Whether `pid` still runs (a zombie does not).
fn running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        s.rsplit_once(") ")
            .is_some_and(|(_, rest)| !rest.starts_with('Z'))
    })
}

#[test]
fn the_dashboard_ends_when_its_terminal_goes_away() {
    let Some(ns) = Netns::with_tools("watch-hangup", &TUI_TOOLS) else {
        return;
    };
    let t = Tmux::start("watch-hangup", 100, 30, &watch_line(&ns));
    t.wait_for("the dashboard", |s| s.contains("TCP states"));
    let pid = watch_pid(&t);
    // Killing the tmux server hangs up the pane's terminal.
    drop(t);
    let ended = poll(Duration::from_secs(10), Duration::from_millis(50), || {
        (!running(pid)).then_some(())
    });
    if ended.is_some() {
        return;
    }
    let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
    panic!("the dashboard outlived its terminal");
}

#[test]
fn a_signal_ends_the_dashboard_and_restores_the_terminal() {
    let Some(ns) = Netns::with_tools("watch-signal", &TUI_TOOLS) else {
        return;
    };
    let stty = tempfile::NamedTempFile::new().expect("temp file");
    let cmd = format!(
        "sh -c '{}; echo exit=$? > {p}.rc; stty -a > {p}; sleep 60'",
        watch_line(&ns),
        p = stty.path().display()
    );
    let t = Tmux::start("watch-signal", 100, 30, &cmd);
    t.wait_for("the dashboard", |s| s.contains("TCP states"));
    let watch = watch_pid(&t);
    let ok = Command::new("kill")
        .args(["-TERM", &watch.to_string()])
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "kill -TERM {watch}");
    let text = stty_after_quit(stty.path());
    let rc_path = format!("{}.rc", stty.path().display());
    let rc = std::fs::read_to_string(&rc_path).unwrap_or_default();
    let _ = std::fs::remove_file(&rc_path);
    let words: Vec<&str> = text.split_whitespace().collect();
    assert!(
        words.contains(&"icanon") && words.contains(&"echo"),
        "stty -a: {text}"
    );
    assert_eq!(rc.trim(), "exit=0", "a signal is a normal end");
}
