//! The packaging step of tcpstate: writes the manual pages (`tcpstate.1` and one
//! `tcpstate-COMMAND.1` per command) and every shell's completion script from the clap
//! definitions of the binary, which it compiles in from `src/cli/` (that directory holds every
//! clap definition and depends only on the library). The copies under `contrib/man/` and
//! `contrib/completions/` are what the Debian package ships; this crate's test fails when they
//! are not what the definitions generate now.
//!
//!     cargo run -p xtask -- generate contrib      # contrib/man/ and contrib/completions/
//!     cargo run -p xtask -- man target/man        # the pages only
//!     cargo run -p xtask -- completions DIR       # the scripts only

// The binary's flags are compiled in only for their definitions: the code that reads them
// lives in the binary, so most of it is unused here.
#[allow(dead_code)]
#[path = "../../src/cli/mod.rs"]
mod cli;
mod man;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

const USAGE: &str = "usage: xtask generate|man|completions DIR";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(what), Some(dir), None) = (args.next(), args.next(), args.next()) else {
        bail!("{USAGE}");
    };
    let dir = PathBuf::from(dir);
    let files = match what.as_str() {
        "generate" => man::files()?,
        "man" => man::pages()?,
        "completions" => man::scripts(),
        _ => bail!("unknown task '{what}'; {USAGE}"),
    };
    for (rel, contents) in files {
        let path = dir.join(&rel);
        write(&path, &contents)?;
        println!("{}", path.display());
    }
    Ok(())
}

fn write(path: &Path, contents: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(path, contents).with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    /// Files under `contrib/SUB` of the workspace.
    fn checked_in(sub: &str) -> BTreeSet<String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../contrib")
            .join(sub);
        std::fs::read_dir(&dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .map(|e| format!("{sub}/{}", e.file_name().to_string_lossy()))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn checked_in_man_pages_and_completions_are_current() {
        let stale = "contrib/ is stale: run `cargo run -p xtask -- generate contrib` and commit";
        let files = super::man::files().expect("generated");
        let contrib = Path::new(env!("CARGO_MANIFEST_DIR")).join("../contrib");
        let mut fresh = BTreeSet::new();
        for (rel, contents) in &files {
            let have = std::fs::read(contrib.join(rel)).unwrap_or_default();
            assert!(&have == contents, "{rel} differs; {stale}");
            fresh.insert(rel.clone());
        }
        let mut present = checked_in("man");
        present.extend(checked_in("completions"));
        assert_eq!(present, fresh, "{stale}");
        for page in [
            "man/tcpstate.1",
            "man/tcpstate-list.1",
            "man/tcpstate-serve.1",
        ] {
            assert!(fresh.contains(page), "{fresh:?}");
        }
        assert!(fresh.contains("completions/tcpstate.bash"), "{fresh:?}");
    }
}
