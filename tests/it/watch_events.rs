//! `watch --events`: the dashboard's events panel, driven in a real terminal (tmux), names the
//! peer behind 5 % random loss (an nftables rule in a private namespace) among the peers
//! retransmitted to, with a rate above 0, and NETFILTER_DROP among the drop reasons; a clean
//! peer with traffic beside it is not named. The plain lines carry the same.

use std::net::SocketAddr;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use crate::common::Netns;
use crate::common::tmux::Tmux;
use crate::common::traffic::{Stop, pump, unique_ip};

const BIN: &str = env!("CARGO_BIN_EXE_tcpstate");

/// The events panel alone: from its title down to its bottom border, each line from the
/// panel's left edge (the other panels name the peers too, by their connections).
fn events_panel(screen: &str) -> String {
    let mut lines = screen
        .lines()
        .skip_while(|l| !l.contains("Events, per second"));
    let Some(title) = lines.next() else {
        return String::new();
    };
    let Some(col) = title
        .char_indices()
        .position(|(i, _)| title[i..].starts_with("┌ Events"))
    else {
        return String::new();
    };
    lines
        .take_while(|l| !l.chars().skip(col).collect::<String>().starts_with('└'))
        .map(|l| l.chars().skip(col).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The rate on the events panel's row naming `what`: the last word of the row.
fn panel_rate(screen: &str, what: &str) -> Option<f64> {
    let panel = events_panel(screen);
    let line = panel.lines().find(|l| l.contains(what))?;
    let from = line.find(what)?;
    let cell = line[from..].split('│').next()?;
    cell.split_whitespace().last()?.parse().ok()
}

#[test]
fn the_panel_names_the_lossy_peer_and_the_drop_reason() {
    let Some(ns) = Netns::with_tools("watch-ev", &["tmux", "nft"]) else {
        return;
    };
    let (lossy, clean) = (
        SocketAddr::from((unique_ip(), 7880)),
        SocketAddr::from((unique_ip(), 7881)),
    );
    ns.nft(&format!(
        "table inet loss {{\n chain in {{\n type filter hook input priority 0;\n \
         ip daddr {} tcp dport 7880 numgen random mod 100 < 5 drop\n }}\n}}\n",
        lossy.ip()
    ))
    .expect("nft loss rule");
    let (lossy_ip, clean_ip) = (lossy.ip().to_string(), clean.ip().to_string());
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        let _stop = Stop(&stop);
        s.spawn(|| pump(&ns, lossy, 65536, Duration::ZERO, &stop));
        s.spawn(|| pump(&ns, clean, 1024, Duration::from_millis(10), &stop));
        let cmd = format!(
            "ip netns exec {} {BIN} watch --interval 500ms --events retrans,drop,reset; sleep 60",
            ns.name()
        );
        // Tall enough that the events panel holds the peers, several drop reasons and the
        // resets at once.
        let t = Tmux::start("watch-ev", 140, 52, &cmd);
        let screen = t.wait_for(
            "the lossy peer and NETFILTER_DROP on the events panel",
            |s| {
                panel_rate(s, &lossy_ip).is_some_and(|r| r > 0.0)
                    && panel_rate(s, "NETFILTER_DROP").is_some_and(|r| r > 0.0)
            },
        );
        let panel = events_panel(&screen);
        assert!(panel.contains("RETRANSMITTED TO"), "{screen}");
        assert!(panel.contains("RST sent"), "{screen}");
        assert!(!panel.contains(&clean_ip), "{screen}");
        // The clean peer is on the screen, by its connection, so its absence above counts.
        assert!(screen.contains(&clean_ip), "{screen}");

        // The plain lines: the lossy peer with its rate, the drop reason.
        let out = ns
            .command(BIN)
            .args([
                "watch",
                "--plain",
                "--interval",
                "500ms",
                "--count",
                "4",
                "--events",
                "retrans,drop",
            ])
            .output()
            .expect("runs tcpstate watch");
        let text = String::from_utf8_lossy(&out.stdout);
        // A lossy connection can sit in its retransmission backoff for a whole interval, so
        // any of the samples may be the one that shows it, not only the last.
        let rate = text
            .split_whitespace()
            .filter_map(|w| w.strip_prefix(&format!("{lossy_ip}=")))
            .filter_map(|r| r.parse::<f64>().ok())
            .fold(0.0, f64::max);
        assert!(rate > 0.0, "{text}");
        assert!(text.contains("NETFILTER_DROP="), "{text}");
        assert!(!text.contains(&clean_ip), "{text}");
    });
    ns.run("nft", &["delete", "table", "inet", "loss"]).ok();
}
