//! What every capture format's row parser shares: the `RowParser` trait and what a line turns
//! out to be (`ParsedRow`), the context every parser reads endpoints and state words through
//! (`Ctx`), and the pieces of the `Proto Recv-Q Send-Q Local Foreign State` rows that netstat,
//! BSD and Windows have in common. The run loop that drives the parsers is `drive`.

use std::borrow::Cow;

use super::endpoint::{HostKind, PortSep, Services, endpoint, settle};
use super::fields::{StateWords, queue, show};
use super::shapes::is_redacted;
use crate::socket::{Endpoint, Family, Socket};
use crate::tcp::state::TcpState;

/// At most this many unread lines are listed one by one; the rest are counted in a notice.
pub(crate) const MAX_UNREAD: usize = 10_000;

/// What one line turned out to be.
pub(crate) enum ParsedRow {
    /// Not a TCP row: a header, a title, noise, a udp/unix row, a continuation line.
    Skip,
    /// A TCP socket, written into the `Socket` handed to the parser.
    Socket,
    /// `n` sockets in a state (saved summaries).
    Count(Option<Family>, TcpState, u64),
    /// Looks like a TCP row but cannot be read, and why.
    Unread(Cow<'static, str>),
    /// An ss row without a State column and no state assumed.
    NoState,
}

/// What every parser may use besides its own state.
#[derive(Default)]
pub(crate) struct Ctx {
    pub states: StateWords,
    pub services: Services,
    pub assume_state: Option<TcpState>,
    /// Endpoints read so far whose host was redacted.
    pub redacted: u64,
    /// How many fields the State column of the row read last took: 1, or 2 for a state
    /// written as two words (Czech `POSLEDNÍ ACK`); the columns after it start that much later.
    pub state_fields: usize,
}

impl Ctx {
    /// Read the endpoint field `f` (the `which` address of its row), counting redacted hosts;
    /// an unreadable field makes the row unread, with the field and the reason.
    pub(crate) fn endpoint(
        &mut self,
        f: &[u8],
        sep: PortSep,
        which: &str,
    ) -> Result<(Endpoint, HostKind), ParsedRow> {
        match endpoint(f, sep, &mut self.services) {
            Ok(e) => {
                if e.1 == HostKind::Redacted {
                    self.redacted += 1;
                }
                Ok(e)
            }
            Err(why) => Err(ParsedRow::Unread(Cow::Owned(format!(
                "the {which} address '{}': {why}",
                show(f)
            )))),
        }
    }
}

/// One format's reader of lines.
pub(crate) trait RowParser {
    /// Read one tidied line; on `ParsedRow::Socket` every field of `out` but `cookie` and `netns`
    /// has been written.
    fn row(&mut self, line: &[u8], cx: &mut Ctx, out: &mut Socket) -> ParsedRow;

    /// Read `line` as a continuation of the socket read last (`out`), amending it (the tcp_info
    /// and memory lines of `ss -i -m`); false when it is not one. Only parsers whose records
    /// span lines say `true` from `continues`.
    fn amend(&mut self, _line: &[u8], _out: &mut Socket) -> bool {
        false
    }

    /// Whether a row's record may go on on the lines after it (its socket is then held until
    /// the next row).
    fn continues(&self) -> bool {
        false
    }

    /// Notices to add once the input is done.
    fn finish(&mut self, _file: &str, _notices: &mut Vec<String>) {}
}

/// Reset a socket to the blank row every parser fills in.
pub(crate) fn blank(out: &mut Socket, family: Family, state: TcpState) {
    out.family = family;
    out.state = state;
    out.recv_q = None;
    out.send_q = None;
    out.uid = None;
    out.inode = None;
    out.cookie = None;
    out.timer = None;
    out.netns = 0;
    out.info = None;
    out.memory = None;
    out.listed_owners.clear();
}

/// TIME_WAIT and SYN_RECV entries are mini-sockets: the uid a listing shows for them (0) is
/// nobody's.
pub(crate) fn fix_mini_socket_uid(out: &mut Socket) {
    if out.owned_inode().is_none()
        && matches!(out.state.reported(), TcpState::TimeWait | TcpState::SynRecv)
    {
        out.uid = None;
    }
}

/// The state of a `Proto … Local Foreign State …` row (netstat, BSD, Windows), whose State
/// column must be field `at`, right after the two address fields. A state word there is taken
/// at once; a word that is none may begin a state written as two words, read with the field
/// after it (the fields it took go in `state_fields`); otherwise the first state word after the
/// queues, if any, says how many address fields the row really has. Without any, the row is
/// unread for the reason `none` gives.
pub(crate) fn state_after_addresses(
    t: &[&[u8]],
    states: &mut StateWords,
    state_fields: &mut usize,
    at: usize,
    none: impl FnOnce() -> Cow<'static, str>,
) -> Result<TcpState, ParsedRow> {
    *state_fields = 1;
    if let Some(s) = t.get(at).and_then(|f| states.get(f)) {
        return Ok(s);
    }
    if let (Some(first), Some(second)) = (t.get(at), t.get(at + 1))
        && let Some(s) = states.get_pair(first, second)
    {
        *state_fields = 2;
        return Ok(s);
    }
    let first = at - 2;
    match (first..t.len()).find(|&i| states.get(t[i]).is_some()) {
        None => Err(ParsedRow::Unread(none())),
        Some(si) => Err(ParsedRow::Unread(Cow::Owned(format!(
            "expected two address fields before the state {}, found {}",
            show(t[si]),
            si - first
        )))),
    }
}

/// Why a netstat row (Linux or BSD) without a state word after its queues cannot be read:
/// it is too short to have its `column`, or field 6 is not a state.
fn missing_state(t: &[&[u8]], column: &str) -> Cow<'static, str> {
    match t.get(5) {
        None => Cow::Owned(format!("the row ends before its {column}")),
        Some(f) => Cow::Owned(format!(
            "no TCP state word after the addresses (field 6 is '{}')",
            show(f)
        )),
    }
}

/// Whether a line whose first field is a TCP Proto word (`tcp`, `tcp4`…) but whose second is
/// not a number is still a row, with queues that cannot be read (`tcp -5 0 a:1 b:2 LISTEN`,
/// `tcp x y …`), rather than prose (`tcp connections are fine`): it has a state word after
/// where the queues would be, or address-shaped fields where the addresses would be.
pub(crate) fn row_with_bad_queues(t: &[&[u8]], states: &mut StateWords) -> bool {
    t.len() >= 5
        && (t[3..].iter().any(|f| states.get(f).is_some())
            || (t[3].contains(&b':') && t[4].contains(&b':')))
}

/// Read `Proto Recv-Q Send-Q Local Foreign State` from the fields `t` of a netstat row (Linux or
/// BSD, whose State column is named `column` in messages) into `out`, the family chosen by
/// `family` from the kinds of the two hosts; the state read, or why the row cannot be read.
pub(crate) fn netstat_row(
    t: &[&[u8]],
    cx: &mut Ctx,
    (column, sep): (&str, PortSep),
    family: impl FnOnce(HostKind, HostKind) -> Family,
    out: &mut Socket,
) -> Result<TcpState, ParsedRow> {
    let state = match state_after_addresses(t, &mut cx.states, &mut cx.state_fields, 5, || {
        missing_state(t, column)
    }) {
        Ok(state) => state,
        // `tcp 0 0 ... ESTABLISHED`: one redaction standing for both addresses.
        Err(_)
            if t.len() >= 5
                && is_redacted(t[3])
                && let Some(state) = cx.states.get(t[4]) =>
        {
            cx.state_fields = 1;
            let queues = netstat_queues(t[1], t[2])?;
            let local = cx.endpoint(t[3], sep, "local")?;
            let remote = cx.endpoint(t[3], sep, "foreign")?;
            fill(out, family(local.1, remote.1), state, queues, local, remote);
            return Ok(state);
        }
        Err(row) => return Err(row),
    };
    let queues = netstat_queues(t[1], t[2])?;
    let local = cx.endpoint(t[3], sep, "local")?;
    let remote = cx.endpoint(t[4], sep, "foreign")?;
    fill(out, family(local.1, remote.1), state, queues, local, remote);
    Ok(state)
}

/// Recv-Q and Send-Q of a netstat row (BSD or Linux), or why the row cannot be read.
fn netstat_queues(recv_q: &[u8], send_q: &[u8]) -> Result<(u32, u32), ParsedRow> {
    match (queue(recv_q), queue(send_q)) {
        (Some(r), Some(s)) => Ok((r, s)),
        (None, _) => Err(ParsedRow::Unread(Cow::Owned(format!(
            "Recv-Q '{}' is not a queue size (a whole number from 0 to 4294967295)",
            show(recv_q)
        )))),
        (_, None) => Err(ParsedRow::Unread(Cow::Owned(format!(
            "Send-Q '{}' is not a queue size (a whole number from 0 to 4294967295)",
            show(send_q)
        )))),
    }
}

/// Write a row read from text into `out`: both endpoints settled in the row's family (a `*`
/// host becomes its wildcard, a dotted IPv4 on an IPv6 socket its mapped address), the state
/// and the queues, every other field blank.
#[inline]
pub(crate) fn fill(
    out: &mut Socket,
    family: Family,
    state: TcpState,
    (recv_q, send_q): (u32, u32),
    (mut local, lk): (Endpoint, HostKind),
    (mut remote, rk): (Endpoint, HostKind),
) {
    settle(&mut local, lk, family);
    settle(&mut remote, rk, family);
    blank(out, family, state);
    out.recv_q = Some(recv_q);
    // A listener's Send-Q is its backlog only where the printer knew it (ss); netstat and
    // BSD listings print 0 there, which the row parsers that know it clear again.
    out.send_q = Some(send_q);
    out.local = local;
    out.remote = remote;
}
