//! The socket list: the selected state's sockets in the columns `tcpstate list` prints (the
//! rows come from the list renderer itself), a screenful at a time from the scroll position.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use super::super::app::App;
use crate::render::DataFormat as Format;
use crate::render::list::{Columns, ListWriter};
use crate::sink::Sink;

/// Draw the socket list in `area`.
pub(super) fn draw(f: &mut Frame, area: Rect, app: &App) {
    let state = app.selected_state();
    let sockets = app.current_sockets();
    let page = area.height.saturating_sub(3) as usize;
    app.page.set(page.max(1));
    let title = match sockets {
        Some(s) => {
            let len = s.sockets.len();
            let from = app.scroll.min(len.saturating_sub(page));
            let kept = if (len as u64) < s.seen {
                format!(", first {len} kept")
            } else {
                String::new()
            };
            format!(
                " {} sockets: {}{kept} — rows {}-{} — Esc back ",
                state.netstat_name(),
                s.seen,
                if len == 0 { 0 } else { from + 1 },
                (from + page).min(len)
            )
        }
        None => format!(" {} sockets — Esc back ", state.netstat_name()),
    };
    let block = Block::bordered().title(title);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let Some(s) = sockets else {
        let msg = if app.paused {
            "paused: press p to list the sockets"
        } else {
            "sampling…"
        };
        f.render_widget(Paragraph::new(msg).dark_gray(), inner);
        return;
    };
    let from = app.scroll.min(s.sockets.len().saturating_sub(page));
    // The rows come from the list renderer, so the columns are the ones `tcpstate list` prints.
    let mut buf = Vec::new();
    {
        let mut lw = ListWriter::new(
            &mut buf,
            Format::Table,
            crate::render::Style::default(),
            Columns::default(),
        );
        // Writing into a Vec cannot fail.
        let _ = lw.header();
        for sock in s.sockets.iter().skip(from).take(page) {
            let _ = lw.socket(sock);
        }
        let _ = lw.close();
    }
    let text = String::from_utf8_lossy(&buf);
    let mut lines: Vec<Line> = Vec::new();
    for (i, l) in text.lines().enumerate() {
        let l = l.to_string();
        lines.push(if i == 0 {
            Line::from(l).bold().underlined()
        } else {
            Line::from(l)
        });
    }
    if s.sockets.is_empty() {
        lines.push(Line::from(format!("no {} sockets", state.netstat_name())).dark_gray());
    }
    f.render_widget(Paragraph::new(lines), inner);
}
