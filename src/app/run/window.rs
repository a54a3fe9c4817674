//! The window thread: shows the newest [`Display`] with the overlay as it
//! comes, takes the window's events at least every [`REDRAW_INTERVAL`], and
//! turns keys into commands. A picture is sent to the X server only when
//! something changed (and once a second, so an uncovered window is whole).

use crossbeam_channel::Sender;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use minifb::{Key, KeyRepeat, MouseButton, MouseMode, Window, WindowOptions};

use super::coach::Display;
use super::home::{Chooser, MakeChooser};
use super::queue::Mailbox;
use super::{Command, Control, PainKey, REDRAW_INTERVAL, quantile};
use posecoach::overlay::home::Move;
use posecoach::overlay::{self, Canvas, Layout, Stats, Status, TextRenderer, View};

/// With nothing new, the picture is sent again this often anyway.
const IDLE_REDRAW: Duration = Duration::from_secs(1);
/// After a quit, how long to wait for the coach to save and say so.
const QUIT_WAIT: Duration = Duration::from_secs(3);
/// The on-screen latency readout is the median of this many latest frames.
const STATS_RECENT_FRAMES: usize = 30;
pub const WINDOW_TITLE: &str = "posecoach";

/// How the window kept up.
#[derive(Debug, Clone, Default)]
pub struct WindowStats {
    pub redraws: u64,
    pub elapsed_s: f64,
    /// The fewest redraws in any whole second.
    pub min_redraws_in_a_second: u64,
    pub frames_shown: u64,
    pub latency_ms_p50: f64,
    pub latency_ms_p95: f64,
    pub latency_ms_max: f64,
}

fn command_for(key: Key, status: Option<&Status>) -> Option<Command> {
    if let Some(Status::ShowMe(_)) = status {
        return match key {
            Key::Enter | Key::NumPadEnter | Key::Space => Some(Command::EndDemo),
            Key::H => Some(Command::ShowMe),
            Key::Escape | Key::Q => Some(Command::Quit),
            _ => None,
        };
    }
    if let Some(Status::StopAdvice(_)) = status {
        return match key {
            Key::Enter | Key::NumPadEnter => Some(Command::NotePain),
            Key::Escape | Key::Q => Some(Command::Quit),
            _ => None,
        };
    }
    if let Some(Status::PainCheckIn { .. }) = status {
        return Some(Command::Pain(match key {
            Key::Enter | Key::NumPadEnter => PainKey::Confirm,
            Key::Escape => PainKey::Skip,
            Key::Up | Key::Right => PainKey::Up,
            Key::Down | Key::Left => PainKey::Down,
            Key::Q => return Some(Command::Quit),
            other => PainKey::Digit(digit(other)?),
        }));
    }
    if let Some(d) = digit(key) {
        return Some(Command::Pain(PainKey::Digit(d)));
    }
    Some(match key {
        Key::Space => Command::TogglePause,
        Key::N => Command::Next,
        Key::P => Command::Previous,
        Key::R => Command::Restart,
        Key::M => Command::ToggleMute,
        Key::S => Command::PainStop,
        Key::H => Command::ShowMe,
        Key::G => Command::ToggleGhost,
        Key::Escape | Key::Q => Command::Quit,
        _ => return None,
    })
}

/// What a click does where keys do: on the pain scale it chooses the score
/// under it; on the stop advice and the show-how, anywhere, it is Enter.
fn command_for_click(layout: &Layout, at: (f32, f32), status: Option<&Status>) -> Option<Command> {
    match status? {
        Status::PainCheckIn { .. } => {
            overlay::check_in::score_at(layout, (f64::from(at.0), f64::from(at.1)))
                .map(|score| Command::Pain(PainKey::Clicked(score)))
        }
        Status::StopAdvice(_) | Status::ShowMe(_) => command_for(Key::Enter, status),
        _ => None,
    }
}

/// The digit a key types, on the main row or the keypad.
fn digit(key: Key) -> Option<u8> {
    const ROW: [Key; 10] = [
        Key::Key0,
        Key::Key1,
        Key::Key2,
        Key::Key3,
        Key::Key4,
        Key::Key5,
        Key::Key6,
        Key::Key7,
        Key::Key8,
        Key::Key9,
    ];
    const PAD: [Key; 10] = [
        Key::NumPad0,
        Key::NumPad1,
        Key::NumPad2,
        Key::NumPad3,
        Key::NumPad4,
        Key::NumPad5,
        Key::NumPad6,
        Key::NumPad7,
        Key::NumPad8,
        Key::NumPad9,
    ];
    ROW.iter()
        .position(|k| *k == key)
        .or_else(|| PAD.iter().position(|k| *k == key))
        .map(|d| d as u8)
}

/// How the window is opened and ends.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub size: (usize, usize),
    pub show_stats: bool,
    /// Close as soon as the end screen is drawn (else it stays until
    /// dismissed).
    pub close_at_end: bool,
}

/// What a key does on the end screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EndKey {
    /// Enter: back to the home screen (or close, without one).
    Done,
    Quit,
}

fn end_key(key: Key) -> Option<EndKey> {
    match key {
        Key::Enter | Key::NumPadEnter => Some(EndKey::Done),
        Key::Escape | Key::Q => Some(EndKey::Quit),
        _ => None,
    }
}

pub fn run(
    display: &Mailbox<Display>,
    commands: &Sender<Command>,
    control: &Arc<Control>,
    options: Options,
    make_home: Option<&MakeChooser>,
) -> anyhow::Result<WindowStats> {
    let (width, height) = options.size;
    let show_stats = options.show_stats;
    let mut window = Window::new(
        WINDOW_TITLE,
        width,
        height,
        WindowOptions {
            resize: true,
            ..WindowOptions::default()
        },
    )
    .context("cannot open a window (is a display available? --no-window runs without one)")?;
    // We pace ourselves: redraw when a frame comes, or on the interval.
    window.set_target_fps(0);
    let mut text = TextRenderer::new()?;
    let mut canvas = Canvas::new(width, height)?;
    let mut chooser = make_home.as_ref().map(|make| make()).transpose()?;
    let mut current: Option<Display> = None;
    let mut dirty = true;
    let started = Instant::now();
    let mut stats = WindowStats::default();
    let mut latencies = Vec::new();
    let mut per_second: Vec<u64> = Vec::new();
    let mut ended_at: Option<Instant> = None;
    let mut next_redraw = Instant::now();
    let mut last_redraw = Instant::now();
    let mut quit_seen: Option<Instant> = None;
    let mut mouse_was_down = false;
    loop {
        let wait = next_redraw.saturating_duration_since(Instant::now());
        if let Some(new) = display.take(wait).filter(|_| chooser.is_none()) {
            dirty = true;
            if matches!(new.status, Status::Finished(_) | Status::Stopped(_)) && ended_at.is_none()
            {
                ended_at = Some(Instant::now());
            }
            current = Some(new);
        }
        let (w, h) = window.get_size();
        if (w, h) != (canvas.width, canvas.height) && w > 0 && h > 0 {
            canvas = Canvas::new(w, h)?;
            dirty = true;
        }
        dirty |= last_redraw.elapsed() >= IDLE_REDRAW;
        let now = if dirty {
            let live_stats = show_stats.then(|| {
                // The readout is about now: the last frames, not the session.
                let mut recent =
                    latencies[latencies.len().saturating_sub(STATS_RECENT_FRAMES)..].to_vec();
                Stats {
                    redraw_hz: per_second.iter().rev().nth(1).copied().unwrap_or(0) as f64,
                    inference_fps: current.as_ref().map_or(0.0, |d| d.inference_fps),
                    latency_ms: quantile(&mut recent, 0.5),
                    dropped_frames: current.as_ref().map_or(0, |d| d.dropped),
                }
            });
            let t0 = Instant::now();
            match &chooser {
                Some(chooser) => draw_home(&mut canvas, &mut text, chooser),
                None => draw(&mut canvas, &mut text, current.as_ref(), live_stats),
            }
            tracing::debug!("draw {:.2} ms", t0.elapsed().as_secs_f64() * 1000.0);
            let arrived = current.as_mut().and_then(|d| d.arrived.take());
            dirty = false;
            let t0 = Instant::now();
            let (width, height) = (canvas.width, canvas.height);
            window
                .update_with_buffer(canvas.window_pixels(), width, height)
                .context("cannot draw in the window")?;
            tracing::debug!("present {:.2} ms", t0.elapsed().as_secs_f64() * 1000.0);
            let now = Instant::now();
            if let Some(arrived) = arrived {
                latencies.push(now.duration_since(arrived).as_secs_f64() * 1000.0);
                stats.frames_shown += 1;
            }
            last_redraw = now;
            if ended_at.is_none() {
                stats.redraws += 1;
                let second = now.duration_since(started).as_secs() as usize;
                if per_second.len() <= second {
                    per_second.resize(second + 1, 0);
                }
                per_second[second] += 1;
            }
            now
        } else {
            // Nothing new to show: only the window's events (keys, resize,
            // close) are taken, without sending the picture again.
            window.update();
            Instant::now()
        };
        next_redraw = now + REDRAW_INTERVAL;

        let keys = window.get_keys_pressed(KeyRepeat::No);
        if !window.is_open() {
            let _ignored = commands.send(Command::Quit);
            break;
        }
        if let Some(home) = chooser.as_mut() {
            let click = new_click(&window, &mut mouse_was_down);
            let layout = Layout::new(canvas.width, canvas.height);
            match home_input(home, &layout, &keys, click) {
                HomeInput::Stay { changed } => dirty |= changed,
                HomeInput::Chosen => {
                    chooser = None;
                    current = None;
                    ended_at = None;
                    quit_seen = None;
                    dirty = true;
                }
                HomeInput::Quit => {
                    control.quit();
                    break;
                }
            }
            if control.quitting() {
                break;
            }
            continue;
        }
        let quitting = control.quitting();
        let click = new_click(&window, &mut mouse_was_down);
        if ended_at.is_some() {
            // The end screen has been drawn once; after a quit (or for a
            // scripted run) that is all. Else it stays until dismissed:
            // Enter goes back to the home screen, if there is one.
            if quitting || options.close_at_end {
                break;
            }
            let clicked = click.map(|_| EndKey::Done);
            match keys.iter().find_map(|k| end_key(*k)).or(clicked) {
                Some(EndKey::Done) => match &make_home {
                    Some(make) => {
                        chooser = Some(make()?);
                        dirty = true;
                    }
                    None => break,
                },
                Some(EndKey::Quit) => break,
                None => {}
            }
            continue;
        }
        if let Some(command) = click.and_then(|(x, y)| {
            let layout = Layout::new(canvas.width, canvas.height);
            command_for_click(&layout, (x, y), current.as_ref().map(|d| &d.status))
        }) {
            let _ignored = commands.send(command);
        }
        for key in keys {
            if let Some(command) = command_for(key, current.as_ref().map(|d| &d.status)) {
                // From the home screen, quitting a session quits the app
                // (each session has its own control).
                if command == Command::Quit && make_home.is_some() {
                    control.quit();
                }
                let _ignored = commands.send(command);
            }
        }
        // Quit (a key or Ctrl-C): the coach saves and sends the end screen;
        // if it does not come, go anyway.
        if quitting && quit_seen.get_or_insert_with(Instant::now).elapsed() >= QUIT_WAIT {
            break;
        }
    }
    // The figures are about the session: the end screen is left out.
    stats.elapsed_s = ended_at
        .unwrap_or_else(Instant::now)
        .duration_since(started)
        .as_secs_f64();
    // Whole seconds only: the last one is cut short.
    let whole = per_second.len().saturating_sub(1);
    stats.min_redraws_in_a_second = per_second[..whole].iter().copied().min().unwrap_or(0);
    stats.latency_ms_p50 = quantile(&mut latencies, 0.5);
    stats.latency_ms_p95 = quantile(&mut latencies, 0.95);
    stats.latency_ms_max = latencies.iter().copied().fold(0.0, f64::max);
    Ok(stats)
}

/// Where the left button went down since the last look (a press, not a
/// button held), in the window's pixels.
fn new_click(window: &Window, was_down: &mut bool) -> Option<(f32, f32)> {
    let down = window.get_mouse_down(MouseButton::Left);
    let click = (down && !*was_down)
        .then(|| window.get_mouse_pos(MouseMode::Discard))
        .flatten();
    *was_down = down;
    click
}

/// What a key or a click did on the home screen.
enum HomeInput {
    Stay { changed: bool },
    Chosen,
    Quit,
}

/// The home screen's keys and clicks: arrows move, Enter or a click on a
/// tile starts it, C changes the camera, Q or Esc quits.
fn home_input(
    chooser: &mut Chooser,
    layout: &Layout,
    keys: &[Key],
    click: Option<(f32, f32)>,
) -> HomeInput {
    let screen = &chooser.home.screen;
    let mut chosen = click.and_then(|(x, y)| screen.tile_at(layout, (f64::from(x), f64::from(y))));
    let mut changed = false;
    for key in keys {
        let direction = match key {
            Key::Left => Some(Move::Left),
            Key::Right => Some(Move::Right),
            Key::Up => Some(Move::Up),
            Key::Down => Some(Move::Down),
            _ => None,
        };
        if let Some(direction) = direction {
            chooser.home.screen.selected = chooser.home.screen.moved(layout, direction);
            changed = true;
            continue;
        }
        match key {
            Key::Enter | Key::NumPadEnter | Key::Space => {
                chosen = Some(chooser.home.screen.selected);
            }
            Key::C => {
                chooser.home.next_source();
                changed = true;
            }
            Key::Escape | Key::Q => return HomeInput::Quit,
            _ => {}
        }
    }
    match chosen.and_then(|i| chooser.home.choice(i)) {
        Some(choice) => {
            let _ignored = chooser.choice.send(choice);
            HomeInput::Chosen
        }
        None => HomeInput::Stay { changed },
    }
}

fn draw_home(canvas: &mut Canvas, text: &mut TextRenderer, chooser: &Chooser) {
    let view = View {
        image: None,
        image_size: (1, 1),
        mirrored: false,
        pose: None,
        session: None,
        status: Status::Home(Box::new(chooser.home.screen.clone())),
        muted: false,
        demonstration: false,
        note: None,
        stats: None,
        placement: None,
        ghost: None,
    };
    overlay::draw(canvas, text, &view);
}

fn draw(
    canvas: &mut Canvas,
    text: &mut TextRenderer,
    display: Option<&Display>,
    stats: Option<Stats>,
) {
    let Some(d) = display else {
        canvas.clear(overlay::BACKGROUND);
        return;
    };
    let view = View {
        image: d.image.as_deref(),
        image_size: d.size,
        mirrored: d.mirrored,
        pose: d.pose.as_ref(),
        session: d.feedback.as_ref(),
        status: d.status.clone(),
        muted: d.muted,
        demonstration: d.demonstration,
        note: d.note.as_deref(),
        stats,
        placement: d.placement.as_ref(),
        ghost: d.ghost.as_ref(),
    };
    overlay::draw(canvas, text, &view);
}
