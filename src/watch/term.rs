//! What `watch` needs from the process around it: standard error taken over while it runs (a
//! source's notice printed to the terminal would tear the dashboard, and one printed every
//! interval would flood a log), and the signals that must end it cleanly. CapturedLines written to
//! stderr are read by a thread; each distinct line is kept once, shown on the dashboard, and
//! printed once to the real stderr (at once in plain mode, after the terminal is restored in
//! dashboard mode). A panic hook puts the real stderr back before the message is printed. And a
//! watchdog ends the process when its terminal hangs up, which the event loop cannot see.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// At most this many distinct lines are kept (repeats are never kept twice).
const MAX_LINES: usize = 64;

#[derive(Default)]
struct CapturedLines {
    seen: Vec<String>,
    /// CapturedLines not yet taken by `take_new`.
    fresh: Vec<String>,
}

/// Standard error, taken over.
pub struct StderrCapture {
    saved: OwnedFd,
    lines: Arc<Mutex<CapturedLines>>,
    reader: Option<JoinHandle<()>>,
    forward: bool,
}

impl StderrCapture {
    /// Take over stderr. With `forward`, each new distinct line goes to the real stderr at
    /// once; without, lines wait for `finish`.
    pub fn start(forward: bool) -> io::Result<StderrCapture> {
        let saved = io::stderr().as_fd().try_clone_to_owned()?;
        let (r, w) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)?;
        let lines = Arc::new(Mutex::new(CapturedLines::default()));
        let shared = Arc::clone(&lines);
        let echo = if forward {
            Some(File::from(saved.try_clone()?))
        } else {
            None
        };
        let reader = std::thread::Builder::new()
            .name("stderr".into())
            .spawn(move || read_lines(File::from(r), &shared, echo))?;
        rustix::stdio::dup2_stderr(&w)?;
        drop(w);
        // Put the real stderr back before a panic message is printed. This hook runs first
        // when installed after the terminal's own, which restores the terminal next.
        let hook_fd = saved.try_clone()?;
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = rustix::stdio::dup2_stderr(&hook_fd);
            prev(info);
        }));
        Ok(StderrCapture {
            saved,
            lines,
            reader: Some(reader),
            forward,
        })
    }

    /// CapturedLines that arrived since the last call.
    pub fn take_new(&self) -> Vec<String> {
        match self.lines.lock() {
            Ok(mut l) => std::mem::take(&mut l.fresh),
            Err(_) => Vec::new(),
        }
    }

    /// Give stderr back and print the lines not yet printed, each once.
    pub fn finish(mut self) {
        let _ = rustix::stdio::dup2_stderr(&self.saved);
        // The pipe's last writer is gone now: the reader sees the end and stops.
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
        if !self.forward
            && let Ok(l) = self.lines.lock()
        {
            let mut err = io::stderr().lock();
            for line in &l.seen {
                let _ = writeln!(err, "{line}");
            }
        }
    }
}

fn read_lines(r: File, lines: &Mutex<CapturedLines>, mut echo: Option<File>) {
    for line in BufReader::new(r).lines() {
        let Ok(line) = line else { break };
        let Ok(mut l) = lines.lock() else { break };
        if l.seen.contains(&line) || l.seen.len() >= MAX_LINES {
            continue;
        }
        if let Some(e) = echo.as_mut() {
            let _ = writeln!(e, "{line}");
        }
        l.seen.push(line.clone());
        l.fresh.push(line);
    }
}

/// Watch the terminal from a thread and end the process once it has hung up (the window
/// closed, the ssh connection dropped, the tmux server killed). crossterm 0.29 cannot report
/// that: once its tty is gone, reads return end-of-file at once and its `event::poll` retries
/// forever, timeout or not, so the event loop never gets back to look at the SIGHUP flag and
/// the process would spin on a core. There is no terminal left to restore by then. The exit
/// code is 0 when a quit signal came, 1 otherwise.
pub fn exit_on_hangup(quit: Arc<AtomicBool>) -> io::Result<()> {
    std::thread::Builder::new()
        .name("hangup".into())
        .spawn(move || {
            loop {
                std::thread::sleep(Duration::from_millis(250));
                // A hung-up tty answers every ioctl with EIO.
                if rustix::termios::tcgetattr(io::stdout()).is_err() {
                    std::process::exit(if quit.load(Ordering::SeqCst) { 0 } else { 1 });
                }
            }
        })?;
    Ok(())
}
