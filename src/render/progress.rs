//! The bar `summary` and `list` draw on stderr while a long capture is read: the file, how many
//! bytes of how many, the rate and the time left, drawn by `indicatif` a few times a second
//! and left, full, once the file is read. Only when stderr is a terminal: never into a pipe or
//! a file, so scripts see nothing of it.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::source::capture::progress::ReadProgress;

/// A bar per capture read, one after the other.
struct TerminalBar {
    bar: Mutex<Option<ProgressBar>>,
}

impl ReadProgress for TerminalBar {
    fn start(&self, file: &str, total: u64) {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template(
            "reading {msg} {wide_bar} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.set_message(file.to_string());
        if let Ok(mut slot) = self.bar.lock() {
            *slot = Some(bar);
        }
    }

    fn advance(&self, bytes: u64) {
        if let Ok(slot) = self.bar.lock()
            && let Some(bar) = slot.as_ref()
        {
            bar.inc(bytes);
        }
    }

    fn finish(&self) {
        if let Ok(mut slot) = self.bar.lock()
            && let Some(bar) = slot.take()
        {
            bar.finish();
        }
    }
}

/// A progress bar on stderr, when stderr is a terminal.
pub fn on_stderr() -> Option<Arc<dyn ReadProgress>> {
    std::io::stderr().is_terminal().then(|| {
        Arc::new(TerminalBar {
            bar: Mutex::new(None),
        }) as Arc<dyn ReadProgress>
    })
}
