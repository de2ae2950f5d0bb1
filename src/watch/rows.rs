//! Which rows of the dashboard's state table are drawn in the lines it has: every state when
//! they fit, else those seen non-zero and the selected one; the unknown-state row only once
//! sockets of unknown state are seen.

use super::app::App;
use crate::tcp::state::TcpState;

/// The state rows worth showing when not all fit: those seen non-zero in the history, and the
/// selected one.
pub(super) fn compact_rows(app: &App) -> Vec<usize> {
    (0..app.states.len())
        .filter(|&i| i == app.selected || app.ever_nonzero(i))
        .collect()
}

/// Every row of the state table, but the unknown-state row until sockets of unknown state
/// are seen (only a FreeBSD `netstat -T` capture has them) or it is selected: a live host
/// never has any, and the line is the panels'.
pub(super) fn table_rows(app: &App) -> Vec<usize> {
    (0..app.states.len())
        .filter(|&i| app.states[i] != TcpState::Unknown || i == app.selected || app.ever_nonzero(i))
        .collect()
}

/// Which state rows to show in `room` lines: every state if they fit, else the compact rows,
/// cut around the selected one if even those do not fit.
pub(super) fn visible_rows(app: &App, room: usize) -> Vec<usize> {
    let all = table_rows(app);
    let rows: Vec<usize> = if all.len() <= room {
        all
    } else {
        compact_rows(app)
    };
    if rows.len() <= room {
        return rows;
    }
    let at = rows.iter().position(|&i| i == app.selected).unwrap_or(0);
    let start = (at + 1).saturating_sub(room.max(1));
    rows.into_iter().skip(start).take(room).collect()
}
