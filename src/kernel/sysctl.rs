//! Reading sysctls by their dotted names (`net.ipv4.tcp_fin_timeout`) from `/proc/sys`. The
//! `net.*` entries there belong to the network namespace of the reading process.

/// The path of a sysctl under /proc/sys.
pub fn path(name: &str) -> String {
    format!("/proc/sys/{}", name.replace('.', "/"))
}

/// The raw text of a sysctl, trimmed; `None` when it does not exist or cannot be read.
pub fn read_string(name: &str) -> Option<String> {
    std::fs::read_to_string(path(name))
        .ok()
        .map(|s| s.trim().to_string())
}

/// A sysctl holding one integer.
pub fn read_i64(name: &str) -> Option<i64> {
    read_string(name)?.parse().ok()
}

/// A sysctl holding several integers (`ip_local_port_range`, `tcp_mem`).
pub fn read_values(name: &str) -> Option<Vec<i64>> {
    read_string(name)?
        .split_whitespace()
        .map(|w| w.parse().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_reads() {
        assert_eq!(
            path("net.ipv4.tcp_fin_timeout"),
            "/proc/sys/net/ipv4/tcp_fin_timeout"
        );
        assert_eq!(read_i64("net.no.such.sysctl"), None);
        if std::path::Path::new("/proc/sys/net/ipv4/ip_local_port_range").exists() {
            assert_eq!(
                read_values("net.ipv4.ip_local_port_range").map(|v| v.len()),
                Some(2)
            );
        }
    }
}
