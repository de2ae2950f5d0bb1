//! The live terminal dashboard of `tcpstate watch`, shaped like `bottom`: `sample` collects
//! (one pass of the shared source and filter per sample), `app` holds the state and reacts to
//! keys, `events` turns traced events into rates, `ui` draws, `term` guards the process around it (stderr, signals). This module runs
//! the loop that ties them together and makes sure the terminal is restored however the loop
//! ends — `q`, Ctrl-C, a signal, an error or a panic — and that it ends when the terminal
//! goes away.

pub mod app;
pub mod events;
mod rows;
pub mod sample;
pub mod term;
pub mod ui;

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use crossterm::event::{self, Event};
use ratatui::DefaultTerminal;

use app::App;
use sample::Probe;
use term::StderrCapture;

use crate::stop::Stop;

/// The longest the loop sleeps before it looks at the quit signals again.
const TICK: Duration = Duration::from_millis(250);
/// After a key changes what to sample, wait this long for more keys before sampling.
const SETTLE: Duration = Duration::from_millis(100);

/// Restores the terminal when dropped: on return, on `?` and while unwinding.
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

/// Run the dashboard until `q`, Ctrl-C, a quit signal, or `count` samples. The first sample is
/// taken before the terminal is touched, so that a source that cannot be opened fails with a
/// plain message.
pub fn run(probe: &mut dyn Probe, mut app: App, count: Option<u64>) -> Result<()> {
    let first = sample::take(probe, &app.request())?;
    app.on_sample(first);
    let quit =
        Stop::on_signals(crate::stop::TERMINATE_OR_HANGUP).context("installing signal handlers")?;
    term::exit_on_hangup(quit.flag()).context("starting the hangup watchdog")?;
    // Without a stderr to take over (closed), run anyway: notices then go where they go.
    let capture = StderrCapture::start(false).ok();
    let result = match ratatui::try_init() {
        Ok(mut terminal) => {
            let guard = Restore;
            let r = event_loop(&mut terminal, probe, &mut app, count, &quit, &capture);
            drop(terminal);
            drop(guard);
            r
        }
        Err(e) => {
            ratatui::restore();
            Err(anyhow::Error::new(e).context("setting up the terminal"))
        }
    };
    if let Some(c) = capture {
        c.finish();
    }
    result
}

fn event_loop(
    terminal: &mut DefaultTerminal,
    probe: &mut dyn Probe,
    app: &mut App,
    count: Option<u64>,
    quit: &Stop,
    capture: &Option<StderrCapture>,
) -> Result<()> {
    let interval = app.opts.interval;
    let mut next = Instant::now() + interval;
    let mut taken: u64 = 1;
    let mut dirty = true;
    // NO_COLOR: the dashboard keeps bold and reverse video, and drops every colour.
    let monochrome = !crate::render::colour_wanted(true);
    loop {
        if quit.raised() || app.quit {
            return Ok(());
        }
        let now = Instant::now();
        if app.resample && !app.paused {
            next = next.min(now + SETTLE);
            app.resample = false;
        }
        if !app.paused && now >= next {
            match sample::take(probe, &app.request()) {
                Ok(s) => app.on_sample(s),
                Err(e) => app.on_error(&e),
            }
            taken += 1;
            next += interval;
            if next < now {
                next = now + interval;
            }
            dirty = true;
        }
        if let Some(c) = capture
            && let Some(n) = c.take_new().pop()
        {
            app.notice = Some(n);
            dirty = true;
        }
        if dirty {
            terminal
                .draw(|f| {
                    ui::draw(f, app);
                    if monochrome {
                        without_colour(f.buffer_mut());
                    }
                })
                .context("drawing the dashboard")?;
            dirty = false;
        }
        if count.is_some_and(|c| taken >= c) {
            return Ok(());
        }
        let wait = if app.paused {
            TICK
        } else {
            next.saturating_duration_since(Instant::now()).min(TICK)
        };
        if event::poll(wait).context("reading the keyboard")? {
            match event::read().context("reading the keyboard")? {
                Event::Key(k) => {
                    app.on_key(k);
                    dirty = true;
                }
                Event::Resize(..) => dirty = true,
                _ => {}
            }
        }
    }
}

/// Resets every cell's colours, keeping its symbol and modifiers.
fn without_colour(buf: &mut ratatui::buffer::Buffer) {
    for cell in buf.content.iter_mut() {
        cell.set_fg(ratatui::style::Color::Reset);
        cell.set_bg(ratatui::style::Color::Reset);
    }
}
