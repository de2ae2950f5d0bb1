//! The words of the state machine and of the kernel settings, per language: events, notes
//! and what each sysctl does. Labels avoid `:` and `;` so that diagrams can carry them as they
//! are.

use super::Knob;
use crate::i18n::Lang;
use crate::tcp::fsm::{Call, Event, Note, Segment, Timeout};

/// An event as a transition label.
pub fn event_text(event: Event, lang: Lang) -> &'static str {
    match lang {
        Lang::En => event_en(event),
        Lang::Zh => event_zh(event),
    }
}

fn event_en(event: Event) -> &'static str {
    match event {
        Event::Call(Call::Listen) => "listen()",
        Event::Call(Call::Connect) => "connect()",
        Event::Call(Call::Send) => "send()",
        Event::Call(Call::Close) => "close()",
        Event::Receive(Segment::Syn) => "receive SYN",
        Event::Receive(Segment::SynAck) => "receive SYN+ACK",
        Event::Receive(Segment::Ack) => "receive ACK",
        Event::Receive(Segment::Fin) => "receive FIN",
        Event::Receive(Segment::FinAck) => "receive FIN+ACK",
        Event::Receive(Segment::Rst) => "receive RST",
        Event::Timeout(Timeout::SynRetries) => "SYN retries run out",
        Event::Timeout(Timeout::SynAckRetries) => "SYN+ACK retries run out",
        Event::Timeout(Timeout::TimeWait) => "2MSL timer (60 s)",
        Event::Timeout(Timeout::FinTimeout) => "tcp_fin_timeout (orphan)",
        Event::Abort => "RST, or retries run out",
    }
}

fn event_zh(event: Event) -> &'static str {
    match event {
        Event::Call(Call::Listen) => "listen()",
        Event::Call(Call::Connect) => "connect()",
        Event::Call(Call::Send) => "send()",
        Event::Call(Call::Close) => "close()",
        Event::Receive(Segment::Syn) => "收到 SYN",
        Event::Receive(Segment::SynAck) => "收到 SYN+ACK",
        Event::Receive(Segment::Ack) => "收到 ACK",
        Event::Receive(Segment::Fin) => "收到 FIN",
        Event::Receive(Segment::FinAck) => "收到 FIN+ACK",
        Event::Receive(Segment::Rst) => "收到 RST",
        Event::Timeout(Timeout::SynRetries) => "SYN 重传次数用尽",
        Event::Timeout(Timeout::SynAckRetries) => "SYN+ACK 重传次数用尽",
        Event::Timeout(Timeout::TimeWait) => "2MSL 计时器（60 秒）",
        Event::Timeout(Timeout::FinTimeout) => "tcp_fin_timeout 到期（孤儿套接字）",
        Event::Abort => "RST，或重传次数用尽",
    }
}

/// A note on the state machine.
pub fn note_text(note: Note, lang: Lang) -> &'static str {
    match lang {
        Lang::En => note_en(note),
        Lang::Zh => note_zh(note),
    }
}

fn note_en(note: Note) -> &'static str {
    match note {
        Note::SimultaneousOpen => {
            "Simultaneous open: both ends sent SYN at once; each answers the other's SYN with \
             SYN+ACK from SYN_SENT and goes through SYN_RECV. A RST in that SYN_RECV closes the \
             socket instead of returning it to LISTEN."
        }
        Note::SimultaneousClose => {
            "Simultaneous close: both ends sent FIN at once; each is in FIN_WAIT1 when the other's \
             FIN arrives, passes through CLOSING, and both end in TIME_WAIT."
        }
        Note::ListenSend => {
            "RFC 9293 lets send() on a listening socket start a connection. Linux does not: \
             connect() on a listening socket fails."
        }
        Note::RequestSocket => {
            "Linux does not move the listener. A SYN creates a request socket (kernel state \
             NEW_SYN_RECV, listed as SYN_RECV) that retransmits SYN+ACK up to \
             tcp_synack_retries times and is then dropped. When the ACK arrives, a full socket is \
             created in SYN_RECV and moves to ESTABLISHED at once."
        }
        Note::Abort => {
            "Linux closes a socket in any synchronized state (and a full SYN_RECV socket) at once \
             on a RST received, on an abortive close that sends RST (close() with unread data, \
             SO_LINGER 0), or when retransmissions (tcp_retries2, tcp_orphan_retries) or keepalive \
             probes run out."
        }
        Note::OrphanFinWait2 => {
            "An orphaned FIN_WAIT2 socket (closed by its application) waits at most \
             tcp_fin_timeout for the peer's FIN, kept as a mini-socket still listed as FIN_WAIT2; \
             one still held by its application (shutdown(SHUT_WR)) has no limit."
        }
        Note::TimeWaitHandoff => {
            "Entering TIME_WAIT, Linux closes the full socket and puts a TIME_WAIT mini-socket in \
             its place: the tracepoint sock:inet_sock_set_state shows FIN_WAIT2 -> CLOSE (or \
             CLOSING -> CLOSE), never a move into TIME_WAIT; listings show the mini-socket."
        }
        Note::TimeWaitFixed => {
            "Linux keeps TIME_WAIT a fixed 60 s (TCP_TIMEWAIT_LEN), whatever the RTT; no sysctl \
             changes it. tcp_max_tw_buckets caps the count: beyond it sockets close without \
             TIME_WAIT."
        }
        Note::TimeWaitEarlyEnd => {
            "TIME_WAIT can end early on Linux: a RST kills it (unless tcp_rfc1337 = 1); with \
             tcp_tw_reuse a new connect() to the same peer takes over its four-tuple; a new SYN \
             with a higher sequence number hands it to the listener."
        }
        Note::NoClosedInListings => {
            "CLOSED is the absence of a connection: a closed socket is in no kernel table, so \
             listings (ss, netstat, tcpstate) normally show none."
        }
        Note::BoundInactive => {
            "BOUND_INACTIVE (Linux 6.5+) is a socket bound to a port with neither listen() nor \
             connect(); for the state machine it is CLOSED."
        }
    }
}

fn note_zh(note: Note) -> &'static str {
    match note {
        Note::SimultaneousOpen => {
            "同时打开：双方同时发出 SYN；各自在 SYN_SENT 中收到对方的 SYN，回复 SYN+ACK 并进入 \
             SYN_RECV。此时的 SYN_RECV 收到 RST 会直接关闭，而不是回到 LISTEN。"
        }
        Note::SimultaneousClose => {
            "同时关闭：双方同时发出 FIN；各自在 FIN_WAIT1 中收到对方的 FIN，经过 CLOSING，\
             最后都进入 TIME_WAIT。"
        }
        Note::ListenSend => {
            "RFC 9293 允许在监听套接字上调用 send() 发起连接。Linux 不允许：\
             在监听套接字上 connect() 会失败。"
        }
        Note::RequestSocket => {
            "Linux 中监听套接字本身不改变状态。收到 SYN 时内核创建一个请求套接字（内核状态 \
             NEW_SYN_RECV，列表中显示为 SYN_RECV），它最多重传 tcp_synack_retries 次 SYN+ACK，\
             之后被丢弃。收到 ACK 时才创建完整套接字，它处于 SYN_RECV 并立即转为 ESTABLISHED。"
        }
        Note::Abort => {
            "在任何已同步状态（以及完整的 SYN_RECV 套接字），Linux 遇到以下情况会立即关闭套接字：\
             收到 RST；异常关闭并发出 RST（带着未读数据 close()，或 SO_LINGER 为 0）；\
             重传（tcp_retries2、tcp_orphan_retries）或保活探测次数用尽。"
        }
        Note::OrphanFinWait2 => {
            "孤儿 FIN_WAIT2 套接字（应用已关闭）最多等待 tcp_fin_timeout 秒接收对方的 FIN，\
             期间以迷你套接字保存，列表中仍显示为 FIN_WAIT2；应用仍持有的套接字\
             （shutdown(SHUT_WR)）没有时间限制。"
        }
        Note::TimeWaitHandoff => {
            "进入 TIME_WAIT 时，Linux 关闭完整套接字，用一个 TIME_WAIT 迷你套接字代替它：\
             跟踪点 sock:inet_sock_set_state 显示 FIN_WAIT2 -> CLOSE（或 CLOSING -> CLOSE），\
             从不显示进入 TIME_WAIT；列表中显示的是迷你套接字。"
        }
        Note::TimeWaitFixed => {
            "Linux 的 TIME_WAIT 固定为 60 秒（TCP_TIMEWAIT_LEN），与 RTT 无关，没有 sysctl 可以\
             修改。tcp_max_tw_buckets 限制其数量：超过后套接字直接关闭，不经过 TIME_WAIT。"
        }
        Note::TimeWaitEarlyEnd => {
            "Linux 中 TIME_WAIT 可以提前结束：收到 RST 会结束它（除非 tcp_rfc1337 = 1）；\
             开启 tcp_tw_reuse 时，到同一对端的新 connect() 会接管它的四元组；\
             序号更大的新 SYN 会把它交给监听套接字。"
        }
        Note::NoClosedInListings => {
            "CLOSED 表示没有连接：关闭的套接字不在任何内核表中，所以列表（ss、netstat、tcpstate）\
             通常看不到它。"
        }
        Note::BoundInactive => {
            "BOUND_INACTIVE（Linux 6.5 起）是已绑定端口、但既未 listen() 也未 connect() 的套接字；\
             在状态机中视为 CLOSED。"
        }
    }
}

/// What a kernel setting does, in a few words.
pub fn knob_about(knob: Knob, lang: Lang) -> &'static str {
    match lang {
        Lang::En => knob_en(knob),
        Lang::Zh => knob_zh(knob),
    }
}

fn knob_en(knob: Knob) -> &'static str {
    match knob {
        Knob::TcpKeepaliveTime => "idle seconds before the first keepalive probe",
        Knob::TcpKeepaliveIntvl => "seconds between keepalive probes",
        Knob::TcpKeepaliveProbes => "unanswered probes before the connection is dropped",
        Knob::TcpRetries2 => "retransmissions of data before giving up (15 is about 15 min)",
        Knob::TcpSynRetries => "SYN retransmissions before connect() fails",
        Knob::TcpSynackRetries => "SYN+ACK retransmissions before a request is dropped",
        Knob::TcpMaxSynBacklog => "limit of half-open requests per listener",
        Knob::TcpSyncookies => "SYN cookies when the SYN queue overflows (1 = on demand)",
        Knob::TcpAbortOnOverflow => "1 = reset connections the accept queue cannot take",
        Knob::Somaxconn => "upper limit of a listener's accept queue (backlog)",
        Knob::TcpOrphanRetries => "retransmissions for orphaned sockets (0 means up to 8)",
        Knob::TcpMaxOrphans => "orphaned sockets allowed before they are reset",
        Knob::TcpFinTimeout => "seconds an orphaned FIN_WAIT2 waits for the peer's FIN",
        Knob::TcpMaxTwBuckets => "TIME_WAIT sockets allowed; beyond it they are not kept",
        Knob::TcpTwReuse => "reuse TIME_WAIT for new outbound connections (2 = loopback only)",
        Knob::TcpRfc1337 => "1 = a RST does not end TIME_WAIT",
        Knob::IpLocalPortRange => "local ports for outbound connections",
    }
}

fn knob_zh(knob: Knob) -> &'static str {
    match knob {
        Knob::TcpKeepaliveTime => "连接空闲多少秒后发送第一个保活探测",
        Knob::TcpKeepaliveIntvl => "保活探测的间隔秒数",
        Knob::TcpKeepaliveProbes => "多少个保活探测无应答后断开连接",
        Knob::TcpRetries2 => "数据重传多少次后放弃（15 约为 15 分钟）",
        Knob::TcpSynRetries => "SYN 重传多少次后 connect() 失败",
        Knob::TcpSynackRetries => "SYN+ACK 重传多少次后丢弃请求",
        Knob::TcpMaxSynBacklog => "每个监听套接字的半连接请求上限",
        Knob::TcpSyncookies => "SYN 队列溢出时使用 SYN cookie（1 = 按需）",
        Knob::TcpAbortOnOverflow => "1 = 全连接队列放不下时重置连接",
        Knob::Somaxconn => "监听套接字全连接队列（backlog）的上限",
        Knob::TcpOrphanRetries => "孤儿套接字的重传次数（0 表示最多 8 次）",
        Knob::TcpMaxOrphans => "孤儿套接字数量上限，超过后被重置",
        Knob::TcpFinTimeout => "孤儿 FIN_WAIT2 等待对方 FIN 的秒数",
        Knob::TcpMaxTwBuckets => "TIME_WAIT 套接字数量上限，超过后不再保留",
        Knob::TcpTwReuse => "新的出站连接复用 TIME_WAIT（2 = 仅回环地址）",
        Knob::TcpRfc1337 => "1 = RST 不会结束 TIME_WAIT",
        Knob::IpLocalPortRange => "出站连接使用的本地端口范围",
    }
}
