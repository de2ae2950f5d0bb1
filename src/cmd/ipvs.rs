//! `tcpstate ipvs`: the IPVS connection table of each target counted per state, virtual
//! service and real server.

use anyhow::Result;

use super::{UsageError, finish, print_lines, print_notices, stdout};
use crate::cli::Common;
use tcpstate::ipvs::IpvsCensus;
use tcpstate::render::ipvs::IpvsView;
use tcpstate::render::{self, OutputKind, Style};
use tcpstate::source::Report;
use tcpstate::source::table::targets;

pub fn run(common: &Common) -> Result<()> {
    let format = common.format.data(OutputKind::Ipvs)?;
    let filters: Vec<&str> = common
        .local_flags_used()
        .into_iter()
        .filter(|f| !matches!(*f, "--from" | "--netns" | "--all-netns"))
        .collect();
    if !filters.is_empty() {
        return Err(UsageError(format!(
            "tcpstate ipvs counts the whole IPVS table and takes no filter ({} given)",
            filters.join(", ")
        ))
        .into());
    }
    let (targets, notices) = targets(common.scope_spec(false)?)?;
    print_lines(&notices);
    let many = common.all_netns || targets.len() > 1;
    let mut hosts = Vec::new();
    for t in &targets {
        let mut census = IpvsCensus::default();
        let r = t.scan_ipvs(&mut |c| census.add(c))?;
        print_notices(&Report {
            sockets: 0,
            unread: r.unread,
            notices: Vec::new(),
            failed: Vec::new(),
        });
        hosts.push((t.label.clone(), census));
    }
    let mut out = stdout();
    render::ipvs::write(
        &mut out,
        format,
        Style::for_stdout(),
        &IpvsView {
            hosts: &hosts,
            many,
        },
    )?;
    finish(out)
}
