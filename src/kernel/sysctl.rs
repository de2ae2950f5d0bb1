//! Read a sysctl by its dotted name (`net.ipv4.tcp_fin_timeout`) from /proc/sys. Files under
//! /proc/sys/net show the network namespace of the thread that opens them, so a thread that
//! has entered another namespace with setns reads that namespace's values. Used by `explain`
//! to show the values in force and by the health check.

use std::io;
use std::path::{Path, PathBuf};

/// Where sysctls live.
pub const PROC_SYS: &str = "/proc/sys";

/// Why a sysctl could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SysctlError {
    #[error("'{0}' is not a sysctl name")]
    BadName(String),
    #[error("cannot read sysctl {name} ({path}): {source}")]
    Io {
        name: String,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("sysctl {name} is '{value}', not a number")]
    NotANumber { name: String, value: String },
}

/// The file of a sysctl name under `root`. Dots separate the components; as in sysctl(8), a
/// `/` inside a dotted name stands for a dot in a component (`net.ipv4.conf.eth0/100.rp_filter`),
/// and a name without dots may use `/` as the separator. `..`, empty components and absolute
/// names are refused.
pub fn path_under(root: &Path, name: &str) -> Result<PathBuf, SysctlError> {
    let bad = || SysctlError::BadName(name.to_string());
    let name = name.trim();
    let parts: Vec<String> = if name.contains('.') && !name.starts_with('/') {
        name.split('.').map(|p| p.replace('/', ".")).collect()
    } else {
        name.split('/').map(str::to_string).collect()
    };
    let mut path = root.to_path_buf();
    for p in &parts {
        if p.is_empty() || p == "." || p == ".." || p.contains('\0') {
            return Err(bad());
        }
        path.push(p);
    }
    Ok(path)
}

/// A sysctl reader rooted at /proc/sys, or at another directory laid out the same way (tests,
/// a saved copy of a host's /proc/sys).
#[derive(Debug, Clone)]
pub struct Sysctls {
    root: PathBuf,
}

impl Default for Sysctls {
    fn default() -> Sysctls {
        Sysctls::new()
    }
}

impl Sysctls {
    /// The live host (the calling thread's network namespace).
    pub fn new() -> Sysctls {
        Sysctls::at(PROC_SYS)
    }

    /// Sysctls stored under `root`.
    pub fn at(root: impl Into<PathBuf>) -> Sysctls {
        Sysctls { root: root.into() }
    }

    /// The value as the kernel prints it, trimmed, with runs of blanks (the tab in
    /// `ip_local_port_range`) made one space.
    pub fn read(&self, name: &str) -> Result<String, SysctlError> {
        let path = path_under(&self.root, name)?;
        match std::fs::read(&path) {
            Ok(bytes) => Ok(String::from_utf8_lossy(&bytes)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")),
            Err(source) => Err(SysctlError::Io {
                name: name.to_string(),
                path,
                source,
            }),
        }
    }

    /// The integers of a value (`ip_local_port_range` has two).
    pub fn read_ints(&self, name: &str) -> Result<Vec<i64>, SysctlError> {
        let value = self.read(name)?;
        value
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(|w| w.parse::<i64>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| SysctlError::NotANumber {
                name: name.to_string(),
                value: value.clone(),
            })
    }

    /// A value that is one integer.
    pub fn read_int(&self, name: &str) -> Result<i64, SysctlError> {
        match self.read_ints(name)?.as_slice() {
            [n] => Ok(*n),
            _ => Err(SysctlError::NotANumber {
                name: name.to_string(),
                value: self.read(name)?,
            }),
        }
    }
}

/// Read a sysctl of the live host: `read("net.ipv4.tcp_fin_timeout")` → `Ok("60")`.
pub fn read(name: &str) -> Result<String, SysctlError> {
    Sysctls::new().read(name)
}

/// Read a sysctl of the live host that is one integer.
pub fn read_int(name: &str) -> Result<i64, SysctlError> {
    Sysctls::new().read_int(name)
}

/// The path of a sysctl under /proc/sys (`net.ipv4.tcp_fin_timeout` →
/// `/proc/sys/net/ipv4/tcp_fin_timeout`); `None` for a name that is not one.
pub fn path(name: &str) -> Option<PathBuf> {
    path_under(Path::new(PROC_SYS), name).ok()
}

/// The value of a live sysctl, or `None` when it does not exist or cannot be read (for
/// callers that report "unavailable" rather than fail).
pub fn read_string(name: &str) -> Option<String> {
    read(name).ok()
}

/// A live sysctl that is one integer, or `None`.
pub fn read_i64(name: &str) -> Option<i64> {
    read_int(name).ok()
}

/// A live sysctl holding several integers (`ip_local_port_range`, `tcp_mem`), or `None`.
pub fn read_values(name: &str) -> Option<Vec<i64>> {
    Sysctls::new().read_ints(name).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_to_paths() {
        let root = Path::new("/proc/sys");
        assert_eq!(
            path_under(root, "net.ipv4.tcp_fin_timeout").unwrap(),
            Path::new("/proc/sys/net/ipv4/tcp_fin_timeout")
        );
        assert_eq!(
            path_under(root, "net/ipv4/tcp_fin_timeout").unwrap(),
            Path::new("/proc/sys/net/ipv4/tcp_fin_timeout")
        );
        assert_eq!(
            path_under(root, "net.ipv4.conf.eth0/100.rp_filter").unwrap(),
            Path::new("/proc/sys/net/ipv4/conf/eth0.100/rp_filter")
        );
        for bad in ["", "net..ipv4", "net/../../etc/passwd", "net.ipv4.", ".."] {
            assert!(path_under(root, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn reads_values_and_reports_missing_ones() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("net/ipv4")).unwrap();
        std::fs::write(dir.path().join("net/ipv4/tcp_fin_timeout"), "60\n").unwrap();
        std::fs::write(
            dir.path().join("net/ipv4/ip_local_port_range"),
            "32768\t60999\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("net/ipv4/tcp_congestion_control"),
            "cubic\n",
        )
        .unwrap();
        let s = Sysctls::at(dir.path());
        assert_eq!(s.read("net.ipv4.tcp_fin_timeout").unwrap(), "60");
        assert_eq!(s.read_int("net.ipv4.tcp_fin_timeout").unwrap(), 60);
        assert_eq!(
            s.read("net.ipv4.ip_local_port_range").unwrap(),
            "32768 60999"
        );
        assert_eq!(
            s.read_ints("net.ipv4.ip_local_port_range").unwrap(),
            vec![32768, 60999]
        );
        assert!(s.read_int("net.ipv4.ip_local_port_range").is_err());
        assert!(matches!(
            s.read_int("net.ipv4.tcp_congestion_control"),
            Err(SysctlError::NotANumber { .. })
        ));
        let e = s.read("net.ipv4.tcp_nonexistent").unwrap_err();
        assert!(e.to_string().contains("net.ipv4.tcp_nonexistent"));
    }

    #[test]
    fn live_host_when_there_is_one() {
        // /proc/sys/net exists on any Linux host; do not fail where it does not.
        if Path::new("/proc/sys/net/ipv4/tcp_fin_timeout").exists() {
            assert!(read_int("net.ipv4.tcp_fin_timeout").is_ok());
        }
    }
}
