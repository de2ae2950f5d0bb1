//! The examples and exit codes of every command, kept once: `--help` shows them after the
//! flags (clap's `after_long_help`, built by [`after_long_help`]), and the manual pages render
//! them as their EXAMPLES and EXIT STATUS sections. A command is named by its word (`list`,
//! `check` …); `""` is tcpstate itself.

/// One example: the command line and what it does.
pub struct Example {
    pub command: &'static str,
    pub does: &'static str,
}

const fn ex(command: &'static str, does: &'static str) -> Example {
    Example { command, does }
}

/// A group of examples for one task.
pub struct Task {
    pub title: &'static str,
    pub examples: &'static [Example],
}

const TOP: &[Task] = &[
    Task {
        title: "Count",
        examples: &[
            ex("tcpstate", "counts per state, largest first"),
            ex(
                "tcpstate --format plain",
                "STATE COUNT lines, as the netstat+awk one-liner prints",
            ),
            ex(
                "tcpstate summary --by remote-ip --state time-wait --top 10",
                "which peers hold the TIME_WAITs",
            ),
            ex(
                "tcpstate summary --by process --state close-wait",
                "which process piles up CLOSE_WAIT",
            ),
            ex("tcpstate --explain", "each state with its one-line meaning"),
        ],
    },
    Task {
        title: "List",
        examples: &[
            ex(
                "tcpstate list --state close-wait --sport 8080",
                "netstat's six columns, filtered",
            ),
            ex(
                "tcpstate list -eo --dst 10.0.0.0/8",
                "+ uid, inode, cookie and timers",
            ),
            ex(
                "tcpstate list -p --state close-wait",
                "+ the processes holding each socket",
            ),
            ex(
                "tcpstate list state established dst 10.2.3.4",
                "ss's filter words (every command)",
            ),
            ex(
                "tcpstate kill --dry-run dst 10.2.3.4",
                "what ss -K would close; --yes closes",
            ),
        ],
    },
    Task {
        title: "Namespaces and saved captures",
        examples: &[
            ex(
                "tcpstate --all-netns",
                "one column per network namespace (containers)",
            ),
            ex(
                "tcpstate list -p --netns blue --state time-wait",
                "another namespace",
            ),
            ex(
                "tcpstate --from web1.txt --from db.txt",
                "saved netstat/ss output, one column per host",
            ),
        ],
    },
    Task {
        title: "Understand, check, monitor",
        examples: &[
            ex(
                "tcpstate explain close-wait",
                "what a state means and what a large count means",
            ),
            ex(
                "tcpstate fsm --role client",
                "the TCP state machine, one side's path",
            ),
            ex(
                "tcpstate check --interval 2s",
                "health check; exit code = severity",
            ),
            ex("tcpstate watch", "live dashboard"),
            ex("tcpstate serve", "Prometheus exporter on 127.0.0.1:10011"),
            ex(
                "sudo tcpstate trace --port 443 --duration 30s",
                "transitions live",
            ),
        ],
    },
];

const SUMMARY: &[Task] = &[Task {
    title: "Examples",
    examples: &[
        ex("tcpstate summary", "counts per state, largest first"),
        ex(
            "tcpstate summary --format plain",
            "STATE COUNT lines for scripts",
        ),
        ex(
            "tcpstate summary --by local-port --state close-wait",
            "which service leaks CLOSE_WAIT",
        ),
        ex(
            "tcpstate summary --by remote-ip --state time-wait --top 10",
            "which peers hold the TIME_WAITs",
        ),
        ex(
            "tcpstate summary --from lvs.txt --from web1.txt",
            "saved captures, one column per host",
        ),
    ],
}];

const LIST: &[Task] = &[Task {
    title: "Examples",
    examples: &[
        ex("tcpstate list", "netstat's six columns, one row per socket"),
        ex(
            "tcpstate list -e -o",
            "+ uid, inode, socket cookie; + timers as netstat -o",
        ),
        ex(
            "tcpstate list --state close-wait --sport 8080 --dst 10.0.0.0/8",
            "filters",
        ),
        ex(
            "tcpstate list state established '( dport = :5432 or sport = :5432 )'",
            "ss's filter words, applied by the kernel",
        ),
        ex("tcpstate list -tanl", "ss's habits: listening sockets"),
        ex(
            "tcpstate list -p --state close-wait",
            "+ PID/Program: who holds each socket",
        ),
        ex(
            "tcpstate list --source proc",
            "read /proc/net/tcp{,6} instead of netlink",
        ),
        ex(
            "tcpstate list --all-netns -p --state time-wait",
            "NETNS column: which container holds them",
        ),
    ],
}];

const KILL: &[Task] = &[Task {
    title: "Examples",
    examples: &[
        ex(
            "tcpstate kill --dry-run dst 10.2.3.4",
            "what closing a gone peer's sockets would close",
        ),
        ex(
            "tcpstate kill --yes dst 10.2.3.4",
            "close them without asking (as ss -K dst 10.2.3.4)",
        ),
        ex(
            "tcpstate kill --older-than 30s state close-wait sport = :8080",
            "CLOSE_WAIT that stayed 30 s",
        ),
        ex(
            "tcpstate kill --all-netns --yes state established dport = :5432",
            "in every namespace",
        ),
    ],
}];

const EXPLAIN: &[Task] = &[Task {
    title: "Examples",
    examples: &[
        ex("tcpstate explain", "every state"),
        ex(
            "tcpstate explain time-wait close-wait",
            "what they mean, how long they last, what a large count means",
        ),
        ex("tcpstate --lang zh explain", "in Chinese"),
    ],
}];

const FSM: &[Task] = &[Task {
    title: "Examples",
    examples: &[
        ex("tcpstate fsm", "the transitions table with Linux notes"),
        ex("tcpstate fsm --role client", "the normal path of one side"),
        ex(
            "tcpstate fsm --format dot | dot -Tsvg > tcp.svg",
            "the diagram",
        ),
        ex(
            "tcpstate fsm --check CLOSED,SYN_SENT,ESTABLISHED,FIN_WAIT1,FIN_WAIT2,TIME_WAIT,CLOSED",
            "is this a possible life of one socket?",
        ),
    ],
}];

const CHECK: &[Task] = &[Task {
    title: "Examples",
    examples: &[
        ex("tcpstate check", "findings with evidence and advice"),
        ex(
            "tcpstate check --interval 2s",
            "two samples: counter increases, stuck CLOSE_WAIT",
        ),
        ex(
            "tcpstate check --format nagios",
            "monitoring-plugin status line with perfdata",
        ),
        ex(
            "tcpstate check --warn close-wait=50 --crit close-wait=500 --warn time-wait=60%",
            "thresholds on the command line",
        ),
        ex(
            "tcpstate check --config /etc/tcpstate/check.toml --lang zh",
            "thresholds from a file, advice in Chinese",
        ),
    ],
}];

const WATCH: &[Task] = &[Task {
    title: "Examples",
    examples: &[
        ex(
            "tcpstate watch",
            "live dashboard; one line per second to a pipe",
        ),
        ex(
            "tcpstate watch --by remote-ip -n 2s",
            "group the moving state by peer",
        ),
        ex(
            "tcpstate watch --plain -n 10s >> tcp.log",
            "vmstat-style log",
        ),
        ex("tcpstate watch --format json -c 5", "five JSON lines"),
    ],
}];

const SERVE: &[Task] = &[Task {
    title: "Examples",
    examples: &[
        ex("tcpstate serve", "http://127.0.0.1:10011/metrics"),
        ex(
            "tcpstate serve --listen 0.0.0.0:10011 --listeners --by-port 80,443,5432",
            "per-port and listener series",
        ),
        ex(
            "tcpstate serve --compat-node-exporter",
            "+ node_tcp_connection_states",
        ),
        ex(
            "tcpstate serve --all-netns",
            "every namespace, one netns label each",
        ),
    ],
}];

const TRACE: &[Task] = &[Task {
    title: "Examples",
    examples: &[
        ex(
            "sudo tcpstate trace",
            "every TCP state transition, live, then a summary",
        ),
        ex(
            "sudo tcpstate trace --port 443 --duration 30s --summary",
            "only the summary",
        ),
        ex(
            "sudo tcpstate trace --state close-wait --count 100",
            "the first 100 matching",
        ),
    ],
}];

const FLEET: &[Task] = &[Task {
    title: "Examples",
    examples: &[
        ex(
            "tcpstate fleet --prometheus http://prom:9090",
            "one column per instance, from the Prometheus that scrapes them",
        ),
        ex("tcpstate fleet --rows", "one row per instance"),
        ex(
            "tcpstate fleet --match '{job=\"tcpstate\",env=\"prod\"}'",
            "only these series",
        ),
        ex(
            "tcpstate fleet --sort time-wait --top 5",
            "the 5 hosts with most TIME_WAIT",
        ),
        ex("tcpstate fleet --at 2024-05-01T12:00:00Z", "as it was then"),
        ex("tcpstate fleet --by port", "per-port series, port served"),
    ],
}];

const FLEET_CHECK: &[Task] = &[Task {
    title: "Examples",
    examples: &[ex(
        "tcpstate fleet check --warn established=5000 --crit close-wait=500 --format nagios",
        "every instance judged; exit code = the worst",
    )],
}];

const COMPLETIONS: &[Task] = &[Task {
    title: "Examples",
    examples: &[
        ex(
            "tcpstate completions bash > /etc/bash_completion.d/tcpstate",
            "bash",
        ),
        ex(
            "tcpstate completions zsh > \"${fpath[1]}/_tcpstate\"",
            "zsh",
        ),
        ex(
            "tcpstate completions fish > ~/.config/fish/completions/tcpstate.fish",
            "fish",
        ),
    ],
}];

const CONNTRACK: &[Task] = &[Task {
    title: "Examples",
    examples: &[
        ex(
            "tcpstate conntrack",
            "TCP entries of the conntrack table per state; its fill and statistics",
        ),
        ex(
            "tcpstate conntrack --format plain",
            "STATE COUNT lines, as awk over /proc/net/nf_conntrack prints",
        ),
        ex(
            "tcpstate conntrack --by dst,dport --top 10",
            "which destinations fill the table",
        ),
        ex(
            "tcpstate conntrack --all-netns",
            "the table of every namespace, side by side",
        ),
        ex(
            "tcpstate conntrack --from gw1-conntrack.txt",
            "a saved `conntrack -L` or /proc/net/nf_conntrack",
        ),
    ],
}];

const CONNTRACK_LIST: &[Task] = &[Task {
    title: "Examples",
    examples: &[
        ex(
            "tcpstate conntrack list --state established --dport 443",
            "each flow: tuples, NAT, mark, zone, timeout, flags",
        ),
        ex(
            "tcpstate conntrack list --format json | jq 'select(.nat.dnat)'",
            "flows whose destination was translated",
        ),
    ],
}];

const IPVS: &[Task] = &[Task {
    title: "Examples",
    examples: &[
        ex(
            "tcpstate ipvs",
            "IPVS connections per state, virtual service and real server",
        ),
        ex(
            "tcpstate ipvs --format plain",
            "STATE COUNT lines, as awk over ipvsadm -lnc prints",
        ),
        ex(
            "tcpstate ipvs --from lb1-ipvsadm.txt",
            "a saved `ipvsadm -lnc` or /proc/net/ip_vs_conn",
        ),
    ],
}];

/// The examples of a command, grouped by task (`""`: tcpstate itself).
pub fn tasks(command: &str) -> &'static [Task] {
    match command {
        "summary" => SUMMARY,
        "list" => LIST,
        "explain" => EXPLAIN,
        "fsm" => FSM,
        "check" => CHECK,
        "kill" => KILL,
        "watch" => WATCH,
        "serve" => SERVE,
        "trace" => TRACE,
        "completions" => COMPLETIONS,
        "fleet" => FLEET,
        "fleet-check" => FLEET_CHECK,
        "conntrack" => CONNTRACK,
        "conntrack-list" => CONNTRACK_LIST,
        "ipvs" => IPVS,
        "" => TOP,
        // A command without examples here gets none, rather than another command's.
        _ => &[],
    }
}

/// What the exit status of a command means, one line per code.
pub fn exit_status(command: &str) -> &'static [(&'static str, &'static str)] {
    match command {
        "check" | "fleet-check" => &[
            ("0", "OK: every finding is OK"),
            ("1", "WARNING"),
            ("2", "CRITICAL"),
            (
                "3",
                "UNKNOWN: the check could not run (bad configuration or command line, no \
                 permission, any runtime error)",
            ),
        ],
        "kill" => &[
            (
                "0",
                "every selected socket was closed (or had gone), or nothing matched, or \
                 --dry-run",
            ),
            (
                "1",
                "some sockets were not closed (each said why), or a runtime error",
            ),
            (
                "2",
                "usage error: no filter without --all, no --yes without a terminal",
            ),
        ],
        "fsm" => &[
            (
                "0",
                "success; with --check, the sequence is a possible life of one socket",
            ),
            (
                "1",
                "runtime error; with --check, the sequence is not possible",
            ),
            ("2", "usage error"),
        ],
        _ => &[
            (
                "0",
                "success, also when the output is a pipe closed early (tcpstate list | head)",
            ),
            ("1", "runtime error, said in one sentence on stderr"),
            (
                "2",
                "usage error: an unknown state word lists the valid ones, a bad CIDR says \
                 which part is wrong",
            ),
        ],
    }
}

/// Environment variables every command reads.
pub const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "NO_COLOR",
        "set and not empty: no colour anywhere, the dashboard included",
    ),
    (
        "CLICOLOR_FORCE",
        "set and not 0: colour even when the output is not a terminal (NO_COLOR wins)",
    ),
    (
        "LC_ALL, LC_MESSAGES, LANG",
        "the language of explanations and advice when --lang is not given",
    ),
];

/// The text clap prints after the flags with `--help`: examples by task, then exit status.
pub fn after_long_help(command: &str) -> String {
    let mut s = String::new();
    for task in tasks(command) {
        s.push_str(task.title);
        s.push_str(":\n");
        let width = task
            .examples
            .iter()
            .map(|e| e.command.len())
            .filter(|&n| n <= 56)
            .max()
            .unwrap_or(0);
        for e in task.examples {
            if e.command.len() > width || 2 + width + 4 + e.does.len() > 98 {
                s.push_str(&format!("  {}\n  {:width$}  # {}\n", e.command, "", e.does));
            } else {
                s.push_str(&format!("  {:width$}  # {}\n", e.command, e.does));
            }
        }
        s.push('\n');
    }
    s.push_str("Exit status:\n");
    for (code, means) in exit_status(command) {
        s.push_str(&format!("  {code}  {means}\n"));
    }
    if command.is_empty() {
        s.push_str("\nEnvironment:\n");
        for (var, means) in ENVIRONMENT {
            s.push_str(&format!("  {var}: {means}\n"));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_has_examples_that_name_tcpstate() {
        for c in [
            "",
            "summary",
            "list",
            "explain",
            "fsm",
            "check",
            "watch",
            "serve",
            "trace",
            "completions",
            "fleet",
            "fleet-check",
            "conntrack",
            "conntrack-list",
            "ipvs",
        ] {
            let tasks = tasks(c);
            assert!(!tasks.is_empty(), "{c}");
            for t in tasks {
                for e in t.examples {
                    assert!(e.command.contains("tcpstate"), "{c}: {}", e.command);
                }
            }
            let text = after_long_help(c);
            assert!(text.contains("Exit status:\n  0  "), "{c}: {text}");
        }
        assert!(after_long_help("check").contains("3  UNKNOWN"));
        // A command this file does not know has no examples, not another command's.
        assert!(tasks("no-such-command").is_empty());
        assert!(after_long_help("no-such-command").starts_with("Exit status:"));
    }
}
