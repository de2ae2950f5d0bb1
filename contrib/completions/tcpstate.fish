# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_tcpstate_global_optspecs
    string join \n by= top= stats sort= explain n/numeric l/listening a/all-sockets t/tcp s/state= sport= dport= port= src= dst= 4/ipv4 6/ipv6 source= f/format= from= input-format= assume-state= strict label= lang= netns= all-netns h/help V/version
end

function __fish_tcpstate_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_tcpstate_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_tcpstate_using_subcommand
    set -l cmd (__fish_tcpstate_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c tcpstate -n "__fish_tcpstate_needs_command" -l by -d 'Group by one key or several, comma-separated (`remote-ip,local-port`): one row per key (or combination) with its total and its count in each state' -r -f -a "remote-ip\t''
remote-port\t''
local-ip\t''
local-port\t''
state\t''
process\t'The processes holding the socket (TIME_WAIT and SYN_RECV: the listener\'s owners)'
netns\t'The network namespace (with --all-netns, each one; with --from, each capture)'"
complete -c tcpstate -n "__fish_tcpstate_needs_command" -l top -d 'With --by: only the N largest groups (N at least 1; largest by --sort)' -r
complete -c tcpstate -n "__fish_tcpstate_needs_command" -l sort -d 'With --by: rank the groups by total (the default) or, with --stats, by rtt-p50, rtt-p99, retrans-share, retransmitting, recv-q or send-q; largest first, unknown last' -r -f -a "total\t'Sockets in the group'
rtt-p50\t'Median rtt (with --stats)'
rtt-p99\t'99th percentile rtt (with --stats)'
retrans-share\t'Retransmitted share of the bytes sent (with --stats)'
retransmitting\t'Sockets retransmitting now (with --stats)'
recv-q\t'Receive queue total (with --stats)'
send-q\t'Send queue total (with --stats)'"
complete -c tcpstate -n "__fish_tcpstate_needs_command" -s s -l state -d 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)' -r -f -a "established\t'open, data flows both ways'
syn-sent\t'connect() sent SYN, waiting for the answer'
syn-recv\t'SYN received, handshake not finished'
fin-wait-1\t'closed here, FIN not yet acknowledged'
fin-wait-2\t'closed here, waiting for the peer\'s FIN'
time-wait\t'closed both ways, waiting out old segments'
close\t'closed or unconnected'
close-wait\t'the peer closed, this application has not'
last-ack\t'closed last, waiting for the FIN\'s ACK'
listen\t'waiting for connections'
closing\t'both closed at once, waiting for the ACK'
bound-inactive\t'bound, neither listening nor connected'
all\t'every state'
connected\t'every state but listen and close'
synchronized\t'connected, without syn-sent'
bucket\t'the mini-sockets: time-wait and syn-recv'
big\t'every state but the mini-sockets'
closing-all\t'every state of a connection being torn down'"
complete -c tcpstate -n "__fish_tcpstate_needs_command" -l sport -d 'Local port: a number, a range (8000-8100) or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_needs_command" -l dport -d 'Remote port: a number, a range or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_needs_command" -l port -d 'Local or remote port: a number, a range or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_needs_command" -l src -d 'Local address or CIDR block (v4 or v6; IPv4-mapped IPv6 matches IPv4); comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_needs_command" -l dst -d 'Remote address or CIDR block; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_needs_command" -l source -d 'Live source of sockets (default: auto). Not with --from, which reads no live source' -r -f -a "auto\t'sock_diag netlink, falling back to /proc when netlink is unavailable'
netlink\t'sock_diag netlink only'
proc\t'/proc/net/tcp and /proc/net/tcp6'"
complete -c tcpstate -n "__fish_tcpstate_needs_command" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns (or wrapped text) for people; also spelt `text`'
plain\t'`STATE COUNT` lines exactly as the netstat+awk one-liner prints them'
json\t'JSON (schema in the README)'
csv\t'CSV with a header row'
dot\t'Graphviz DOT (`fsm`)'
mermaid\t'Mermaid `stateDiagram-v2` (`fsm`)'
nagios\t'A monitoring-plugin status line with perfdata (`check`)'"
complete -c tcpstate -n "__fish_tcpstate_needs_command" -l from -d 'Read a saved capture instead of the live host (netstat, ss, /proc/net/tcp, BSD, Solaris, Windows or PowerShell output, or a saved summary); repeatable, `-` for standard input' -r -F
complete -c tcpstate -n "__fish_tcpstate_needs_command" -l input-format -d 'Format of the --from files: auto, netstat, ss, proc, bsd, windows, solaris, powershell or summary (default: detected per file)' -r
complete -c tcpstate -n "__fish_tcpstate_needs_command" -l assume-state -d 'The state of every row of a listing with no State column: `ss … state S`, FreeBSD `netstat -T` (whose rows are otherwise counted as of unknown state)' -r -f -a "established\t'open, data flows both ways'
syn-sent\t'connect() sent SYN, waiting for the answer'
syn-recv\t'SYN received, handshake not finished'
fin-wait-1\t'closed here, FIN not yet acknowledged'
fin-wait-2\t'closed here, waiting for the peer\'s FIN'
time-wait\t'closed both ways, waiting out old segments'
close\t'closed or unconnected'
close-wait\t'the peer closed, this application has not'
last-ack\t'closed last, waiting for the FIN\'s ACK'
listen\t'waiting for connections'
closing\t'both closed at once, waiting for the ACK'
bound-inactive\t'bound, neither listening nor connected'"
complete -c tcpstate -n "__fish_tcpstate_needs_command" -l label -d 'Name for the host of each --from file, in order (default: the file\'s stem)' -r
complete -c tcpstate -n "__fish_tcpstate_needs_command" -l lang -d 'Language of explanations and advice: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)' -r -f -a "en\t'English'
zh\t'Simplified Chinese'"
complete -c tcpstate -n "__fish_tcpstate_needs_command" -l netns -d 'Look into another network namespace: a name from /run/netns (as `ip netns add` makes them), a path to a namespace file, or a process id (the namespace it is in). Needs root' -r
complete -c tcpstate -n "__fish_tcpstate_needs_command" -l stats -d 'With --by: what is inside each group\'s connections, from the kernel\'s tcp_info of the same dump — rtt p50 and p99, the retransmitted share of the bytes sent, sockets retransmitting now, send and receive queue totals (listeners left out)'
complete -c tcpstate -n "__fish_tcpstate_needs_command" -l explain -d 'Add each state\'s one-line meaning to the summary (not with --by)'
complete -c tcpstate -n "__fish_tcpstate_needs_command" -s n -l numeric -d 'Numeric addresses and ports (always so; accepted for ss\'s -n)'
complete -c tcpstate -n "__fish_tcpstate_needs_command" -s l -l listening -d 'Listening sockets only, as ss -l and netstat -l; with list -m, each listener\'s accept queue, backlog and drops: which listener drops'
complete -c tcpstate -n "__fish_tcpstate_needs_command" -s a -l all-sockets -d 'Every state (the default; accepted for ss\'s -a)'
complete -c tcpstate -n "__fish_tcpstate_needs_command" -s t -l tcp -d 'TCP (the only protocol; accepted for ss\'s -t)'
complete -c tcpstate -n "__fish_tcpstate_needs_command" -s 4 -l ipv4 -d 'IPv4 sockets only'
complete -c tcpstate -n "__fish_tcpstate_needs_command" -s 6 -l ipv6 -d 'IPv6 sockets only'
complete -c tcpstate -n "__fish_tcpstate_needs_command" -l strict -d 'Fail (exit 1) on the first capture line that looks like a TCP row but cannot be read, instead of reporting such lines at the end'
complete -c tcpstate -n "__fish_tcpstate_needs_command" -l all-netns -d 'Every network namespace on the host (/run/netns and those of every process), each on its own — one column per namespace in summaries, a NETNS column in lists — plus the total. Namespaces are named `host`, by their /run/netns name, their container or Kubernetes pod, or `pid N (command)` of a process inside. Needs root'
complete -c tcpstate -n "__fish_tcpstate_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcpstate -n "__fish_tcpstate_needs_command" -s V -l version -d 'Print version'
complete -c tcpstate -n "__fish_tcpstate_needs_command" -a "summary" -d 'Count sockets per state (the default command)'
complete -c tcpstate -n "__fish_tcpstate_needs_command" -a "list" -d 'List sockets with netstat\'s six columns'
complete -c tcpstate -n "__fish_tcpstate_needs_command" -a "explain" -d 'What TCP states mean, how long they last, and what a large count means'
complete -c tcpstate -n "__fish_tcpstate_needs_command" -a "fsm" -d 'The TCP state machine: table, diagram, client/server paths, sequence check'
complete -c tcpstate -n "__fish_tcpstate_needs_command" -a "check" -d 'Health check with advice; exit code and `--format nagios` as a monitoring plugin'
complete -c tcpstate -n "__fish_tcpstate_needs_command" -a "watch" -d 'Watch the counts live: a dashboard on a terminal, one line per interval otherwise'
complete -c tcpstate -n "__fish_tcpstate_needs_command" -a "serve" -d 'Prometheus exporter: serve /metrics over HTTP (loopback port 10011 by default)'
complete -c tcpstate -n "__fish_tcpstate_needs_command" -a "trace" -d 'Trace TCP state transitions live (root or CAP_PERFMON)'
complete -c tcpstate -n "__fish_tcpstate_needs_command" -a "kill" -d 'Close the sockets a filter selects, as `ss -K` does, but safely (root)'
complete -c tcpstate -n "__fish_tcpstate_needs_command" -a "fleet" -d 'State counts of every host beside each other, from the Prometheus that scrapes them'
complete -c tcpstate -n "__fish_tcpstate_needs_command" -a "conntrack" -d 'The netfilter conntrack table\'s TCP entries: counts per state, fill, list'
complete -c tcpstate -n "__fish_tcpstate_needs_command" -a "ipvs" -d 'The IPVS connection table of a director: counts per state, virtual service, real server'
complete -c tcpstate -n "__fish_tcpstate_needs_command" -a "completions" -d 'Print the shell completion script for bash, zsh, fish, elvish or powershell'
complete -c tcpstate -n "__fish_tcpstate_needs_command" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand summary" -l by -d 'Group by one key or several, comma-separated (`remote-ip,local-port`): one row per key (or combination) with its total and its count in each state' -r -f -a "remote-ip\t''
remote-port\t''
local-ip\t''
local-port\t''
state\t''
process\t'The processes holding the socket (TIME_WAIT and SYN_RECV: the listener\'s owners)'
netns\t'The network namespace (with --all-netns, each one; with --from, each capture)'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand summary" -l top -d 'With --by: only the N largest groups (N at least 1; largest by --sort)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand summary" -l sort -d 'With --by: rank the groups by total (the default) or, with --stats, by rtt-p50, rtt-p99, retrans-share, retransmitting, recv-q or send-q; largest first, unknown last' -r -f -a "total\t'Sockets in the group'
rtt-p50\t'Median rtt (with --stats)'
rtt-p99\t'99th percentile rtt (with --stats)'
retrans-share\t'Retransmitted share of the bytes sent (with --stats)'
retransmitting\t'Sockets retransmitting now (with --stats)'
recv-q\t'Receive queue total (with --stats)'
send-q\t'Send queue total (with --stats)'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand summary" -s s -l state -d 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)' -r -f -a "established\t'open, data flows both ways'
syn-sent\t'connect() sent SYN, waiting for the answer'
syn-recv\t'SYN received, handshake not finished'
fin-wait-1\t'closed here, FIN not yet acknowledged'
fin-wait-2\t'closed here, waiting for the peer\'s FIN'
time-wait\t'closed both ways, waiting out old segments'
close\t'closed or unconnected'
close-wait\t'the peer closed, this application has not'
last-ack\t'closed last, waiting for the FIN\'s ACK'
listen\t'waiting for connections'
closing\t'both closed at once, waiting for the ACK'
bound-inactive\t'bound, neither listening nor connected'
all\t'every state'
connected\t'every state but listen and close'
synchronized\t'connected, without syn-sent'
bucket\t'the mini-sockets: time-wait and syn-recv'
big\t'every state but the mini-sockets'
closing-all\t'every state of a connection being torn down'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand summary" -l sport -d 'Local port: a number, a range (8000-8100) or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand summary" -l dport -d 'Remote port: a number, a range or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand summary" -l port -d 'Local or remote port: a number, a range or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand summary" -l src -d 'Local address or CIDR block (v4 or v6; IPv4-mapped IPv6 matches IPv4); comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand summary" -l dst -d 'Remote address or CIDR block; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand summary" -l source -d 'Live source of sockets (default: auto). Not with --from, which reads no live source' -r -f -a "auto\t'sock_diag netlink, falling back to /proc when netlink is unavailable'
netlink\t'sock_diag netlink only'
proc\t'/proc/net/tcp and /proc/net/tcp6'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand summary" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns (or wrapped text) for people; also spelt `text`'
plain\t'`STATE COUNT` lines exactly as the netstat+awk one-liner prints them'
json\t'JSON (schema in the README)'
csv\t'CSV with a header row'
dot\t'Graphviz DOT (`fsm`)'
mermaid\t'Mermaid `stateDiagram-v2` (`fsm`)'
nagios\t'A monitoring-plugin status line with perfdata (`check`)'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand summary" -l from -d 'Read a saved capture instead of the live host (netstat, ss, /proc/net/tcp, BSD, Solaris, Windows or PowerShell output, or a saved summary); repeatable, `-` for standard input' -r -F
complete -c tcpstate -n "__fish_tcpstate_using_subcommand summary" -l input-format -d 'Format of the --from files: auto, netstat, ss, proc, bsd, windows, solaris, powershell or summary (default: detected per file)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand summary" -l assume-state -d 'The state of every row of a listing with no State column: `ss … state S`, FreeBSD `netstat -T` (whose rows are otherwise counted as of unknown state)' -r -f -a "established\t'open, data flows both ways'
syn-sent\t'connect() sent SYN, waiting for the answer'
syn-recv\t'SYN received, handshake not finished'
fin-wait-1\t'closed here, FIN not yet acknowledged'
fin-wait-2\t'closed here, waiting for the peer\'s FIN'
time-wait\t'closed both ways, waiting out old segments'
close\t'closed or unconnected'
close-wait\t'the peer closed, this application has not'
last-ack\t'closed last, waiting for the FIN\'s ACK'
listen\t'waiting for connections'
closing\t'both closed at once, waiting for the ACK'
bound-inactive\t'bound, neither listening nor connected'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand summary" -l label -d 'Name for the host of each --from file, in order (default: the file\'s stem)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand summary" -l lang -d 'Language of explanations and advice: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)' -r -f -a "en\t'English'
zh\t'Simplified Chinese'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand summary" -l netns -d 'Look into another network namespace: a name from /run/netns (as `ip netns add` makes them), a path to a namespace file, or a process id (the namespace it is in). Needs root' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand summary" -l stats -d 'With --by: what is inside each group\'s connections, from the kernel\'s tcp_info of the same dump — rtt p50 and p99, the retransmitted share of the bytes sent, sockets retransmitting now, send and receive queue totals (listeners left out)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand summary" -l explain -d 'Add each state\'s one-line meaning to the summary (not with --by)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand summary" -s n -l numeric -d 'Numeric addresses and ports (always so; accepted for ss\'s -n)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand summary" -s l -l listening -d 'Listening sockets only, as ss -l and netstat -l; with list -m, each listener\'s accept queue, backlog and drops: which listener drops'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand summary" -s a -l all-sockets -d 'Every state (the default; accepted for ss\'s -a)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand summary" -s t -l tcp -d 'TCP (the only protocol; accepted for ss\'s -t)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand summary" -s 4 -l ipv4 -d 'IPv4 sockets only'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand summary" -s 6 -l ipv6 -d 'IPv6 sockets only'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand summary" -l strict -d 'Fail (exit 1) on the first capture line that looks like a TCP row but cannot be read, instead of reporting such lines at the end'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand summary" -l all-netns -d 'Every network namespace on the host (/run/netns and those of every process), each on its own — one column per namespace in summaries, a NETNS column in lists — plus the total. Namespaces are named `host`, by their /run/netns name, their container or Kubernetes pod, or `pid N (command)` of a process inside. Needs root'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand summary" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand list" -l sort -d 'Order the list: recv-q or send-q (largest first), state, local, remote, or timer (soonest first). Sorting holds every socket in memory; without it the list streams' -r -f -a "recv-q\t'Recv-Q, largest first (for LISTEN: the accept queue)'
send-q\t'Send-Q, largest first (for LISTEN: the backlog)'
state\t'State, in the kernel\'s order'
local\t'Local address, then port'
remote\t'Remote address, then port'
timer\t'Time left on the timer, soonest first'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand list" -l limit -d 'Stop after N sockets (after sorting, with --sort)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand list" -s s -l state -d 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)' -r -f -a "established\t'open, data flows both ways'
syn-sent\t'connect() sent SYN, waiting for the answer'
syn-recv\t'SYN received, handshake not finished'
fin-wait-1\t'closed here, FIN not yet acknowledged'
fin-wait-2\t'closed here, waiting for the peer\'s FIN'
time-wait\t'closed both ways, waiting out old segments'
close\t'closed or unconnected'
close-wait\t'the peer closed, this application has not'
last-ack\t'closed last, waiting for the FIN\'s ACK'
listen\t'waiting for connections'
closing\t'both closed at once, waiting for the ACK'
bound-inactive\t'bound, neither listening nor connected'
all\t'every state'
connected\t'every state but listen and close'
synchronized\t'connected, without syn-sent'
bucket\t'the mini-sockets: time-wait and syn-recv'
big\t'every state but the mini-sockets'
closing-all\t'every state of a connection being torn down'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand list" -l sport -d 'Local port: a number, a range (8000-8100) or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand list" -l dport -d 'Remote port: a number, a range or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand list" -l port -d 'Local or remote port: a number, a range or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand list" -l src -d 'Local address or CIDR block (v4 or v6; IPv4-mapped IPv6 matches IPv4); comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand list" -l dst -d 'Remote address or CIDR block; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand list" -l source -d 'Live source of sockets (default: auto). Not with --from, which reads no live source' -r -f -a "auto\t'sock_diag netlink, falling back to /proc when netlink is unavailable'
netlink\t'sock_diag netlink only'
proc\t'/proc/net/tcp and /proc/net/tcp6'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand list" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns (or wrapped text) for people; also spelt `text`'
plain\t'`STATE COUNT` lines exactly as the netstat+awk one-liner prints them'
json\t'JSON (schema in the README)'
csv\t'CSV with a header row'
dot\t'Graphviz DOT (`fsm`)'
mermaid\t'Mermaid `stateDiagram-v2` (`fsm`)'
nagios\t'A monitoring-plugin status line with perfdata (`check`)'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand list" -l from -d 'Read a saved capture instead of the live host (netstat, ss, /proc/net/tcp, BSD, Solaris, Windows or PowerShell output, or a saved summary); repeatable, `-` for standard input' -r -F
complete -c tcpstate -n "__fish_tcpstate_using_subcommand list" -l input-format -d 'Format of the --from files: auto, netstat, ss, proc, bsd, windows, solaris, powershell or summary (default: detected per file)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand list" -l assume-state -d 'The state of every row of a listing with no State column: `ss … state S`, FreeBSD `netstat -T` (whose rows are otherwise counted as of unknown state)' -r -f -a "established\t'open, data flows both ways'
syn-sent\t'connect() sent SYN, waiting for the answer'
syn-recv\t'SYN received, handshake not finished'
fin-wait-1\t'closed here, FIN not yet acknowledged'
fin-wait-2\t'closed here, waiting for the peer\'s FIN'
time-wait\t'closed both ways, waiting out old segments'
close\t'closed or unconnected'
close-wait\t'the peer closed, this application has not'
last-ack\t'closed last, waiting for the FIN\'s ACK'
listen\t'waiting for connections'
closing\t'both closed at once, waiting for the ACK'
bound-inactive\t'bound, neither listening nor connected'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand list" -l label -d 'Name for the host of each --from file, in order (default: the file\'s stem)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand list" -l lang -d 'Language of explanations and advice: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)' -r -f -a "en\t'English'
zh\t'Simplified Chinese'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand list" -l netns -d 'Look into another network namespace: a name from /run/netns (as `ip netns add` makes them), a path to a namespace file, or a process id (the namespace it is in). Needs root' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand list" -s e -l extended -d 'Extended columns: uid, inode and the kernel\'s socket cookie'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand list" -s o -l timers -d 'Timer column as netstat -o shows it: kind (remaining seconds/retransmits/probes)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand list" -s i -l info -d 'Inside each connection: the kernel\'s tcp_info (rtt, cwnd, retransmits, bytes, rates, congestion algorithm) on a second line, an `info` object in JSON, columns in CSV; with -e, every field. From the same dump, never a call per socket'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand list" -s m -l memory -d 'The socket\'s memory (buffers, queued bytes, drops; for a listener, the drops of its queue): a line, a `memory` object, columns'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand list" -s p -l processes -d 'PID/Program column: the processes holding each socket (`1874/nginx,1875/nginx`). TIME_WAIT and SYN_RECV sockets have no owner: they are credited to the process listening on their local port, marked `(via listener)`; a client\'s TIME_WAIT shows `-`'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand list" -s H -l no-header -d 'No header line in the table or CSV (ss\'s -H)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand list" -s n -l numeric -d 'Numeric addresses and ports (always so; accepted for ss\'s -n)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand list" -s l -l listening -d 'Listening sockets only, as ss -l and netstat -l; with list -m, each listener\'s accept queue, backlog and drops: which listener drops'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand list" -s a -l all-sockets -d 'Every state (the default; accepted for ss\'s -a)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand list" -s t -l tcp -d 'TCP (the only protocol; accepted for ss\'s -t)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand list" -s 4 -l ipv4 -d 'IPv4 sockets only'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand list" -s 6 -l ipv6 -d 'IPv6 sockets only'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand list" -l strict -d 'Fail (exit 1) on the first capture line that looks like a TCP row but cannot be read, instead of reporting such lines at the end'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand list" -l all-netns -d 'Every network namespace on the host (/run/netns and those of every process), each on its own — one column per namespace in summaries, a NETNS column in lists — plus the total. Namespaces are named `host`, by their /run/netns name, their container or Kubernetes pod, or `pid N (command)` of a process inside. Needs root'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand explain" -s s -l state -d 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)' -r -f -a "established\t'open, data flows both ways'
syn-sent\t'connect() sent SYN, waiting for the answer'
syn-recv\t'SYN received, handshake not finished'
fin-wait-1\t'closed here, FIN not yet acknowledged'
fin-wait-2\t'closed here, waiting for the peer\'s FIN'
time-wait\t'closed both ways, waiting out old segments'
close\t'closed or unconnected'
close-wait\t'the peer closed, this application has not'
last-ack\t'closed last, waiting for the FIN\'s ACK'
listen\t'waiting for connections'
closing\t'both closed at once, waiting for the ACK'
bound-inactive\t'bound, neither listening nor connected'
all\t'every state'
connected\t'every state but listen and close'
synchronized\t'connected, without syn-sent'
bucket\t'the mini-sockets: time-wait and syn-recv'
big\t'every state but the mini-sockets'
closing-all\t'every state of a connection being torn down'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand explain" -l sport -d 'Local port: a number, a range (8000-8100) or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand explain" -l dport -d 'Remote port: a number, a range or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand explain" -l port -d 'Local or remote port: a number, a range or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand explain" -l src -d 'Local address or CIDR block (v4 or v6; IPv4-mapped IPv6 matches IPv4); comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand explain" -l dst -d 'Remote address or CIDR block; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand explain" -l source -d 'Live source of sockets (default: auto). Not with --from, which reads no live source' -r -f -a "auto\t'sock_diag netlink, falling back to /proc when netlink is unavailable'
netlink\t'sock_diag netlink only'
proc\t'/proc/net/tcp and /proc/net/tcp6'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand explain" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns (or wrapped text) for people; also spelt `text`'
plain\t'`STATE COUNT` lines exactly as the netstat+awk one-liner prints them'
json\t'JSON (schema in the README)'
csv\t'CSV with a header row'
dot\t'Graphviz DOT (`fsm`)'
mermaid\t'Mermaid `stateDiagram-v2` (`fsm`)'
nagios\t'A monitoring-plugin status line with perfdata (`check`)'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand explain" -l from -d 'Read a saved capture instead of the live host (netstat, ss, /proc/net/tcp, BSD, Solaris, Windows or PowerShell output, or a saved summary); repeatable, `-` for standard input' -r -F
complete -c tcpstate -n "__fish_tcpstate_using_subcommand explain" -l input-format -d 'Format of the --from files: auto, netstat, ss, proc, bsd, windows, solaris, powershell or summary (default: detected per file)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand explain" -l assume-state -d 'The state of every row of a listing with no State column: `ss … state S`, FreeBSD `netstat -T` (whose rows are otherwise counted as of unknown state)' -r -f -a "established\t'open, data flows both ways'
syn-sent\t'connect() sent SYN, waiting for the answer'
syn-recv\t'SYN received, handshake not finished'
fin-wait-1\t'closed here, FIN not yet acknowledged'
fin-wait-2\t'closed here, waiting for the peer\'s FIN'
time-wait\t'closed both ways, waiting out old segments'
close\t'closed or unconnected'
close-wait\t'the peer closed, this application has not'
last-ack\t'closed last, waiting for the FIN\'s ACK'
listen\t'waiting for connections'
closing\t'both closed at once, waiting for the ACK'
bound-inactive\t'bound, neither listening nor connected'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand explain" -l label -d 'Name for the host of each --from file, in order (default: the file\'s stem)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand explain" -l lang -d 'Language of explanations and advice: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)' -r -f -a "en\t'English'
zh\t'Simplified Chinese'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand explain" -l netns -d 'Look into another network namespace: a name from /run/netns (as `ip netns add` makes them), a path to a namespace file, or a process id (the namespace it is in). Needs root' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand explain" -l no-sysctl -d 'Do not read this host\'s sysctls; name them without values (for stable output)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand explain" -s 4 -l ipv4 -d 'IPv4 sockets only'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand explain" -s 6 -l ipv6 -d 'IPv6 sockets only'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand explain" -l strict -d 'Fail (exit 1) on the first capture line that looks like a TCP row but cannot be read, instead of reporting such lines at the end'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand explain" -l all-netns -d 'Every network namespace on the host (/run/netns and those of every process), each on its own — one column per namespace in summaries, a NETNS column in lists — plus the total. Namespaces are named `host`, by their /run/netns name, their container or Kubernetes pod, or `pid N (command)` of a process inside. Needs root'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand explain" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fsm" -l role -d 'Show the normal path of a client, a server, or both side by side (the default)' -r -f -a "client\t''
server\t''
both\t'Both, side by side'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fsm" -l check -d 'Check whether a sequence of states is a possible life of one socket; exit 0 if so, 1 if not' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fsm" -s s -l state -d 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)' -r -f -a "established\t'open, data flows both ways'
syn-sent\t'connect() sent SYN, waiting for the answer'
syn-recv\t'SYN received, handshake not finished'
fin-wait-1\t'closed here, FIN not yet acknowledged'
fin-wait-2\t'closed here, waiting for the peer\'s FIN'
time-wait\t'closed both ways, waiting out old segments'
close\t'closed or unconnected'
close-wait\t'the peer closed, this application has not'
last-ack\t'closed last, waiting for the FIN\'s ACK'
listen\t'waiting for connections'
closing\t'both closed at once, waiting for the ACK'
bound-inactive\t'bound, neither listening nor connected'
all\t'every state'
connected\t'every state but listen and close'
synchronized\t'connected, without syn-sent'
bucket\t'the mini-sockets: time-wait and syn-recv'
big\t'every state but the mini-sockets'
closing-all\t'every state of a connection being torn down'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fsm" -l sport -d 'Local port: a number, a range (8000-8100) or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fsm" -l dport -d 'Remote port: a number, a range or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fsm" -l port -d 'Local or remote port: a number, a range or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fsm" -l src -d 'Local address or CIDR block (v4 or v6; IPv4-mapped IPv6 matches IPv4); comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fsm" -l dst -d 'Remote address or CIDR block; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fsm" -l source -d 'Live source of sockets (default: auto). Not with --from, which reads no live source' -r -f -a "auto\t'sock_diag netlink, falling back to /proc when netlink is unavailable'
netlink\t'sock_diag netlink only'
proc\t'/proc/net/tcp and /proc/net/tcp6'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fsm" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns (or wrapped text) for people; also spelt `text`'
plain\t'`STATE COUNT` lines exactly as the netstat+awk one-liner prints them'
json\t'JSON (schema in the README)'
csv\t'CSV with a header row'
dot\t'Graphviz DOT (`fsm`)'
mermaid\t'Mermaid `stateDiagram-v2` (`fsm`)'
nagios\t'A monitoring-plugin status line with perfdata (`check`)'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fsm" -l from -d 'Read a saved capture instead of the live host (netstat, ss, /proc/net/tcp, BSD, Solaris, Windows or PowerShell output, or a saved summary); repeatable, `-` for standard input' -r -F
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fsm" -l input-format -d 'Format of the --from files: auto, netstat, ss, proc, bsd, windows, solaris, powershell or summary (default: detected per file)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fsm" -l assume-state -d 'The state of every row of a listing with no State column: `ss … state S`, FreeBSD `netstat -T` (whose rows are otherwise counted as of unknown state)' -r -f -a "established\t'open, data flows both ways'
syn-sent\t'connect() sent SYN, waiting for the answer'
syn-recv\t'SYN received, handshake not finished'
fin-wait-1\t'closed here, FIN not yet acknowledged'
fin-wait-2\t'closed here, waiting for the peer\'s FIN'
time-wait\t'closed both ways, waiting out old segments'
close\t'closed or unconnected'
close-wait\t'the peer closed, this application has not'
last-ack\t'closed last, waiting for the FIN\'s ACK'
listen\t'waiting for connections'
closing\t'both closed at once, waiting for the ACK'
bound-inactive\t'bound, neither listening nor connected'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fsm" -l label -d 'Name for the host of each --from file, in order (default: the file\'s stem)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fsm" -l lang -d 'Language of explanations and advice: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)' -r -f -a "en\t'English'
zh\t'Simplified Chinese'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fsm" -l netns -d 'Look into another network namespace: a name from /run/netns (as `ip netns add` makes them), a path to a namespace file, or a process id (the namespace it is in). Needs root' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fsm" -s 4 -l ipv4 -d 'IPv4 sockets only'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fsm" -s 6 -l ipv6 -d 'IPv6 sockets only'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fsm" -l strict -d 'Fail (exit 1) on the first capture line that looks like a TCP row but cannot be read, instead of reporting such lines at the end'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fsm" -l all-netns -d 'Every network namespace on the host (/run/netns and those of every process), each on its own — one column per namespace in summaries, a NETNS column in lists — plus the total. Namespaces are named `host`, by their /run/netns name, their container or Kubernetes pod, or `pid N (command)` of a process inside. Needs root'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fsm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand check" -l warn -d 'Warning level of a state: STATE=N (more than N sockets), STATE=N% (N% of all sockets or more) or STATE=off; the state in any spelling; repeatable or comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand check" -l crit -d 'Critical level of a state, as --warn' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand check" -l config -d 'TOML file with thresholds for every rule (README, "Health check"); --warn and --crit apply on top of it. A regular file of at most 1 MiB. (`fleet check` reads its [states] section: counts are all it has.)' -r -F
complete -c tcpstate -n "__fish_tcpstate_using_subcommand check" -l interval -d 'Take two samples this far apart (2s, 500ms, 1m) to judge counter increases and sockets that stay in CLOSE_WAIT' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand check" -l events -d 'During --interval, trace these events and judge them, comma-separated: retrans (peer_retransmits), drop (kernel_drops), reset (resets_sent). Needs root or CAP_PERFMON and tracefs; without them those rules are UNKNOWN. The tracepoints see every network namespace of the host; --port, --src and --dst narrow what is counted' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand check" -l events-buffer-pages -d 'Ring buffer size per CPU for --events, in 4 KiB pages, a power of two' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand check" -s s -l state -d 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)' -r -f -a "established\t'open, data flows both ways'
syn-sent\t'connect() sent SYN, waiting for the answer'
syn-recv\t'SYN received, handshake not finished'
fin-wait-1\t'closed here, FIN not yet acknowledged'
fin-wait-2\t'closed here, waiting for the peer\'s FIN'
time-wait\t'closed both ways, waiting out old segments'
close\t'closed or unconnected'
close-wait\t'the peer closed, this application has not'
last-ack\t'closed last, waiting for the FIN\'s ACK'
listen\t'waiting for connections'
closing\t'both closed at once, waiting for the ACK'
bound-inactive\t'bound, neither listening nor connected'
all\t'every state'
connected\t'every state but listen and close'
synchronized\t'connected, without syn-sent'
bucket\t'the mini-sockets: time-wait and syn-recv'
big\t'every state but the mini-sockets'
closing-all\t'every state of a connection being torn down'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand check" -l sport -d 'Local port: a number, a range (8000-8100) or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand check" -l dport -d 'Remote port: a number, a range or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand check" -l port -d 'Local or remote port: a number, a range or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand check" -l src -d 'Local address or CIDR block (v4 or v6; IPv4-mapped IPv6 matches IPv4); comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand check" -l dst -d 'Remote address or CIDR block; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand check" -l source -d 'Live source of sockets (default: auto). Not with --from, which reads no live source' -r -f -a "auto\t'sock_diag netlink, falling back to /proc when netlink is unavailable'
netlink\t'sock_diag netlink only'
proc\t'/proc/net/tcp and /proc/net/tcp6'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand check" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns (or wrapped text) for people; also spelt `text`'
plain\t'`STATE COUNT` lines exactly as the netstat+awk one-liner prints them'
json\t'JSON (schema in the README)'
csv\t'CSV with a header row'
dot\t'Graphviz DOT (`fsm`)'
mermaid\t'Mermaid `stateDiagram-v2` (`fsm`)'
nagios\t'A monitoring-plugin status line with perfdata (`check`)'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand check" -l from -d 'Read a saved capture instead of the live host (netstat, ss, /proc/net/tcp, BSD, Solaris, Windows or PowerShell output, or a saved summary); repeatable, `-` for standard input' -r -F
complete -c tcpstate -n "__fish_tcpstate_using_subcommand check" -l input-format -d 'Format of the --from files: auto, netstat, ss, proc, bsd, windows, solaris, powershell or summary (default: detected per file)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand check" -l assume-state -d 'The state of every row of a listing with no State column: `ss … state S`, FreeBSD `netstat -T` (whose rows are otherwise counted as of unknown state)' -r -f -a "established\t'open, data flows both ways'
syn-sent\t'connect() sent SYN, waiting for the answer'
syn-recv\t'SYN received, handshake not finished'
fin-wait-1\t'closed here, FIN not yet acknowledged'
fin-wait-2\t'closed here, waiting for the peer\'s FIN'
time-wait\t'closed both ways, waiting out old segments'
close\t'closed or unconnected'
close-wait\t'the peer closed, this application has not'
last-ack\t'closed last, waiting for the FIN\'s ACK'
listen\t'waiting for connections'
closing\t'both closed at once, waiting for the ACK'
bound-inactive\t'bound, neither listening nor connected'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand check" -l label -d 'Name for the host of each --from file, in order (default: the file\'s stem)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand check" -l lang -d 'Language of explanations and advice: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)' -r -f -a "en\t'English'
zh\t'Simplified Chinese'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand check" -l netns -d 'Look into another network namespace: a name from /run/netns (as `ip netns add` makes them), a path to a namespace file, or a process id (the namespace it is in). Needs root' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand check" -s v -l verbose -d 'Show the evidence and top offenders of OK findings too'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand check" -s l -l listening -d 'Listening sockets only, as ss -l and netstat -l; with list -m, each listener\'s accept queue, backlog and drops: which listener drops'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand check" -s a -l all-sockets -d 'Every state (the default; accepted for ss\'s -a)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand check" -s t -l tcp -d 'TCP (the only protocol; accepted for ss\'s -t)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand check" -s 4 -l ipv4 -d 'IPv4 sockets only'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand check" -s 6 -l ipv6 -d 'IPv6 sockets only'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand check" -l strict -d 'Fail (exit 1) on the first capture line that looks like a TCP row but cannot be read, instead of reporting such lines at the end'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand check" -l all-netns -d 'Every network namespace on the host (/run/netns and those of every process), each on its own — one column per namespace in summaries, a NETNS column in lists — plus the total. Namespaces are named `host`, by their /run/netns name, their container or Kubernetes pod, or `pid N (command)` of a process inside. Needs root'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand watch" -s n -l interval -d 'Time between samples: 1s, 500ms, 2m; a bare number is seconds' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand watch" -l history -d 'How far back the sparklines reach' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand watch" -l by -d 'How the selected state\'s sockets are grouped at start (g changes it): remote-ip, local-port, remote-port or local-ip' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand watch" -s c -l count -d 'Stop after N samples' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand watch" -l events -d 'Trace these events and show them as rates, comma-separated: retrans (the peers retransmitted to most), drop (drop reasons), reset (resets sent and received). Needs root or CAP_PERFMON and tracefs. The tracepoints see every network namespace of the host; --port, --src and --dst narrow what is counted' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand watch" -l events-buffer-pages -d 'Ring buffer size per CPU for --events, in 4 KiB pages, a power of two' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand watch" -s s -l state -d 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)' -r -f -a "established\t'open, data flows both ways'
syn-sent\t'connect() sent SYN, waiting for the answer'
syn-recv\t'SYN received, handshake not finished'
fin-wait-1\t'closed here, FIN not yet acknowledged'
fin-wait-2\t'closed here, waiting for the peer\'s FIN'
time-wait\t'closed both ways, waiting out old segments'
close\t'closed or unconnected'
close-wait\t'the peer closed, this application has not'
last-ack\t'closed last, waiting for the FIN\'s ACK'
listen\t'waiting for connections'
closing\t'both closed at once, waiting for the ACK'
bound-inactive\t'bound, neither listening nor connected'
all\t'every state'
connected\t'every state but listen and close'
synchronized\t'connected, without syn-sent'
bucket\t'the mini-sockets: time-wait and syn-recv'
big\t'every state but the mini-sockets'
closing-all\t'every state of a connection being torn down'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand watch" -l sport -d 'Local port: a number, a range (8000-8100) or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand watch" -l dport -d 'Remote port: a number, a range or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand watch" -l port -d 'Local or remote port: a number, a range or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand watch" -l src -d 'Local address or CIDR block (v4 or v6; IPv4-mapped IPv6 matches IPv4); comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand watch" -l dst -d 'Remote address or CIDR block; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand watch" -l source -d 'Live source of sockets (default: auto). Not with --from, which reads no live source' -r -f -a "auto\t'sock_diag netlink, falling back to /proc when netlink is unavailable'
netlink\t'sock_diag netlink only'
proc\t'/proc/net/tcp and /proc/net/tcp6'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand watch" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns (or wrapped text) for people; also spelt `text`'
plain\t'`STATE COUNT` lines exactly as the netstat+awk one-liner prints them'
json\t'JSON (schema in the README)'
csv\t'CSV with a header row'
dot\t'Graphviz DOT (`fsm`)'
mermaid\t'Mermaid `stateDiagram-v2` (`fsm`)'
nagios\t'A monitoring-plugin status line with perfdata (`check`)'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand watch" -l from -d 'Read a saved capture instead of the live host (netstat, ss, /proc/net/tcp, BSD, Solaris, Windows or PowerShell output, or a saved summary); repeatable, `-` for standard input' -r -F
complete -c tcpstate -n "__fish_tcpstate_using_subcommand watch" -l input-format -d 'Format of the --from files: auto, netstat, ss, proc, bsd, windows, solaris, powershell or summary (default: detected per file)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand watch" -l assume-state -d 'The state of every row of a listing with no State column: `ss … state S`, FreeBSD `netstat -T` (whose rows are otherwise counted as of unknown state)' -r -f -a "established\t'open, data flows both ways'
syn-sent\t'connect() sent SYN, waiting for the answer'
syn-recv\t'SYN received, handshake not finished'
fin-wait-1\t'closed here, FIN not yet acknowledged'
fin-wait-2\t'closed here, waiting for the peer\'s FIN'
time-wait\t'closed both ways, waiting out old segments'
close\t'closed or unconnected'
close-wait\t'the peer closed, this application has not'
last-ack\t'closed last, waiting for the FIN\'s ACK'
listen\t'waiting for connections'
closing\t'both closed at once, waiting for the ACK'
bound-inactive\t'bound, neither listening nor connected'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand watch" -l label -d 'Name for the host of each --from file, in order (default: the file\'s stem)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand watch" -l lang -d 'Language of explanations and advice: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)' -r -f -a "en\t'English'
zh\t'Simplified Chinese'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand watch" -l netns -d 'Look into another network namespace: a name from /run/netns (as `ip netns add` makes them), a path to a namespace file, or a process id (the namespace it is in). Needs root' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand watch" -l plain -d 'One line per interval instead of the dashboard (the default when stdout is not a terminal, or with --format plain, json or csv)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand watch" -l all-states -d 'Plain lines: every state, zeros included'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand watch" -l no-header -d 'Plain lines: no header line'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand watch" -s l -l listening -d 'Listening sockets only, as ss -l and netstat -l; with list -m, each listener\'s accept queue, backlog and drops: which listener drops'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand watch" -s a -l all-sockets -d 'Every state (the default; accepted for ss\'s -a)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand watch" -s t -l tcp -d 'TCP (the only protocol; accepted for ss\'s -t)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand watch" -s 4 -l ipv4 -d 'IPv4 sockets only'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand watch" -s 6 -l ipv6 -d 'IPv6 sockets only'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand watch" -l strict -d 'Fail (exit 1) on the first capture line that looks like a TCP row but cannot be read, instead of reporting such lines at the end'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand watch" -l all-netns -d 'Every network namespace on the host (/run/netns and those of every process), each on its own — one column per namespace in summaries, a NETNS column in lists — plus the total. Namespaces are named `host`, by their /run/netns name, their container or Kubernetes pod, or `pid N (command)` of a process inside. Needs root'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand watch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand serve" -l listen -d 'Where to listen: ADDR:PORT (127.0.0.1:10011, [::1]:10011), HOST:PORT (a name resolved at start; every address it has is listened on, e.g. localhost:10011 is 127.0.0.1 and ::1) or :PORT for every address of the host, IPv4 and IPv6, as other exporters read it. Loopback by default: say :10011 to let other hosts scrape' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand serve" -l by-port -d 'Ports that get per-state series (tcpstate_connections_by_port), as the local and as the remote port: numbers, ranges (8000-8100) or service names; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand serve" -l max-ports -d 'At most this many ports get per-port series, and at most this many listening ports get listener series; the rest are counted in tcpstate_ports_truncated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand serve" -l peers -d 'Per-peer series (tcpstate_peer_*: connections, rtt p50 and p99, bytes sent and retransmitted, sockets retransmitting) for the N remote addresses with the most connections; the rest are counted in tcpstate_ports_truncated{table="peers"}. Off by default: it asks the kernel for every connection\'s tcp_info at each collection' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand serve" -l min-interval -d 'Scrapes closer together than this share one collection (e.g. 1s, 500ms, 0 to collect on every scrape)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand serve" -l events -d 'Count traced events too, comma-separated: retrans (tcpstate_retransmits_total), reset (tcpstate_resets_total), drop (tcpstate_drops_total). Needs root or CAP_PERFMON. The tracepoints see every network namespace of the host; --port, --src and --dst narrow what is counted' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand serve" -l events-buffer-pages -d 'Ring buffer size per CPU for --events, in 4 KiB pages, a power of two' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand serve" -l max-connections -d 'Connections open at once. At the limit a new connection closes the oldest one that has not sent a whole request yet; only when all are being answered does it get 503' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand serve" -s s -l state -d 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)' -r -f -a "established\t'open, data flows both ways'
syn-sent\t'connect() sent SYN, waiting for the answer'
syn-recv\t'SYN received, handshake not finished'
fin-wait-1\t'closed here, FIN not yet acknowledged'
fin-wait-2\t'closed here, waiting for the peer\'s FIN'
time-wait\t'closed both ways, waiting out old segments'
close\t'closed or unconnected'
close-wait\t'the peer closed, this application has not'
last-ack\t'closed last, waiting for the FIN\'s ACK'
listen\t'waiting for connections'
closing\t'both closed at once, waiting for the ACK'
bound-inactive\t'bound, neither listening nor connected'
all\t'every state'
connected\t'every state but listen and close'
synchronized\t'connected, without syn-sent'
bucket\t'the mini-sockets: time-wait and syn-recv'
big\t'every state but the mini-sockets'
closing-all\t'every state of a connection being torn down'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand serve" -l sport -d 'Local port: a number, a range (8000-8100) or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand serve" -l dport -d 'Remote port: a number, a range or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand serve" -l port -d 'Local or remote port: a number, a range or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand serve" -l src -d 'Local address or CIDR block (v4 or v6; IPv4-mapped IPv6 matches IPv4); comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand serve" -l dst -d 'Remote address or CIDR block; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand serve" -l source -d 'Live source of sockets (default: auto). Not with --from, which reads no live source' -r -f -a "auto\t'sock_diag netlink, falling back to /proc when netlink is unavailable'
netlink\t'sock_diag netlink only'
proc\t'/proc/net/tcp and /proc/net/tcp6'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand serve" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns (or wrapped text) for people; also spelt `text`'
plain\t'`STATE COUNT` lines exactly as the netstat+awk one-liner prints them'
json\t'JSON (schema in the README)'
csv\t'CSV with a header row'
dot\t'Graphviz DOT (`fsm`)'
mermaid\t'Mermaid `stateDiagram-v2` (`fsm`)'
nagios\t'A monitoring-plugin status line with perfdata (`check`)'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand serve" -l from -d 'Read a saved capture instead of the live host (netstat, ss, /proc/net/tcp, BSD, Solaris, Windows or PowerShell output, or a saved summary); repeatable, `-` for standard input' -r -F
complete -c tcpstate -n "__fish_tcpstate_using_subcommand serve" -l input-format -d 'Format of the --from files: auto, netstat, ss, proc, bsd, windows, solaris, powershell or summary (default: detected per file)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand serve" -l assume-state -d 'The state of every row of a listing with no State column: `ss … state S`, FreeBSD `netstat -T` (whose rows are otherwise counted as of unknown state)' -r -f -a "established\t'open, data flows both ways'
syn-sent\t'connect() sent SYN, waiting for the answer'
syn-recv\t'SYN received, handshake not finished'
fin-wait-1\t'closed here, FIN not yet acknowledged'
fin-wait-2\t'closed here, waiting for the peer\'s FIN'
time-wait\t'closed both ways, waiting out old segments'
close\t'closed or unconnected'
close-wait\t'the peer closed, this application has not'
last-ack\t'closed last, waiting for the FIN\'s ACK'
listen\t'waiting for connections'
closing\t'both closed at once, waiting for the ACK'
bound-inactive\t'bound, neither listening nor connected'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand serve" -l label -d 'Name for the host of each --from file, in order (default: the file\'s stem)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand serve" -l lang -d 'Language of explanations and advice: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)' -r -f -a "en\t'English'
zh\t'Simplified Chinese'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand serve" -l netns -d 'Look into another network namespace: a name from /run/netns (as `ip netns add` makes them), a path to a namespace file, or a process id (the namespace it is in). Needs root' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand serve" -l listeners -d 'Also give per-state series to every port that has a LISTEN socket'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand serve" -l compat-node-exporter -d 'Also write node_exporter\'s node_tcp_connection_states{state} so existing dashboards keep working'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand serve" -s l -l listening -d 'Listening sockets only, as ss -l and netstat -l; with list -m, each listener\'s accept queue, backlog and drops: which listener drops'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand serve" -s a -l all-sockets -d 'Every state (the default; accepted for ss\'s -a)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand serve" -s t -l tcp -d 'TCP (the only protocol; accepted for ss\'s -t)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand serve" -s 4 -l ipv4 -d 'IPv4 sockets only'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand serve" -s 6 -l ipv6 -d 'IPv6 sockets only'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand serve" -l strict -d 'Fail (exit 1) on the first capture line that looks like a TCP row but cannot be read, instead of reporting such lines at the end'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand serve" -l all-netns -d 'Every network namespace on the host (/run/netns and those of every process), each on its own — one column per namespace in summaries, a NETNS column in lists — plus the total. Namespaces are named `host`, by their /run/netns name, their container or Kubernetes pod, or `pid N (command)` of a process inside. Needs root'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand trace" -l duration -d 'Stop after this long: 10s, 500ms, 2m, 1h (a bare number is seconds)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand trace" -l events -d 'What to trace, comma-separated: state, retrans, reset, drop, synack, error, or all' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand trace" -l count -d 'Stop after N events shown (transitions and incidents)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand trace" -l buffer-pages -d 'Ring buffer size per CPU in 4 KiB pages, a power of two' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand trace" -l ready-file -d 'Once tracing is running, write tcpstate\'s process id to this file (for scripts that start traffic then, and stop the trace with a signal to that pid)' -r -F
complete -c tcpstate -n "__fish_tcpstate_using_subcommand trace" -s s -l state -d 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)' -r -f -a "established\t'open, data flows both ways'
syn-sent\t'connect() sent SYN, waiting for the answer'
syn-recv\t'SYN received, handshake not finished'
fin-wait-1\t'closed here, FIN not yet acknowledged'
fin-wait-2\t'closed here, waiting for the peer\'s FIN'
time-wait\t'closed both ways, waiting out old segments'
close\t'closed or unconnected'
close-wait\t'the peer closed, this application has not'
last-ack\t'closed last, waiting for the FIN\'s ACK'
listen\t'waiting for connections'
closing\t'both closed at once, waiting for the ACK'
bound-inactive\t'bound, neither listening nor connected'
all\t'every state'
connected\t'every state but listen and close'
synchronized\t'connected, without syn-sent'
bucket\t'the mini-sockets: time-wait and syn-recv'
big\t'every state but the mini-sockets'
closing-all\t'every state of a connection being torn down'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand trace" -l sport -d 'Local port: a number, a range (8000-8100) or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand trace" -l dport -d 'Remote port: a number, a range or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand trace" -l port -d 'Local or remote port: a number, a range or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand trace" -l src -d 'Local address or CIDR block (v4 or v6; IPv4-mapped IPv6 matches IPv4); comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand trace" -l dst -d 'Remote address or CIDR block; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand trace" -l source -d 'Live source of sockets (default: auto). Not with --from, which reads no live source' -r -f -a "auto\t'sock_diag netlink, falling back to /proc when netlink is unavailable'
netlink\t'sock_diag netlink only'
proc\t'/proc/net/tcp and /proc/net/tcp6'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand trace" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns (or wrapped text) for people; also spelt `text`'
plain\t'`STATE COUNT` lines exactly as the netstat+awk one-liner prints them'
json\t'JSON (schema in the README)'
csv\t'CSV with a header row'
dot\t'Graphviz DOT (`fsm`)'
mermaid\t'Mermaid `stateDiagram-v2` (`fsm`)'
nagios\t'A monitoring-plugin status line with perfdata (`check`)'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand trace" -l from -d 'Read a saved capture instead of the live host (netstat, ss, /proc/net/tcp, BSD, Solaris, Windows or PowerShell output, or a saved summary); repeatable, `-` for standard input' -r -F
complete -c tcpstate -n "__fish_tcpstate_using_subcommand trace" -l input-format -d 'Format of the --from files: auto, netstat, ss, proc, bsd, windows, solaris, powershell or summary (default: detected per file)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand trace" -l assume-state -d 'The state of every row of a listing with no State column: `ss … state S`, FreeBSD `netstat -T` (whose rows are otherwise counted as of unknown state)' -r -f -a "established\t'open, data flows both ways'
syn-sent\t'connect() sent SYN, waiting for the answer'
syn-recv\t'SYN received, handshake not finished'
fin-wait-1\t'closed here, FIN not yet acknowledged'
fin-wait-2\t'closed here, waiting for the peer\'s FIN'
time-wait\t'closed both ways, waiting out old segments'
close\t'closed or unconnected'
close-wait\t'the peer closed, this application has not'
last-ack\t'closed last, waiting for the FIN\'s ACK'
listen\t'waiting for connections'
closing\t'both closed at once, waiting for the ACK'
bound-inactive\t'bound, neither listening nor connected'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand trace" -l label -d 'Name for the host of each --from file, in order (default: the file\'s stem)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand trace" -l lang -d 'Language of explanations and advice: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)' -r -f -a "en\t'English'
zh\t'Simplified Chinese'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand trace" -l netns -d 'Look into another network namespace: a name from /run/netns (as `ip netns add` makes them), a path to a namespace file, or a process id (the namespace it is in). Needs root' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand trace" -l summary -d 'Print only the summary (transitions matrix, time in state, slowest handshakes and closes, CLOSE_WAIT left behind; with --events, the ranked retransmits, resets, drops and errors), not every event'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand trace" -s l -l listening -d 'Listening sockets only, as ss -l and netstat -l; with list -m, each listener\'s accept queue, backlog and drops: which listener drops'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand trace" -s a -l all-sockets -d 'Every state (the default; accepted for ss\'s -a)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand trace" -s t -l tcp -d 'TCP (the only protocol; accepted for ss\'s -t)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand trace" -s 4 -l ipv4 -d 'IPv4 sockets only'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand trace" -s 6 -l ipv6 -d 'IPv6 sockets only'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand trace" -l strict -d 'Fail (exit 1) on the first capture line that looks like a TCP row but cannot be read, instead of reporting such lines at the end'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand trace" -l all-netns -d 'Every network namespace on the host (/run/netns and those of every process), each on its own — one column per namespace in summaries, a NETNS column in lists — plus the total. Namespaces are named `host`, by their /run/netns name, their container or Kubernetes pod, or `pid N (command)` of a process inside. Needs root'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand trace" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand kill" -l older-than -d 'Only sockets seen in the same state across two samples this far apart (30s, 5m)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand kill" -s s -l state -d 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)' -r -f -a "established\t'open, data flows both ways'
syn-sent\t'connect() sent SYN, waiting for the answer'
syn-recv\t'SYN received, handshake not finished'
fin-wait-1\t'closed here, FIN not yet acknowledged'
fin-wait-2\t'closed here, waiting for the peer\'s FIN'
time-wait\t'closed both ways, waiting out old segments'
close\t'closed or unconnected'
close-wait\t'the peer closed, this application has not'
last-ack\t'closed last, waiting for the FIN\'s ACK'
listen\t'waiting for connections'
closing\t'both closed at once, waiting for the ACK'
bound-inactive\t'bound, neither listening nor connected'
all\t'every state'
connected\t'every state but listen and close'
synchronized\t'connected, without syn-sent'
bucket\t'the mini-sockets: time-wait and syn-recv'
big\t'every state but the mini-sockets'
closing-all\t'every state of a connection being torn down'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand kill" -l sport -d 'Local port: a number, a range (8000-8100) or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand kill" -l dport -d 'Remote port: a number, a range or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand kill" -l port -d 'Local or remote port: a number, a range or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand kill" -l src -d 'Local address or CIDR block (v4 or v6; IPv4-mapped IPv6 matches IPv4); comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand kill" -l dst -d 'Remote address or CIDR block; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand kill" -l source -d 'Live source of sockets (default: auto). Not with --from, which reads no live source' -r -f -a "auto\t'sock_diag netlink, falling back to /proc when netlink is unavailable'
netlink\t'sock_diag netlink only'
proc\t'/proc/net/tcp and /proc/net/tcp6'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand kill" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns (or wrapped text) for people; also spelt `text`'
plain\t'`STATE COUNT` lines exactly as the netstat+awk one-liner prints them'
json\t'JSON (schema in the README)'
csv\t'CSV with a header row'
dot\t'Graphviz DOT (`fsm`)'
mermaid\t'Mermaid `stateDiagram-v2` (`fsm`)'
nagios\t'A monitoring-plugin status line with perfdata (`check`)'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand kill" -l from -d 'Read a saved capture instead of the live host (netstat, ss, /proc/net/tcp, BSD, Solaris, Windows or PowerShell output, or a saved summary); repeatable, `-` for standard input' -r -F
complete -c tcpstate -n "__fish_tcpstate_using_subcommand kill" -l input-format -d 'Format of the --from files: auto, netstat, ss, proc, bsd, windows, solaris, powershell or summary (default: detected per file)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand kill" -l assume-state -d 'The state of every row of a listing with no State column: `ss … state S`, FreeBSD `netstat -T` (whose rows are otherwise counted as of unknown state)' -r -f -a "established\t'open, data flows both ways'
syn-sent\t'connect() sent SYN, waiting for the answer'
syn-recv\t'SYN received, handshake not finished'
fin-wait-1\t'closed here, FIN not yet acknowledged'
fin-wait-2\t'closed here, waiting for the peer\'s FIN'
time-wait\t'closed both ways, waiting out old segments'
close\t'closed or unconnected'
close-wait\t'the peer closed, this application has not'
last-ack\t'closed last, waiting for the FIN\'s ACK'
listen\t'waiting for connections'
closing\t'both closed at once, waiting for the ACK'
bound-inactive\t'bound, neither listening nor connected'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand kill" -l label -d 'Name for the host of each --from file, in order (default: the file\'s stem)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand kill" -l lang -d 'Language of explanations and advice: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)' -r -f -a "en\t'English'
zh\t'Simplified Chinese'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand kill" -l netns -d 'Look into another network namespace: a name from /run/netns (as `ip netns add` makes them), a path to a namespace file, or a process id (the namespace it is in). Needs root' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand kill" -l all -d 'Close every socket the flags select, also with no filter at all'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand kill" -l dry-run -d 'List the sockets that would be closed; close nothing'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand kill" -s y -l yes -d 'Close without asking (needed when standard input is not a terminal)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand kill" -s l -l listening -d 'Listening sockets only, as ss -l and netstat -l; with list -m, each listener\'s accept queue, backlog and drops: which listener drops'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand kill" -s a -l all-sockets -d 'Every state (the default; accepted for ss\'s -a)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand kill" -s t -l tcp -d 'TCP (the only protocol; accepted for ss\'s -t)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand kill" -s 4 -l ipv4 -d 'IPv4 sockets only'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand kill" -s 6 -l ipv6 -d 'IPv6 sockets only'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand kill" -l strict -d 'Fail (exit 1) on the first capture line that looks like a TCP row but cannot be read, instead of reporting such lines at the end'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand kill" -l all-netns -d 'Every network namespace on the host (/run/netns and those of every process), each on its own — one column per namespace in summaries, a NETNS column in lists — plus the total. Namespaces are named `host`, by their /run/netns name, their container or Kubernetes pod, or `pid N (command)` of a process inside. Needs root'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand kill" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and not __fish_seen_subcommand_from check help" -l prometheus -d 'The Prometheus server that scrapes the exporters (http://host:9090, with its path prefix if it has one; https too)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and not __fish_seen_subcommand_from check help" -l match -d 'Only the series matching this label selector, e.g. \'{job="tcpstate",env="prod"}\' (the braces may be left out)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and not __fish_seen_subcommand_from check help" -l at -d 'The counts at this time instead of now: RFC 3339 (2024-05-01T12:00:00Z) or unix seconds' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and not __fish_seen_subcommand_from check help" -l sort -d 'Order instances by their count of this state, largest first (default: by name)' -r -f -a "established\t'open, data flows both ways'
syn-sent\t'connect() sent SYN, waiting for the answer'
syn-recv\t'SYN received, handshake not finished'
fin-wait-1\t'closed here, FIN not yet acknowledged'
fin-wait-2\t'closed here, waiting for the peer\'s FIN'
time-wait\t'closed both ways, waiting out old segments'
close\t'closed or unconnected'
close-wait\t'the peer closed, this application has not'
last-ack\t'closed last, waiting for the FIN\'s ACK'
listen\t'waiting for connections'
closing\t'both closed at once, waiting for the ACK'
bound-inactive\t'bound, neither listening nor connected'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and not __fish_seen_subcommand_from check help" -l top -d 'Keep only the N largest instances (by --sort\'s state, else by total); with --by, the N largest ports of each instance' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and not __fish_seen_subcommand_from check help" -l by -d 'Per-port counts (tcpstate_connections_by_port: serve\'s --by-port and --listeners): `port` (or local-port) where the instance serves, remote-port where it is a client' -r -f -a "port\t'The port the instance serves on (`direction="local"`)'
remote-port\t'The port of the peers the instance is a client of (`direction="remote"`)'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and not __fish_seen_subcommand_from check help" -s s -l state -d 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)' -r -f -a "established\t'open, data flows both ways'
syn-sent\t'connect() sent SYN, waiting for the answer'
syn-recv\t'SYN received, handshake not finished'
fin-wait-1\t'closed here, FIN not yet acknowledged'
fin-wait-2\t'closed here, waiting for the peer\'s FIN'
time-wait\t'closed both ways, waiting out old segments'
close\t'closed or unconnected'
close-wait\t'the peer closed, this application has not'
last-ack\t'closed last, waiting for the FIN\'s ACK'
listen\t'waiting for connections'
closing\t'both closed at once, waiting for the ACK'
bound-inactive\t'bound, neither listening nor connected'
all\t'every state'
connected\t'every state but listen and close'
synchronized\t'connected, without syn-sent'
bucket\t'the mini-sockets: time-wait and syn-recv'
big\t'every state but the mini-sockets'
closing-all\t'every state of a connection being torn down'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and not __fish_seen_subcommand_from check help" -l sport -d 'Local port: a number, a range (8000-8100) or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and not __fish_seen_subcommand_from check help" -l dport -d 'Remote port: a number, a range or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and not __fish_seen_subcommand_from check help" -l port -d 'Local or remote port: a number, a range or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and not __fish_seen_subcommand_from check help" -l src -d 'Local address or CIDR block (v4 or v6; IPv4-mapped IPv6 matches IPv4); comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and not __fish_seen_subcommand_from check help" -l dst -d 'Remote address or CIDR block; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and not __fish_seen_subcommand_from check help" -l source -d 'Live source of sockets (default: auto). Not with --from, which reads no live source' -r -f -a "auto\t'sock_diag netlink, falling back to /proc when netlink is unavailable'
netlink\t'sock_diag netlink only'
proc\t'/proc/net/tcp and /proc/net/tcp6'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and not __fish_seen_subcommand_from check help" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns (or wrapped text) for people; also spelt `text`'
plain\t'`STATE COUNT` lines exactly as the netstat+awk one-liner prints them'
json\t'JSON (schema in the README)'
csv\t'CSV with a header row'
dot\t'Graphviz DOT (`fsm`)'
mermaid\t'Mermaid `stateDiagram-v2` (`fsm`)'
nagios\t'A monitoring-plugin status line with perfdata (`check`)'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and not __fish_seen_subcommand_from check help" -l from -d 'Read a saved capture instead of the live host (netstat, ss, /proc/net/tcp, BSD, Solaris, Windows or PowerShell output, or a saved summary); repeatable, `-` for standard input' -r -F
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and not __fish_seen_subcommand_from check help" -l input-format -d 'Format of the --from files: auto, netstat, ss, proc, bsd, windows, solaris, powershell or summary (default: detected per file)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and not __fish_seen_subcommand_from check help" -l assume-state -d 'The state of every row of a listing with no State column: `ss … state S`, FreeBSD `netstat -T` (whose rows are otherwise counted as of unknown state)' -r -f -a "established\t'open, data flows both ways'
syn-sent\t'connect() sent SYN, waiting for the answer'
syn-recv\t'SYN received, handshake not finished'
fin-wait-1\t'closed here, FIN not yet acknowledged'
fin-wait-2\t'closed here, waiting for the peer\'s FIN'
time-wait\t'closed both ways, waiting out old segments'
close\t'closed or unconnected'
close-wait\t'the peer closed, this application has not'
last-ack\t'closed last, waiting for the FIN\'s ACK'
listen\t'waiting for connections'
closing\t'both closed at once, waiting for the ACK'
bound-inactive\t'bound, neither listening nor connected'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and not __fish_seen_subcommand_from check help" -l label -d 'Name for the host of each --from file, in order (default: the file\'s stem)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and not __fish_seen_subcommand_from check help" -l lang -d 'Language of explanations and advice: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)' -r -f -a "en\t'English'
zh\t'Simplified Chinese'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and not __fish_seen_subcommand_from check help" -l netns -d 'Look into another network namespace: a name from /run/netns (as `ip netns add` makes them), a path to a namespace file, or a process id (the namespace it is in). Needs root' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and not __fish_seen_subcommand_from check help" -l rows -d 'One row per instance (and one column per state) instead of one column per instance'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and not __fish_seen_subcommand_from check help" -s 4 -l ipv4 -d 'IPv4 sockets only'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and not __fish_seen_subcommand_from check help" -s 6 -l ipv6 -d 'IPv6 sockets only'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and not __fish_seen_subcommand_from check help" -l strict -d 'Fail (exit 1) on the first capture line that looks like a TCP row but cannot be read, instead of reporting such lines at the end'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and not __fish_seen_subcommand_from check help" -l all-netns -d 'Every network namespace on the host (/run/netns and those of every process), each on its own — one column per namespace in summaries, a NETNS column in lists — plus the total. Namespaces are named `host`, by their /run/netns name, their container or Kubernetes pod, or `pid N (command)` of a process inside. Needs root'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and not __fish_seen_subcommand_from check help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and not __fish_seen_subcommand_from check help" -f -a "check" -d 'Judge every instance with check\'s state thresholds; exit code 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (the worst instance)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and not __fish_seen_subcommand_from check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and __fish_seen_subcommand_from check" -l warn -d 'Warning level of a state: STATE=N (more than N sockets), STATE=N% (N% of all sockets or more) or STATE=off; the state in any spelling; repeatable or comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and __fish_seen_subcommand_from check" -l crit -d 'Critical level of a state, as --warn' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and __fish_seen_subcommand_from check" -l config -d 'TOML file with thresholds for every rule (README, "Health check"); --warn and --crit apply on top of it. A regular file of at most 1 MiB. (`fleet check` reads its [states] section: counts are all it has.)' -r -F
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and __fish_seen_subcommand_from check" -l prometheus -d 'The Prometheus server that scrapes the exporters (http://host:9090, with its path prefix if it has one; https too)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and __fish_seen_subcommand_from check" -l match -d 'Only the series matching this label selector, e.g. \'{job="tcpstate",env="prod"}\' (the braces may be left out)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and __fish_seen_subcommand_from check" -l at -d 'The counts at this time instead of now: RFC 3339 (2024-05-01T12:00:00Z) or unix seconds' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and __fish_seen_subcommand_from check" -s s -l state -d 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)' -r -f -a "established\t'open, data flows both ways'
syn-sent\t'connect() sent SYN, waiting for the answer'
syn-recv\t'SYN received, handshake not finished'
fin-wait-1\t'closed here, FIN not yet acknowledged'
fin-wait-2\t'closed here, waiting for the peer\'s FIN'
time-wait\t'closed both ways, waiting out old segments'
close\t'closed or unconnected'
close-wait\t'the peer closed, this application has not'
last-ack\t'closed last, waiting for the FIN\'s ACK'
listen\t'waiting for connections'
closing\t'both closed at once, waiting for the ACK'
bound-inactive\t'bound, neither listening nor connected'
all\t'every state'
connected\t'every state but listen and close'
synchronized\t'connected, without syn-sent'
bucket\t'the mini-sockets: time-wait and syn-recv'
big\t'every state but the mini-sockets'
closing-all\t'every state of a connection being torn down'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and __fish_seen_subcommand_from check" -l sport -d 'Local port: a number, a range (8000-8100) or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and __fish_seen_subcommand_from check" -l dport -d 'Remote port: a number, a range or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and __fish_seen_subcommand_from check" -l port -d 'Local or remote port: a number, a range or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and __fish_seen_subcommand_from check" -l src -d 'Local address or CIDR block (v4 or v6; IPv4-mapped IPv6 matches IPv4); comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and __fish_seen_subcommand_from check" -l dst -d 'Remote address or CIDR block; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and __fish_seen_subcommand_from check" -l source -d 'Live source of sockets (default: auto). Not with --from, which reads no live source' -r -f -a "auto\t'sock_diag netlink, falling back to /proc when netlink is unavailable'
netlink\t'sock_diag netlink only'
proc\t'/proc/net/tcp and /proc/net/tcp6'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and __fish_seen_subcommand_from check" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns (or wrapped text) for people; also spelt `text`'
plain\t'`STATE COUNT` lines exactly as the netstat+awk one-liner prints them'
json\t'JSON (schema in the README)'
csv\t'CSV with a header row'
dot\t'Graphviz DOT (`fsm`)'
mermaid\t'Mermaid `stateDiagram-v2` (`fsm`)'
nagios\t'A monitoring-plugin status line with perfdata (`check`)'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and __fish_seen_subcommand_from check" -l from -d 'Read a saved capture instead of the live host (netstat, ss, /proc/net/tcp, BSD, Solaris, Windows or PowerShell output, or a saved summary); repeatable, `-` for standard input' -r -F
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and __fish_seen_subcommand_from check" -l input-format -d 'Format of the --from files: auto, netstat, ss, proc, bsd, windows, solaris, powershell or summary (default: detected per file)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and __fish_seen_subcommand_from check" -l assume-state -d 'The state of every row of a listing with no State column: `ss … state S`, FreeBSD `netstat -T` (whose rows are otherwise counted as of unknown state)' -r -f -a "established\t'open, data flows both ways'
syn-sent\t'connect() sent SYN, waiting for the answer'
syn-recv\t'SYN received, handshake not finished'
fin-wait-1\t'closed here, FIN not yet acknowledged'
fin-wait-2\t'closed here, waiting for the peer\'s FIN'
time-wait\t'closed both ways, waiting out old segments'
close\t'closed or unconnected'
close-wait\t'the peer closed, this application has not'
last-ack\t'closed last, waiting for the FIN\'s ACK'
listen\t'waiting for connections'
closing\t'both closed at once, waiting for the ACK'
bound-inactive\t'bound, neither listening nor connected'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and __fish_seen_subcommand_from check" -l label -d 'Name for the host of each --from file, in order (default: the file\'s stem)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and __fish_seen_subcommand_from check" -l lang -d 'Language of explanations and advice: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)' -r -f -a "en\t'English'
zh\t'Simplified Chinese'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and __fish_seen_subcommand_from check" -l netns -d 'Look into another network namespace: a name from /run/netns (as `ip netns add` makes them), a path to a namespace file, or a process id (the namespace it is in). Needs root' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and __fish_seen_subcommand_from check" -s 4 -l ipv4 -d 'IPv4 sockets only'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and __fish_seen_subcommand_from check" -s 6 -l ipv6 -d 'IPv6 sockets only'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and __fish_seen_subcommand_from check" -l strict -d 'Fail (exit 1) on the first capture line that looks like a TCP row but cannot be read, instead of reporting such lines at the end'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and __fish_seen_subcommand_from check" -l all-netns -d 'Every network namespace on the host (/run/netns and those of every process), each on its own — one column per namespace in summaries, a NETNS column in lists — plus the total. Namespaces are named `host`, by their /run/netns name, their container or Kubernetes pod, or `pid N (command)` of a process inside. Needs root'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and __fish_seen_subcommand_from help" -f -a "check" -d 'Judge every instance with check\'s state thresholds; exit code 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (the worst instance)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand fleet; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and not __fish_seen_subcommand_from list help" -l by -d 'Group by one key or several of the original tuple, comma-separated (`dst,dport`)' -r -f -a "src\t'The initiator\'s address'
dst\t'The address the flow was opened to (before DNAT)'
sport\t'The initiator\'s port'
dport\t'The port the flow was opened to'
state\t'The conntrack state'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and not __fish_seen_subcommand_from list help" -l top -d 'With --by: only the N largest groups (N at least 1)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and not __fish_seen_subcommand_from list help" -s s -l state -d 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)' -r -f -a "established\t'open, data flows both ways'
syn-sent\t'connect() sent SYN, waiting for the answer'
syn-recv\t'SYN received, handshake not finished'
fin-wait-1\t'closed here, FIN not yet acknowledged'
fin-wait-2\t'closed here, waiting for the peer\'s FIN'
time-wait\t'closed both ways, waiting out old segments'
close\t'closed or unconnected'
close-wait\t'the peer closed, this application has not'
last-ack\t'closed last, waiting for the FIN\'s ACK'
listen\t'waiting for connections'
closing\t'both closed at once, waiting for the ACK'
bound-inactive\t'bound, neither listening nor connected'
all\t'every state'
connected\t'every state but listen and close'
synchronized\t'connected, without syn-sent'
bucket\t'the mini-sockets: time-wait and syn-recv'
big\t'every state but the mini-sockets'
closing-all\t'every state of a connection being torn down'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and not __fish_seen_subcommand_from list help" -l sport -d 'Local port: a number, a range (8000-8100) or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and not __fish_seen_subcommand_from list help" -l dport -d 'Remote port: a number, a range or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and not __fish_seen_subcommand_from list help" -l port -d 'Local or remote port: a number, a range or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and not __fish_seen_subcommand_from list help" -l src -d 'Local address or CIDR block (v4 or v6; IPv4-mapped IPv6 matches IPv4); comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and not __fish_seen_subcommand_from list help" -l dst -d 'Remote address or CIDR block; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and not __fish_seen_subcommand_from list help" -l source -d 'Live source of sockets (default: auto). Not with --from, which reads no live source' -r -f -a "auto\t'sock_diag netlink, falling back to /proc when netlink is unavailable'
netlink\t'sock_diag netlink only'
proc\t'/proc/net/tcp and /proc/net/tcp6'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and not __fish_seen_subcommand_from list help" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns (or wrapped text) for people; also spelt `text`'
plain\t'`STATE COUNT` lines exactly as the netstat+awk one-liner prints them'
json\t'JSON (schema in the README)'
csv\t'CSV with a header row'
dot\t'Graphviz DOT (`fsm`)'
mermaid\t'Mermaid `stateDiagram-v2` (`fsm`)'
nagios\t'A monitoring-plugin status line with perfdata (`check`)'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and not __fish_seen_subcommand_from list help" -l from -d 'Read a saved capture instead of the live host (netstat, ss, /proc/net/tcp, BSD, Solaris, Windows or PowerShell output, or a saved summary); repeatable, `-` for standard input' -r -F
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and not __fish_seen_subcommand_from list help" -l input-format -d 'Format of the --from files: auto, netstat, ss, proc, bsd, windows, solaris, powershell or summary (default: detected per file)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and not __fish_seen_subcommand_from list help" -l assume-state -d 'The state of every row of a listing with no State column: `ss … state S`, FreeBSD `netstat -T` (whose rows are otherwise counted as of unknown state)' -r -f -a "established\t'open, data flows both ways'
syn-sent\t'connect() sent SYN, waiting for the answer'
syn-recv\t'SYN received, handshake not finished'
fin-wait-1\t'closed here, FIN not yet acknowledged'
fin-wait-2\t'closed here, waiting for the peer\'s FIN'
time-wait\t'closed both ways, waiting out old segments'
close\t'closed or unconnected'
close-wait\t'the peer closed, this application has not'
last-ack\t'closed last, waiting for the FIN\'s ACK'
listen\t'waiting for connections'
closing\t'both closed at once, waiting for the ACK'
bound-inactive\t'bound, neither listening nor connected'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and not __fish_seen_subcommand_from list help" -l label -d 'Name for the host of each --from file, in order (default: the file\'s stem)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and not __fish_seen_subcommand_from list help" -l lang -d 'Language of explanations and advice: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)' -r -f -a "en\t'English'
zh\t'Simplified Chinese'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and not __fish_seen_subcommand_from list help" -l netns -d 'Look into another network namespace: a name from /run/netns (as `ip netns add` makes them), a path to a namespace file, or a process id (the namespace it is in). Needs root' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and not __fish_seen_subcommand_from list help" -l reconcile -d 'Compare the table with the sockets of the namespace: entries conntrack holds ESTABLISHED while no socket exists at their local end (stale: they keep a table slot and any NAT mapping), and ESTABLISHED sockets whose flow conntrack has no entry for (lost). Live namespaces only'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and not __fish_seen_subcommand_from list help" -s 4 -l ipv4 -d 'IPv4 sockets only'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and not __fish_seen_subcommand_from list help" -s 6 -l ipv6 -d 'IPv6 sockets only'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and not __fish_seen_subcommand_from list help" -l strict -d 'Fail (exit 1) on the first capture line that looks like a TCP row but cannot be read, instead of reporting such lines at the end'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and not __fish_seen_subcommand_from list help" -l all-netns -d 'Every network namespace on the host (/run/netns and those of every process), each on its own — one column per namespace in summaries, a NETNS column in lists — plus the total. Namespaces are named `host`, by their /run/netns name, their container or Kubernetes pod, or `pid N (command)` of a process inside. Needs root'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and not __fish_seen_subcommand_from list help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and not __fish_seen_subcommand_from list help" -f -a "list" -d 'List the TCP entries: state, original and reply tuples, NAT, mark, zone, timeout left, ASSURED/UNREPLIED'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and not __fish_seen_subcommand_from list help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and __fish_seen_subcommand_from list" -l limit -d 'Stop after N entries' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and __fish_seen_subcommand_from list" -s s -l state -d 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)' -r -f -a "established\t'open, data flows both ways'
syn-sent\t'connect() sent SYN, waiting for the answer'
syn-recv\t'SYN received, handshake not finished'
fin-wait-1\t'closed here, FIN not yet acknowledged'
fin-wait-2\t'closed here, waiting for the peer\'s FIN'
time-wait\t'closed both ways, waiting out old segments'
close\t'closed or unconnected'
close-wait\t'the peer closed, this application has not'
last-ack\t'closed last, waiting for the FIN\'s ACK'
listen\t'waiting for connections'
closing\t'both closed at once, waiting for the ACK'
bound-inactive\t'bound, neither listening nor connected'
all\t'every state'
connected\t'every state but listen and close'
synchronized\t'connected, without syn-sent'
bucket\t'the mini-sockets: time-wait and syn-recv'
big\t'every state but the mini-sockets'
closing-all\t'every state of a connection being torn down'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and __fish_seen_subcommand_from list" -l sport -d 'Local port: a number, a range (8000-8100) or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and __fish_seen_subcommand_from list" -l dport -d 'Remote port: a number, a range or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and __fish_seen_subcommand_from list" -l port -d 'Local or remote port: a number, a range or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and __fish_seen_subcommand_from list" -l src -d 'Local address or CIDR block (v4 or v6; IPv4-mapped IPv6 matches IPv4); comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and __fish_seen_subcommand_from list" -l dst -d 'Remote address or CIDR block; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and __fish_seen_subcommand_from list" -l source -d 'Live source of sockets (default: auto). Not with --from, which reads no live source' -r -f -a "auto\t'sock_diag netlink, falling back to /proc when netlink is unavailable'
netlink\t'sock_diag netlink only'
proc\t'/proc/net/tcp and /proc/net/tcp6'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and __fish_seen_subcommand_from list" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns (or wrapped text) for people; also spelt `text`'
plain\t'`STATE COUNT` lines exactly as the netstat+awk one-liner prints them'
json\t'JSON (schema in the README)'
csv\t'CSV with a header row'
dot\t'Graphviz DOT (`fsm`)'
mermaid\t'Mermaid `stateDiagram-v2` (`fsm`)'
nagios\t'A monitoring-plugin status line with perfdata (`check`)'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and __fish_seen_subcommand_from list" -l from -d 'Read a saved capture instead of the live host (netstat, ss, /proc/net/tcp, BSD, Solaris, Windows or PowerShell output, or a saved summary); repeatable, `-` for standard input' -r -F
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and __fish_seen_subcommand_from list" -l input-format -d 'Format of the --from files: auto, netstat, ss, proc, bsd, windows, solaris, powershell or summary (default: detected per file)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and __fish_seen_subcommand_from list" -l assume-state -d 'The state of every row of a listing with no State column: `ss … state S`, FreeBSD `netstat -T` (whose rows are otherwise counted as of unknown state)' -r -f -a "established\t'open, data flows both ways'
syn-sent\t'connect() sent SYN, waiting for the answer'
syn-recv\t'SYN received, handshake not finished'
fin-wait-1\t'closed here, FIN not yet acknowledged'
fin-wait-2\t'closed here, waiting for the peer\'s FIN'
time-wait\t'closed both ways, waiting out old segments'
close\t'closed or unconnected'
close-wait\t'the peer closed, this application has not'
last-ack\t'closed last, waiting for the FIN\'s ACK'
listen\t'waiting for connections'
closing\t'both closed at once, waiting for the ACK'
bound-inactive\t'bound, neither listening nor connected'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and __fish_seen_subcommand_from list" -l label -d 'Name for the host of each --from file, in order (default: the file\'s stem)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and __fish_seen_subcommand_from list" -l lang -d 'Language of explanations and advice: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)' -r -f -a "en\t'English'
zh\t'Simplified Chinese'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and __fish_seen_subcommand_from list" -l netns -d 'Look into another network namespace: a name from /run/netns (as `ip netns add` makes them), a path to a namespace file, or a process id (the namespace it is in). Needs root' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and __fish_seen_subcommand_from list" -s 4 -l ipv4 -d 'IPv4 sockets only'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and __fish_seen_subcommand_from list" -s 6 -l ipv6 -d 'IPv6 sockets only'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and __fish_seen_subcommand_from list" -l strict -d 'Fail (exit 1) on the first capture line that looks like a TCP row but cannot be read, instead of reporting such lines at the end'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and __fish_seen_subcommand_from list" -l all-netns -d 'Every network namespace on the host (/run/netns and those of every process), each on its own — one column per namespace in summaries, a NETNS column in lists — plus the total. Namespaces are named `host`, by their /run/netns name, their container or Kubernetes pod, or `pid N (command)` of a process inside. Needs root'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the TCP entries: state, original and reply tuples, NAT, mark, zone, timeout left, ASSURED/UNREPLIED'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand conntrack; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand ipvs" -s s -l state -d 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)' -r -f -a "established\t'open, data flows both ways'
syn-sent\t'connect() sent SYN, waiting for the answer'
syn-recv\t'SYN received, handshake not finished'
fin-wait-1\t'closed here, FIN not yet acknowledged'
fin-wait-2\t'closed here, waiting for the peer\'s FIN'
time-wait\t'closed both ways, waiting out old segments'
close\t'closed or unconnected'
close-wait\t'the peer closed, this application has not'
last-ack\t'closed last, waiting for the FIN\'s ACK'
listen\t'waiting for connections'
closing\t'both closed at once, waiting for the ACK'
bound-inactive\t'bound, neither listening nor connected'
all\t'every state'
connected\t'every state but listen and close'
synchronized\t'connected, without syn-sent'
bucket\t'the mini-sockets: time-wait and syn-recv'
big\t'every state but the mini-sockets'
closing-all\t'every state of a connection being torn down'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand ipvs" -l sport -d 'Local port: a number, a range (8000-8100) or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand ipvs" -l dport -d 'Remote port: a number, a range or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand ipvs" -l port -d 'Local or remote port: a number, a range or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand ipvs" -l src -d 'Local address or CIDR block (v4 or v6; IPv4-mapped IPv6 matches IPv4); comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand ipvs" -l dst -d 'Remote address or CIDR block; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand ipvs" -l source -d 'Live source of sockets (default: auto). Not with --from, which reads no live source' -r -f -a "auto\t'sock_diag netlink, falling back to /proc when netlink is unavailable'
netlink\t'sock_diag netlink only'
proc\t'/proc/net/tcp and /proc/net/tcp6'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand ipvs" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns (or wrapped text) for people; also spelt `text`'
plain\t'`STATE COUNT` lines exactly as the netstat+awk one-liner prints them'
json\t'JSON (schema in the README)'
csv\t'CSV with a header row'
dot\t'Graphviz DOT (`fsm`)'
mermaid\t'Mermaid `stateDiagram-v2` (`fsm`)'
nagios\t'A monitoring-plugin status line with perfdata (`check`)'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand ipvs" -l from -d 'Read a saved capture instead of the live host (netstat, ss, /proc/net/tcp, BSD, Solaris, Windows or PowerShell output, or a saved summary); repeatable, `-` for standard input' -r -F
complete -c tcpstate -n "__fish_tcpstate_using_subcommand ipvs" -l input-format -d 'Format of the --from files: auto, netstat, ss, proc, bsd, windows, solaris, powershell or summary (default: detected per file)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand ipvs" -l assume-state -d 'The state of every row of a listing with no State column: `ss … state S`, FreeBSD `netstat -T` (whose rows are otherwise counted as of unknown state)' -r -f -a "established\t'open, data flows both ways'
syn-sent\t'connect() sent SYN, waiting for the answer'
syn-recv\t'SYN received, handshake not finished'
fin-wait-1\t'closed here, FIN not yet acknowledged'
fin-wait-2\t'closed here, waiting for the peer\'s FIN'
time-wait\t'closed both ways, waiting out old segments'
close\t'closed or unconnected'
close-wait\t'the peer closed, this application has not'
last-ack\t'closed last, waiting for the FIN\'s ACK'
listen\t'waiting for connections'
closing\t'both closed at once, waiting for the ACK'
bound-inactive\t'bound, neither listening nor connected'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand ipvs" -l label -d 'Name for the host of each --from file, in order (default: the file\'s stem)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand ipvs" -l lang -d 'Language of explanations and advice: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)' -r -f -a "en\t'English'
zh\t'Simplified Chinese'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand ipvs" -l netns -d 'Look into another network namespace: a name from /run/netns (as `ip netns add` makes them), a path to a namespace file, or a process id (the namespace it is in). Needs root' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand ipvs" -s 4 -l ipv4 -d 'IPv4 sockets only'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand ipvs" -s 6 -l ipv6 -d 'IPv6 sockets only'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand ipvs" -l strict -d 'Fail (exit 1) on the first capture line that looks like a TCP row but cannot be read, instead of reporting such lines at the end'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand ipvs" -l all-netns -d 'Every network namespace on the host (/run/netns and those of every process), each on its own — one column per namespace in summaries, a NETNS column in lists — plus the total. Namespaces are named `host`, by their /run/netns name, their container or Kubernetes pod, or `pid N (command)` of a process inside. Needs root'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand ipvs" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand completions" -s s -l state -d 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)' -r -f -a "established\t'open, data flows both ways'
syn-sent\t'connect() sent SYN, waiting for the answer'
syn-recv\t'SYN received, handshake not finished'
fin-wait-1\t'closed here, FIN not yet acknowledged'
fin-wait-2\t'closed here, waiting for the peer\'s FIN'
time-wait\t'closed both ways, waiting out old segments'
close\t'closed or unconnected'
close-wait\t'the peer closed, this application has not'
last-ack\t'closed last, waiting for the FIN\'s ACK'
listen\t'waiting for connections'
closing\t'both closed at once, waiting for the ACK'
bound-inactive\t'bound, neither listening nor connected'
all\t'every state'
connected\t'every state but listen and close'
synchronized\t'connected, without syn-sent'
bucket\t'the mini-sockets: time-wait and syn-recv'
big\t'every state but the mini-sockets'
closing-all\t'every state of a connection being torn down'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand completions" -l sport -d 'Local port: a number, a range (8000-8100) or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand completions" -l dport -d 'Remote port: a number, a range or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand completions" -l port -d 'Local or remote port: a number, a range or a service name; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand completions" -l src -d 'Local address or CIDR block (v4 or v6; IPv4-mapped IPv6 matches IPv4); comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand completions" -l dst -d 'Remote address or CIDR block; comma-separated' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand completions" -l source -d 'Live source of sockets (default: auto). Not with --from, which reads no live source' -r -f -a "auto\t'sock_diag netlink, falling back to /proc when netlink is unavailable'
netlink\t'sock_diag netlink only'
proc\t'/proc/net/tcp and /proc/net/tcp6'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand completions" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns (or wrapped text) for people; also spelt `text`'
plain\t'`STATE COUNT` lines exactly as the netstat+awk one-liner prints them'
json\t'JSON (schema in the README)'
csv\t'CSV with a header row'
dot\t'Graphviz DOT (`fsm`)'
mermaid\t'Mermaid `stateDiagram-v2` (`fsm`)'
nagios\t'A monitoring-plugin status line with perfdata (`check`)'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand completions" -l from -d 'Read a saved capture instead of the live host (netstat, ss, /proc/net/tcp, BSD, Solaris, Windows or PowerShell output, or a saved summary); repeatable, `-` for standard input' -r -F
complete -c tcpstate -n "__fish_tcpstate_using_subcommand completions" -l input-format -d 'Format of the --from files: auto, netstat, ss, proc, bsd, windows, solaris, powershell or summary (default: detected per file)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand completions" -l assume-state -d 'The state of every row of a listing with no State column: `ss … state S`, FreeBSD `netstat -T` (whose rows are otherwise counted as of unknown state)' -r -f -a "established\t'open, data flows both ways'
syn-sent\t'connect() sent SYN, waiting for the answer'
syn-recv\t'SYN received, handshake not finished'
fin-wait-1\t'closed here, FIN not yet acknowledged'
fin-wait-2\t'closed here, waiting for the peer\'s FIN'
time-wait\t'closed both ways, waiting out old segments'
close\t'closed or unconnected'
close-wait\t'the peer closed, this application has not'
last-ack\t'closed last, waiting for the FIN\'s ACK'
listen\t'waiting for connections'
closing\t'both closed at once, waiting for the ACK'
bound-inactive\t'bound, neither listening nor connected'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand completions" -l label -d 'Name for the host of each --from file, in order (default: the file\'s stem)' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand completions" -l lang -d 'Language of explanations and advice: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)' -r -f -a "en\t'English'
zh\t'Simplified Chinese'"
complete -c tcpstate -n "__fish_tcpstate_using_subcommand completions" -l netns -d 'Look into another network namespace: a name from /run/netns (as `ip netns add` makes them), a path to a namespace file, or a process id (the namespace it is in). Needs root' -r
complete -c tcpstate -n "__fish_tcpstate_using_subcommand completions" -s 4 -l ipv4 -d 'IPv4 sockets only'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand completions" -s 6 -l ipv6 -d 'IPv6 sockets only'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand completions" -l strict -d 'Fail (exit 1) on the first capture line that looks like a TCP row but cannot be read, instead of reporting such lines at the end'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand completions" -l all-netns -d 'Every network namespace on the host (/run/netns and those of every process), each on its own — one column per namespace in summaries, a NETNS column in lists — plus the total. Namespaces are named `host`, by their /run/netns name, their container or Kubernetes pod, or `pid N (command)` of a process inside. Needs root'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand help; and not __fish_seen_subcommand_from summary list explain fsm check watch serve trace kill fleet conntrack ipvs completions help" -f -a "summary" -d 'Count sockets per state (the default command)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand help; and not __fish_seen_subcommand_from summary list explain fsm check watch serve trace kill fleet conntrack ipvs completions help" -f -a "list" -d 'List sockets with netstat\'s six columns'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand help; and not __fish_seen_subcommand_from summary list explain fsm check watch serve trace kill fleet conntrack ipvs completions help" -f -a "explain" -d 'What TCP states mean, how long they last, and what a large count means'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand help; and not __fish_seen_subcommand_from summary list explain fsm check watch serve trace kill fleet conntrack ipvs completions help" -f -a "fsm" -d 'The TCP state machine: table, diagram, client/server paths, sequence check'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand help; and not __fish_seen_subcommand_from summary list explain fsm check watch serve trace kill fleet conntrack ipvs completions help" -f -a "check" -d 'Health check with advice; exit code and `--format nagios` as a monitoring plugin'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand help; and not __fish_seen_subcommand_from summary list explain fsm check watch serve trace kill fleet conntrack ipvs completions help" -f -a "watch" -d 'Watch the counts live: a dashboard on a terminal, one line per interval otherwise'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand help; and not __fish_seen_subcommand_from summary list explain fsm check watch serve trace kill fleet conntrack ipvs completions help" -f -a "serve" -d 'Prometheus exporter: serve /metrics over HTTP (loopback port 10011 by default)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand help; and not __fish_seen_subcommand_from summary list explain fsm check watch serve trace kill fleet conntrack ipvs completions help" -f -a "trace" -d 'Trace TCP state transitions live (root or CAP_PERFMON)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand help; and not __fish_seen_subcommand_from summary list explain fsm check watch serve trace kill fleet conntrack ipvs completions help" -f -a "kill" -d 'Close the sockets a filter selects, as `ss -K` does, but safely (root)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand help; and not __fish_seen_subcommand_from summary list explain fsm check watch serve trace kill fleet conntrack ipvs completions help" -f -a "fleet" -d 'State counts of every host beside each other, from the Prometheus that scrapes them'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand help; and not __fish_seen_subcommand_from summary list explain fsm check watch serve trace kill fleet conntrack ipvs completions help" -f -a "conntrack" -d 'The netfilter conntrack table\'s TCP entries: counts per state, fill, list'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand help; and not __fish_seen_subcommand_from summary list explain fsm check watch serve trace kill fleet conntrack ipvs completions help" -f -a "ipvs" -d 'The IPVS connection table of a director: counts per state, virtual service, real server'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand help; and not __fish_seen_subcommand_from summary list explain fsm check watch serve trace kill fleet conntrack ipvs completions help" -f -a "completions" -d 'Print the shell completion script for bash, zsh, fish, elvish or powershell'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand help; and not __fish_seen_subcommand_from summary list explain fsm check watch serve trace kill fleet conntrack ipvs completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand help; and __fish_seen_subcommand_from fleet" -f -a "check" -d 'Judge every instance with check\'s state thresholds; exit code 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (the worst instance)'
complete -c tcpstate -n "__fish_tcpstate_using_subcommand help; and __fish_seen_subcommand_from conntrack" -f -a "list" -d 'List the TCP entries: state, original and reply tuples, NAT, mark, zone, timeout left, ASSURED/UNREPLIED'
