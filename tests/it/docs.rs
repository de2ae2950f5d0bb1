//! What ships beside the binary: the manual pages and completion scripts checked in under
//! `contrib/` are the ones the binary prints, the pages render without a groff
//! warning, the bash script loads and offers state words, groups and `--by`/`--format` values;
//! and the everyday face of the binary: `--version` with commit and date, `--help` grouped by
//! task, and colour by NO_COLOR / CLICOLOR_FORCE.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::require_tool;

const BIN: &str = env!("CARGO_BIN_EXE_tcpstate");

fn contrib() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("contrib")
}

/// Relative paths of the files under `dir/sub`.
fn files_in(dir: &Path, sub: &str) -> BTreeSet<String> {
    std::fs::read_dir(dir.join(sub))
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| format!("{sub}/{}", e.file_name().to_string_lossy()))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_binary_prints_the_completions_that_are_checked_in() {
    // contrib/ itself is checked against the clap definitions by the xtask crate's test.
    for (shell, file) in [
        ("bash", "tcpstate.bash"),
        ("zsh", "_tcpstate"),
        ("fish", "tcpstate.fish"),
        ("elvish", "tcpstate.elv"),
        ("powershell", "_tcpstate.ps1"),
    ] {
        let out = Command::new(BIN)
            .args(["completions", shell])
            .output()
            .expect("runs");
        assert!(out.status.success(), "{shell}: {out:?}");
        let checked_in = std::fs::read(contrib().join("completions").join(file)).expect(file);
        assert!(
            out.stdout == checked_in,
            "{shell} differs from contrib/completions/{file}"
        );
    }
    let pages = files_in(&contrib(), "man");
    for page in [
        "tcpstate.1",
        "tcpstate-list.1",
        "tcpstate-check.1",
        "tcpstate-completions.1",
    ] {
        assert!(pages.contains(&format!("man/{page}")), "{pages:?}");
    }
}

#[test]
fn man_pages_render_without_warnings_and_hold_examples_and_exit_codes() {
    if !require_tool("groff") {
        return;
    }
    let pages = files_in(&contrib(), "man");
    assert!(!pages.is_empty());
    for rel in &pages {
        let path = contrib().join(rel);
        let out = Command::new("groff")
            .args(["-man", "-Tutf8", "-ww", "-P-cbou"])
            .arg(&path)
            .output()
            .expect("groff runs");
        assert!(out.status.success(), "{rel}: {out:?}");
        let warnings = String::from_utf8_lossy(&out.stderr);
        assert!(warnings.is_empty(), "{rel}: groff says:\n{warnings}");
        let text = String::from_utf8_lossy(&out.stdout);
        for section in ["NAME", "SYNOPSIS", "EXAMPLES", "EXIT STATUS", "SEE ALSO"] {
            assert!(text.contains(section), "{rel} has no {section}");
        }
    }
    let top = std::fs::read_to_string(contrib().join("man/tcpstate.1")).expect("tcpstate.1");
    assert!(
        top.contains("FILTERS") && top.contains("NO_COLOR"),
        "tcpstate.1"
    );
    let check = std::fs::read_to_string(contrib().join("man/tcpstate-check.1")).expect("page");
    assert!(
        check.contains("UNKNOWN"),
        "tcpstate-check.1 names exit code 3"
    );
}

#[test]
fn man_shows_a_page_with_its_warnings_checked() {
    if !require_tool("man") {
        return;
    }
    let out = Command::new("man")
        .args(["--warnings", "-l"])
        .arg(contrib().join("man/tcpstate-list.1"))
        .env("MANWIDTH", "80")
        .env("MANPAGER", "cat")
        .output()
        .expect("man runs");
    assert!(out.status.success(), "{out:?}");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("tcpstate list --state close-wait"), "{text}");
}

/// Runs bash with the completion script loaded and returns what `_tcpstate` offers after
/// `words` (the last one being completed).
fn bash_offers(words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let script = format!(
        "source <({BIN} completions bash) || exit 9\n\
         complete -p tcpstate >&2 || exit 8\n\
         COMP_WORDS=({words}); COMP_CWORD={cword}\n\
         COMP_LINE=\"${{COMP_WORDS[*]}}\"; COMP_POINT=${{#COMP_LINE}}\n\
         _tcpstate tcpstate \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        words = quoted.join(" "),
        cword = words.len() - 1,
    );
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &script])
        .output()
        .expect("bash runs");
    assert!(out.status.success(), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("-F _tcpstate"),
        "complete -p: {out:?}"
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completion_loads_and_offers_states_groups_and_values() {
    if !require_tool("bash") {
        return;
    }
    let states = bash_offers(&["tcpstate", "--state", ""]);
    for w in [
        "established",
        "time-wait",
        "close-wait",
        "syn-recv",
        "connected",
        "closing-all",
    ] {
        assert!(states.iter().any(|s| s == w), "--state offers {states:?}");
    }
    let partial = bash_offers(&["tcpstate", "list", "--state", "clo"]);
    let want: BTreeSet<&str> = ["close", "close-wait", "closing", "closing-all"].into();
    let have: BTreeSet<&str> = partial.iter().map(String::as_str).collect();
    assert_eq!(have, want);
    let by = bash_offers(&["tcpstate", "summary", "--by", ""]);
    assert!(by.iter().any(|s| s == "remote-ip"), "--by offers {by:?}");
    let format = bash_offers(&["tcpstate", "--format", ""]);
    assert!(
        format.iter().any(|s| s == "json"),
        "--format offers {format:?}"
    );
    let commands = bash_offers(&["tcpstate", ""]);
    assert!(commands.iter().any(|s| s == "completions"), "{commands:?}");
}

#[test]
fn every_shell_gets_a_script_and_a_wrong_one_is_a_usage_error() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = Command::new(BIN)
            .args(["completions", shell])
            .output()
            .expect("runs");
        assert!(out.status.success(), "{shell}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("time-wait"),
            "{shell} script offers state words"
        );
    }
    let out = Command::new(BIN)
        .args(["completions", "tcsh"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn state_words_in_every_spelling_still_parse() {
    let capture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/captures/handmade/netstat-W-eo.txt");
    for state in [
        "time-wait",
        "TIME_WAIT",
        "Time Wait",
        "SYN_RCVD,bucket",
        "closing-all",
    ] {
        let out = Command::new(BIN)
            .args(["--format", "plain", "--state", state, "--from"])
            .arg(&capture)
            .output()
            .expect("runs");
        assert!(out.status.success(), "--state {state}: {out:?}");
    }
    let ss_state = capture.with_file_name("ss-an-state-close-wait.txt");
    for state in ["CLOSE_WAIT", "close-wait", "closewait"] {
        let out = Command::new(BIN)
            .args(["--format", "plain", "--assume-state", state, "--from"])
            .arg(&ss_state)
            .output()
            .expect("runs");
        assert!(out.status.success(), "--assume-state {state}: {out:?}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("CLOSE_WAIT"));
    }
}

#[test]
fn version_names_the_commit_and_the_build_date() {
    let out = Command::new(BIN).arg("--version").output().expect("runs");
    assert!(out.status.success());
    let line = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let re = regex::Regex::new(
        r"^tcpstate \d+\.\d+\.\d+ \((commit [0-9a-f]{4,}, )?built \d{4}-\d{2}-\d{2}\)$",
    )
    .expect("regex");
    assert!(re.is_match(&line), "{line}");
    // Built from this checkout, the commit is there when git is.
    if crate::common::find_tool("git")
        && Path::new(env!("CARGO_MANIFEST_DIR")).join(".git").exists()
    {
        assert!(line.contains("commit "), "{line}");
    }
}

#[test]
fn help_groups_flags_by_task_with_examples_and_exit_codes() {
    let out = Command::new(BIN).arg("--help").output().expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let at = |s: &str| {
        text.find(s)
            .unwrap_or_else(|| panic!("no {s:?} in\n{text}"))
    };
    assert!(at("Filters:") < at("Input:") && at("Input:") < at("Output:"));
    assert!(
        at("Output:") < at("Count:"),
        "examples come after the flags"
    );
    at("tcpstate summary --by remote-ip --state time-wait --top 10");
    at("Exit status:");
    let out = Command::new(BIN)
        .args(["check", "--help"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("tcpstate check --format nagios"), "{text}");
    assert!(text.contains("3  UNKNOWN"), "{text}");
}

#[test]
fn colour_follows_no_color_and_clicolor_force() {
    let capture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/captures/handmade/netstat-W-eo.txt");
    let run = |env: &[(&str, &str)]| {
        let mut c = Command::new(BIN);
        c.arg("--from").arg(&capture).env_remove("NO_COLOR");
        c.env_remove("CLICOLOR_FORCE").env_remove("CLICOLOR");
        for (k, v) in env {
            c.env(k, v);
        }
        let out = c.output().expect("runs");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).contains('\x1b')
    };
    assert!(!run(&[]), "a pipe gets no colour");
    assert!(
        run(&[("CLICOLOR_FORCE", "1")]),
        "CLICOLOR_FORCE colours a pipe"
    );
    assert!(!run(&[("CLICOLOR_FORCE", "0")]));
    assert!(
        !run(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]),
        "NO_COLOR wins"
    );
}

#[test]
fn the_example_check_configuration_is_the_defaults() {
    // contrib/check.toml is the README's "Thresholds file" with every default: loading it
    // changes no threshold, so the report is the one without it.
    let capture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/captures/handmade/netstat-W-eo.txt");
    let report = |config: Option<PathBuf>| {
        let mut c = Command::new(BIN);
        c.args(["check", "--format", "json", "--from"])
            .arg(&capture);
        if let Some(path) = config {
            c.arg("--config").arg(path);
        }
        let out = c.output().expect("runs");
        assert!(out.status.code().is_some_and(|c| c < 3), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let with = report(Some(contrib().join("check.toml")));
    assert_eq!(with, report(None));
    assert!(with.contains("\"findings\""), "{with}");
}
