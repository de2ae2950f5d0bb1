//! The dashboard's events panel (`watch --events`): the peers retransmitted to most and the
//! drop reasons, each as a rate per second over the last refresh, and resets sent and
//! received; INCOMPLETE in red when the kernel lost events, since the rates are then short.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::fit;
use crate::trace::EventKind;
use crate::watch::app::App;

const RATE_W: usize = 10;

fn rate_row(name: &str, rate: f64, width: usize) -> Line<'static> {
    let style = if rate > 0.0 {
        Style::new().red().bold()
    } else {
        Style::new()
    };
    Line::from(vec![
        Span::raw(fit(name, width.saturating_sub(RATE_W))),
        Span::styled(format!("{rate:>RATE_W$.1}"), style),
    ])
}

fn head(left: &str, right: &str, width: usize) -> Line<'static> {
    Line::from(format!(
        "{}{right:>RATE_W$}",
        fit(left, width.saturating_sub(RATE_W))
    ))
    .bold()
    .underlined()
}

pub fn draw(f: &mut Frame, area: Rect, app: &App) {
    let block = Block::bordered().title(" Events, per second: retransmits, drops, resets ");
    let inner = block.inner(area);
    f.render_widget(block, area);
    let Some(r) = &app.event_rates else {
        f.render_widget(Paragraph::new("tracing…").dark_gray(), inner);
        return;
    };
    let w = inner.width as usize;
    let mut lines = Vec::new();
    if r.lost > 0 {
        lines.push(
            Line::from(format!("INCOMPLETE: {} events lost", r.lost))
                .red()
                .bold(),
        );
    }
    if r.shows(EventKind::Retrans) {
        lines.push(head("RETRANSMITTED TO", "SEGS/s", w));
        if r.peers.is_empty() {
            lines.push(Line::from("no retransmits").dark_gray());
        }
        for (peer, rate) in &r.peers {
            lines.push(rate_row(&peer.to_string(), *rate, w));
        }
    }
    if r.shows(EventKind::Drop) {
        lines.push(head("DROP REASON", "PKTS/s", w));
        if r.drops.is_empty() {
            lines.push(Line::from("no drops").dark_gray());
        }
        for (reason, rate) in &r.drops {
            lines.push(rate_row(reason, *rate, w));
        }
    }
    if r.shows(EventKind::Reset) {
        lines.push(rate_row("RST sent", r.resets_sent, w));
        lines.push(rate_row("RST received", r.resets_received, w));
    }
    f.render_widget(Paragraph::new(lines), inner);
}
