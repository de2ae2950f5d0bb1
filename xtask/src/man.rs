//! The manual pages and completion scripts, rendered from the binary's clap definitions: one
//! page for tcpstate and one per visible command, each with clap_mangen's NAME, SYNOPSIS,
//! DESCRIPTION and option sections (the global flags under their help headings) followed by the
//! EXAMPLES and EXIT STATUS of `cli::help`. Generated files name the package version only (no
//! commit, no date), so the checked-in copies change only when the command line does.

use anyhow::{Context, Result};
use clap::CommandFactory;
use clap_complete::{Generator, Shell};
use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, roman};

use crate::cli::{Cli, help};

/// The command line as the generated files show it: the plain package version.
fn documented() -> clap::Command {
    let mut cmd = Cli::command().version(tcpstate::PACKAGE_VERSION);
    cmd.build();
    cmd
}

/// A shell's completion script.
fn script(shell: Shell) -> Vec<u8> {
    let mut cmd = documented();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "tcpstate", &mut buf);
    buf
}

/// The command line without clap's `help` commands, at every level: the pages are the help,
/// and no page lists a `tcpstate-help(1)` that does not exist.
fn without_help(cmd: clap::Command) -> clap::Command {
    let nested: Vec<String> = cmd
        .get_subcommands()
        .filter(|s| s.has_subcommands())
        .map(|s| s.get_name().to_string())
        .collect();
    let mut cmd = cmd.disable_help_subcommand(true);
    for name in nested {
        cmd = cmd.mut_subcommand(name, without_help);
    }
    cmd
}

/// The commands that get a page of their own: tcpstate, each command and each command of a
/// command (`tcpstate-fleet-check`), by page name.
fn commands() -> Vec<(String, clap::Command)> {
    let mut top = without_help(Cli::command().version(tcpstate::PACKAGE_VERSION));
    top.build();
    let mut pages = vec![("tcpstate".to_string(), top.clone())];
    add_pages(&top, "tcpstate", "tcpstate", &mut pages);
    pages
}

fn add_pages(cmd: &clap::Command, name: &str, bin: &str, pages: &mut Vec<(String, clap::Command)>) {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("{name}-{}", sub.get_name());
        let bin = format!("{bin} {}", sub.get_name());
        let page = sub
            .clone()
            .display_name(name.clone())
            .bin_name(bin.clone())
            .version(tcpstate::PACKAGE_VERSION);
        pages.push((name.clone(), page));
        add_pages(sub, &name, &bin, pages);
    }
}

/// One manual page: clap_mangen's sections, then examples, exit status, environment and the
/// other pages.
fn man_page(name: &str, cmd: clap::Command, all: &[String]) -> Result<Vec<u8>> {
    let word = name.strip_prefix("tcpstate-").unwrap_or("");
    let is_top = word.is_empty();
    let has_args = cmd.get_arguments().any(|a| !a.is_hide_set());
    let has_commands = cmd.get_subcommands().any(|s| !s.is_hide_set());
    let man = Man::new(cmd)
        .source(format!("tcpstate {}", tcpstate::PACKAGE_VERSION))
        .manual("tcpstate manual");
    let mut w = Vec::new();
    man.render_title(&mut w)?;
    man.render_name_section(&mut w)?;
    man.render_synopsis_section(&mut w)?;
    man.render_description_section(&mut w)?;
    if has_args {
        man.render_options_section(&mut w)?;
    }
    if has_commands {
        man.render_subcommands_section(&mut w)?;
    }

    let mut roff = Roff::new();
    let tasks = help::tasks(word);
    if !tasks.is_empty() {
        roff.control("SH", ["EXAMPLES"]);
    }
    for task in tasks {
        if tasks.len() > 1 {
            roff.control("SS", [task.title]);
        }
        for e in task.examples {
            roff.control("TP", []);
            roff.text([bold(e.command)]);
            roff.text([roman(e.does)]);
        }
    }
    roff.control("SH", ["EXIT STATUS"]);
    for (code, means) in help::exit_status(word) {
        roff.control("TP", []);
        roff.text([bold(*code)]);
        roff.text([roman(*means)]);
    }
    if is_top {
        roff.control("SH", ["ENVIRONMENT"]);
        for (var, means) in help::ENVIRONMENT {
            roff.control("TP", []);
            roff.text([bold(*var)]);
            roff.text([roman(*means)]);
        }
    }
    roff.control("SH", ["SEE ALSO"]);
    let mut refs = Vec::new();
    for other in all.iter().filter(|o| o.as_str() != name) {
        if !refs.is_empty() {
            refs.push(roman(", "));
        }
        refs.push(bold(other.as_str()));
        refs.push(roman("(1)"));
    }
    for (page, section) in [("ss", "8"), ("netstat", "8")] {
        refs.push(roman(", "));
        refs.push(bold(page));
        refs.push(roman(format!("({section})")));
    }
    roff.text(refs);
    roff.to_writer(&mut w)?;
    if is_top {
        man.render_version_section(&mut w)?;
    }
    Ok(ascii_roff(&w))
}

/// The page with every character outside ASCII written as a groff escape (`\[u2026]`), so
/// that it renders the same whatever input encoding groff assumes.
fn ascii_roff(page: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(page);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("\\[u{:04X}]", u32::from(c)));
        }
    }
    out.into_bytes()
}

/// Every manual page, as (path under the output directory, contents).
pub fn pages() -> Result<Vec<(String, Vec<u8>)>> {
    let commands = commands();
    let names: Vec<String> = commands.iter().map(|(n, _)| n.clone()).collect();
    let mut files = Vec::new();
    for (name, cmd) in commands {
        let page = man_page(&name, cmd, &names).with_context(|| format!("rendering {name}.1"))?;
        files.push((format!("man/{name}.1"), page));
    }
    Ok(files)
}

/// Every shell's completion script, as (path under the output directory, contents).
pub fn scripts() -> Vec<(String, Vec<u8>)> {
    [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::Elvish,
        Shell::PowerShell,
    ]
    .into_iter()
    .map(|shell| {
        (
            format!("completions/{}", shell.file_name("tcpstate")),
            script(shell),
        )
    })
    .collect()
}

/// The pages and the scripts.
pub fn files() -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = pages()?;
    files.extend(scripts());
    Ok(files)
}
