
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'tcpstate' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'tcpstate'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'tcpstate' {
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'Group by one key or several, comma-separated (`remote-ip,local-port`): one row per key (or combination) with its total and its count in each state')
            [CompletionResult]::new('--top', '--top', [CompletionResultType]::ParameterName, 'With --by: only the N largest groups (N at least 1; largest by --sort)')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'With --by: rank the groups by total (the default) or, with --stats, by rtt-p50, rtt-p99, retrans-share, retransmitting, recv-q or send-q; largest first, unknown last')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)')
            [CompletionResult]::new('--sport', '--sport', [CompletionResultType]::ParameterName, 'Local port: a number, a range (8000-8100) or a service name; comma-separated')
            [CompletionResult]::new('--dport', '--dport', [CompletionResultType]::ParameterName, 'Remote port: a number, a range or a service name; comma-separated')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Local or remote port: a number, a range or a service name; comma-separated')
            [CompletionResult]::new('--src', '--src', [CompletionResultType]::ParameterName, 'Local address or CIDR block (v4 or v6; IPv4-mapped IPv6 matches IPv4); comma-separated')
            [CompletionResult]::new('--dst', '--dst', [CompletionResultType]::ParameterName, 'Remote address or CIDR block; comma-separated')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Live source of sockets (default: auto). Not with --from, which reads no live source')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read a saved capture instead of the live host (netstat, ss, /proc/net/tcp, BSD, Solaris, Windows or PowerShell output, or a saved summary); repeatable, `-` for standard input')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Format of the --from files: auto, netstat, ss, proc, bsd, windows, solaris, powershell or summary (default: detected per file)')
            [CompletionResult]::new('--assume-state', '--assume-state', [CompletionResultType]::ParameterName, 'The state of every row of a listing with no State column: `ss … state S`, FreeBSD `netstat -T` (whose rows are otherwise counted as of unknown state)')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Name for the host of each --from file, in order (default: the file''s stem)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of explanations and advice: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)')
            [CompletionResult]::new('--netns', '--netns', [CompletionResultType]::ParameterName, 'Look into another network namespace: a name from /run/netns (as `ip netns add` makes them), a path to a namespace file, or a process id (the namespace it is in). Needs root')
            [CompletionResult]::new('--stats', '--stats', [CompletionResultType]::ParameterName, 'With --by: what is inside each group''s connections, from the kernel''s tcp_info of the same dump — rtt p50 and p99, the retransmitted share of the bytes sent, sockets retransmitting now, send and receive queue totals (listeners left out)')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Add each state''s one-line meaning to the summary (not with --by)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Numeric addresses and ports (always so; accepted for ss''s -n)')
            [CompletionResult]::new('--numeric', '--numeric', [CompletionResultType]::ParameterName, 'Numeric addresses and ports (always so; accepted for ss''s -n)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Listening sockets only, as ss -l and netstat -l; with list -m, each listener''s accept queue, backlog and drops: which listener drops')
            [CompletionResult]::new('--listening', '--listening', [CompletionResultType]::ParameterName, 'Listening sockets only, as ss -l and netstat -l; with list -m, each listener''s accept queue, backlog and drops: which listener drops')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Every state (the default; accepted for ss''s -a)')
            [CompletionResult]::new('--all-sockets', '--all-sockets', [CompletionResultType]::ParameterName, 'Every state (the default; accepted for ss''s -a)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'TCP (the only protocol; accepted for ss''s -t)')
            [CompletionResult]::new('--tcp', '--tcp', [CompletionResultType]::ParameterName, 'TCP (the only protocol; accepted for ss''s -t)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 sockets only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'IPv4 sockets only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 sockets only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'IPv6 sockets only')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Fail (exit 1) on the first capture line that looks like a TCP row but cannot be read, instead of reporting such lines at the end')
            [CompletionResult]::new('--all-netns', '--all-netns', [CompletionResultType]::ParameterName, 'Every network namespace on the host (/run/netns and those of every process), each on its own — one column per namespace in summaries, a NETNS column in lists — plus the total. Namespaces are named `host`, by their /run/netns name, their container or Kubernetes pod, or `pid N (command)` of a process inside. Needs root')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('summary', 'summary', [CompletionResultType]::ParameterValue, 'Count sockets per state (the default command)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List sockets with netstat''s six columns')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'What TCP states mean, how long they last, and what a large count means')
            [CompletionResult]::new('fsm', 'fsm', [CompletionResultType]::ParameterValue, 'The TCP state machine: table, diagram, client/server paths, sequence check')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Health check with advice; exit code and `--format nagios` as a monitoring plugin')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Watch the counts live: a dashboard on a terminal, one line per interval otherwise')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Prometheus exporter: serve /metrics over HTTP (loopback port 10011 by default)')
            [CompletionResult]::new('trace', 'trace', [CompletionResultType]::ParameterValue, 'Trace TCP state transitions live (root or CAP_PERFMON)')
            [CompletionResult]::new('kill', 'kill', [CompletionResultType]::ParameterValue, 'Close the sockets a filter selects, as `ss -K` does, but safely (root)')
            [CompletionResult]::new('fleet', 'fleet', [CompletionResultType]::ParameterValue, 'State counts of every host beside each other, from the Prometheus that scrapes them')
            [CompletionResult]::new('conntrack', 'conntrack', [CompletionResultType]::ParameterValue, 'The netfilter conntrack table''s TCP entries: counts per state, fill, list')
            [CompletionResult]::new('ipvs', 'ipvs', [CompletionResultType]::ParameterValue, 'The IPVS connection table of a director: counts per state, virtual service, real server')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the shell completion script for bash, zsh, fish, elvish or powershell')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tcpstate;summary' {
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'Group by one key or several, comma-separated (`remote-ip,local-port`): one row per key (or combination) with its total and its count in each state')
            [CompletionResult]::new('--top', '--top', [CompletionResultType]::ParameterName, 'With --by: only the N largest groups (N at least 1; largest by --sort)')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'With --by: rank the groups by total (the default) or, with --stats, by rtt-p50, rtt-p99, retrans-share, retransmitting, recv-q or send-q; largest first, unknown last')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)')
            [CompletionResult]::new('--sport', '--sport', [CompletionResultType]::ParameterName, 'Local port: a number, a range (8000-8100) or a service name; comma-separated')
            [CompletionResult]::new('--dport', '--dport', [CompletionResultType]::ParameterName, 'Remote port: a number, a range or a service name; comma-separated')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Local or remote port: a number, a range or a service name; comma-separated')
            [CompletionResult]::new('--src', '--src', [CompletionResultType]::ParameterName, 'Local address or CIDR block (v4 or v6; IPv4-mapped IPv6 matches IPv4); comma-separated')
            [CompletionResult]::new('--dst', '--dst', [CompletionResultType]::ParameterName, 'Remote address or CIDR block; comma-separated')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Live source of sockets (default: auto). Not with --from, which reads no live source')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read a saved capture instead of the live host (netstat, ss, /proc/net/tcp, BSD, Solaris, Windows or PowerShell output, or a saved summary); repeatable, `-` for standard input')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Format of the --from files: auto, netstat, ss, proc, bsd, windows, solaris, powershell or summary (default: detected per file)')
            [CompletionResult]::new('--assume-state', '--assume-state', [CompletionResultType]::ParameterName, 'The state of every row of a listing with no State column: `ss … state S`, FreeBSD `netstat -T` (whose rows are otherwise counted as of unknown state)')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Name for the host of each --from file, in order (default: the file''s stem)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of explanations and advice: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)')
            [CompletionResult]::new('--netns', '--netns', [CompletionResultType]::ParameterName, 'Look into another network namespace: a name from /run/netns (as `ip netns add` makes them), a path to a namespace file, or a process id (the namespace it is in). Needs root')
            [CompletionResult]::new('--stats', '--stats', [CompletionResultType]::ParameterName, 'With --by: what is inside each group''s connections, from the kernel''s tcp_info of the same dump — rtt p50 and p99, the retransmitted share of the bytes sent, sockets retransmitting now, send and receive queue totals (listeners left out)')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Add each state''s one-line meaning to the summary (not with --by)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Numeric addresses and ports (always so; accepted for ss''s -n)')
            [CompletionResult]::new('--numeric', '--numeric', [CompletionResultType]::ParameterName, 'Numeric addresses and ports (always so; accepted for ss''s -n)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Listening sockets only, as ss -l and netstat -l; with list -m, each listener''s accept queue, backlog and drops: which listener drops')
            [CompletionResult]::new('--listening', '--listening', [CompletionResultType]::ParameterName, 'Listening sockets only, as ss -l and netstat -l; with list -m, each listener''s accept queue, backlog and drops: which listener drops')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Every state (the default; accepted for ss''s -a)')
            [CompletionResult]::new('--all-sockets', '--all-sockets', [CompletionResultType]::ParameterName, 'Every state (the default; accepted for ss''s -a)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'TCP (the only protocol; accepted for ss''s -t)')
            [CompletionResult]::new('--tcp', '--tcp', [CompletionResultType]::ParameterName, 'TCP (the only protocol; accepted for ss''s -t)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 sockets only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'IPv4 sockets only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 sockets only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'IPv6 sockets only')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Fail (exit 1) on the first capture line that looks like a TCP row but cannot be read, instead of reporting such lines at the end')
            [CompletionResult]::new('--all-netns', '--all-netns', [CompletionResultType]::ParameterName, 'Every network namespace on the host (/run/netns and those of every process), each on its own — one column per namespace in summaries, a NETNS column in lists — plus the total. Namespaces are named `host`, by their /run/netns name, their container or Kubernetes pod, or `pid N (command)` of a process inside. Needs root')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tcpstate;list' {
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Order the list: recv-q or send-q (largest first), state, local, remote, or timer (soonest first). Sorting holds every socket in memory; without it the list streams')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Stop after N sockets (after sorting, with --sort)')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)')
            [CompletionResult]::new('--sport', '--sport', [CompletionResultType]::ParameterName, 'Local port: a number, a range (8000-8100) or a service name; comma-separated')
            [CompletionResult]::new('--dport', '--dport', [CompletionResultType]::ParameterName, 'Remote port: a number, a range or a service name; comma-separated')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Local or remote port: a number, a range or a service name; comma-separated')
            [CompletionResult]::new('--src', '--src', [CompletionResultType]::ParameterName, 'Local address or CIDR block (v4 or v6; IPv4-mapped IPv6 matches IPv4); comma-separated')
            [CompletionResult]::new('--dst', '--dst', [CompletionResultType]::ParameterName, 'Remote address or CIDR block; comma-separated')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Live source of sockets (default: auto). Not with --from, which reads no live source')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read a saved capture instead of the live host (netstat, ss, /proc/net/tcp, BSD, Solaris, Windows or PowerShell output, or a saved summary); repeatable, `-` for standard input')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Format of the --from files: auto, netstat, ss, proc, bsd, windows, solaris, powershell or summary (default: detected per file)')
            [CompletionResult]::new('--assume-state', '--assume-state', [CompletionResultType]::ParameterName, 'The state of every row of a listing with no State column: `ss … state S`, FreeBSD `netstat -T` (whose rows are otherwise counted as of unknown state)')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Name for the host of each --from file, in order (default: the file''s stem)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of explanations and advice: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)')
            [CompletionResult]::new('--netns', '--netns', [CompletionResultType]::ParameterName, 'Look into another network namespace: a name from /run/netns (as `ip netns add` makes them), a path to a namespace file, or a process id (the namespace it is in). Needs root')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Extended columns: uid, inode and the kernel''s socket cookie')
            [CompletionResult]::new('--extended', '--extended', [CompletionResultType]::ParameterName, 'Extended columns: uid, inode and the kernel''s socket cookie')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Timer column as netstat -o shows it: kind (remaining seconds/retransmits/probes)')
            [CompletionResult]::new('--timers', '--timers', [CompletionResultType]::ParameterName, 'Timer column as netstat -o shows it: kind (remaining seconds/retransmits/probes)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Inside each connection: the kernel''s tcp_info (rtt, cwnd, retransmits, bytes, rates, congestion algorithm) on a second line, an `info` object in JSON, columns in CSV; with -e, every field. From the same dump, never a call per socket')
            [CompletionResult]::new('--info', '--info', [CompletionResultType]::ParameterName, 'Inside each connection: the kernel''s tcp_info (rtt, cwnd, retransmits, bytes, rates, congestion algorithm) on a second line, an `info` object in JSON, columns in CSV; with -e, every field. From the same dump, never a call per socket')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'The socket''s memory (buffers, queued bytes, drops; for a listener, the drops of its queue): a line, a `memory` object, columns')
            [CompletionResult]::new('--memory', '--memory', [CompletionResultType]::ParameterName, 'The socket''s memory (buffers, queued bytes, drops; for a listener, the drops of its queue): a line, a `memory` object, columns')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'PID/Program column: the processes holding each socket (`1874/nginx,1875/nginx`). TIME_WAIT and SYN_RECV sockets have no owner: they are credited to the process listening on their local port, marked `(via listener)`; a client''s TIME_WAIT shows `-`')
            [CompletionResult]::new('--processes', '--processes', [CompletionResultType]::ParameterName, 'PID/Program column: the processes holding each socket (`1874/nginx,1875/nginx`). TIME_WAIT and SYN_RECV sockets have no owner: they are credited to the process listening on their local port, marked `(via listener)`; a client''s TIME_WAIT shows `-`')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'No header line in the table or CSV (ss''s -H)')
            [CompletionResult]::new('--no-header', '--no-header', [CompletionResultType]::ParameterName, 'No header line in the table or CSV (ss''s -H)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Numeric addresses and ports (always so; accepted for ss''s -n)')
            [CompletionResult]::new('--numeric', '--numeric', [CompletionResultType]::ParameterName, 'Numeric addresses and ports (always so; accepted for ss''s -n)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Listening sockets only, as ss -l and netstat -l; with list -m, each listener''s accept queue, backlog and drops: which listener drops')
            [CompletionResult]::new('--listening', '--listening', [CompletionResultType]::ParameterName, 'Listening sockets only, as ss -l and netstat -l; with list -m, each listener''s accept queue, backlog and drops: which listener drops')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Every state (the default; accepted for ss''s -a)')
            [CompletionResult]::new('--all-sockets', '--all-sockets', [CompletionResultType]::ParameterName, 'Every state (the default; accepted for ss''s -a)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'TCP (the only protocol; accepted for ss''s -t)')
            [CompletionResult]::new('--tcp', '--tcp', [CompletionResultType]::ParameterName, 'TCP (the only protocol; accepted for ss''s -t)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 sockets only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'IPv4 sockets only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 sockets only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'IPv6 sockets only')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Fail (exit 1) on the first capture line that looks like a TCP row but cannot be read, instead of reporting such lines at the end')
            [CompletionResult]::new('--all-netns', '--all-netns', [CompletionResultType]::ParameterName, 'Every network namespace on the host (/run/netns and those of every process), each on its own — one column per namespace in summaries, a NETNS column in lists — plus the total. Namespaces are named `host`, by their /run/netns name, their container or Kubernetes pod, or `pid N (command)` of a process inside. Needs root')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tcpstate;explain' {
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)')
            [CompletionResult]::new('--sport', '--sport', [CompletionResultType]::ParameterName, 'Local port: a number, a range (8000-8100) or a service name; comma-separated')
            [CompletionResult]::new('--dport', '--dport', [CompletionResultType]::ParameterName, 'Remote port: a number, a range or a service name; comma-separated')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Local or remote port: a number, a range or a service name; comma-separated')
            [CompletionResult]::new('--src', '--src', [CompletionResultType]::ParameterName, 'Local address or CIDR block (v4 or v6; IPv4-mapped IPv6 matches IPv4); comma-separated')
            [CompletionResult]::new('--dst', '--dst', [CompletionResultType]::ParameterName, 'Remote address or CIDR block; comma-separated')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Live source of sockets (default: auto). Not with --from, which reads no live source')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read a saved capture instead of the live host (netstat, ss, /proc/net/tcp, BSD, Solaris, Windows or PowerShell output, or a saved summary); repeatable, `-` for standard input')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Format of the --from files: auto, netstat, ss, proc, bsd, windows, solaris, powershell or summary (default: detected per file)')
            [CompletionResult]::new('--assume-state', '--assume-state', [CompletionResultType]::ParameterName, 'The state of every row of a listing with no State column: `ss … state S`, FreeBSD `netstat -T` (whose rows are otherwise counted as of unknown state)')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Name for the host of each --from file, in order (default: the file''s stem)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of explanations and advice: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)')
            [CompletionResult]::new('--netns', '--netns', [CompletionResultType]::ParameterName, 'Look into another network namespace: a name from /run/netns (as `ip netns add` makes them), a path to a namespace file, or a process id (the namespace it is in). Needs root')
            [CompletionResult]::new('--no-sysctl', '--no-sysctl', [CompletionResultType]::ParameterName, 'Do not read this host''s sysctls; name them without values (for stable output)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 sockets only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'IPv4 sockets only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 sockets only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'IPv6 sockets only')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Fail (exit 1) on the first capture line that looks like a TCP row but cannot be read, instead of reporting such lines at the end')
            [CompletionResult]::new('--all-netns', '--all-netns', [CompletionResultType]::ParameterName, 'Every network namespace on the host (/run/netns and those of every process), each on its own — one column per namespace in summaries, a NETNS column in lists — plus the total. Namespaces are named `host`, by their /run/netns name, their container or Kubernetes pod, or `pid N (command)` of a process inside. Needs root')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tcpstate;fsm' {
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'Show the normal path of a client, a server, or both side by side (the default)')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Check whether a sequence of states is a possible life of one socket; exit 0 if so, 1 if not')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)')
            [CompletionResult]::new('--sport', '--sport', [CompletionResultType]::ParameterName, 'Local port: a number, a range (8000-8100) or a service name; comma-separated')
            [CompletionResult]::new('--dport', '--dport', [CompletionResultType]::ParameterName, 'Remote port: a number, a range or a service name; comma-separated')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Local or remote port: a number, a range or a service name; comma-separated')
            [CompletionResult]::new('--src', '--src', [CompletionResultType]::ParameterName, 'Local address or CIDR block (v4 or v6; IPv4-mapped IPv6 matches IPv4); comma-separated')
            [CompletionResult]::new('--dst', '--dst', [CompletionResultType]::ParameterName, 'Remote address or CIDR block; comma-separated')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Live source of sockets (default: auto). Not with --from, which reads no live source')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read a saved capture instead of the live host (netstat, ss, /proc/net/tcp, BSD, Solaris, Windows or PowerShell output, or a saved summary); repeatable, `-` for standard input')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Format of the --from files: auto, netstat, ss, proc, bsd, windows, solaris, powershell or summary (default: detected per file)')
            [CompletionResult]::new('--assume-state', '--assume-state', [CompletionResultType]::ParameterName, 'The state of every row of a listing with no State column: `ss … state S`, FreeBSD `netstat -T` (whose rows are otherwise counted as of unknown state)')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Name for the host of each --from file, in order (default: the file''s stem)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of explanations and advice: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)')
            [CompletionResult]::new('--netns', '--netns', [CompletionResultType]::ParameterName, 'Look into another network namespace: a name from /run/netns (as `ip netns add` makes them), a path to a namespace file, or a process id (the namespace it is in). Needs root')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 sockets only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'IPv4 sockets only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 sockets only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'IPv6 sockets only')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Fail (exit 1) on the first capture line that looks like a TCP row but cannot be read, instead of reporting such lines at the end')
            [CompletionResult]::new('--all-netns', '--all-netns', [CompletionResultType]::ParameterName, 'Every network namespace on the host (/run/netns and those of every process), each on its own — one column per namespace in summaries, a NETNS column in lists — plus the total. Namespaces are named `host`, by their /run/netns name, their container or Kubernetes pod, or `pid N (command)` of a process inside. Needs root')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tcpstate;check' {
            [CompletionResult]::new('--warn', '--warn', [CompletionResultType]::ParameterName, 'Warning level of a state: STATE=N (more than N sockets), STATE=N% (N% of all sockets or more) or STATE=off; the state in any spelling; repeatable or comma-separated')
            [CompletionResult]::new('--crit', '--crit', [CompletionResultType]::ParameterName, 'Critical level of a state, as --warn')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'TOML file with thresholds for every rule (README, "Health check"); --warn and --crit apply on top of it. A regular file of at most 1 MiB. (`fleet check` reads its [states] section: counts are all it has.)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Take two samples this far apart (2s, 500ms, 1m) to judge counter increases and sockets that stay in CLOSE_WAIT')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'During --interval, trace these events and judge them, comma-separated: retrans (peer_retransmits), drop (kernel_drops), reset (resets_sent). Needs root or CAP_PERFMON and tracefs; without them those rules are UNKNOWN. The tracepoints see every network namespace of the host; --port, --src and --dst narrow what is counted')
            [CompletionResult]::new('--events-buffer-pages', '--events-buffer-pages', [CompletionResultType]::ParameterName, 'Ring buffer size per CPU for --events, in 4 KiB pages, a power of two')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)')
            [CompletionResult]::new('--sport', '--sport', [CompletionResultType]::ParameterName, 'Local port: a number, a range (8000-8100) or a service name; comma-separated')
            [CompletionResult]::new('--dport', '--dport', [CompletionResultType]::ParameterName, 'Remote port: a number, a range or a service name; comma-separated')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Local or remote port: a number, a range or a service name; comma-separated')
            [CompletionResult]::new('--src', '--src', [CompletionResultType]::ParameterName, 'Local address or CIDR block (v4 or v6; IPv4-mapped IPv6 matches IPv4); comma-separated')
            [CompletionResult]::new('--dst', '--dst', [CompletionResultType]::ParameterName, 'Remote address or CIDR block; comma-separated')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Live source of sockets (default: auto). Not with --from, which reads no live source')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read a saved capture instead of the live host (netstat, ss, /proc/net/tcp, BSD, Solaris, Windows or PowerShell output, or a saved summary); repeatable, `-` for standard input')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Format of the --from files: auto, netstat, ss, proc, bsd, windows, solaris, powershell or summary (default: detected per file)')
            [CompletionResult]::new('--assume-state', '--assume-state', [CompletionResultType]::ParameterName, 'The state of every row of a listing with no State column: `ss … state S`, FreeBSD `netstat -T` (whose rows are otherwise counted as of unknown state)')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Name for the host of each --from file, in order (default: the file''s stem)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of explanations and advice: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)')
            [CompletionResult]::new('--netns', '--netns', [CompletionResultType]::ParameterName, 'Look into another network namespace: a name from /run/netns (as `ip netns add` makes them), a path to a namespace file, or a process id (the namespace it is in). Needs root')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the evidence and top offenders of OK findings too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the evidence and top offenders of OK findings too')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Listening sockets only, as ss -l and netstat -l; with list -m, each listener''s accept queue, backlog and drops: which listener drops')
            [CompletionResult]::new('--listening', '--listening', [CompletionResultType]::ParameterName, 'Listening sockets only, as ss -l and netstat -l; with list -m, each listener''s accept queue, backlog and drops: which listener drops')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Every state (the default; accepted for ss''s -a)')
            [CompletionResult]::new('--all-sockets', '--all-sockets', [CompletionResultType]::ParameterName, 'Every state (the default; accepted for ss''s -a)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'TCP (the only protocol; accepted for ss''s -t)')
            [CompletionResult]::new('--tcp', '--tcp', [CompletionResultType]::ParameterName, 'TCP (the only protocol; accepted for ss''s -t)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 sockets only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'IPv4 sockets only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 sockets only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'IPv6 sockets only')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Fail (exit 1) on the first capture line that looks like a TCP row but cannot be read, instead of reporting such lines at the end')
            [CompletionResult]::new('--all-netns', '--all-netns', [CompletionResultType]::ParameterName, 'Every network namespace on the host (/run/netns and those of every process), each on its own — one column per namespace in summaries, a NETNS column in lists — plus the total. Namespaces are named `host`, by their /run/netns name, their container or Kubernetes pod, or `pid N (command)` of a process inside. Needs root')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tcpstate;watch' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Time between samples: 1s, 500ms, 2m; a bare number is seconds')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Time between samples: 1s, 500ms, 2m; a bare number is seconds')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'How far back the sparklines reach')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'How the selected state''s sockets are grouped at start (g changes it): remote-ip, local-port, remote-port or local-ip')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Stop after N samples')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Stop after N samples')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Trace these events and show them as rates, comma-separated: retrans (the peers retransmitted to most), drop (drop reasons), reset (resets sent and received). Needs root or CAP_PERFMON and tracefs. The tracepoints see every network namespace of the host; --port, --src and --dst narrow what is counted')
            [CompletionResult]::new('--events-buffer-pages', '--events-buffer-pages', [CompletionResultType]::ParameterName, 'Ring buffer size per CPU for --events, in 4 KiB pages, a power of two')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)')
            [CompletionResult]::new('--sport', '--sport', [CompletionResultType]::ParameterName, 'Local port: a number, a range (8000-8100) or a service name; comma-separated')
            [CompletionResult]::new('--dport', '--dport', [CompletionResultType]::ParameterName, 'Remote port: a number, a range or a service name; comma-separated')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Local or remote port: a number, a range or a service name; comma-separated')
            [CompletionResult]::new('--src', '--src', [CompletionResultType]::ParameterName, 'Local address or CIDR block (v4 or v6; IPv4-mapped IPv6 matches IPv4); comma-separated')
            [CompletionResult]::new('--dst', '--dst', [CompletionResultType]::ParameterName, 'Remote address or CIDR block; comma-separated')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Live source of sockets (default: auto). Not with --from, which reads no live source')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read a saved capture instead of the live host (netstat, ss, /proc/net/tcp, BSD, Solaris, Windows or PowerShell output, or a saved summary); repeatable, `-` for standard input')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Format of the --from files: auto, netstat, ss, proc, bsd, windows, solaris, powershell or summary (default: detected per file)')
            [CompletionResult]::new('--assume-state', '--assume-state', [CompletionResultType]::ParameterName, 'The state of every row of a listing with no State column: `ss … state S`, FreeBSD `netstat -T` (whose rows are otherwise counted as of unknown state)')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Name for the host of each --from file, in order (default: the file''s stem)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of explanations and advice: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)')
            [CompletionResult]::new('--netns', '--netns', [CompletionResultType]::ParameterName, 'Look into another network namespace: a name from /run/netns (as `ip netns add` makes them), a path to a namespace file, or a process id (the namespace it is in). Needs root')
            [CompletionResult]::new('--plain', '--plain', [CompletionResultType]::ParameterName, 'One line per interval instead of the dashboard (the default when stdout is not a terminal, or with --format plain, json or csv)')
            [CompletionResult]::new('--all-states', '--all-states', [CompletionResultType]::ParameterName, 'Plain lines: every state, zeros included')
            [CompletionResult]::new('--no-header', '--no-header', [CompletionResultType]::ParameterName, 'Plain lines: no header line')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Listening sockets only, as ss -l and netstat -l; with list -m, each listener''s accept queue, backlog and drops: which listener drops')
            [CompletionResult]::new('--listening', '--listening', [CompletionResultType]::ParameterName, 'Listening sockets only, as ss -l and netstat -l; with list -m, each listener''s accept queue, backlog and drops: which listener drops')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Every state (the default; accepted for ss''s -a)')
            [CompletionResult]::new('--all-sockets', '--all-sockets', [CompletionResultType]::ParameterName, 'Every state (the default; accepted for ss''s -a)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'TCP (the only protocol; accepted for ss''s -t)')
            [CompletionResult]::new('--tcp', '--tcp', [CompletionResultType]::ParameterName, 'TCP (the only protocol; accepted for ss''s -t)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 sockets only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'IPv4 sockets only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 sockets only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'IPv6 sockets only')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Fail (exit 1) on the first capture line that looks like a TCP row but cannot be read, instead of reporting such lines at the end')
            [CompletionResult]::new('--all-netns', '--all-netns', [CompletionResultType]::ParameterName, 'Every network namespace on the host (/run/netns and those of every process), each on its own — one column per namespace in summaries, a NETNS column in lists — plus the total. Namespaces are named `host`, by their /run/netns name, their container or Kubernetes pod, or `pid N (command)` of a process inside. Needs root')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tcpstate;serve' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Where to listen: ADDR:PORT (127.0.0.1:10011, [::1]:10011), HOST:PORT (a name resolved at start; every address it has is listened on, e.g. localhost:10011 is 127.0.0.1 and ::1) or :PORT for every address of the host, IPv4 and IPv6, as other exporters read it. Loopback by default: say :10011 to let other hosts scrape')
            [CompletionResult]::new('--by-port', '--by-port', [CompletionResultType]::ParameterName, 'Ports that get per-state series (tcpstate_connections_by_port), as the local and as the remote port: numbers, ranges (8000-8100) or service names; comma-separated')
            [CompletionResult]::new('--max-ports', '--max-ports', [CompletionResultType]::ParameterName, 'At most this many ports get per-port series, and at most this many listening ports get listener series; the rest are counted in tcpstate_ports_truncated')
            [CompletionResult]::new('--peers', '--peers', [CompletionResultType]::ParameterName, 'Per-peer series (tcpstate_peer_*: connections, rtt p50 and p99, bytes sent and retransmitted, sockets retransmitting) for the N remote addresses with the most connections; the rest are counted in tcpstate_ports_truncated{table="peers"}. Off by default: it asks the kernel for every connection''s tcp_info at each collection')
            [CompletionResult]::new('--min-interval', '--min-interval', [CompletionResultType]::ParameterName, 'Scrapes closer together than this share one collection (e.g. 1s, 500ms, 0 to collect on every scrape)')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Count traced events too, comma-separated: retrans (tcpstate_retransmits_total), reset (tcpstate_resets_total), drop (tcpstate_drops_total). Needs root or CAP_PERFMON. The tracepoints see every network namespace of the host; --port, --src and --dst narrow what is counted')
            [CompletionResult]::new('--events-buffer-pages', '--events-buffer-pages', [CompletionResultType]::ParameterName, 'Ring buffer size per CPU for --events, in 4 KiB pages, a power of two')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Connections open at once. At the limit a new connection closes the oldest one that has not sent a whole request yet; only when all are being answered does it get 503')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)')
            [CompletionResult]::new('--sport', '--sport', [CompletionResultType]::ParameterName, 'Local port: a number, a range (8000-8100) or a service name; comma-separated')
            [CompletionResult]::new('--dport', '--dport', [CompletionResultType]::ParameterName, 'Remote port: a number, a range or a service name; comma-separated')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Local or remote port: a number, a range or a service name; comma-separated')
            [CompletionResult]::new('--src', '--src', [CompletionResultType]::ParameterName, 'Local address or CIDR block (v4 or v6; IPv4-mapped IPv6 matches IPv4); comma-separated')
            [CompletionResult]::new('--dst', '--dst', [CompletionResultType]::ParameterName, 'Remote address or CIDR block; comma-separated')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Live source of sockets (default: auto). Not with --from, which reads no live source')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read a saved capture instead of the live host (netstat, ss, /proc/net/tcp, BSD, Solaris, Windows or PowerShell output, or a saved summary); repeatable, `-` for standard input')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Format of the --from files: auto, netstat, ss, proc, bsd, windows, solaris, powershell or summary (default: detected per file)')
            [CompletionResult]::new('--assume-state', '--assume-state', [CompletionResultType]::ParameterName, 'The state of every row of a listing with no State column: `ss … state S`, FreeBSD `netstat -T` (whose rows are otherwise counted as of unknown state)')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Name for the host of each --from file, in order (default: the file''s stem)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of explanations and advice: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)')
            [CompletionResult]::new('--netns', '--netns', [CompletionResultType]::ParameterName, 'Look into another network namespace: a name from /run/netns (as `ip netns add` makes them), a path to a namespace file, or a process id (the namespace it is in). Needs root')
            [CompletionResult]::new('--listeners', '--listeners', [CompletionResultType]::ParameterName, 'Also give per-state series to every port that has a LISTEN socket')
            [CompletionResult]::new('--compat-node-exporter', '--compat-node-exporter', [CompletionResultType]::ParameterName, 'Also write node_exporter''s node_tcp_connection_states{state} so existing dashboards keep working')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Listening sockets only, as ss -l and netstat -l; with list -m, each listener''s accept queue, backlog and drops: which listener drops')
            [CompletionResult]::new('--listening', '--listening', [CompletionResultType]::ParameterName, 'Listening sockets only, as ss -l and netstat -l; with list -m, each listener''s accept queue, backlog and drops: which listener drops')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Every state (the default; accepted for ss''s -a)')
            [CompletionResult]::new('--all-sockets', '--all-sockets', [CompletionResultType]::ParameterName, 'Every state (the default; accepted for ss''s -a)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'TCP (the only protocol; accepted for ss''s -t)')
            [CompletionResult]::new('--tcp', '--tcp', [CompletionResultType]::ParameterName, 'TCP (the only protocol; accepted for ss''s -t)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 sockets only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'IPv4 sockets only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 sockets only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'IPv6 sockets only')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Fail (exit 1) on the first capture line that looks like a TCP row but cannot be read, instead of reporting such lines at the end')
            [CompletionResult]::new('--all-netns', '--all-netns', [CompletionResultType]::ParameterName, 'Every network namespace on the host (/run/netns and those of every process), each on its own — one column per namespace in summaries, a NETNS column in lists — plus the total. Namespaces are named `host`, by their /run/netns name, their container or Kubernetes pod, or `pid N (command)` of a process inside. Needs root')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tcpstate;trace' {
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Stop after this long: 10s, 500ms, 2m, 1h (a bare number is seconds)')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'What to trace, comma-separated: state, retrans, reset, drop, synack, error, or all')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Stop after N events shown (transitions and incidents)')
            [CompletionResult]::new('--buffer-pages', '--buffer-pages', [CompletionResultType]::ParameterName, 'Ring buffer size per CPU in 4 KiB pages, a power of two')
            [CompletionResult]::new('--ready-file', '--ready-file', [CompletionResultType]::ParameterName, 'Once tracing is running, write tcpstate''s process id to this file (for scripts that start traffic then, and stop the trace with a signal to that pid)')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)')
            [CompletionResult]::new('--sport', '--sport', [CompletionResultType]::ParameterName, 'Local port: a number, a range (8000-8100) or a service name; comma-separated')
            [CompletionResult]::new('--dport', '--dport', [CompletionResultType]::ParameterName, 'Remote port: a number, a range or a service name; comma-separated')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Local or remote port: a number, a range or a service name; comma-separated')
            [CompletionResult]::new('--src', '--src', [CompletionResultType]::ParameterName, 'Local address or CIDR block (v4 or v6; IPv4-mapped IPv6 matches IPv4); comma-separated')
            [CompletionResult]::new('--dst', '--dst', [CompletionResultType]::ParameterName, 'Remote address or CIDR block; comma-separated')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Live source of sockets (default: auto). Not with --from, which reads no live source')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read a saved capture instead of the live host (netstat, ss, /proc/net/tcp, BSD, Solaris, Windows or PowerShell output, or a saved summary); repeatable, `-` for standard input')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Format of the --from files: auto, netstat, ss, proc, bsd, windows, solaris, powershell or summary (default: detected per file)')
            [CompletionResult]::new('--assume-state', '--assume-state', [CompletionResultType]::ParameterName, 'The state of every row of a listing with no State column: `ss … state S`, FreeBSD `netstat -T` (whose rows are otherwise counted as of unknown state)')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Name for the host of each --from file, in order (default: the file''s stem)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of explanations and advice: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)')
            [CompletionResult]::new('--netns', '--netns', [CompletionResultType]::ParameterName, 'Look into another network namespace: a name from /run/netns (as `ip netns add` makes them), a path to a namespace file, or a process id (the namespace it is in). Needs root')
            [CompletionResult]::new('--summary', '--summary', [CompletionResultType]::ParameterName, 'Print only the summary (transitions matrix, time in state, slowest handshakes and closes, CLOSE_WAIT left behind; with --events, the ranked retransmits, resets, drops and errors), not every event')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Listening sockets only, as ss -l and netstat -l; with list -m, each listener''s accept queue, backlog and drops: which listener drops')
            [CompletionResult]::new('--listening', '--listening', [CompletionResultType]::ParameterName, 'Listening sockets only, as ss -l and netstat -l; with list -m, each listener''s accept queue, backlog and drops: which listener drops')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Every state (the default; accepted for ss''s -a)')
            [CompletionResult]::new('--all-sockets', '--all-sockets', [CompletionResultType]::ParameterName, 'Every state (the default; accepted for ss''s -a)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'TCP (the only protocol; accepted for ss''s -t)')
            [CompletionResult]::new('--tcp', '--tcp', [CompletionResultType]::ParameterName, 'TCP (the only protocol; accepted for ss''s -t)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 sockets only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'IPv4 sockets only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 sockets only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'IPv6 sockets only')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Fail (exit 1) on the first capture line that looks like a TCP row but cannot be read, instead of reporting such lines at the end')
            [CompletionResult]::new('--all-netns', '--all-netns', [CompletionResultType]::ParameterName, 'Every network namespace on the host (/run/netns and those of every process), each on its own — one column per namespace in summaries, a NETNS column in lists — plus the total. Namespaces are named `host`, by their /run/netns name, their container or Kubernetes pod, or `pid N (command)` of a process inside. Needs root')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tcpstate;kill' {
            [CompletionResult]::new('--older-than', '--older-than', [CompletionResultType]::ParameterName, 'Only sockets seen in the same state across two samples this far apart (30s, 5m)')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)')
            [CompletionResult]::new('--sport', '--sport', [CompletionResultType]::ParameterName, 'Local port: a number, a range (8000-8100) or a service name; comma-separated')
            [CompletionResult]::new('--dport', '--dport', [CompletionResultType]::ParameterName, 'Remote port: a number, a range or a service name; comma-separated')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Local or remote port: a number, a range or a service name; comma-separated')
            [CompletionResult]::new('--src', '--src', [CompletionResultType]::ParameterName, 'Local address or CIDR block (v4 or v6; IPv4-mapped IPv6 matches IPv4); comma-separated')
            [CompletionResult]::new('--dst', '--dst', [CompletionResultType]::ParameterName, 'Remote address or CIDR block; comma-separated')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Live source of sockets (default: auto). Not with --from, which reads no live source')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read a saved capture instead of the live host (netstat, ss, /proc/net/tcp, BSD, Solaris, Windows or PowerShell output, or a saved summary); repeatable, `-` for standard input')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Format of the --from files: auto, netstat, ss, proc, bsd, windows, solaris, powershell or summary (default: detected per file)')
            [CompletionResult]::new('--assume-state', '--assume-state', [CompletionResultType]::ParameterName, 'The state of every row of a listing with no State column: `ss … state S`, FreeBSD `netstat -T` (whose rows are otherwise counted as of unknown state)')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Name for the host of each --from file, in order (default: the file''s stem)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of explanations and advice: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)')
            [CompletionResult]::new('--netns', '--netns', [CompletionResultType]::ParameterName, 'Look into another network namespace: a name from /run/netns (as `ip netns add` makes them), a path to a namespace file, or a process id (the namespace it is in). Needs root')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Close every socket the flags select, also with no filter at all')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'List the sockets that would be closed; close nothing')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Close without asking (needed when standard input is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Close without asking (needed when standard input is not a terminal)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Listening sockets only, as ss -l and netstat -l; with list -m, each listener''s accept queue, backlog and drops: which listener drops')
            [CompletionResult]::new('--listening', '--listening', [CompletionResultType]::ParameterName, 'Listening sockets only, as ss -l and netstat -l; with list -m, each listener''s accept queue, backlog and drops: which listener drops')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Every state (the default; accepted for ss''s -a)')
            [CompletionResult]::new('--all-sockets', '--all-sockets', [CompletionResultType]::ParameterName, 'Every state (the default; accepted for ss''s -a)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'TCP (the only protocol; accepted for ss''s -t)')
            [CompletionResult]::new('--tcp', '--tcp', [CompletionResultType]::ParameterName, 'TCP (the only protocol; accepted for ss''s -t)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 sockets only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'IPv4 sockets only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 sockets only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'IPv6 sockets only')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Fail (exit 1) on the first capture line that looks like a TCP row but cannot be read, instead of reporting such lines at the end')
            [CompletionResult]::new('--all-netns', '--all-netns', [CompletionResultType]::ParameterName, 'Every network namespace on the host (/run/netns and those of every process), each on its own — one column per namespace in summaries, a NETNS column in lists — plus the total. Namespaces are named `host`, by their /run/netns name, their container or Kubernetes pod, or `pid N (command)` of a process inside. Needs root')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tcpstate;fleet' {
            [CompletionResult]::new('--prometheus', '--prometheus', [CompletionResultType]::ParameterName, 'The Prometheus server that scrapes the exporters (http://host:9090, with its path prefix if it has one; https too)')
            [CompletionResult]::new('--match', '--match', [CompletionResultType]::ParameterName, 'Only the series matching this label selector, e.g. ''{job="tcpstate",env="prod"}'' (the braces may be left out)')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'The counts at this time instead of now: RFC 3339 (2024-05-01T12:00:00Z) or unix seconds')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Order instances by their count of this state, largest first (default: by name)')
            [CompletionResult]::new('--top', '--top', [CompletionResultType]::ParameterName, 'Keep only the N largest instances (by --sort''s state, else by total); with --by, the N largest ports of each instance')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'Per-port counts (tcpstate_connections_by_port: serve''s --by-port and --listeners): `port` (or local-port) where the instance serves, remote-port where it is a client')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)')
            [CompletionResult]::new('--sport', '--sport', [CompletionResultType]::ParameterName, 'Local port: a number, a range (8000-8100) or a service name; comma-separated')
            [CompletionResult]::new('--dport', '--dport', [CompletionResultType]::ParameterName, 'Remote port: a number, a range or a service name; comma-separated')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Local or remote port: a number, a range or a service name; comma-separated')
            [CompletionResult]::new('--src', '--src', [CompletionResultType]::ParameterName, 'Local address or CIDR block (v4 or v6; IPv4-mapped IPv6 matches IPv4); comma-separated')
            [CompletionResult]::new('--dst', '--dst', [CompletionResultType]::ParameterName, 'Remote address or CIDR block; comma-separated')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Live source of sockets (default: auto). Not with --from, which reads no live source')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read a saved capture instead of the live host (netstat, ss, /proc/net/tcp, BSD, Solaris, Windows or PowerShell output, or a saved summary); repeatable, `-` for standard input')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Format of the --from files: auto, netstat, ss, proc, bsd, windows, solaris, powershell or summary (default: detected per file)')
            [CompletionResult]::new('--assume-state', '--assume-state', [CompletionResultType]::ParameterName, 'The state of every row of a listing with no State column: `ss … state S`, FreeBSD `netstat -T` (whose rows are otherwise counted as of unknown state)')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Name for the host of each --from file, in order (default: the file''s stem)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of explanations and advice: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)')
            [CompletionResult]::new('--netns', '--netns', [CompletionResultType]::ParameterName, 'Look into another network namespace: a name from /run/netns (as `ip netns add` makes them), a path to a namespace file, or a process id (the namespace it is in). Needs root')
            [CompletionResult]::new('--rows', '--rows', [CompletionResultType]::ParameterName, 'One row per instance (and one column per state) instead of one column per instance')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 sockets only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'IPv4 sockets only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 sockets only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'IPv6 sockets only')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Fail (exit 1) on the first capture line that looks like a TCP row but cannot be read, instead of reporting such lines at the end')
            [CompletionResult]::new('--all-netns', '--all-netns', [CompletionResultType]::ParameterName, 'Every network namespace on the host (/run/netns and those of every process), each on its own — one column per namespace in summaries, a NETNS column in lists — plus the total. Namespaces are named `host`, by their /run/netns name, their container or Kubernetes pod, or `pid N (command)` of a process inside. Needs root')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Judge every instance with check''s state thresholds; exit code 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (the worst instance)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tcpstate;fleet;check' {
            [CompletionResult]::new('--warn', '--warn', [CompletionResultType]::ParameterName, 'Warning level of a state: STATE=N (more than N sockets), STATE=N% (N% of all sockets or more) or STATE=off; the state in any spelling; repeatable or comma-separated')
            [CompletionResult]::new('--crit', '--crit', [CompletionResultType]::ParameterName, 'Critical level of a state, as --warn')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'TOML file with thresholds for every rule (README, "Health check"); --warn and --crit apply on top of it. A regular file of at most 1 MiB. (`fleet check` reads its [states] section: counts are all it has.)')
            [CompletionResult]::new('--prometheus', '--prometheus', [CompletionResultType]::ParameterName, 'The Prometheus server that scrapes the exporters (http://host:9090, with its path prefix if it has one; https too)')
            [CompletionResult]::new('--match', '--match', [CompletionResultType]::ParameterName, 'Only the series matching this label selector, e.g. ''{job="tcpstate",env="prod"}'' (the braces may be left out)')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'The counts at this time instead of now: RFC 3339 (2024-05-01T12:00:00Z) or unix seconds')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)')
            [CompletionResult]::new('--sport', '--sport', [CompletionResultType]::ParameterName, 'Local port: a number, a range (8000-8100) or a service name; comma-separated')
            [CompletionResult]::new('--dport', '--dport', [CompletionResultType]::ParameterName, 'Remote port: a number, a range or a service name; comma-separated')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Local or remote port: a number, a range or a service name; comma-separated')
            [CompletionResult]::new('--src', '--src', [CompletionResultType]::ParameterName, 'Local address or CIDR block (v4 or v6; IPv4-mapped IPv6 matches IPv4); comma-separated')
            [CompletionResult]::new('--dst', '--dst', [CompletionResultType]::ParameterName, 'Remote address or CIDR block; comma-separated')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Live source of sockets (default: auto). Not with --from, which reads no live source')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read a saved capture instead of the live host (netstat, ss, /proc/net/tcp, BSD, Solaris, Windows or PowerShell output, or a saved summary); repeatable, `-` for standard input')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Format of the --from files: auto, netstat, ss, proc, bsd, windows, solaris, powershell or summary (default: detected per file)')
            [CompletionResult]::new('--assume-state', '--assume-state', [CompletionResultType]::ParameterName, 'The state of every row of a listing with no State column: `ss … state S`, FreeBSD `netstat -T` (whose rows are otherwise counted as of unknown state)')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Name for the host of each --from file, in order (default: the file''s stem)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of explanations and advice: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)')
            [CompletionResult]::new('--netns', '--netns', [CompletionResultType]::ParameterName, 'Look into another network namespace: a name from /run/netns (as `ip netns add` makes them), a path to a namespace file, or a process id (the namespace it is in). Needs root')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 sockets only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'IPv4 sockets only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 sockets only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'IPv6 sockets only')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Fail (exit 1) on the first capture line that looks like a TCP row but cannot be read, instead of reporting such lines at the end')
            [CompletionResult]::new('--all-netns', '--all-netns', [CompletionResultType]::ParameterName, 'Every network namespace on the host (/run/netns and those of every process), each on its own — one column per namespace in summaries, a NETNS column in lists — plus the total. Namespaces are named `host`, by their /run/netns name, their container or Kubernetes pod, or `pid N (command)` of a process inside. Needs root')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tcpstate;fleet;help' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Judge every instance with check''s state thresholds; exit code 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (the worst instance)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tcpstate;fleet;help;check' {
            break
        }
        'tcpstate;fleet;help;help' {
            break
        }
        'tcpstate;conntrack' {
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'Group by one key or several of the original tuple, comma-separated (`dst,dport`)')
            [CompletionResult]::new('--top', '--top', [CompletionResultType]::ParameterName, 'With --by: only the N largest groups (N at least 1)')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)')
            [CompletionResult]::new('--sport', '--sport', [CompletionResultType]::ParameterName, 'Local port: a number, a range (8000-8100) or a service name; comma-separated')
            [CompletionResult]::new('--dport', '--dport', [CompletionResultType]::ParameterName, 'Remote port: a number, a range or a service name; comma-separated')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Local or remote port: a number, a range or a service name; comma-separated')
            [CompletionResult]::new('--src', '--src', [CompletionResultType]::ParameterName, 'Local address or CIDR block (v4 or v6; IPv4-mapped IPv6 matches IPv4); comma-separated')
            [CompletionResult]::new('--dst', '--dst', [CompletionResultType]::ParameterName, 'Remote address or CIDR block; comma-separated')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Live source of sockets (default: auto). Not with --from, which reads no live source')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read a saved capture instead of the live host (netstat, ss, /proc/net/tcp, BSD, Solaris, Windows or PowerShell output, or a saved summary); repeatable, `-` for standard input')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Format of the --from files: auto, netstat, ss, proc, bsd, windows, solaris, powershell or summary (default: detected per file)')
            [CompletionResult]::new('--assume-state', '--assume-state', [CompletionResultType]::ParameterName, 'The state of every row of a listing with no State column: `ss … state S`, FreeBSD `netstat -T` (whose rows are otherwise counted as of unknown state)')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Name for the host of each --from file, in order (default: the file''s stem)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of explanations and advice: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)')
            [CompletionResult]::new('--netns', '--netns', [CompletionResultType]::ParameterName, 'Look into another network namespace: a name from /run/netns (as `ip netns add` makes them), a path to a namespace file, or a process id (the namespace it is in). Needs root')
            [CompletionResult]::new('--reconcile', '--reconcile', [CompletionResultType]::ParameterName, 'Compare the table with the sockets of the namespace: entries conntrack holds ESTABLISHED while no socket exists at their local end (stale: they keep a table slot and any NAT mapping), and ESTABLISHED sockets whose flow conntrack has no entry for (lost). Live namespaces only')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 sockets only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'IPv4 sockets only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 sockets only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'IPv6 sockets only')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Fail (exit 1) on the first capture line that looks like a TCP row but cannot be read, instead of reporting such lines at the end')
            [CompletionResult]::new('--all-netns', '--all-netns', [CompletionResultType]::ParameterName, 'Every network namespace on the host (/run/netns and those of every process), each on its own — one column per namespace in summaries, a NETNS column in lists — plus the total. Namespaces are named `host`, by their /run/netns name, their container or Kubernetes pod, or `pid N (command)` of a process inside. Needs root')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the TCP entries: state, original and reply tuples, NAT, mark, zone, timeout left, ASSURED/UNREPLIED')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tcpstate;conntrack;list' {
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Stop after N entries')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)')
            [CompletionResult]::new('--sport', '--sport', [CompletionResultType]::ParameterName, 'Local port: a number, a range (8000-8100) or a service name; comma-separated')
            [CompletionResult]::new('--dport', '--dport', [CompletionResultType]::ParameterName, 'Remote port: a number, a range or a service name; comma-separated')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Local or remote port: a number, a range or a service name; comma-separated')
            [CompletionResult]::new('--src', '--src', [CompletionResultType]::ParameterName, 'Local address or CIDR block (v4 or v6; IPv4-mapped IPv6 matches IPv4); comma-separated')
            [CompletionResult]::new('--dst', '--dst', [CompletionResultType]::ParameterName, 'Remote address or CIDR block; comma-separated')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Live source of sockets (default: auto). Not with --from, which reads no live source')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read a saved capture instead of the live host (netstat, ss, /proc/net/tcp, BSD, Solaris, Windows or PowerShell output, or a saved summary); repeatable, `-` for standard input')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Format of the --from files: auto, netstat, ss, proc, bsd, windows, solaris, powershell or summary (default: detected per file)')
            [CompletionResult]::new('--assume-state', '--assume-state', [CompletionResultType]::ParameterName, 'The state of every row of a listing with no State column: `ss … state S`, FreeBSD `netstat -T` (whose rows are otherwise counted as of unknown state)')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Name for the host of each --from file, in order (default: the file''s stem)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of explanations and advice: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)')
            [CompletionResult]::new('--netns', '--netns', [CompletionResultType]::ParameterName, 'Look into another network namespace: a name from /run/netns (as `ip netns add` makes them), a path to a namespace file, or a process id (the namespace it is in). Needs root')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 sockets only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'IPv4 sockets only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 sockets only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'IPv6 sockets only')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Fail (exit 1) on the first capture line that looks like a TCP row but cannot be read, instead of reporting such lines at the end')
            [CompletionResult]::new('--all-netns', '--all-netns', [CompletionResultType]::ParameterName, 'Every network namespace on the host (/run/netns and those of every process), each on its own — one column per namespace in summaries, a NETNS column in lists — plus the total. Namespaces are named `host`, by their /run/netns name, their container or Kubernetes pod, or `pid N (command)` of a process inside. Needs root')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tcpstate;conntrack;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the TCP entries: state, original and reply tuples, NAT, mark, zone, timeout left, ASSURED/UNREPLIED')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tcpstate;conntrack;help;list' {
            break
        }
        'tcpstate;conntrack;help;help' {
            break
        }
        'tcpstate;ipvs' {
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)')
            [CompletionResult]::new('--sport', '--sport', [CompletionResultType]::ParameterName, 'Local port: a number, a range (8000-8100) or a service name; comma-separated')
            [CompletionResult]::new('--dport', '--dport', [CompletionResultType]::ParameterName, 'Remote port: a number, a range or a service name; comma-separated')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Local or remote port: a number, a range or a service name; comma-separated')
            [CompletionResult]::new('--src', '--src', [CompletionResultType]::ParameterName, 'Local address or CIDR block (v4 or v6; IPv4-mapped IPv6 matches IPv4); comma-separated')
            [CompletionResult]::new('--dst', '--dst', [CompletionResultType]::ParameterName, 'Remote address or CIDR block; comma-separated')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Live source of sockets (default: auto). Not with --from, which reads no live source')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read a saved capture instead of the live host (netstat, ss, /proc/net/tcp, BSD, Solaris, Windows or PowerShell output, or a saved summary); repeatable, `-` for standard input')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Format of the --from files: auto, netstat, ss, proc, bsd, windows, solaris, powershell or summary (default: detected per file)')
            [CompletionResult]::new('--assume-state', '--assume-state', [CompletionResultType]::ParameterName, 'The state of every row of a listing with no State column: `ss … state S`, FreeBSD `netstat -T` (whose rows are otherwise counted as of unknown state)')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Name for the host of each --from file, in order (default: the file''s stem)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of explanations and advice: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)')
            [CompletionResult]::new('--netns', '--netns', [CompletionResultType]::ParameterName, 'Look into another network namespace: a name from /run/netns (as `ip netns add` makes them), a path to a namespace file, or a process id (the namespace it is in). Needs root')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 sockets only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'IPv4 sockets only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 sockets only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'IPv6 sockets only')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Fail (exit 1) on the first capture line that looks like a TCP row but cannot be read, instead of reporting such lines at the end')
            [CompletionResult]::new('--all-netns', '--all-netns', [CompletionResultType]::ParameterName, 'Every network namespace on the host (/run/netns and those of every process), each on its own — one column per namespace in summaries, a NETNS column in lists — plus the total. Namespaces are named `host`, by their /run/netns name, their container or Kubernetes pod, or `pid N (command)` of a process inside. Needs root')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tcpstate;completions' {
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated (`-s listen -s time-wait`)')
            [CompletionResult]::new('--sport', '--sport', [CompletionResultType]::ParameterName, 'Local port: a number, a range (8000-8100) or a service name; comma-separated')
            [CompletionResult]::new('--dport', '--dport', [CompletionResultType]::ParameterName, 'Remote port: a number, a range or a service name; comma-separated')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Local or remote port: a number, a range or a service name; comma-separated')
            [CompletionResult]::new('--src', '--src', [CompletionResultType]::ParameterName, 'Local address or CIDR block (v4 or v6; IPv4-mapped IPv6 matches IPv4); comma-separated')
            [CompletionResult]::new('--dst', '--dst', [CompletionResultType]::ParameterName, 'Remote address or CIDR block; comma-separated')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Live source of sockets (default: auto). Not with --from, which reads no live source')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read a saved capture instead of the live host (netstat, ss, /proc/net/tcp, BSD, Solaris, Windows or PowerShell output, or a saved summary); repeatable, `-` for standard input')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Format of the --from files: auto, netstat, ss, proc, bsd, windows, solaris, powershell or summary (default: detected per file)')
            [CompletionResult]::new('--assume-state', '--assume-state', [CompletionResultType]::ParameterName, 'The state of every row of a listing with no State column: `ss … state S`, FreeBSD `netstat -T` (whose rows are otherwise counted as of unknown state)')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Name for the host of each --from file, in order (default: the file''s stem)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of explanations and advice: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)')
            [CompletionResult]::new('--netns', '--netns', [CompletionResultType]::ParameterName, 'Look into another network namespace: a name from /run/netns (as `ip netns add` makes them), a path to a namespace file, or a process id (the namespace it is in). Needs root')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 sockets only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'IPv4 sockets only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 sockets only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'IPv6 sockets only')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Fail (exit 1) on the first capture line that looks like a TCP row but cannot be read, instead of reporting such lines at the end')
            [CompletionResult]::new('--all-netns', '--all-netns', [CompletionResultType]::ParameterName, 'Every network namespace on the host (/run/netns and those of every process), each on its own — one column per namespace in summaries, a NETNS column in lists — plus the total. Namespaces are named `host`, by their /run/netns name, their container or Kubernetes pod, or `pid N (command)` of a process inside. Needs root')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tcpstate;help' {
            [CompletionResult]::new('summary', 'summary', [CompletionResultType]::ParameterValue, 'Count sockets per state (the default command)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List sockets with netstat''s six columns')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'What TCP states mean, how long they last, and what a large count means')
            [CompletionResult]::new('fsm', 'fsm', [CompletionResultType]::ParameterValue, 'The TCP state machine: table, diagram, client/server paths, sequence check')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Health check with advice; exit code and `--format nagios` as a monitoring plugin')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Watch the counts live: a dashboard on a terminal, one line per interval otherwise')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Prometheus exporter: serve /metrics over HTTP (loopback port 10011 by default)')
            [CompletionResult]::new('trace', 'trace', [CompletionResultType]::ParameterValue, 'Trace TCP state transitions live (root or CAP_PERFMON)')
            [CompletionResult]::new('kill', 'kill', [CompletionResultType]::ParameterValue, 'Close the sockets a filter selects, as `ss -K` does, but safely (root)')
            [CompletionResult]::new('fleet', 'fleet', [CompletionResultType]::ParameterValue, 'State counts of every host beside each other, from the Prometheus that scrapes them')
            [CompletionResult]::new('conntrack', 'conntrack', [CompletionResultType]::ParameterValue, 'The netfilter conntrack table''s TCP entries: counts per state, fill, list')
            [CompletionResult]::new('ipvs', 'ipvs', [CompletionResultType]::ParameterValue, 'The IPVS connection table of a director: counts per state, virtual service, real server')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the shell completion script for bash, zsh, fish, elvish or powershell')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tcpstate;help;summary' {
            break
        }
        'tcpstate;help;list' {
            break
        }
        'tcpstate;help;explain' {
            break
        }
        'tcpstate;help;fsm' {
            break
        }
        'tcpstate;help;check' {
            break
        }
        'tcpstate;help;watch' {
            break
        }
        'tcpstate;help;serve' {
            break
        }
        'tcpstate;help;trace' {
            break
        }
        'tcpstate;help;kill' {
            break
        }
        'tcpstate;help;fleet' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Judge every instance with check''s state thresholds; exit code 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (the worst instance)')
            break
        }
        'tcpstate;help;fleet;check' {
            break
        }
        'tcpstate;help;conntrack' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the TCP entries: state, original and reply tuples, NAT, mark, zone, timeout left, ASSURED/UNREPLIED')
            break
        }
        'tcpstate;help;conntrack;list' {
            break
        }
        'tcpstate;help;ipvs' {
            break
        }
        'tcpstate;help;completions' {
            break
        }
        'tcpstate;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
