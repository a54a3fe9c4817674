//! `posecoach run`: live coaching. Frames are captured (or decoded), run
//! through the pose model and the session, and drawn in a window, each on
//! its own named thread:
//!
//! ```text
//! capture --Queue<Captured>--> inference --Mailbox<Display>--> window
//!                                  |  ^                          |
//!                        audio <---+  +------- Command ----------+
//! ```
//!
//! From a camera (or `--live`) the queue keeps only the newest frame and
//! counts the ones dropped; from a file every frame is processed in order,
//! paced at the file's own timestamps, so a replay is deterministic. The
//! window redraws on its own clock, whatever inference does.

mod capture;
mod coach;
mod home;
pub mod queue;
mod window;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use crossbeam_channel::{Receiver, Sender};

use capture::SourceSpec;
pub(crate) use capture::{Pacer, Pacing};
use posecoach::pose::ModelVariant;
use posecoach::source::camera::CameraRequest;
use queue::{Mailbox, WhenFull};

pub use window::WindowStats;

/// Frames waiting between capture and inference (besides the one the model
/// is on and the one capture is reading): one is enough to keep both busy,
/// and each more is a frame of memory (5 MB at 1768x994) and of latency.
const FRAME_QUEUE_LEN: usize = 1;

/// Where frames come from.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceArg {
    Camera(CameraRequest),
    /// A video file, a folder of images or a recorded session.
    Path(PathBuf),
    /// The exercises' own demonstrations, performed by the body model.
    Demo,
}

impl std::str::FromStr for SourceArg {
    type Err = String;

    /// `camera`, `camera:N`, `demo` or a path.
    fn from_str(text: &str) -> Result<SourceArg, String> {
        if text == "demo" {
            return Ok(SourceArg::Demo);
        }
        if text == "camera" {
            return Ok(SourceArg::Camera(CameraRequest::default()));
        }
        if let Some(index) = text.strip_prefix("camera:") {
            let index = index.parse().map_err(|_| {
                format!("'{text}': the camera number after 'camera:' must be 0, 1, ...")
            })?;
            return Ok(SourceArg::Camera(CameraRequest {
                index,
                ..CameraRequest::default()
            }));
        }
        Ok(SourceArg::Path(PathBuf::from(text)))
    }
}

/// A key the person pressed, for the inference thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    TogglePause,
    Next,
    Previous,
    Restart,
    ToggleMute,
    /// The pain key: stop at once.
    PainStop,
    /// A key of the pain check-in, or a digit during the session (the
    /// pain now: a rise stops the session).
    Pain(PainKey),
    /// "Show me how": play the exercise's demonstration (again).
    ShowMe,
    /// Enough of the demonstration: count in and start.
    EndDemo,
    /// The ghost of the target pose over the person, on or off.
    ToggleGhost,
    /// On a stop's advice: go on to note the pain now.
    NotePain,
    Quit,
}

/// The pain check-in's keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PainKey {
    /// 0-9 (1 then 0 is 10).
    Digit(u8),
    /// A click on a score's box: that score, confirmed.
    Clicked(u8),
    Up,
    Down,
    Confirm,
    Skip,
}

/// Pain scores given on the command line, and whether the window asks.
#[derive(Debug, Clone, Copy, Default)]
pub struct PainArgs {
    pub before: Option<u8>,
    pub after: Option<u8>,
    /// Ask in the window before and after (not for a review).
    pub ask: bool,
}

/// Shared between the threads: quit (once, for everything) and pause.
/// Threads block on its signals instead of polling the flags.
#[derive(Debug)]
pub struct Control {
    quit: AtomicBool,
    /// Dropped on quit, which wakes everyone waiting on `quit_signal`.
    quit_sender: Mutex<Option<Sender<()>>>,
    quit_signal: Receiver<()>,
    /// Files stop being read while paused.
    paused: AtomicBool,
    /// A token sent on resume, to wake a paused reader.
    resume_sender: Sender<()>,
    resumed: Receiver<()>,
}

impl Default for Control {
    fn default() -> Control {
        let (quit_sender, quit_signal) = crossbeam_channel::bounded(0);
        let (resume_sender, resumed) = crossbeam_channel::bounded(1);
        Control {
            quit: AtomicBool::new(false),
            quit_sender: Mutex::new(Some(quit_sender)),
            quit_signal,
            paused: AtomicBool::new(false),
            resume_sender,
            resumed,
        }
    }
}

impl Control {
    /// Asks every thread to end; true if that had already been asked.
    pub fn quit(&self) -> bool {
        let already = self.quit.swap(true, Ordering::SeqCst);
        self.quit_sender
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        already
    }

    pub fn quitting(&self) -> bool {
        self.quit.load(Ordering::SeqCst)
    }

    /// Ready (disconnected) once `quit` was called: for `select!`.
    pub fn quit_signal(&self) -> &Receiver<()> {
        &self.quit_signal
    }

    pub fn set_paused(&self, paused: bool) {
        self.paused.store(paused, Ordering::SeqCst);
        if !paused {
            let _full_already = self.resume_sender.try_send(());
        }
    }

    pub fn paused(&self) -> bool {
        self.paused.load(Ordering::SeqCst)
    }

    /// Blocks while paused; false if asked to quit meanwhile.
    pub fn wait_while_paused(&self) -> bool {
        while self.paused() {
            crossbeam_channel::select! {
                recv(self.resumed) -> _ => {}
                recv(self.quit_signal) -> _ => return false,
            }
        }
        !self.quitting()
    }

    /// Sleeps until `deadline`; false if asked to quit meanwhile.
    pub fn sleep_until(&self, deadline: std::time::Instant) -> bool {
        matches!(
            self.quit_signal.recv_deadline(deadline),
            Err(crossbeam_channel::RecvTimeoutError::Timeout)
        )
    }
}

#[derive(Debug, Clone)]
pub struct RunArgs {
    pub source: SourceArg,
    pub selection: super::replay::Selection,
    pub variant: ModelVariant,
    pub intra_threads: usize,
    /// Open the window (false: `--no-window`, or no display).
    pub window: bool,
    pub json: bool,
    pub mute: bool,
    pub audio_out: Option<PathBuf>,
    /// Save the session here (else in the data folder, unless `no_save`).
    pub record: Option<PathBuf>,
    pub no_save: bool,
    /// Also record the frames as JPEG (private: off by default).
    pub with_video: bool,
    pub data_dir: Option<PathBuf>,
    /// Treat a file like a camera: real time, newest frame wins.
    pub live: bool,
    /// Pace a file at this multiple of real time; 0: as fast as possible.
    /// By default real time with a window, as fast as possible without.
    pub speed: Option<f64>,
    /// Show and print frames per second, latency and drops.
    pub stats: bool,
    pub window_size: (usize, usize),
    /// `posecoach replay` in a window: a review, not a new session. Saved
    /// only to `record`, never added to the history, and with `json` only
    /// the summary is printed.
    pub review: bool,
    pub pain: PainArgs,
    /// Play each exercise's demonstration before it (in a window, not a
    /// review; the demonstration as a source too, as with a camera).
    pub show_demos: bool,
    /// The session was chosen on the home screen: its end screen goes back
    /// there.
    pub back_home: bool,
    /// Close the window as soon as the session ends (scripted runs, the
    /// benchmark) instead of leaving the end screen up until dismissed.
    pub close_at_end: bool,
}

/// Whether a window can be opened here (an X display is set).
pub fn display_available() -> bool {
    std::env::var_os("DISPLAY").is_some_and(|d| !d.is_empty())
}

/// Whether `run` starts on the home screen: no exercise or routine asked
/// for, and a source that does not bring its own plan (a camera, or the
/// demonstration).
fn wants_home(args: &RunArgs) -> bool {
    args.selection.exercise.is_none()
        && args.selection.routine.is_none()
        && matches!(args.source, SourceArg::Camera(_) | SourceArg::Demo)
}

pub fn run(args: &RunArgs) -> anyhow::Result<bool> {
    let window = args.window && display_available();
    let control = Arc::new(Control::default());
    // The session under way when the home screen starts one after another
    // (each with its own control).
    let sessions: Arc<Mutex<Option<Arc<Control>>>> = Arc::default();
    {
        let control = control.clone();
        let sessions = sessions.clone();
        // A second Ctrl-C gets the default behaviour back: nothing waits on it.
        let _ignored = ctrlc::set_handler(move || {
            if let Some(session) = sessions.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
                session.quit();
            }
            if control.quit() {
                std::process::exit(130);
            }
        });
    }
    // The sound track is written at the end: a path it cannot go to is
    // refused before the session, not after it.
    if let Some(path) = &args.audio_out {
        posecoach::files::check_replaceable(path)
            .map_err(|e| anyhow::anyhow!("--audio-out: {e}"))?;
    }
    let home = wants_home(args);
    if home && !window {
        anyhow::bail!(
            "give --exercise ID or --routine ID (without a window there is no home screen to choose on)"
        );
    }
    let display = Arc::new(Mailbox::default());
    let (commands_tx, commands_rx) = crossbeam_channel::unbounded();
    // The window opens first: on the home screen when nothing was chosen.
    let (chooser, choice) = if home {
        let data_dir = super::data::data_dir(args.data_dir.as_deref())?;
        let (tx, rx) = crossbeam_channel::bounded(1);
        let (selection, source) = (args.selection.clone(), args.source.clone());
        // The home screen, and again after each session's end screen, with
        // the history read afresh ("Done today").
        let make: home::MakeChooser = Box::new(move || {
            Ok(home::Chooser {
                home: home::Home::new(&selection, &source, &data_dir)?,
                choice: tx.clone(),
            })
        });
        (Some(make), Some(rx))
    } else {
        (None, None)
    };
    let window_thread = if window {
        Some(
            std::thread::Builder::new()
                .name("window".into())
                .spawn({
                    let control = control.clone();
                    let display = display.clone();
                    let options = window::Options {
                        size: args.window_size,
                        show_stats: args.stats,
                        close_at_end: args.close_at_end,
                    };
                    move || {
                        let shown = window::run(
                            &display,
                            &commands_tx,
                            &control,
                            options,
                            chooser.as_ref(),
                        );
                        if shown.is_err() {
                            // Nobody watches: the coach stops too.
                            control.quit();
                        }
                        shown
                    }
                })
                .context("cannot start the window thread")?,
        )
    } else {
        drop(commands_tx);
        drop(chooser);
        None
    };
    let join_window = |thread: Option<std::thread::JoinHandle<anyhow::Result<WindowStats>>>| {
        thread.map(|t| {
            t.join()
                .map_err(|_| anyhow::anyhow!("the window thread failed"))?
        })
    };
    let Some(choice) = choice else {
        // One session, as the flags say.
        let session = match start_session(args, window, &control, display, commands_rx) {
            Ok(session) => session,
            Err(e) => {
                control.quit();
                let _ignored = join_window(window_thread);
                return Err(e);
            }
        };
        if args.window && !window {
            eprintln!("note: no display (DISPLAY is not set): coaching without a window");
        }
        // The window ends when the person closes it or dismisses the end
        // screen; then the coach (which has finished, or is told to), then
        // the capture.
        let window_stats = join_window(window_thread).transpose();
        if window_stats.is_err() {
            control.quit();
        }
        let (outcome, dropped) = session.end(&control)?;
        let window_stats = window_stats?;
        if args.stats {
            print_stats(&outcome, window_stats.as_ref(), dropped);
        }
        // A stop (for pain, or a safety limit) is the session working as it
        // should: the exit status is for errors.
        return Ok(true);
    };
    // From the home screen: a session per choice, until the window is
    // closed (the chooser's sender goes with it) or the person quits.
    let mut result = Ok(());
    while let Ok(chosen) = choice.recv() {
        if control.quitting() {
            break;
        }
        let session_args = RunArgs {
            selection: chosen.selection,
            source: chosen.source,
            back_home: true,
            ..args.clone()
        };
        // Each session has its own control (its capture ends with it); a
        // quit of the app (Ctrl-C) reaches the session's too.
        let session_control = Arc::new(Control::default());
        *sessions.lock().unwrap_or_else(|e| e.into_inner()) = Some(session_control.clone());
        let session = match start_session(
            &session_args,
            window,
            &session_control,
            display.clone(),
            commands_rx.clone(),
        ) {
            Ok(session) => session,
            Err(e) => {
                result = Err(e);
                break;
            }
        };
        if let Err(e) = session.end(&session_control) {
            result = Err(e);
            break;
        }
    }
    control.quit();
    let window_stats = join_window(window_thread).transpose();
    result?;
    window_stats?;
    Ok(true)
}

/// A session under way: its capture and inference threads.
struct Session {
    capture: capture::CaptureHandle,
    inference: std::thread::JoinHandle<anyhow::Result<coach::Outcome>>,
    dropped: queue::Dropped,
}

impl Session {
    /// Waits for the coach (which has finished, or is told to), then stops
    /// the capture under `control`; the coach's outcome and the frames
    /// dropped.
    fn end(self, control: &Control) -> anyhow::Result<(coach::Outcome, u64)> {
        let outcome = self
            .inference
            .join()
            .map_err(|_| anyhow::anyhow!("the inference thread failed"));
        control.quit();
        let captured = self.capture.join();
        let outcome = outcome??;
        captured?;
        Ok((outcome, self.dropped.get()))
    }
}

/// Starts capturing and coaching (the window, if any, is already open).
fn start_session(
    args: &RunArgs,
    window: bool,
    control: &Arc<Control>,
    display: Arc<Mailbox<coach::Display>>,
    commands_rx: Receiver<Command>,
) -> anyhow::Result<Session> {
    let live = matches!(args.source, SourceArg::Camera(_)) || args.live;
    let when_full = if live {
        WhenFull::DropOldest
    } else {
        WhenFull::Wait
    };
    let (frames, frames_rx, dropped) =
        queue::queue(if live { 1 } else { FRAME_QUEUE_LEN }, when_full);
    let pacing = match (&args.source, args.speed) {
        (SourceArg::Camera(_), _) => Pacing::Camera,
        (_, Some(0.0)) => Pacing::AsFastAsPossible,
        (_, Some(speed)) => Pacing::RealTime { speed },
        // A live-like file and a watched window go at real time; nobody
        // watches without a window, so then as fast as possible.
        (_, None) if live || window => Pacing::RealTime { speed: 1.0 },
        (_, None) => Pacing::AsFastAsPossible,
    };
    let spec = match &args.source {
        SourceArg::Camera(request) => SourceSpec::Camera(*request),
        SourceArg::Path(path) => SourceSpec::Path(path.clone()),
        SourceArg::Demo => SourceSpec::Demo(args.selection.clone()),
    };
    let capture = capture::start(spec, frames, control.clone(), pacing)?;
    let info = capture.info.clone();
    let coach = match coach::Coach::new(args, &info, live, display, control.clone())
        .context("cannot start coaching")
    {
        Ok(coach) => coach,
        Err(e) => {
            // Nothing will take the frames: the capture thread ends.
            drop(frames_rx);
            control.quit();
            let _ignored = capture.join();
            return Err(e);
        }
    };
    let inference = std::thread::Builder::new()
        .name("inference".into())
        .spawn({
            let dropped = dropped.clone();
            move || coach.run(&frames_rx, &commands_rx, &dropped)
        })
        .context("cannot start the inference thread")?;
    Ok(Session {
        capture,
        inference,
        dropped,
    })
}

/// The speed figures, on stderr (stdout may carry JSON).
fn print_stats(outcome: &coach::Outcome, window: Option<&WindowStats>, dropped: u64) {
    eprintln!(
        "frames processed {}, dropped {dropped}; inference median {:.1} ms, p95 {:.1} ms",
        outcome.frames, outcome.inference_ms_p50, outcome.inference_ms_p95
    );
    if let Some(w) = window {
        eprintln!(
            "window: {} redraws in {:.1} s ({:.1} per second, slowest second {}); {} frames shown; latency from arrival to screen median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
            w.redraws,
            w.elapsed_s,
            w.redraws as f64 / w.elapsed_s.max(1e-9),
            w.min_redraws_in_a_second,
            w.frames_shown,
            w.latency_ms_p50,
            w.latency_ms_p95,
            w.latency_ms_max
        );
    }
}

/// The `p`-quantile (0-1) of `values` (sorted here); 0 when empty.
pub fn quantile(values: &mut [f64], p: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    let i = ((values.len() - 1) as f64 * p).round() as usize;
    values[i.min(values.len() - 1)]
}

/// How long the window waits for something new before taking its events
/// (keys, resizing, closing) again: 40 times a second.
pub const REDRAW_INTERVAL: Duration = Duration::from_millis(25);
