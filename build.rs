//! Build script: stamps the binary with the git commit it was built from and the build date,
//! for `tcpstate --version`. Outside a git checkout (a packaged source tree) the commit is
//! left out; `SOURCE_DATE_EPOCH`, when set, fixes the date so package builds are reproducible.

use std::path::Path;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    // "commit 1a2b3c4, built 2026-12-06", or "built 2026-12-06" without a checkout.
    let built = format!("built {}", build_date());
    let stamp = match git_commit() {
        Some(commit) => format!("commit {commit}, {built}"),
        None => built,
    };
    println!("cargo:rustc-env=TCPSTATE_BUILD={stamp}");
}

/// Run git in the crate's directory; None when git is missing or fails.
fn git(args: &[&str]) -> Option<String> {
    let dir = std::env::var_os("CARGO_MANIFEST_DIR")?;
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    Some(text.trim().to_string())
}

/// The short commit of HEAD, only when this crate is the top of its own checkout: a source
/// package unpacked inside some other repository must not take that repository's commit.
fn git_commit() -> Option<String> {
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").ok()?;
    let top = git(&["rev-parse", "--show-toplevel"])?;
    let same =
        Path::new(&top).canonicalize().ok()? == Path::new(&manifest_dir).canonicalize().ok()?;
    if !same {
        return None;
    }
    // Rebuild when HEAD moves: HEAD itself (a branch switch) and the branch it names.
    for name in ["HEAD", "packed-refs"] {
        if let Some(p) = git(&["rev-parse", "--git-path", name]) {
            println!(
                "cargo:rerun-if-changed={}",
                Path::new(&top).join(p).display()
            );
        }
    }
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"])
        && let Some(p) = git(&["rev-parse", "--git-path", &branch])
    {
        println!(
            "cargo:rerun-if-changed={}",
            Path::new(&top).join(p).display()
        );
    }
    git(&["rev-parse", "--short", "HEAD"]).filter(|c| !c.is_empty())
}

/// The build date as YYYY-MM-DD (UTC), from SOURCE_DATE_EPOCH or the clock.
fn build_date() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .ok()
                .map(|d| d.as_secs())
        })
        .unwrap_or(0);
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}
