//! The owner columns captures carry, read into the socket's `ListedOwners`: netstat `-p`'s
//! `PID/Program name` (`1874/nginx: master`, the name running up to the `-o` timer and possibly
//! holding spaces; `-` when netstat could not see the process) and ss `-p`'s
//! `users:(("nginx",pid=10491,fd=6),("nginx",pid=10490,fd=6))` (also the old
//! `users:(("nginx",1234,5))` and elided `,...,` forms). A row without such a column leaves the
//! owners not listed.

use memchr::memmem;

use super::fields::{dec, is_space};
use crate::socket::ListedOwners;

/// Where `field`, a slice of `line`, starts in it.
fn offset(line: &[u8], field: &[u8]) -> usize {
    (field.as_ptr() as usize).wrapping_sub(line.as_ptr() as usize)
}

/// Add an owner whose command is as the capture wrote it (UTF-8 as it is, anything else with
/// replacement characters).
fn push_owner(out: &mut ListedOwners, pid: u32, command: &[u8]) {
    match std::str::from_utf8(command) {
        Ok(text) => out.push(pid, text),
        Err(_) => out.push(pid, &String::from_utf8_lossy(command)),
    }
}

/// The pid of a `PID/Program name` token (`1874/nginx:`), and where its name starts.
fn pid_slash(f: &[u8]) -> Option<(u32, usize)> {
    let slash = f.iter().position(|&b| b == b'/')?;
    let pid = dec(&f[..slash]).and_then(|p| u32::try_from(p).ok())?;
    Some((pid, slash + 1))
}

/// netstat `-p`: the first of the fields after State (`x`, at most three: `User Inode` may come
/// first) that is `pid/name` or `-`. The name runs to `end`, the start of the timer (or the
/// line's end). Whether the column was found.
pub(crate) fn netstat_program(
    line: &[u8],
    x: &[&[u8]],
    end: usize,
    out: &mut ListedOwners,
) -> bool {
    for (k, f) in x.iter().take(3).enumerate() {
        if *f == b"-" {
            // `-` is the column only where `User Inode` cannot be (first, or after both).
            if k == 0 || k == 2 {
                out.set_listed();
                return true;
            }
            continue;
        }
        if let Some((pid, name_at)) = pid_slash(f) {
            let start = offset(line, f) + name_at;
            let mut name = line.get(start..end.max(start)).unwrap_or(&[]);
            while let [rest @ .., last] = name {
                if is_space(*last) {
                    name = rest;
                } else {
                    break;
                }
            }
            push_owner(out, pid, name);
            return true;
        }
    }
    false
}

/// ss `-p`: `users:((…))` anywhere in `rest`, the line after the peer address. Whether the
/// column was found.
pub(crate) fn ss_users(rest: &[u8], out: &mut ListedOwners) -> bool {
    let Some(at) = memmem::find(rest, b"users:(") else {
        return false;
    };
    out.set_listed();
    let mut s = &rest[at + 7..];
    if let Some(close) = memmem::find(s, b"))") {
        s = &s[..close + 1];
    }
    while let Some(q) = memmem::find(s, b"(\"") {
        s = &s[q + 2..];
        let Some(endq) = memmem::find(s, b"\",") else {
            break;
        };
        let name = &s[..endq];
        s = &s[endq + 2..];
        let num = s.strip_prefix(b"pid=").unwrap_or(s);
        let digits = num.iter().take_while(|b| b.is_ascii_digit()).count();
        if let Some(pid) = dec(&num[..digits]).and_then(|p| u32::try_from(p).ok()) {
            push_owner(out, pid, name);
        }
        s = &num[digits..];
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::capture::fields::Fields;

    fn owners(l: &ListedOwners) -> Vec<(u32, String)> {
        l.iter().map(|(p, c)| (p, c.to_string())).collect()
    }

    #[test]
    fn ss_forms() {
        let mut o = ListedOwners::default();
        assert!(ss_users(
            br#"users:(("nginx",pid=10491,fd=6),("nginx",pid=10490,fd=6)) ino:1 sk:2"#,
            &mut o
        ));
        assert_eq!(
            owners(&o),
            [(10491, "nginx".into()), (10490, "nginx".into())]
        );
        o.clear();
        assert!(ss_users(br#"users:(("nginx",1234,5))"#, &mut o));
        assert_eq!(owners(&o), [(1234, "nginx".into())]);
        o.clear();
        assert!(ss_users(
            br#"users:(("php-fpm",pid=11084,fd=9),...,("php-fpm",pid=10529,fd=7))"#,
            &mut o
        ));
        assert_eq!(o.iter().count(), 2);
        o.clear();
        assert!(!ss_users(b"ino:1 sk:2", &mut o));
        assert!(!o.is_listed());
        assert!(ss_users(b"users:(garbage", &mut o));
        assert!(o.is_listed() && o.is_empty());
    }

    #[test]
    fn netstat_forms() {
        let run = |line: &str, end: Option<usize>| {
            let b = line.as_bytes();
            let x: Vec<&[u8]> = Fields::new(b).collect();
            let mut o = ListedOwners::default();
            let found = netstat_program(b, &x, end.unwrap_or(b.len()), &mut o);
            (found, o.is_listed(), owners(&o))
        };
        assert_eq!(
            run("1874/nginx: master", None),
            (true, true, vec![(1874, "nginx: master".into())])
        );
        assert_eq!(
            run("0 14141 600/sshd: /usr/sbin  off (0.00/0/0)", Some(29)),
            (true, true, vec![(600, "sshd: /usr/sbin".into())])
        );
        assert_eq!(run("-", None), (true, true, vec![]));
        assert_eq!(run("0 0 -", None), (true, true, vec![]));
        assert_eq!(run("off (0.00/0/0)", None), (false, false, vec![]));
        assert_eq!(run("0 14141", None), (false, false, vec![]));
    }
}
