//! What to do about a finding, keyed by its [`Rule`] (with the sysctls the advice refers to,
//! [`AdviceSettings`]), and the words of the human report ([`Label`]), in English and
//! Chinese: one exhaustive `match` per language, so that a rule or label without a translation
//! does not compile. The findings' own sentences are in [`super`].

use crate::analyze::check::{AdviceSettings, Rule};
use crate::i18n::Lang;

/// Words of the human report.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Label {
    Evidence,
    Top,
    Advice,
    Note,
    /// `N problems among M sockets` after the status word.
    Headline {
        problems: u64,
        sockets: u64,
    },
    /// How the data was taken: one sample, two samples `secs` apart, a capture.
    Sampling {
        interval: Option<f64>,
        live: bool,
    },
}
/// What to do about a finding of `rule`, in `lang`; `settings` are the sysctls the advice
/// refers to.
pub fn advice(rule: Rule, settings: AdviceSettings, lang: Lang) -> String {
    match lang {
        Lang::En => en(rule, settings),
        Lang::Zh => zh(rule, settings),
    }
}

fn en(rule: Rule, settings: AdviceSettings) -> String {
    {
        match rule {
            Rule::EphemeralPorts => {
                let mut s = String::from(
                    "Connections from one local address to one destination (address and port) \
                     share the local port range; when it is used up, connect() fails with \
                     EADDRNOTAVAIL. Reuse connections (keep-alive, pools) instead of opening one \
                     per request, widen net.ipv4.ip_local_port_range, or spread the connections \
                     over more destination ports or more local addresses (bind() before \
                     connect() with IP_BIND_ADDRESS_NO_PORT).",
                );
                match settings.tw_reuse {
                    Some(1) => s.push_str(
                        " net.ipv4.tcp_tw_reuse is already 1, so ports in TIME_WAIT are reused \
                         once they are a second old; what is left is opening fewer connections.",
                    ),
                    Some(v) => s.push_str(&format!(
                        " net.ipv4.tcp_tw_reuse is {v}: setting it to 1 lets new outgoing \
                         connections take ports still in TIME_WAIT (TCP timestamps must be on)."
                    )),
                    None => {}
                }
                s
            }
            Rule::TimeWait => "TIME_WAIT is the normal end of a connection on the side that \
                closed first; it lasts 60 seconds and costs little memory. Many of them mean many \
                short connections: reuse connections. When their number reaches \
                net.ipv4.tcp_max_tw_buckets the kernel destroys new ones at once (TcpExt \
                TCPTimeWaitOverflow, \"time wait bucket table overflow\" in the kernel log), \
                which risks old segments reaching a new connection; raise the limit if memory \
                allows rather than cutting TIME_WAIT short."
                .to_string(),
            Rule::CloseWait => "CLOSE_WAIT means the peer has closed its side and the local \
                application has not yet called close(). The kernel never times these sockets \
                out: only the application can end them. Look for a code path that keeps the \
                connection after reading end-of-file (a close() missing in an error branch, a \
                connection leaked from a pool, a thread blocked elsewhere). The finding names the \
                process where it can; `tcpstate list -p --state close-wait` (as root) or \
                `ss -tanp state close-wait` shows the owner of each socket; restarting it frees \
                the sockets but does not fix the leak."
                .to_string(),
            Rule::SynBacklog => {
                let mut s = String::from(
                    "SYN_RECV sockets are handshakes waiting for the client's final ACK. Many \
                     on one listener mean a SYN flood, clients or a network path losing \
                     packets, or a backlog too small for the rate of new connections. A \
                     listener's SYN queue is bounded by its backlog (the listen() argument, \
                     capped by net.core.somaxconn) and by net.ipv4.tcp_max_syn_backlog; raise \
                     them for a busy service.",
                );
                match settings.syncookies {
                    Some(0) => s.push_str(
                        " SYN cookies are off (net.ipv4.tcp_syncookies = 0): when the queue is \
                         full new connections are dropped; set it to 1.",
                    ),
                    Some(_) => s.push_str(
                        " SYN cookies are on: a full queue is answered with cookies (TcpExt \
                         SyncookiesSent rises), which keeps the service reachable but loses TCP \
                         options such as window scaling; if that happens without an attack, \
                         the backlog is too small.",
                    ),
                    None => {}
                }
                s
            }
            Rule::AcceptQueue => "A listener's accept queue (Recv-Q of a LISTEN socket) holds \
                connections the kernel has completed and the application has not accepted yet; \
                its limit is the backlog (Send-Q). When it is full, new handshakes are dropped \
                (TcpExt ListenOverflows, ListenDrops) and clients see timeouts. The application \
                does not call accept() fast enough: it is overloaded, blocked, or short of \
                workers. A larger backlog (the listen() argument and net.core.somaxconn, which \
                caps it) only absorbs bursts; the cure is accepting faster."
                .to_string(),
            Rule::ClosingPeers => "FIN_WAIT1, CLOSING and LAST_ACK are sockets whose FIN has \
                not been acknowledged. Many of them, above all towards the same peers, mean the \
                peers are gone, unreachable or overloaded, or a firewall drops the packets of \
                closing connections. The kernel retransmits the FIN and, for sockets no process \
                owns any more, gives up after net.ipv4.tcp_orphan_retries; check the path to \
                the peers listed and whether a middlebox drops FIN or ACK packets."
                .to_string(),
            Rule::FinWait2 => "FIN_WAIT2 sockets have had their FIN acknowledged and wait for \
                the peer's FIN: the application on the other side has not closed. Orphaned ones \
                (no owning process) are removed after net.ipv4.tcp_fin_timeout seconds; those a \
                local process still holds (shutdown() without close()) stay until it closes \
                them. Many towards the same peers point at peers that keep connections \
                half-open; a lower tcp_fin_timeout shortens the wait for orphaned sockets."
                .to_string(),
            Rule::StuckQueues => "A large Recv-Q means the local application is not reading \
                what has arrived (slow or blocked); a large Send-Q means the peer is not \
                acknowledging what was sent (a slow or stalled reader on the other side, or a \
                congested path). Look at the peers listed: for Recv-Q the local consumer, for \
                Send-Q the remote consumer and the path (retransmissions in `ss -ti`)."
                .to_string(),
            Rule::ListenerDrops => "A listener's drops are its own count (sk_drops) of \
                connection requests it dropped: accept-queue overflows (the application does not \
                call accept() fast enough, or its backlog is small), and also SYNs refused for \
                memory or by a socket filter. The host-wide ListenDrops says that something \
                dropped; the listeners listed are the ones that did. Look at the process behind \
                the port (is it saturated or blocked?), raise its listen() backlog together with \
                net.core.somaxconn, or add workers."
                .to_string(),
            Rule::PeerRetransmits => {
                "The kernel retransmitted segments to the peers listed faster \
                than the threshold while the check traced: segments or their acknowledgements \
                are lost on the way (a congested or lossy link, a full queue, a firewall or \
                middlebox dropping, a peer too busy to read). Compare with other peers on the \
                same path, watch them with `tcpstate watch --events retrans`, and follow one with \
                `tcpstate trace --events retrans --dst PEER`."
                    .to_string()
            }
            Rule::KernelDrops => "The kernel dropped packets for the reasons listed (the names \
                of its drop-reason list). NETFILTER_DROP is a firewall rule (nft list ruleset, \
                iptables-save; conntrack -S for a full table); TCP_LISTEN_OVERFLOW and \
                SOCKET_BACKLOG a listener or socket that cannot keep up; SOCKET_RCVBUFF a full \
                receive buffer; NO_SOCKET packets to ports nobody listens on. Reasons that are \
                normal on this host can be left out with [kernel_drops] ignore in --config."
                .to_string(),
            Rule::ResetsSent => "This host sent resets faster than the threshold: connections \
                to closed ports (NO_SOCKET), applications closing with unread data or \
                SO_LINGER 0, or a listener refusing. See who receives them with `tcpstate trace \
                --events reset`, and check that the services clients expect are listening."
                .to_string(),
            Rule::SlowPeers => "The peers listed have a high 99th percentile rtt or lose a share \
                of the bytes sent to them (retransmissions). Both point at the path or the peer: \
                a congested or lossy link, a saturated peer, a bufferbloated queue, a firewall \
                or middlebox dropping packets. Compare with other peers on the same path \
                (summary --by remote-ip --stats), look at `ss -ti dst PEER` for lost and \
                retransmitted segments, and at the interface's errors and drops."
                .to_string(),
            Rule::SndbufLimited => "These sockets spent most of their busy time with a full send \
                buffer: the application writes faster than the buffer lets data go out, so \
                throughput is capped by the buffer, not by the network. Let the kernel grow it \
                (do not set SO_SNDBUF by hand, which turns autotuning off) and raise the \
                maximum in net.ipv4.tcp_wmem (third value), with net.core.wmem_max for \
                applications that set SO_SNDBUF; on long, fast paths the buffer must hold a \
                bandwidth-delay product."
                .to_string(),
            Rule::Orphans => "Orphaned sockets are connections the application has closed \
                and the kernel is still finishing (FIN_WAIT1, LAST_ACK, CLOSING). Above \
                net.ipv4.tcp_max_orphans the kernel resets them at once and logs \"too many \
                orphaned sockets\". Many orphans point at peers that do not acknowledge the \
                close (see closing_peers); raise tcp_max_orphans only if memory allows, each can \
                hold tens of kilobytes."
                .to_string(),
            Rule::Memory => "Above the pressure threshold (the second value of \
                net.ipv4.tcp_mem, in pages) the kernel shrinks socket buffers; at the maximum \
                (the third value) it drops packets and aborts connections (TcpExt \
                TCPAbortOnMemory). Find the sockets holding large queues (see stuck_queues), \
                then raise tcp_mem if the host has memory to spare."
                .to_string(),
            Rule::Conntrack => "When the connection tracking table reaches \
                net.netfilter.nf_conntrack_max, the kernel drops the first packet of every new \
                flow (\"nf_conntrack: table full, dropping packet\" in the kernel log; the drop \
                statistic rises) and connections fail. Raise nf_conntrack_max if memory allows \
                (about 300 bytes per entry) together with net.netfilter.nf_conntrack_buckets, and \
                find who fills it: `tcpstate conntrack --by dst,dport --top 10`. When TIME_WAIT \
                and CLOSE entries make up much of the TCP part, shorter \
                net.netfilter.nf_conntrack_tcp_timeout_time_wait (120 s by default) and \
                nf_conntrack_tcp_timeout_close free them sooner; ESTABLISHED entries of \
                connections that ended unseen linger for nf_conntrack_tcp_timeout_established \
                (5 days): `tcpstate conntrack --reconcile` counts them. A rising insert_failed \
                means inserts lost to a full table or to races (clashes of parallel packets of \
                one new flow, common with UDP DNS)."
                .to_string(),
            Rule::StateCounts => "These thresholds are your own (--warn/--crit or the \
                [states] section of --config); `tcpstate summary --by remote-ip --state STATE` \
                shows which peers hold the sockets."
                .to_string(),
        }
    }
}

fn zh(rule: Rule, settings: AdviceSettings) -> String {
    {
        match rule {
            Rule::EphemeralPorts => {
                let mut s = String::from(
                    "从同一本地地址到同一目标（地址加端口）的连接共用本地端口范围；用尽后 \
                     connect() 会以 EADDRNOTAVAIL 失败。请复用连接（keep-alive、连接池），不要\
                     每个请求新建连接；或扩大 net.ipv4.ip_local_port_range；或把连接分散到更多\
                     目标端口或更多本地地址（connect() 之前 bind()，并设置 \
                     IP_BIND_ADDRESS_NO_PORT）。",
                );
                match settings.tw_reuse {
                    Some(1) => s.push_str(
                        "net.ipv4.tcp_tw_reuse 已为 1，TIME_WAIT 端口超过一秒即可复用；剩下的办法\
                         是少建新连接。",
                    ),
                    Some(v) => s.push_str(&format!(
                        "net.ipv4.tcp_tw_reuse 当前为 {v}：设为 1 可让新的出站连接使用仍处于 \
                         TIME_WAIT 的端口（需开启 TCP 时间戳）。"
                    )),
                    None => {}
                }
                s
            }
            Rule::TimeWait => "TIME_WAIT 是先关闭的一方连接的正常结束状态，持续 60 秒，占用\
                内存很少。数量多说明短连接多：请复用连接。数量达到 net.ipv4.tcp_max_tw_buckets \
                时，内核会立即销毁新的 TIME_WAIT（TcpExt TCPTimeWaitOverflow，内核日志出现 \
                \"time wait bucket table overflow\"），旧报文可能落入新连接；内存允许时请调高该\
                上限，而不是缩短 TIME_WAIT。"
                .to_string(),
            Rule::CloseWait => "CLOSE_WAIT 表示对端已关闭它那一侧，而本地应用还没有调用 \
                close()。内核不会让这些套接字超时：只有应用能结束它们。请查找读到 EOF 后仍保留\
                连接的代码路径（错误分支漏了 close()、连接池泄漏了连接、线程阻塞在别处）。\
                `tcpstate list -p --state close-wait` 或 `ss -tanp state close-wait` 可显示所属\
                进程；重启它能释放这些套接字，但修不好泄漏。"
                .to_string(),
            Rule::SynBacklog => {
                let mut s = String::from(
                    "SYN_RECV 套接字是在等待客户端最后一个 ACK 的握手。同一监听端口上很多，\
                     说明遭到 SYN 洪水攻击、客户端或网络路径丢包，或者 backlog 相对新建连接速率\
                     太小。监听端口的半连接队列受其 backlog（listen() 参数，上限为 \
                     net.core.somaxconn）和 net.ipv4.tcp_max_syn_backlog 限制；繁忙的服务应调高\
                     它们。",
                );
                match settings.syncookies {
                    Some(0) => s.push_str(
                        "SYN cookies 已关闭（net.ipv4.tcp_syncookies = 0）：队列满时新连接会被\
                         丢弃；请设为 1。",
                    ),
                    Some(_) => s.push_str(
                        "SYN cookies 已开启：队列满时以 cookie 应答（TcpExt SyncookiesSent \
                         增加），服务仍可访问，但会丢失窗口缩放等 TCP 选项；若没有攻击也出现，\
                         说明 backlog 太小。",
                    ),
                    None => {}
                }
                s
            }
            Rule::AcceptQueue => "监听套接字的全连接队列（LISTEN 套接字的 Recv-Q）保存内核已\
                完成握手、应用尚未 accept 的连接；其上限是 backlog（Send-Q）。队列满时新的握手\
                会被丢弃（TcpExt ListenOverflows、ListenDrops），客户端会超时。这说明应用调用 \
                accept() 不够快：过载、阻塞或工作线程不足。加大 backlog（listen() 参数以及限制它\
                的 net.core.somaxconn）只能吸收突发；根本办法是更快地 accept。"
                .to_string(),
            Rule::ClosingPeers => "FIN_WAIT1、CLOSING 和 LAST_ACK 是 FIN 尚未被确认的套接字。\
                数量多，尤其集中在同一批对端时，说明这些对端已消失、不可达或过载，或者防火墙丢弃\
                了关闭中连接的报文。内核会重传 FIN，对已无进程持有的套接字在 \
                net.ipv4.tcp_orphan_retries 次后放弃；请检查到所列对端的路径，以及是否有中间设备\
                丢弃 FIN 或 ACK 报文。"
                .to_string(),
            Rule::FinWait2 => "FIN_WAIT2 套接字的 FIN 已被确认，正在等待对端的 FIN：对端应用\
                还没有关闭连接。孤儿套接字（无进程持有）在 net.ipv4.tcp_fin_timeout 秒后被清除；\
                仍被本地进程持有的（调用了 shutdown() 但没有 close()）会一直存在，直到进程关闭\
                它们。集中在同一批对端时，说明这些对端让连接保持半关闭；调低 tcp_fin_timeout \
                可缩短孤儿套接字的等待时间。"
                .to_string(),
            Rule::StuckQueues => "Recv-Q 大表示本地应用没有读取已到达的数据（慢或阻塞）；\
                Send-Q 大表示对端没有确认已发送的数据（对端读取慢或停滞，或路径拥塞）。请查看所列\
                对端：Recv-Q 问题看本地消费者，Send-Q 问题看远端消费者和网络路径（`ss -ti` 中的\
                重传）。"
                .to_string(),
            Rule::ListenerDrops => "监听套接字的丢弃数是它自己的计数（sk_drops），即它丢弃的\
                连接请求：全连接队列溢出（应用调用 accept() 不够快，或 backlog 太小），也包括因\
                内存不足或套接字过滤器而被拒绝的 SYN。主机级的 ListenDrops 只说明有丢弃；这里列出\
                的才是丢弃的那些监听套接字。请查看该端口背后的进程（是否饱和或阻塞），同时调高其 \
                listen() backlog 与 net.core.somaxconn，或增加工作进程。"
                .to_string(),
            Rule::PeerRetransmits => "检查跟踪期间，内核向所列对端重传报文段的速率超过了阈值：\
                报文段或其确认在路上丢失（链路拥塞或丢包、队列已满、防火墙或中间设备丢包、对端忙\
                得来不及读取）。请与同一路径上的其他对端比较，用 `tcpstate watch --events retrans` \
                观察，并用 `tcpstate trace --events retrans --dst 对端` 跟踪单个对端。"
                .to_string(),
            Rule::KernelDrops => "内核因所列原因丢弃了数据包（原因名取自内核的丢弃原因列表）。\
                NETFILTER_DROP 来自防火墙规则（nft list ruleset、iptables-save；表满时看 \
                conntrack -S）；TCP_LISTEN_OVERFLOW 和 SOCKET_BACKLOG 表示监听套接字或套接字处理\
                不过来；SOCKET_RCVBUFF 表示接收缓冲区已满；NO_SOCKET 是发往无人监听端口的包。\
                本机上属于正常的原因可在 --config 的 [kernel_drops] ignore 中排除。"
                .to_string(),
            Rule::ResetsSent => "本机发送 RST 的速率超过了阈值：连接到了关闭的端口（NO_SOCKET）、\
                应用在仍有未读数据时关闭或使用 SO_LINGER 0、或监听套接字拒绝连接。请用 \
                `tcpstate trace --events reset` 查看谁收到了它们，并确认客户端所需的服务正在监听。"
                .to_string(),
            Rule::SlowPeers => "所列对端的 rtt 99 分位数过高，或发往它们的字节有一部分需要\
                重传。两者都指向网络路径或对端：链路拥塞或丢包、对端饱和、队列过深（bufferbloat）、\
                防火墙或中间设备丢包。请与同一路径上的其他对端比较（summary --by remote-ip \
                --stats），用 `ss -ti dst 对端` 查看丢失和重传的报文段，并检查网卡的错误和丢包计数。"
                .to_string(),
            Rule::SndbufLimited => "这些套接字大部分忙碌时间里发送缓冲区都是满的：应用写入的\
                速度超过缓冲区放行的速度，吞吐受限于缓冲区而不是网络。让内核自动调整缓冲区（不要\
                手动设置 SO_SNDBUF，那会关闭自动调整），并调高 net.ipv4.tcp_wmem 的最大值（第三个\
                值）；对设置了 SO_SNDBUF 的应用还要调高 net.core.wmem_max。在长距离高速路径上，\
                缓冲区需要容纳一个带宽时延积。"
                .to_string(),
            Rule::Orphans => "孤儿套接字是应用已关闭、内核仍在收尾的连接（FIN_WAIT1、\
                LAST_ACK、CLOSING）。超过 net.ipv4.tcp_max_orphans 时，内核会立即重置它们并记录 \
                \"too many orphaned sockets\"。孤儿多说明对端不确认关闭（见 closing_peers）；\
                只有内存充足时才调高 tcp_max_orphans，每个孤儿可能占用数十 KB。"
                .to_string(),
            Rule::Memory => "超过压力阈值（net.ipv4.tcp_mem 的第二个值，单位为页）时，内核会\
                缩小套接字缓冲区；达到上限（第三个值）时会丢包并中止连接（TcpExt \
                TCPAbortOnMemory）。请找出队列积压大的套接字（见 stuck_queues），主机内存有余量时\
                再调高 tcp_mem。"
                .to_string(),
            Rule::Conntrack => "连接跟踪表达到 net.netfilter.nf_conntrack_max 时，内核会丢弃每个新\
                流的第一个包（内核日志出现 \"nf_conntrack: table full, dropping packet\"，drop 统计\
                上升），新连接随之失败。内存允许时调大 nf_conntrack_max（每条约 300 字节），并同时调整 \
                net.netfilter.nf_conntrack_buckets；用 `tcpstate conntrack --by dst,dport --top 10` \
                找出占满表的目标。TIME_WAIT 与 CLOSE 条目在 TCP 部分占比很大时，缩短 \
                net.netfilter.nf_conntrack_tcp_timeout_time_wait（默认 120 秒）和 \
                nf_conntrack_tcp_timeout_close 可以更早释放它们；未被察觉就结束的连接，其 \
                ESTABLISHED 条目会保留 nf_conntrack_tcp_timeout_established（5 天）之久，\
                `tcpstate conntrack --reconcile` 可以统计它们。insert_failed 上升表示插入因表满或\
                竞争（同一新流的并发包冲突，UDP DNS 常见）而失败。"
                .to_string(),
            Rule::StateCounts => "这些阈值是你自己设定的（--warn/--crit 或 --config 的 \
                [states] 段）；`tcpstate summary --by remote-ip --state STATE` 可显示哪些对端\
                持有这些套接字。"
                .to_string(),
        }
    }
}

impl Label {
    pub fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::En => match self {
                Label::Evidence => "evidence".into(),
                Label::Top => "top".into(),
                Label::Advice => "advice".into(),
                Label::Note => "note".into(),
                Label::Headline { problems, sockets } => match problems {
                    0 => format!("no problem among {sockets} sockets"),
                    1 => format!("1 problem among {sockets} sockets"),
                    n => format!("{n} problems among {sockets} sockets"),
                },
                Label::Sampling { interval, live } => match (interval, live) {
                    (_, false) => "from a saved capture".into(),
                    (Some(s), true) => format!("two samples {s:.1}s apart"),
                    (None, true) => "one sample".into(),
                },
            },
            Lang::Zh => match self {
                Label::Evidence => "依据".into(),
                Label::Top => "最多".into(),
                Label::Advice => "建议".into(),
                Label::Note => "说明".into(),
                Label::Headline { problems, sockets } => match problems {
                    0 => format!("{sockets} 个套接字，无问题"),
                    n => format!("{sockets} 个套接字，{n} 个问题"),
                },
                Label::Sampling { interval, live } => match (interval, live) {
                    (_, false) => "来自保存的抓取数据".into(),
                    (Some(s), true) => format!("两次采样，间隔 {s:.1} 秒"),
                    (None, true) => "一次采样".into(),
                },
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::check::messages::CheckMsg;
    use crate::analyze::check::thresholds::Limit;
    use crate::tcp::state::TcpState;

    #[test]
    fn every_language_says_something_without_pipes() {
        let l = Limit::counts(5, 10);
        let msgs = [
            CheckMsg::AllOk { sockets: 3 },
            CheckMsg::StateCount {
                state: TcpState::CloseWait,
                count: 20,
                total: 30,
                limit: l,
            },
            CheckMsg::NeedsIntervalPersistence,
        ];
        for lang in [Lang::En, Lang::Zh] {
            for m in &msgs {
                let t = m.text(lang);
                assert!(!t.is_empty() && !t.contains('|'), "{t}");
            }
            let settings = AdviceSettings {
                tw_reuse: Some(0),
                syncookies: Some(1),
            };
            for rule in [Rule::CloseWait, Rule::EphemeralPorts, Rule::SynBacklog] {
                let t = advice(rule, settings, lang);
                assert!(!t.contains('|') && !t.contains("  "), "{t}");
            }
        }
        assert_eq!(
            CheckMsg::StateCount {
                state: TcpState::CloseWait,
                count: 20,
                total: 30,
                limit: l
            }
            .text(Lang::En),
            "20 CLOSE_WAIT of 30 sockets (warning above 5, critical above 10)"
        );
    }
}
