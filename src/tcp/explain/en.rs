//! The states in English.

use super::StateText;
use crate::tcp::state::TcpState;

pub(super) fn state(s: TcpState) -> StateText {
    match s {
        TcpState::Established => StateText {
            one_line: "Open: the handshake is done and data flows both ways.",
            about: "Nearly all useful work happens in this state. An idle ESTABLISHED connection \
                    costs memory and a file descriptor but sends nothing, unless keepalive is on.",
            who: "Either side: the client once SYN+ACK has arrived, the server once the final ACK \
                  has arrived.",
            enters: "Client: from SYN_SENT on receiving SYN+ACK; it sends ACK and connect() \
                     returns. Server: from SYN_RECV on receiving that ACK; the connection waits \
                     in the listener's accept queue until accept() takes it.",
            leaves: "close() or shutdown(SHUT_WR) sends FIN: FIN_WAIT1 (active close). A FIN \
                     received is acknowledged: CLOSE_WAIT (passive close), read() returns 0. A \
                     RST, or retransmissions or keepalive probes running out: CLOSED.",
            lasts: "As long as the applications keep it. Idle, forever, unless SO_KEEPALIVE is \
                    set: then the first probe goes after tcp_keepalive_time and the connection \
                    is dropped after tcp_keepalive_probes unanswered probes, tcp_keepalive_intvl \
                    apart. Unacknowledged data ends it after tcp_retries2 retransmissions (about \
                    15 minutes at the default 15) or the socket's TCP_USER_TIMEOUT.",
            load_balancer: "Concurrent client connections plus those to the backends; compare \
                            with the balancer's connection limits and, if it uses conntrack, \
                            with nf_conntrack_max.",
            web: "Concurrent clients (HTTP keep-alive holds idle ones) plus pooled connections to \
                  databases and caches; near the worker or file-descriptor limit, new clients \
                  queue.",
            database: "Client connections; compare with max_connections and count them per \
                       client host to find the pool that grew.",
            next: "Group by peer and by local port to see who holds the connections. Idle ones \
                   that never go away point at missing keepalive or pool limits.",
        },
        TcpState::SynSent => StateText {
            one_line: "Connecting: a SYN was sent and the answer is awaited.",
            about: "The active opener has sent its SYN and waits for SYN+ACK, retransmitting the \
                    SYN with a doubling timeout (1 s, 2 s, 4 s ...). Meanwhile a blocking \
                    connect() waits; a non-blocking one has returned EINPROGRESS.",
            who: "The client (active opener).",
            enters: "From CLOSED when connect() sends a SYN (or sendto() with MSG_FASTOPEN).",
            leaves: "SYN+ACK received, ACK sent: ESTABLISHED. A bare SYN received (simultaneous \
                     open), SYN+ACK sent: SYN_RECV. RST received: CLOSED, connect() fails with \
                     ECONNREFUSED. Retries run out: CLOSED, ETIMEDOUT. close(): CLOSED.",
            lasts: "One round trip when the peer answers. Otherwise tcp_syn_retries \
                    retransmissions: the default 6 gives up after about 127 s. Per socket, \
                    TCP_SYNCNT and TCP_USER_TIMEOUT shorten it.",
            load_balancer: "Backends that do not answer SYNs: down, their listen queues full, or \
                            a firewall dropping packets. Health checks should be taking them \
                            out.",
            web: "Upstreams (database, cache, API) that are unreachable or slow to accept; \
                  requests wait in connect().",
            database: "Rare on a database server; seen on replicas connecting to a primary, or on \
                       outbound connections to services that do not answer.",
            next: "Find the destinations that do not answer: one with many SYN_SENT and no \
                   ESTABLISHED is down or filtered. Tcp AttemptFails in /proc/net/snmp counts \
                   failed connects.",
        },
        TcpState::SynRecv | TcpState::NewSynRecv => StateText {
            one_line: "Half-open: SYN received, SYN+ACK sent, the final ACK awaited.",
            about: "The passive side answered a SYN and waits for the ACK that completes the \
                    handshake, retransmitting SYN+ACK meanwhile. Request sockets: since Linux 4.4 \
                    a SYN creates no full socket but a small request socket (kernel state \
                    NEW_SYN_RECV) attached to the listener; listings show it as SYN_RECV. When the \
                    ACK arrives, a full socket is created and goes straight to ESTABLISHED in the \
                    accept queue. Under SYN cookies no request socket is kept at all. A full \
                    socket stays in SYN_RECV only with TCP Fast Open or after a simultaneous \
                    open.",
            who: "The server (passive opener); both sides in a simultaneous open.",
            enters: "From LISTEN on receiving a SYN; SYN+ACK is sent. From SYN_SENT on receiving \
                     a SYN (simultaneous open).",
            leaves: "ACK received: ESTABLISHED, ready for accept(). RST received: the request is \
                     dropped (back to LISTEN). Retries run out: dropped. close(): FIN sent, \
                     FIN_WAIT1.",
            lasts: "One round trip when the client answers. Otherwise tcp_synack_retries \
                    retransmissions: the default 5 drops the request after about 63 s. Their \
                    number per listener is bounded by its backlog and tcp_max_syn_backlog.",
            load_balancer: "A SYN flood, or clients whose ACKs are lost. Also a full accept \
                            queue: when the application does not accept() fast enough, the \
                            kernel drops the final ACK and the request stays in SYN_RECV.",
            web: "A full accept queue (workers busy, backlog too small) or a SYN flood; clients \
                  see slow or failed connects.",
            database: "The database does not accept() fast enough, as in a connection storm \
                       after a failover or an application restart; or a SYN flood.",
            next: "Compare each listener's accept queue (Recv-Q) with its backlog (Send-Q). \
                   ListenOverflows and ListenDrops rising mean a full accept queue; \
                   SyncookiesSent rising means the SYN queue overflowed.",
        },
        TcpState::FinWait1 => StateText {
            one_line: "Closing first: our FIN is sent, its ACK is awaited.",
            about: "This side closed or shut down writing and queued a FIN behind any unsent data. \
                    A peer that stops reading (zero window) keeps the socket here with data in \
                    Send-Q. Usually the application has already closed the descriptor: the socket \
                    is an orphan owned by the kernel.",
            who: "The active closer, client or server; both sides in a simultaneous close.",
            enters: "From ESTABLISHED or SYN_RECV when close() or shutdown(SHUT_WR) sends FIN.",
            leaves: "ACK of our FIN: FIN_WAIT2. FIN received, ACK sent: CLOSING (simultaneous \
                     close). FIN carrying the ACK of ours, ACK sent: TIME_WAIT. RST or \
                     retransmissions run out: CLOSED.",
            lasts: "One round trip normally. Unacknowledged, the FIN and data are retransmitted: \
                    an orphan gives up after tcp_orphan_retries (0 means up to 8), a socket \
                    still held by a process after tcp_retries2. Beyond tcp_max_orphans, orphans \
                    are reset at once.",
            load_balancer: "Clients that stopped reading or vanished while the balancer still had \
                            response data for them.",
            web: "Slow or gone clients holding undelivered responses (large Send-Q); their memory \
                  stays in orphaned sockets.",
            database: "Clients that vanished while receiving large result sets.",
            next: "List them with their queues: a large Send-Q means the peer is not reading. \
                   TCPAbortOnMemory counts orphans reset for tcp_max_orphans or TCP memory, \
                   TCPAbortOnTimeout those that gave up.",
        },
        TcpState::FinWait2 => StateText {
            one_line: "Half-closed: our FIN is acknowledged; the peer's FIN is awaited.",
            about: "This side has finished sending; the peer has acknowledged that but not closed \
                    its own side and may still send. If the application only shut down writing, \
                    it keeps reading and no timer runs. If it closed the socket (an orphan), \
                    Linux waits at most tcp_fin_timeout, keeping a mini-socket that listings \
                    still show as FIN_WAIT2.",
            who: "The active closer.",
            enters: "From FIN_WAIT1 when the ACK of our FIN arrives.",
            leaves: "FIN received, ACK sent: TIME_WAIT (Linux closes the full socket and a \
                     TIME_WAIT mini-socket takes its place). Orphan timeout: CLOSED. RST: CLOSED.",
            lasts: "Until the peer closes. Orphans: tcp_fin_timeout (default 60 s). Sockets still \
                    held after shutdown(SHUT_WR): no limit.",
            load_balancer: "Clients or backends that do not close their side after the balancer \
                            closed; for backends, look for CLOSE_WAIT on them.",
            web: "Peers that keep their half open, typically because the peer application leaks \
                  connections in CLOSE_WAIT.",
            database: "Clients that do not close their side after the database closed idle \
                       connections.",
            next: "Group by peer: those peers very likely hold the same connections in \
                   CLOSE_WAIT, and their process is the one to fix.",
        },
        TcpState::Closing => StateText {
            one_line: "Simultaneous close: both sides sent FIN; the ACK of ours is awaited.",
            about: "Both ends closed at nearly the same time: the peer's FIN arrived before the \
                    ACK of ours. Rare and short; many of them point at lost ACKs.",
            who: "Both sides of a simultaneous close.",
            enters: "From FIN_WAIT1 on receiving a FIN that does not acknowledge ours; ACK sent.",
            leaves: "ACK of our FIN: TIME_WAIT. RST or retransmissions run out: CLOSED.",
            lasts: "One round trip. If the ACK is lost, the FIN is retransmitted, up to \
                    tcp_orphan_retries for an orphan or tcp_retries2 otherwise.",
            load_balancer: "The balancer and its peer closing at once (equal idle timeouts on \
                            both sides) on a lossy path.",
            web: "Idle timeouts that expire on both sides at once, with packet loss.",
            database: "Pool and server idle timeouts set equal, with packet loss.",
            next: "Look for packet loss to these peers (TCPTimeouts, retransmissions) and stagger \
                   the idle timeouts so that one side closes first.",
        },
        TcpState::TimeWait => StateText {
            one_line: "Done; the side that closed first waits for old segments to die out.",
            about: "The connection is over. The side that closed first keeps the four-tuple \
                    reserved, so that a delayed segment cannot be taken for part of a new \
                    connection between the same addresses and ports, and so that a lost final \
                    ACK can be sent again. On Linux it is a mini-socket without a process (inode \
                    0) and costs little memory.",
            who: "The active closer: whichever side called close() first, client or server.",
            enters: "From FIN_WAIT2 on receiving FIN, from FIN_WAIT1 on a FIN carrying the ACK of \
                     ours (ACK sent in both), from CLOSING on the ACK of our FIN.",
            leaves: "After 60 s: CLOSED. Earlier: a RST (unless tcp_rfc1337 = 1), a new connect() \
                     to the same peer taking over the four-tuple when tcp_tw_reuse allows it, or \
                     a new SYN from the peer with a higher sequence number.",
            lasts: "60 s, fixed in the kernel (TCP_TIMEWAIT_LEN); no sysctl changes it. \
                    tcp_max_tw_buckets caps the count: beyond it, sockets close without \
                    TIME_WAIT.",
            load_balancer: "The balancer closes first. Toward a backend each TIME_WAIT holds a \
                            local port for that backend's address and port; beyond about \
                            ip_local_port_range / 60 s new connections per second to one \
                            backend, connect() fails with EADDRNOTAVAIL.",
            web: "Outbound connections without keep-alive or pooling (to databases, caches, APIs) \
                  closed by this node: the risk is running out of local ports per destination. \
                  TIME_WAIT on the listening port toward clients is harmless.",
            database: "The database closes idle or finished client connections first; mostly \
                       harmless, but clients that connect for every query should pool.",
            next: "Group by peer to find the destination; compare the count per destination with \
                   ip_local_port_range. Prefer pooling or keep-alive; tcp_tw_reuse = 1 lets new \
                   outbound connections reuse these tuples. TCPTimeWaitOverflow counts sockets \
                   that skipped TIME_WAIT at tcp_max_tw_buckets.",
        },
        TcpState::Close => StateText {
            one_line: "Closed: no connection; listings rarely show it.",
            about: "The start and the end of every socket's life. A closed socket is in none of \
                    the kernel's lookup tables, so listings normally do not show it; one may \
                    appear for a moment while it is set up or torn down.",
            who: "Either side, before it connects or listens and after the connection ended.",
            enters: "From LAST_ACK on the final ACK, from TIME_WAIT after 60 s, from SYN_SENT on \
                     close(), RST or timeout, from LISTEN on close(), and on Linux from any \
                     synchronized state on a RST or when retries run out.",
            leaves: "listen(): LISTEN. connect() sends SYN: SYN_SENT.",
            lasts: "Not bounded: it is the absence of a connection.",
            load_balancer: "Not expected in a count; a few are sockets caught mid-change.",
            web: "Not expected in a count; a few are sockets caught mid-change.",
            database: "Not expected in a count; a few are sockets caught mid-change.",
            next: "Nothing to chase in a count. Descriptors an application keeps after their \
                   connections were reset show in the process (/proc/PID/fd), not in socket \
                   listings.",
        },
        TcpState::CloseWait => StateText {
            one_line: "The peer closed; this application has not closed yet.",
            about: "The peer sent FIN, the kernel acknowledged it, and read() returns 0: nothing \
                    more will arrive. The kernel now waits for the application to call close(), \
                    and no timer ends the wait. CLOSE_WAIT sockets that pile up are a bug in the \
                    program that owns them: a leaked connection, a pool that never notices closed \
                    connections, a blocked thread.",
            who: "The passive closer: the side whose peer closed first.",
            enters: "From ESTABLISHED on receiving FIN; ACK sent.",
            leaves: "close() sends FIN: LAST_ACK. close() with unread data (RST sent), or a RST \
                     from the peer: CLOSED.",
            lasts: "Until the application closes the socket: the kernel sets no limit. Keepalive, \
                    if the application turned it on, can end it once the peer is gone.",
            load_balancer: "The balancer does not close connections that clients or backends \
                            ended: check its idle timeouts and known bugs.",
            web: "The application leaks connections, often a database or HTTP client pool \
                  holding connections that the server side closed on its idle timeout.",
            database: "Clients left while the database was busy (long queries, stuck threads) \
                       and it has not closed its end.",
            next: "Find the owning process and the peers; the fix is in that program, no sysctl \
                   helps.",
        },
        TcpState::LastAck => StateText {
            one_line: "Closing second: our FIN followed the peer's; its ACK is awaited.",
            about: "The peer closed first, then this application closed too and sent its FIN; one \
                    ACK remains. Normally one round trip; when the peer is gone, the FIN is \
                    retransmitted until the retries run out.",
            who: "The passive closer.",
            enters: "From CLOSE_WAIT when close() sends FIN.",
            leaves: "ACK of our FIN: CLOSED. RST (the peer has forgotten the connection) or \
                     retries run out: CLOSED.",
            lasts: "One round trip; without an answer, retransmissions up to tcp_orphan_retries \
                    for an orphan, tcp_retries2 otherwise.",
            load_balancer: "Peers that vanish right after closing (clients leaving the network), \
                            or ACKs lost on the way.",
            web: "Clients that closed and vanished; packet loss on the return path.",
            database: "Clients or poolers killed right after closing; packet loss.",
            next: "Group by peer; watch the retransmission counters and packet loss toward those \
                   peers.",
        },
        TcpState::Listen => StateText {
            one_line: "Waiting for incoming connections on a port.",
            about: "A server socket. It has two queues: the SYN queue of half-open requests \
                    (SYN_RECV) and the accept queue of established connections that accept() has \
                    not taken yet. In listings Recv-Q is the accept queue now and Send-Q its limit \
                    (the backlog).",
            who: "The server.",
            enters: "From CLOSED when the application calls listen(), usually after bind().",
            leaves: "close(): CLOSED. (RFC 9293 also lets send() turn it into SYN_SENT; Linux \
                     does not.)",
            lasts: "As long as the service runs.",
            load_balancer: "One per listening address and port (or per worker with SO_REUSEPORT). \
                            What matters is the accept queue: Recv-Q near Send-Q means the \
                            balancer does not accept fast enough.",
            web: "The count is one per port and worker; a full accept queue means the workers are \
                  saturated and new connections are dropped or delayed.",
            database: "The count is one per port; also check that it listens only on the \
                       addresses it should.",
            next: "Compare Recv-Q with Send-Q. ListenOverflows and ListenDrops count connections \
                   dropped because the accept queue was full; the backlog is the smaller of \
                   listen()'s argument and net.core.somaxconn.",
        },
        TcpState::BoundInactive => StateText {
            one_line: "Bound to a port, neither listening nor connected (Linux 6.5+).",
            about: "The application called bind() and nothing since, or its connection ended and \
                    it keeps the bound socket. The port stays reserved. Only sock_diag reports \
                    these, and only when asked; the state machine treats them as CLOSED.",
            who: "Either side.",
            enters: "bind() on a new socket; or the end of a connection on an explicitly bound \
                     socket.",
            leaves: "listen(): LISTEN. connect(): SYN_SENT. close(): gone.",
            lasts: "Until the application listens, connects or closes.",
            load_balancer: "Clients that bind() a source address before connect() without \
                            IP_BIND_ADDRESS_NO_PORT reserve a port each; many can exhaust the \
                            port range.",
            web: "Same: a client library binding before connect(), or sockets bound and forgotten.",
            database: "Rare; sockets bound and never used.",
            next: "Find the owning process.",
        },
        TcpState::Unknown => StateText {
            one_line: "Not in the input: the listing carried no State column (FreeBSD netstat -T).",
            about: "The socket is real and is in some state, but the listing it was read from \
                    printed counters instead of a state, so tcpstate counts it apart and never \
                    guesses. A state filter does not match it; only a run with no state filter \
                    (or `state all`) shows it.",
            who: "Either side.",
            enters: "Not a state of TCP: what a listing without states gives.",
            leaves: "Not a state of TCP.",
            lasts: "As long as the listing is read.",
            load_balancer: "Save the listing again with `netstat -an` (without -T) to see the \
                            states.",
            web: "Save the listing again with `netstat -an` (without -T) to see the states.",
            database: "Save the listing again with `netstat -an` (without -T) to see the states.",
            next: "Save `netstat -an` beside the `netstat -T` listing: the one gives the states, \
                   the other the retransmissions of each connection.",
        },
    }
}
