//! Drawing the dashboard from the `App` state: the state table with changes, rates and
//! sparklines; the groups of the selected state that moved most; listener health; traced
//! events (`--events`); kernel counters as rates; the socket list; the help. It reads, never changes, the state (but for
//! telling it how many socket rows fit). Layout gives way in a fixed order as the window
//! shrinks — zero states fold away, then the counters, then the panels — and below the
//! minimum size it says so instead of drawing.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph, Sparkline, Wrap};

mod events;
mod list;

use super::app::{App, Change, View};
use super::rows::{compact_rows, table_rows, visible_rows};
use crate::render::watch::{duration, rate, signed, signed_rate, utc_clock};
use crate::render::{Known, NetstatAddr};

/// The smallest window the dashboard draws in.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;

/// Width of one kernel counter cell: a 16-column label and a 7-column rate.
const COUNTER_CELL: u16 = 25;
/// Height of a panel with a border, a header line and three rows.
const PANEL_MIN: u16 = 6;

/// What is said when the window is below the minimum.
pub fn too_small(w: u16, h: u16) -> String {
    format!("window too small: need {MIN_WIDTH}x{MIN_HEIGHT}, have {w}x{h}")
}

/// Draw everything.
pub fn draw(f: &mut Frame, app: &App) {
    let area = f.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let p = Paragraph::new(too_small(area.width, area.height)).wrap(Wrap { trim: true });
        f.render_widget(p, area);
        return;
    }
    let [title, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_title(f, title, app);
    match app.view {
        View::Dashboard => draw_dashboard(f, body, app),
        View::Sockets => list::draw(f, body, app),
    }
    draw_footer(f, footer, app);
    if app.help {
        draw_help(f, area, app);
    }
}

fn draw_title(f: &mut Frame, area: Rect, app: &App) {
    let mut spans = vec![Span::raw(format!(
        " tcpstate watch — {} — every {}",
        app.opts.host,
        duration(app.opts.interval)
    ))];
    if let Some(s) = &app.last {
        spans.push(Span::raw(format!(
            " — {} UTC — total {}",
            utc_clock(s.wall),
            s.counts.total()
        )));
    }
    if app.paused {
        spans.push(Span::raw("  "));
        spans.push(Span::styled(
            " PAUSED ",
            Style::new().bg(Color::Yellow).fg(Color::Black).bold(),
        ));
    }
    f.render_widget(Paragraph::new(Line::from(spans)).reversed(), area);
}

fn draw_footer(f: &mut Frame, area: Rect, app: &App) {
    let line = if let Some(e) = &app.error {
        Line::from(Span::styled(
            format!(" error: {e}"),
            Style::new().red().bold(),
        ))
    } else if let Some(n) = &app.notice {
        Line::from(Span::styled(format!(" {n}"), Style::new().yellow()))
    } else {
        let keys: &[(&str, &str)] = match app.view {
            View::Dashboard => &[
                ("↑↓", "state"),
                ("Enter", "list"),
                ("g", "group"),
                ("p", "pause"),
                ("?", "help"),
                ("q", "quit"),
            ],
            View::Sockets => &[
                ("↑↓ PgUp PgDn", "scroll"),
                ("Esc", "back"),
                ("p", "pause"),
                ("?", "help"),
                ("q", "quit"),
            ],
        };
        let mut spans = Vec::new();
        for (k, what) in keys {
            spans.push(Span::styled(format!(" {k}"), Style::new().bold()));
            spans.push(Span::raw(format!(" {what} ")));
        }
        Line::from(spans)
    };
    f.render_widget(Paragraph::new(line), area);
}

fn draw_dashboard(f: &mut Frame, area: Rect, app: &App) {
    let per_line = ((area.width.saturating_sub(2)) / COUNTER_CELL).max(1);
    let conntrack_line = u16::from(app.last.as_ref().is_some_and(|s| s.conntrack.is_some()));
    let counter_lines = (super::app::WATCHED.len() as u16).div_ceil(per_line) + conntrack_line;
    let counters_h = counter_lines + 2;
    let table_h = |rows: usize| rows as u16 + 4; // border, header, total
    let all = table_rows(app).len();
    let full = table_h(all);
    // Give way in order: fold zero states, drop the counters, drop the panels.
    let room = if full + counters_h + PANEL_MIN <= area.height {
        all
    } else {
        let wanted = compact_rows(app).len();
        let fits = area.height.saturating_sub(counters_h + PANEL_MIN + 4) as usize;
        if wanted <= fits {
            wanted
        } else {
            let without_counters = area.height.saturating_sub(PANEL_MIN + 4) as usize;
            wanted.min(without_counters.max(1))
        }
    };
    let rows = visible_rows(app, room.max(1));
    let states_h = table_h(rows.len()).min(area.height);
    let left = area.height - states_h;
    let show_counters = left >= counters_h + PANEL_MIN;
    let show_panels = left >= PANEL_MIN;
    let [states, panels, counters] = Layout::vertical([
        Constraint::Length(if show_panels { states_h } else { area.height }),
        Constraint::Fill(1),
        Constraint::Length(if show_counters { counters_h } else { 0 }),
    ])
    .areas(area);
    let rows = if show_panels {
        rows
    } else {
        visible_rows(app, area.height.saturating_sub(4).max(1) as usize)
    };
    draw_states(f, states, app, &rows);
    if show_panels {
        let [groups, listeners] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(panels);
        draw_movers(f, groups, app);
        if app.opts.events {
            let [listeners, traced] =
                Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)])
                    .areas(listeners);
            draw_listeners(f, listeners, app);
            events::draw(f, traced, app);
        } else {
            draw_listeners(f, listeners, app);
        }
    }
    if show_counters {
        draw_counters(f, counters, app, per_line);
    }
}

fn delta_style(d: Option<i64>) -> Style {
    match d {
        Some(d) if d > 0 => Style::new().yellow().bold(),
        Some(d) if d < 0 => Style::new().cyan().bold(),
        _ => Style::new().dark_gray(),
    }
}

/// The count, change and rate cells of a state row (or the total).
fn change_spans(c: &Change) -> Vec<Span<'static>> {
    let delta = c.delta.map_or_else(|| "-".to_string(), signed);
    let rate = c.rate.map_or_else(|| "-".to_string(), signed_rate);
    vec![
        Span::styled(format!("{:>9}", c.count), Style::new().bold()),
        Span::styled(format!("{delta:>8}"), delta_style(c.delta)),
        Span::styled(format!("{rate:>9}"), delta_style(c.delta)),
    ]
}

/// Width of the state table's text columns: marker, state, count, change, rate, gap.
const STATE_COLS: u16 = 2 + 14 + 9 + 8 + 9 + 2;

fn draw_states(f: &mut Frame, area: Rect, app: &App, rows: &[usize]) {
    let block = Block::bordered().title(" TCP states ");
    let inner = block.inner(area);
    f.render_widget(block, area);
    if inner.height == 0 {
        return;
    }
    let spark_w = inner.width.saturating_sub(STATE_COLS);
    let cap = app.history_cap();
    // Each sparkline column covers `per` samples, at fixed boundaries so that bars do not
    // shift from one sample to the next.
    let per = cap.div_ceil(spark_w.max(1) as usize).max(1);
    let mut history_title = if per > 1 {
        format!(
            "last {} (max per {})",
            duration(app.opts.history),
            duration(app.opts.interval * per as u32)
        )
    } else {
        format!("last {}", duration(app.opts.history))
    };
    if history_title.chars().count() > spark_w as usize {
        history_title = format!("last {}", duration(app.opts.history));
    }
    let header = format!(
        "  {:<14}{:>9}{:>8}{:>9}  {history_title}",
        "STATE", "COUNT", "Δ", "/s"
    );
    let mut y = inner.y;
    let line_at = |y: u16| Rect::new(inner.x, y, inner.width, 1);
    f.render_widget(
        Paragraph::new(Line::from(header).bold().underlined()),
        line_at(y),
    );
    y += 1;
    let changes = app.rows();
    for &i in rows {
        if y >= inner.bottom().saturating_sub(1) {
            break;
        }
        let state = app.states[i];
        let selected = i == app.selected;
        let mut spans = vec![
            Span::raw(if selected { "▶ " } else { "  " }),
            Span::raw(format!("{:<14}", state.netstat_name())),
        ];
        if let Some(c) = changes.get(i) {
            spans.extend(change_spans(c));
        }
        let mut line = Line::from(spans);
        if selected {
            line = line.style(Style::new().add_modifier(Modifier::REVERSED));
        }
        f.render_widget(Paragraph::new(line), line_at(y));
        if spark_w > 0 {
            let (first, h) = app.history(i);
            let data = buckets(first, h, per, spark_w as usize);
            let spark = Sparkline::default()
                .data(data)
                .style(Style::new().fg(if selected { Color::Green } else { Color::Blue }));
            f.render_widget(spark, Rect::new(inner.x + STATE_COLS, y, spark_w, 1));
        }
        y += 1;
    }
    if let Some(t) = app.total()
        && y < inner.bottom()
    {
        let mut spans = vec![Span::raw(format!("  {:<14}", "TOTAL")).bold()];
        spans.extend(change_spans(&t));
        f.render_widget(Paragraph::new(Line::from(spans)), line_at(y));
    }
}

/// Fold a history (its first point is sample number `first`) into at most `width` columns of
/// `per` samples each, the largest count of each, aligned to sample numbers; the newest
/// column sits at the right edge and columns with no sample yet are absent.
fn buckets(
    first: u64,
    h: &std::collections::VecDeque<u64>,
    per: usize,
    width: usize,
) -> Vec<Option<u64>> {
    let per = per as u64;
    let mut cols: Vec<(u64, u64)> = Vec::new();
    for (i, &n) in h.iter().enumerate() {
        let b = (first + i as u64) / per;
        match cols.last_mut() {
            Some((last, m)) if *last == b => *m = (*m).max(n),
            _ => cols.push((b, n)),
        }
    }
    let shown = cols.len().min(width);
    let mut out = vec![None; width - shown];
    out.extend(cols[cols.len() - shown..].iter().map(|&(_, m)| Some(m)));
    out
}

/// Cut or pad `s` to exactly `w` columns.
fn fit(s: &str, w: usize) -> String {
    let n = s.chars().count();
    if n <= w {
        format!("{s:<w$}")
    } else if w == 0 {
        String::new()
    } else {
        let mut t: String = s.chars().take(w - 1).collect();
        t.push('…');
        t
    }
}

fn draw_movers(f: &mut Frame, area: Rect, app: &App) {
    let state = app.selected_state();
    let title = format!(
        " {} by {} — moved most (g) ",
        state.netstat_name(),
        app.by.key_name().replace('_', "-")
    );
    let block = Block::bordered().title(title);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let Some(g) = app.current_groups() else {
        let msg = if app.paused {
            "paused: press p to sample"
        } else {
            "sampling…"
        };
        f.render_widget(Paragraph::new(msg).dark_gray(), inner);
        return;
    };
    if g.groups.is_empty() && app.movers.is_empty() {
        let msg = format!("no {} sockets", state.netstat_name());
        f.render_widget(Paragraph::new(msg).dark_gray(), inner);
        return;
    }
    let key_w = (inner.width as usize).saturating_sub(9 + 8);
    let mut lines = vec![
        Line::from(format!(
            "{}{:>9}{:>8}",
            fit(crate::render::group_heading(app.by), key_w),
            "COUNT",
            "Δ"
        ))
        .bold()
        .underlined(),
    ];
    for m in app
        .movers
        .iter()
        .take(inner.height.saturating_sub(1) as usize)
    {
        let delta = m.delta.map_or_else(|| "-".to_string(), signed);
        lines.push(Line::from(vec![
            Span::raw(fit(&m.key.to_string(), key_w)),
            Span::raw(format!("{:>9}", m.count)),
            Span::styled(format!("{delta:>8}"), delta_style(m.delta)),
        ]));
    }
    f.render_widget(Paragraph::new(lines), inner);
}

fn draw_listeners(f: &mut Frame, area: Rect, app: &App) {
    let listeners = app
        .last
        .as_ref()
        .map(|s| s.listeners.as_slice())
        .unwrap_or(&[]);
    let title = format!(
        " Listeners ({}): accept queue/backlog, drops/s, worst first ",
        listeners.len()
    );
    let block = Block::bordered().title(title);
    let inner = block.inner(area);
    f.render_widget(block, area);
    if listeners.is_empty() {
        f.render_widget(Paragraph::new("no LISTEN sockets").dark_gray(), inner);
        return;
    }
    let (qb_head, qb_w) = if inner.width < 40 {
        ("Q/BKLOG", 10)
    } else {
        ("QUEUE/BACKLOG", 14)
    };
    const DROPS_W: usize = 9;
    let addr_w = (inner.width as usize).saturating_sub(qb_w + 6 + DROPS_W);
    let mut lines = vec![
        Line::from(format!(
            "{}{qb_head:>qb_w$}{:>6}{:>DROPS_W$}",
            fit("LOCAL ADDRESS", addr_w),
            "FILL",
            "DROPS/s"
        ))
        .bold()
        .underlined(),
    ];
    for (i, l) in listeners
        .iter()
        .enumerate()
        .take(inner.height.saturating_sub(1) as usize)
    {
        // Drops per second since the previous sample; `-` before it or when the source does
        // not carry them (/proc, captures).
        let rate = app.listener_drop_rates.get(i).copied().flatten();
        let drops = Span::styled(
            format!(
                "{:>DROPS_W$}",
                rate.map_or_else(|| "-".to_string(), |r| format!("{r:.1}"))
            ),
            if rate.is_some_and(|r| r > 0.0) {
                Style::new().red().bold()
            } else {
                Style::new()
            },
        );
        let addr = NetstatAddr {
            e: &l.local,
            wildcard_port: true,
        }
        .to_string();
        let fill = l.fill();
        let style = match fill {
            Some(f) if f >= 0.8 => Style::new().red().bold(),
            Some(f) if f > 0.0 => Style::new().yellow(),
            _ => Style::new(),
        };
        lines.push(Line::from(vec![
            Span::raw(fit(&addr, addr_w)),
            Span::styled(
                format!(
                    "{:>qb_w$}",
                    format!("{}/{}", Known(l.queued), Known(l.backlog))
                ),
                style,
            ),
            Span::styled(
                match fill {
                    Some(f) => format!("{:>5.0}%", f * 100.0),
                    // The source does not carry the backlog (/proc): no fill to show.
                    None => format!("{:>6}", "?"),
                },
                style,
            ),
            drops,
        ]));
    }
    f.render_widget(Paragraph::new(lines), inner);
}

fn draw_counters(f: &mut Frame, area: Rect, app: &App, per_line: u16) {
    let block = Block::bordered().title(" Kernel counters, per second ");
    let inner = block.inner(area);
    f.render_widget(block, area);
    if app.counter_rates.is_empty() {
        let msg = if app.last.is_some() {
            "kernel counters are not available from this source"
        } else {
            "sampling…"
        };
        f.render_widget(Paragraph::new(msg).dark_gray(), inner);
        return;
    }
    let mut lines = Vec::new();
    if let Some(c) = app.last.as_ref().and_then(|s| s.conntrack.as_ref()) {
        lines.push(conntrack_line(c));
    }
    for chunk in app.counter_rates.chunks(per_line as usize) {
        let mut spans = Vec::new();
        for c in chunk {
            let text = c.rate.map_or_else(|| "-".to_string(), rate);
            let hot = c.rate.is_some_and(|r| r > 0.0);
            let style = match (hot, c.watched.alarm) {
                (true, true) => Style::new().red().bold(),
                (true, false) => Style::new().bold(),
                _ => Style::new().dark_gray(),
            };
            spans.push(Span::raw(format!("{:<16} ", c.watched.label)));
            spans.push(Span::styled(format!("{text:>7} "), style));
        }
        lines.push(Line::from(spans));
    }
    f.render_widget(Paragraph::new(lines), inner);
}

/// The conntrack table's fill and its TCP state mix on one line, the fill coloured by how
/// close it is to nf_conntrack_max.
fn conntrack_line(c: &crate::source::conntrack::CtCensus) -> Line<'static> {
    let fill = c.table.fill();
    let style = match fill {
        Some(f) if f >= 0.95 => Style::new().red().bold(),
        Some(f) if f >= 0.8 => Style::new().yellow().bold(),
        _ => Style::new().bold(),
    };
    let mut spans = vec![
        Span::raw("conntrack "),
        Span::styled(crate::render::conntrack::table_line(&c.table), style),
    ];
    let mut states: Vec<_> = c.counts.all().filter(|&(_, n)| n > 0).collect();
    states.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
    for (s, n) in states {
        spans.push(Span::raw(format!(" · {s} {n}")));
    }
    Line::from(spans)
}

fn draw_help(f: &mut Frame, area: Rect, app: &App) {
    let w = area.width.min(76);
    let h = area.height.min(20);
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    let k = |key: &str, what: &str| {
        Line::from(vec![
            Span::styled(format!("{key:<14}"), Style::new().bold()),
            Span::raw(what.to_string()),
        ])
    };
    let lines = vec![
        k("↑ ↓  k j", "select a state"),
        k("Enter", "list the selected state's sockets (Esc back)"),
        k("g  G", "next / previous grouping of the selected state"),
        k("p  space", "pause / resume sampling"),
        k("?", "this help (any key closes it)"),
        k("q  Ctrl-C", "quit"),
        Line::raw(""),
        Line::raw(format!(
            "Δ is the change since the previous sample, /s that change per second. \
             Sparklines cover the last {}.",
            duration(app.opts.history)
        )),
        Line::raw(
            "Listeners: QUEUE is the accept queue (connections waiting for accept()), \
             BACKLOG its limit (net.core.somaxconn caps it); a full queue drops SYNs \
             (ListenOverflows). DROPS/s: requests this listener dropped per second (its \
             sk_drops: overflows and every other drop on it).",
        ),
        Line::raw(
            "Moved most: the groups of the selected state whose count changed most since \
             the previous sample.",
        ),
    ];
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::bordered()
                .title(" Help — any key closes ")
                .padding(Padding::horizontal(1)),
        ),
        r,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    #[test]
    fn buckets_are_aligned_and_right_edged() {
        let h: VecDeque<u64> = [1, 5, 2, 7, 3].into_iter().collect();
        // Samples 0..5 in columns of 2: {1,5} {2,7} {3}.
        assert_eq!(buckets(0, &h, 2, 4), vec![None, Some(5), Some(7), Some(3)]);
        // Narrower than the history: the newest columns.
        assert_eq!(buckets(0, &h, 2, 2), vec![Some(7), Some(3)]);
        // Starting at sample 1: {1} {5,2} {7,3}.
        assert_eq!(buckets(1, &h, 2, 3), vec![Some(1), Some(5), Some(7)]);
    }

    #[test]
    fn fit_cuts_with_an_ellipsis() {
        assert_eq!(fit("abc", 5), "abc  ");
        assert_eq!(fit("abcdef", 4), "abc…");
    }
}
