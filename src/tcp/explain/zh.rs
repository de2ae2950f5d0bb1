//! The states in Simplified Chinese.

use super::StateText;
use crate::tcp::state::TcpState;

pub(super) fn state(s: TcpState) -> StateText {
    match s {
        TcpState::Established => StateText {
            one_line: "已连接：握手完成，双向传输数据。",
            about: "几乎所有有用的工作都在这个状态中完成。空闲的 ESTABLISHED 连接占用内存和一个\
                    文件描述符，但除非开启了保活（keepalive），不会发送任何报文。",
            who: "双方都可能：客户端在收到 SYN+ACK 后，服务端在收到最后的 ACK 后。",
            enters: "客户端：在 SYN_SENT 中收到 SYN+ACK，回复 ACK，connect() 返回。服务端：\
                     在 SYN_RECV 中收到该 ACK；连接在监听套接字的全连接队列中等待 accept() 取走。",
            leaves: "close() 或 shutdown(SHUT_WR) 发出 FIN：进入 FIN_WAIT1（主动关闭）。收到 FIN \
                     并确认：进入 CLOSE_WAIT（被动关闭），read() 返回 0。收到 RST，或重传、\
                     保活探测次数用尽：进入 CLOSED。",
            lasts: "应用保持多久就持续多久。空闲时永久存在，除非设置了 SO_KEEPALIVE：空闲 \
                    tcp_keepalive_time 秒后发出第一个探测，每隔 tcp_keepalive_intvl 秒一个，\
                    连续 tcp_keepalive_probes 个无应答则断开。有未确认的数据时，重传 \
                    tcp_retries2 次（默认 15，约 15 分钟）或达到套接字的 TCP_USER_TIMEOUT 后断开。",
            load_balancer: "并发的客户端连接加上到后端的连接；与负载均衡器的连接数上限比较，\
                            如果使用了 conntrack，还要与 nf_conntrack_max 比较。",
            web: "并发客户端（HTTP keep-alive 会保留空闲连接）加上到数据库和缓存的连接池；\
                  接近 worker 数或文件描述符上限时，新客户端开始排队。",
            database: "客户端连接数；与 max_connections 比较，并按客户端主机统计，找出膨胀的连接池。",
            next: "按对端和本地端口分组，看是谁持有这些连接。长期不消失的空闲连接说明缺少保活或\
                   连接池上限。",
        },
        TcpState::SynSent => StateText {
            one_line: "正在连接：已发出 SYN，等待对方应答。",
            about: "主动打开的一方已发出 SYN，等待 SYN+ACK，期间以加倍的超时（1 秒、2 秒、4 秒……）\
                    重传 SYN。阻塞的 connect() 在等待；非阻塞的已返回 EINPROGRESS。",
            who: "客户端（主动打开方）。",
            enters: "从 CLOSED 进入：connect() 发出 SYN（或带 MSG_FASTOPEN 的 sendto()）。",
            leaves: "收到 SYN+ACK 并回复 ACK：进入 ESTABLISHED。只收到 SYN（同时打开）并回复 \
                     SYN+ACK：进入 SYN_RECV。收到 RST：进入 CLOSED，connect() 以 ECONNREFUSED \
                     失败。重传次数用尽：进入 CLOSED，ETIMEDOUT。close()：进入 CLOSED。",
            lasts: "对方应答时为一个往返时间。否则重传 tcp_syn_retries 次：默认值 6 约在 127 秒后\
                    放弃。单个套接字可用 TCP_SYNCNT 和 TCP_USER_TIMEOUT 缩短。",
            load_balancer: "后端不响应 SYN：宕机、监听队列已满，或防火墙丢包。健康检查应当把它们\
                            摘除。",
            web: "上游（数据库、缓存、API）不可达或接受连接太慢；请求卡在 connect()。",
            database: "在数据库服务器上少见；出现在从库连接主库时，或连接不响应的外部服务时。",
            next: "找出不应答的目标：某个目标有很多 SYN_SENT 却没有 ESTABLISHED，说明它宕机或被\
                   过滤。/proc/net/snmp 中的 Tcp AttemptFails 统计连接失败次数。",
        },
        TcpState::SynRecv | TcpState::NewSynRecv => StateText {
            one_line: "半连接：收到 SYN，已回复 SYN+ACK，等待最后的 ACK。",
            about: "被动的一方已应答 SYN，等待完成握手的 ACK，期间重传 SYN+ACK。请求套接字：\
                    从 Linux 4.4 起，SYN 不再创建完整套接字，而是创建挂在监听套接字上的小型\
                    请求套接字（内核状态 NEW_SYN_RECV），列表中显示为 SYN_RECV。ACK 到达时才\
                    创建完整套接字，并直接进入全连接队列中的 ESTABLISHED。使用 SYN cookie 时\
                    根本不保存请求套接字。只有 TCP Fast Open 或同时打开时，完整套接字才会停留在 \
                    SYN_RECV。",
            who: "服务端（被动打开方）；同时打开时为双方。",
            enters: "从 LISTEN 进入：收到 SYN，回复 SYN+ACK。从 SYN_SENT 进入：收到 SYN（同时打开）。",
            leaves: "收到 ACK：进入 ESTABLISHED，可被 accept()。收到 RST：请求被丢弃（回到 LISTEN）。\
                     重传次数用尽：被丢弃。close()：发出 FIN，进入 FIN_WAIT1。",
            lasts: "客户端应答时为一个往返时间。否则重传 tcp_synack_retries 次：默认值 5 约在 63 秒\
                    后丢弃请求。每个监听套接字的数量受其 backlog 和 tcp_max_syn_backlog 限制。",
            load_balancer: "SYN 洪水攻击，或客户端的 ACK 丢失。也可能是全连接队列已满：应用 \
                            accept() 不够快时，内核丢弃最后的 ACK，请求停留在 SYN_RECV。",
            web: "全连接队列已满（worker 忙，backlog 太小）或 SYN 洪水；客户端连接变慢或失败。",
            database: "数据库 accept() 不够快，例如故障切换或应用重启后的连接风暴；或 SYN 洪水。",
            next: "比较每个监听套接字的全连接队列（Recv-Q）和 backlog（Send-Q）。ListenOverflows \
                   和 ListenDrops 增长说明全连接队列已满；SyncookiesSent 增长说明 SYN 队列溢出。",
        },
        TcpState::FinWait1 => StateText {
            one_line: "主动关闭：已发出 FIN，等待对方确认。",
            about: "本方已关闭或关闭了写方向，FIN 排在尚未发出的数据之后。对方不读数据（零窗口）\
                    时，套接字带着 Send-Q 中的数据停留在这里。通常应用已关闭了文件描述符：\
                    套接字成为由内核持有的孤儿套接字。",
            who: "主动关闭方，客户端或服务端都可能；同时关闭时为双方。",
            enters: "从 ESTABLISHED 或 SYN_RECV 进入：close() 或 shutdown(SHUT_WR) 发出 FIN。",
            leaves: "收到对 FIN 的确认：进入 FIN_WAIT2。收到 FIN 并回复 ACK：进入 CLOSING（同时\
                     关闭）。收到同时确认了本方 FIN 的 FIN，回复 ACK：进入 TIME_WAIT。收到 RST \
                     或重传次数用尽：进入 CLOSED。",
            lasts: "通常为一个往返时间。未被确认时重传 FIN 和数据：孤儿套接字在 tcp_orphan_retries \
                    次后放弃（0 表示最多 8 次），仍被进程持有的在 tcp_retries2 次后放弃。\
                    孤儿数量超过 tcp_max_orphans 时会被立即重置。",
            load_balancer: "客户端不再读数据或已消失，而负载均衡器还有响应数据要发给它们。",
            web: "慢速或已消失的客户端占着未送达的响应（Send-Q 很大）；内存留在孤儿套接字中。",
            database: "客户端在接收大结果集时消失。",
            next: "列出它们及其队列：Send-Q 很大说明对方不读。TCPAbortOnMemory 统计因 \
                   tcp_max_orphans 或 TCP 内存不足而被重置的孤儿，TCPAbortOnTimeout 统计超时\
                   放弃的。",
        },
        TcpState::FinWait2 => StateText {
            one_line: "半关闭：本方 FIN 已被确认，等待对方的 FIN。",
            about: "本方已发送完毕，对方已确认，但还没有关闭自己的方向，仍可能发送数据。如果应用\
                    只是关闭了写方向，它继续读取，没有计时器。如果应用关闭了套接字（孤儿），\
                    Linux 最多等待 tcp_fin_timeout 秒，期间保留一个迷你套接字，列表中仍显示为 \
                    FIN_WAIT2。",
            who: "主动关闭方。",
            enters: "从 FIN_WAIT1 进入：收到对本方 FIN 的确认。",
            leaves: "收到 FIN 并回复 ACK：进入 TIME_WAIT（Linux 关闭完整套接字，由 TIME_WAIT 迷你\
                     套接字代替）。孤儿超时：进入 CLOSED。收到 RST：进入 CLOSED。",
            lasts: "直到对方关闭。孤儿套接字：tcp_fin_timeout（默认 60 秒）。shutdown(SHUT_WR) \
                    后仍被持有的套接字：没有限制。",
            load_balancer: "负载均衡器关闭后，客户端或后端不关闭自己的方向；如果是后端，去后端上\
                            找 CLOSE_WAIT。",
            web: "对端一直不关闭自己的方向，通常是对端应用泄漏了 CLOSE_WAIT 连接。",
            database: "数据库关闭空闲连接后，客户端不关闭自己的方向。",
            next: "按对端分组：这些对端很可能把同样的连接留在 CLOSE_WAIT，要修的是它们的进程。",
        },
        TcpState::Closing => StateText {
            one_line: "同时关闭：双方都发出了 FIN，等待对本方 FIN 的确认。",
            about: "两端几乎同时关闭：对方的 FIN 先于对本方 FIN 的确认到达。少见且短暂；\
                    数量多说明 ACK 丢失。",
            who: "同时关闭的双方。",
            enters: "从 FIN_WAIT1 进入：收到一个没有确认本方 FIN 的 FIN，回复 ACK。",
            leaves: "收到对本方 FIN 的确认：进入 TIME_WAIT。收到 RST 或重传次数用尽：进入 CLOSED。",
            lasts: "一个往返时间。ACK 丢失时重传 FIN，孤儿套接字最多 tcp_orphan_retries 次，\
                    否则最多 tcp_retries2 次。",
            load_balancer: "负载均衡器与对端同时关闭（两边空闲超时设置相同），且链路丢包。",
            web: "两边的空闲超时同时到期，且有丢包。",
            database: "连接池与服务器的空闲超时设置相同，且有丢包。",
            next: "检查到这些对端的丢包（TCPTimeouts、重传），并错开空闲超时，让一方先关闭。",
        },
        TcpState::TimeWait => StateText {
            one_line: "已结束：先关闭的一方等待旧报文消失。",
            about: "连接已经结束。先关闭的一方继续占用这个四元组，使延迟到达的报文不会被当作\
                    相同地址和端口之间新连接的一部分，并在最后的 ACK 丢失时可以重发。在 Linux \
                    上它是一个不属于任何进程的迷你套接字（inode 为 0），内存开销很小。",
            who: "主动关闭方：先调用 close() 的一方，客户端或服务端都可能。",
            enters: "从 FIN_WAIT2 收到 FIN、从 FIN_WAIT1 收到同时确认本方 FIN 的 FIN（两种情况都\
                     回复 ACK）、从 CLOSING 收到对本方 FIN 的确认时进入。",
            leaves: "60 秒后：进入 CLOSED。提前结束：收到 RST（除非 tcp_rfc1337 = 1）；\
                     tcp_tw_reuse 允许时，到同一对端的新 connect() 接管四元组；对方发来序号更大\
                     的新 SYN。",
            lasts: "60 秒，在内核中固定（TCP_TIMEWAIT_LEN），没有 sysctl 可以修改。\
                    tcp_max_tw_buckets 限制其数量：超过后套接字直接关闭，不经过 TIME_WAIT。",
            load_balancer: "负载均衡器先关闭。对后端而言，每个 TIME_WAIT 都占用一个针对该后端\
                            地址和端口的本地端口；到同一后端的新建连接速率超过约 \
                            ip_local_port_range 大小 / 60 秒时，connect() 以 EADDRNOTAVAIL 失败。",
            web: "没有 keep-alive 或连接池的出站连接（到数据库、缓存、API）由本机关闭：风险是\
                  到某个目标的本地端口耗尽。监听端口上面向客户端的 TIME_WAIT 无害。",
            database: "数据库先关闭空闲或已完成的客户端连接；大多无害，但每次查询都新建连接的\
                       客户端应当使用连接池。",
            next: "按对端分组找出目标；把每个目标的数量与 ip_local_port_range 比较。优先使用连接池\
                   或 keep-alive；tcp_tw_reuse = 1 允许新的出站连接复用这些四元组。\
                   TCPTimeWaitOverflow 统计因达到 tcp_max_tw_buckets 而跳过 TIME_WAIT 的套接字。",
        },
        TcpState::Close => StateText {
            one_line: "已关闭：没有连接；列表中很少出现。",
            about: "每个套接字生命的起点和终点。关闭的套接字不在内核的任何查找表中，所以列表\
                    通常不显示它；在建立或拆除的瞬间可能短暂出现。",
            who: "双方都可能：连接或监听之前，以及连接结束之后。",
            enters: "从 LAST_ACK 收到最后的 ACK，从 TIME_WAIT 经过 60 秒，从 SYN_SENT 因 \
                     close()、RST 或超时，从 LISTEN 因 close()；在 Linux 上还从任何已同步状态\
                     因 RST 或重传次数用尽而进入。",
            leaves: "listen()：进入 LISTEN。connect() 发出 SYN：进入 SYN_SENT。",
            lasts: "没有限制：它表示没有连接。",
            load_balancer: "统计中不应出现；少量是正在变化中的套接字。",
            web: "统计中不应出现；少量是正在变化中的套接字。",
            database: "统计中不应出现；少量是正在变化中的套接字。",
            next: "统计中没有要追查的。应用在连接被重置后仍保留的文件描述符要在进程中查看\
                   （/proc/PID/fd），套接字列表中看不到。",
        },
        TcpState::CloseWait => StateText {
            one_line: "对方已关闭；本方应用还没有关闭。",
            about: "对方发来了 FIN，内核已确认，read() 返回 0：不会再有数据到达。内核现在等待\
                    应用调用 close()，没有任何计时器结束这种等待。大量堆积的 CLOSE_WAIT 是持有它\
                    们的程序的缺陷：连接泄漏、连接池从不检查已关闭的连接、线程阻塞。",
            who: "被动关闭方：对端先关闭的一方。",
            enters: "从 ESTABLISHED 进入：收到 FIN，回复 ACK。",
            leaves: "close() 发出 FIN：进入 LAST_ACK。带着未读数据 close()（发出 RST），\
                     或收到对方的 RST：进入 CLOSED。",
            lasts: "直到应用关闭套接字：内核没有限制。如果应用开启了保活，对端彻底消失后保活\
                    可以结束它。",
            load_balancer: "负载均衡器没有关闭客户端或后端已结束的连接：检查它的空闲超时和已知缺陷。",
            web: "应用泄漏连接，常见的是数据库或 HTTP 客户端连接池持有服务端因空闲超时已关闭的连接。",
            database: "客户端在数据库繁忙时（长查询、线程卡住）离开，数据库还没有关闭自己这一端。",
            next: "找出持有它们的进程和对端；要修的是那个程序，任何 sysctl 都无济于事。",
        },
        TcpState::LastAck => StateText {
            one_line: "被动关闭：本方 FIN 在对方之后发出，等待对方确认。",
            about: "对方先关闭，随后本方应用也关闭并发出 FIN；只差最后一个 ACK。通常为一个往返\
                    时间；对方消失时，FIN 会一直重传直到次数用尽。",
            who: "被动关闭方。",
            enters: "从 CLOSE_WAIT 进入：close() 发出 FIN。",
            leaves: "收到对本方 FIN 的确认：进入 CLOSED。收到 RST（对方已忘记该连接）或重传次数\
                     用尽：进入 CLOSED。",
            lasts: "一个往返时间；没有应答时重传，孤儿套接字最多 tcp_orphan_retries 次，否则最多 \
                    tcp_retries2 次。",
            load_balancer: "对端关闭后立即消失（客户端离开网络），或 ACK 在途中丢失。",
            web: "客户端关闭后消失；回程路径丢包。",
            database: "客户端或连接池代理在关闭后立即被杀掉；丢包。",
            next: "按对端分组；关注重传计数器和到这些对端的丢包。",
        },
        TcpState::Listen => StateText {
            one_line: "在端口上等待传入连接。",
            about: "服务端套接字。它有两个队列：半连接请求的 SYN 队列（SYN_RECV）和 accept() 尚未\
                    取走的已建立连接的全连接队列。列表中 Recv-Q 是当前全连接队列长度，Send-Q 是\
                    其上限（backlog）。",
            who: "服务端。",
            enters: "从 CLOSED 进入：应用调用 listen()，通常在 bind() 之后。",
            leaves: "close()：进入 CLOSED。（RFC 9293 还允许 send() 使其进入 SYN_SENT；Linux 不允许。）",
            lasts: "服务运行多久就持续多久。",
            load_balancer: "每个监听地址和端口一个（使用 SO_REUSEPORT 时每个 worker 一个）。关键\
                            是全连接队列：Recv-Q 接近 Send-Q 说明负载均衡器 accept 不够快。",
            web: "数量为每个端口、每个 worker 一个；全连接队列满说明 worker 已饱和，新连接被丢弃\
                  或延迟。",
            database: "数量为每个端口一个；还要检查它只监听应当监听的地址。",
            next: "比较 Recv-Q 和 Send-Q。ListenOverflows 和 ListenDrops 统计因全连接队列满而\
                   丢弃的连接；backlog 取 listen() 参数与 net.core.somaxconn 中较小的一个。",
        },
        TcpState::BoundInactive => StateText {
            one_line: "已绑定端口，既未监听也未连接（Linux 6.5 起）。",
            about: "应用调用了 bind() 之后没有下一步，或者连接结束后仍保留着已绑定的套接字。\
                    端口一直被占用。只有 sock_diag 在被请求时才报告它们；状态机把它们视为 CLOSED。",
            who: "双方都可能。",
            enters: "在新套接字上 bind()；或显式绑定的套接字上的连接结束。",
            leaves: "listen()：进入 LISTEN。connect()：进入 SYN_SENT。close()：消失。",
            lasts: "直到应用监听、连接或关闭。",
            load_balancer: "在 connect() 之前 bind() 源地址、却没有使用 IP_BIND_ADDRESS_NO_PORT \
                            的客户端，每个都占用一个端口；数量多时会耗尽端口范围。",
            web: "同上：客户端库在 connect() 之前 bind()，或绑定后被遗忘的套接字。",
            database: "少见；绑定后从未使用的套接字。",
            next: "找出持有它们的进程。",
        },
        TcpState::Unknown => StateText {
            one_line: "输入中没有：该列表不带 State 列（FreeBSD netstat -T）。",
            about: "套接字是真实存在的，也处于某个状态，但读取的列表在状态的位置打印的是计数器，\
                    因此 tcpstate 将其单独计数，绝不猜测。状态过滤不匹配它；只有不加状态过滤\
                    （或 `state all`）时才显示。",
            who: "双方都可能。",
            enters: "不是 TCP 的状态：是不带状态的列表给出的结果。",
            leaves: "不是 TCP 的状态。",
            lasts: "与读取的列表相同。",
            load_balancer: "用 `netstat -an`（不加 -T）重新保存列表即可看到状态。",
            web: "用 `netstat -an`（不加 -T）重新保存列表即可看到状态。",
            database: "用 `netstat -an`（不加 -T）重新保存列表即可看到状态。",
            next: "在 `netstat -T` 列表旁边再保存一份 `netstat -an`：前者给出每个连接的重传，\
                   后者给出状态。",
        },
    }
}
