//! A progress bar on standard error for long replays without a window:
//! shown only on a terminal, only once a replay has run for a while, and
//! redrawn at most a few times a second.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// A replay shorter than this shows no bar.
const SHOW_AFTER: Duration = Duration::from_secs(1);
const REDRAW_EVERY: Duration = Duration::from_millis(200);
const BAR_WIDTH: usize = 30;

#[derive(Debug)]
pub struct ProgressBar {
    enabled: bool,
    started: Instant,
    last_draw: Option<Instant>,
    drawn: bool,
}

impl Default for ProgressBar {
    /// A bar that draws only when standard error is a terminal.
    fn default() -> ProgressBar {
        ProgressBar {
            enabled: std::io::stderr().is_terminal(),
            started: Instant::now(),
            last_draw: None,
            drawn: false,
        }
    }
}

impl ProgressBar {
    /// Shows `fraction` (0-1) done and the session time reached.
    pub fn update(&mut self, fraction: Option<f64>, t_ms: f64) {
        let now = Instant::now();
        if !self.enabled
            || now.duration_since(self.started) < SHOW_AFTER
            || self
                .last_draw
                .is_some_and(|t| now.duration_since(t) < REDRAW_EVERY)
        {
            return;
        }
        self.last_draw = Some(now);
        self.drawn = true;
        let elapsed_s = now.duration_since(self.started).as_secs_f64();
        let speed = t_ms / 1000.0 / elapsed_s.max(1e-3);
        let line = match fraction {
            Some(f) => {
                let f = f.clamp(0.0, 1.0);
                let filled = (f * BAR_WIDTH as f64).round() as usize;
                let left_s = if f > 0.0 {
                    elapsed_s * (1.0 - f) / f
                } else {
                    0.0
                };
                format!(
                    "[{}{}] {:3.0}%  {:.1} s of session, {speed:.1}x real time, about {left_s:.0} s left",
                    "#".repeat(filled),
                    "-".repeat(BAR_WIDTH - filled),
                    f * 100.0,
                    t_ms / 1000.0
                )
            }
            None => format!("{:.1} s of session, {speed:.1}x real time", t_ms / 1000.0),
        };
        let mut err = std::io::stderr().lock();
        let _ignored = write!(err, "\r\x1b[2K{line}");
        let _ignored = err.flush();
    }

    /// Clears the bar.
    pub fn finish(&mut self) {
        if self.drawn {
            let mut err = std::io::stderr().lock();
            let _ignored = write!(err, "\r\x1b[2K");
            let _ignored = err.flush();
            self.drawn = false;
        }
    }
}

impl Drop for ProgressBar {
    fn drop(&mut self) {
        self.finish();
    }
}
