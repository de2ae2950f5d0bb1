//! What `tcpstate kill` prints: the sockets it would close (for `--dry-run` and the
//! question on a terminal), then one line per socket with what became of it — closed, already
//! gone, or not closed and why, the kernel's refusal turned into the reason an operator can
//! act on.

use std::io::{self, Write};

use super::addr_pair;
use crate::socket::Socket;
use crate::source::destroy::Destroyed;

/// One socket: state, local and remote endpoints, and its namespace when there are several.
fn socket_line(w: &mut dyn Write, s: &Socket, netns: Option<&str>) -> io::Result<()> {
    let (local, remote) = addr_pair(s);
    write!(
        w,
        "{:<11} {:<23} {}",
        s.state.netstat_name(),
        local.to_string(),
        remote
    )?;
    if let Some(n) = netns {
        write!(w, "  {n}")?;
    }
    Ok(())
}

/// The sockets a kill selected, under a heading.
pub fn candidates(
    w: &mut dyn Write,
    heading: &str,
    sockets: &[(Option<&str>, &Socket)],
) -> io::Result<()> {
    writeln!(w, "{heading}")?;
    for (netns, s) in sockets {
        w.write_all(b"  ")?;
        socket_line(w, s, *netns)?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

/// Why the kernel would not close a socket, in words an operator can act on.
pub fn refusal(e: &io::Error) -> String {
    match e.raw_os_error() {
        Some(libc::EPERM | libc::EACCES) => {
            "closing a socket needs CAP_NET_ADMIN: run as root".into()
        }
        Some(libc::EOPNOTSUPP) => {
            "the kernel cannot close it (built without CONFIG_INET_DIAG_DESTROY, or a socket it does not close)".into()
        }
        Some(libc::EINVAL) => "the kernel does not close sockets in this state".into(),
        _ => format!("the kernel refused: {e}"),
    }
}

/// What became of one socket. Returns whether it counts as refused.
pub fn outcome(
    w: &mut dyn Write,
    netns: Option<&str>,
    s: &Socket,
    what: &Destroyed,
) -> io::Result<bool> {
    let (word, why, refused) = match what {
        Destroyed::Closed => ("closed", None, false),
        Destroyed::Gone => ("gone", Some("closed meanwhile".to_string()), false),
        Destroyed::Refused(e) => ("not closed", Some(refusal(e)), true),
        Destroyed::Unnamed => (
            "not closed",
            Some("its addresses are not known".to_string()),
            true,
        ),
    };
    write!(w, "{word:<10} ")?;
    socket_line(w, s, netns)?;
    if let Some(why) = why {
        write!(w, "  ({why})")?;
    }
    w.write_all(b"\n")?;
    Ok(refused)
}
