//! The live window, for real: each test starts its own Xvfb, runs
//! `posecoach run` on a real clip, talks to the window over the X protocol
//! (keys, close button, screenshots of the window's pixels as the X server
//! holds them) and checks what a person would see.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use posecoach::overlay::{self, Banner, Layout, Rgb};
use posecoach::pose::SKELETON;
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{
    self, AtomEnum, ClientMessageEvent, ConnectionExt as _, EventMask, ImageFormat, KeyPressEvent,
};
use x11rb::rust_connection::RustConnection;

const BIN: &str = env!("CARGO_BIN_EXE_posecoach");
const DEMO: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/videos/sports2d/demo.mp4"
);
const WINDOW: (usize, usize) = (1280, 720);
const WAIT: Duration = Duration::from_secs(60);

static NEXT_DISPLAY: AtomicU32 = AtomicU32::new(0);

/// A virtual X server of our own, stopped when dropped.
struct Xvfb {
    child: Child,
    display: String,
}

impl Xvfb {
    fn start() -> Xvfb {
        for _ in 0..40 {
            let n = 40
                + (std::process::id() % 40) * 5
                + NEXT_DISPLAY.fetch_add(1, Ordering::SeqCst) % 200;
            if display_in_use(n) {
                continue;
            }
            let mut child = Command::new("Xvfb")
                .args([
                    &format!(":{n}"),
                    "-screen",
                    "0",
                    "1400x900x24",
                    "-nolisten",
                    "tcp",
                    "-noreset",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("Xvfb is installed by `scripts/setup.sh --test` (make test)");
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(10) {
                if Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
                    && x11rb::connect(Some(&format!(":{n}"))).is_ok()
                {
                    return Xvfb {
                        child,
                        display: format!(":{n}"),
                    };
                }
                if child.try_wait().unwrap().is_some() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("cannot start Xvfb");
    }
}

/// Whether display `n` belongs to a running X server: its lock file names
/// a live process. (A server killed outright leaves its lock and socket
/// behind; those do not count, and the new server replaces them.)
fn display_in_use(n: u32) -> bool {
    let Ok(lock) = std::fs::read_to_string(format!("/tmp/.X{n}-lock")) else {
        return false;
    };
    match lock.trim().parse::<u32>() {
        Ok(pid) => Path::new(&format!("/proc/{pid}")).exists(),
        Err(_) => true,
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        // SIGTERM first: the server removes its lock and socket.
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline {
            if self.child.try_wait().ok().flatten().is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `posecoach run` on the X server, its stdout lines coming in as they go.
struct App {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl App {
    fn start(xvfb: &Xvfb, args: &[&str]) -> App {
        App::spawn(
            xvfb,
            "run",
            args,
            &std::env::temp_dir().join("posecoach-window-data"),
        )
    }

    /// `posecoach COMMAND ARGS` in the window, with `data_home` as
    /// $XDG_DATA_HOME (where sessions and the history go by default).
    /// `run` does not ask for pain before and after nor play the
    /// demonstration first: the tests of the session start it at once
    /// (`spawn_with` tests the check-in and the demonstration).
    fn spawn(xvfb: &Xvfb, command: &str, args: &[&str], data_home: &Path) -> App {
        let quiet: &[&str] = if command == "run" {
            &["--no-check-in", "--skip-demos"]
        } else {
            &[]
        };
        App::spawn_with(xvfb, command, &[args, quiet].concat(), data_home)
    }

    fn spawn_with(xvfb: &Xvfb, command: &str, args: &[&str], data_home: &Path) -> App {
        let mut child = Command::new(BIN)
            .arg(command)
            .args(args)
            .env("XDG_DATA_HOME", data_home)
            .args(["--size", &format!("{}x{}", WINDOW.0, WINDOW.1)])
            .env("DISPLAY", &xvfb.display)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        App {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// The real outdoor clip coached as a standing back bend, printing JSON
    /// events and recording to `record`; the history goes beside it.
    fn demo(xvfb: &Xvfb, record: &Path) -> App {
        App::start(
            xvfb,
            &[
                "--source",
                DEMO,
                "--exercise",
                "standing-back-bend",
                "--json",
                "--record",
                record.to_str().unwrap(),
                "--data-dir",
                record.parent().unwrap().to_str().unwrap(),
                "--mute",
            ],
        )
    }

    /// `posecoach run` without an exercise or routine: the home screen,
    /// once it is up. No camera here, so the demonstration is the source
    /// it offers. Nothing is saved.
    fn home(xvfb: &Xvfb, dir: &Path) -> (App, XWindow) {
        let app = App::spawn_with(
            xvfb,
            "run",
            &["--no-save", "--mute", "--json", "--no-check-in"],
            &dir.join("data"),
        );
        (app, XWindow::settled(xvfb))
    }

    /// Waits for an output line containing `needle`.
    /// Presses `keysym` until a line with `needle` is printed: under load
    /// the window can take a press and its release in one update and miss
    /// the key (for keys whose second press does no harm).
    fn press_until(&mut self, window: &XWindow, keysym: u32, needle: &str) -> String {
        self.act_until(window, |w| w.press(keysym), needle)
    }

    /// Does `act` (a key or a click the window may miss under load) again
    /// every 2 s until the app prints a line with `needle`, and returns it.
    fn act_until(&mut self, window: &XWindow, act: impl Fn(&XWindow), needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            act(window);
            if let Some(line) = self.line_within(needle, Duration::from_secs(2)) {
                return line;
            }
            assert!(
                Instant::now() < deadline,
                "no line with {needle} in {:?}",
                self.seen
            );
        }
    }

    /// Presses `keysym` until the app has ended (a key the window may miss
    /// under load, as in `press_until`).
    fn press_until_exit(&mut self, window: &XWindow, keysym: u32) {
        let deadline = Instant::now() + WAIT;
        loop {
            window.press(keysym);
            let pressed = Instant::now();
            while pressed.elapsed() < Duration::from_secs(2) {
                if self.child.try_wait().unwrap().is_some() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            assert!(Instant::now() < deadline, "still running: {:?}", self.seen);
        }
    }

    /// The first line with `needle`, if one comes within `within`.
    fn line_within(&mut self, needle: &str, within: Duration) -> Option<String> {
        let deadline = Instant::now() + within;
        loop {
            if let Some(line) = self.seen.iter().find(|l| l.contains(needle)) {
                return Some(line.clone());
            }
            match self
                .lines
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok(line) => self.seen.push(line),
                Err(_) => return None,
            }
        }
    }

    fn wait_for_line(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(line) = self.seen.iter().find(|l| l.contains(needle)) {
                return line.clone();
            }
            match self
                .lines
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok(line) => self.seen.push(line),
                Err(RecvTimeoutError::Timeout) => {
                    panic!("no line with {needle} in {:?}", self.seen)
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!(
                        "posecoach ended without a line with {needle}: {:?}",
                        self.seen
                    )
                }
            }
        }
    }

    /// Waits for the process to end by itself; its exit status and output.
    fn wait_exit(mut self, within: Duration) -> (bool, Vec<String>) {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                while let Ok(line) = self.lines.recv_timeout(Duration::from_millis(500)) {
                    self.seen.push(line);
                }
                return (status.success(), std::mem::take(&mut self.seen));
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "posecoach did not end within {within:?}; output {:?}",
                    self.seen
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for App {
    fn drop(&mut self) {
        // A failed test leaves nothing running.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The app's window on the X server, to look at and press keys in.
struct XWindow {
    conn: RustConnection,
    root: xproto::Window,
    window: xproto::Window,
}

impl XWindow {
    fn find(xvfb: &Xvfb) -> XWindow {
        let (conn, screen) = x11rb::connect(Some(&xvfb.display)).unwrap();
        let root = conn.setup().roots[screen].root;
        let deadline = Instant::now() + WAIT;
        loop {
            let children = conn.query_tree(root).unwrap().reply().unwrap().children;
            for w in children {
                let name = conn
                    .get_property(false, w, AtomEnum::WM_NAME, AtomEnum::STRING, 0, 64)
                    .unwrap()
                    .reply()
                    .map(|r| r.value)
                    .unwrap_or_default();
                if name == b"posecoach" {
                    return XWindow {
                        conn,
                        root,
                        window: w,
                    };
                }
            }
            assert!(
                Instant::now() < deadline,
                "the posecoach window never appeared"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The window, once its first pictures have been drawn (1.5 s).
    fn settled(xvfb: &Xvfb) -> XWindow {
        let window = XWindow::find(xvfb);
        std::thread::sleep(Duration::from_millis(1500));
        window
    }

    /// The first screenshot `ready` accepts, polled until `WAIT`: what
    /// the window shows next is waited for by its pixels, not a sleep.
    /// Does `act` (a key or a click the window may miss under load) again
    /// every 2 s until a screenshot is `ready`.
    fn act_until(&self, what: &str, act: impl Fn(&Self), ready: impl Fn(&Shot) -> bool) -> Shot {
        let deadline = Instant::now() + WAIT;
        loop {
            act(self);
            let acted = Instant::now();
            while acted.elapsed() < Duration::from_secs(2) {
                let shot = self.screenshot();
                if ready(&shot) {
                    return shot;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            assert!(Instant::now() < deadline, "never: {what}");
        }
    }

    fn shot_when(&self, what: &str, ready: impl Fn(&Shot) -> bool) -> Shot {
        let deadline = Instant::now() + WAIT;
        loop {
            let shot = self.screenshot();
            if ready(&shot) {
                return shot;
            }
            assert!(Instant::now() < deadline, "never: {what}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The window's pixels, as the X server has them.
    fn screenshot(&self) -> Shot {
        let geometry = self
            .conn
            .get_geometry(self.window)
            .unwrap()
            .reply()
            .unwrap();
        let (w, h) = (geometry.width, geometry.height);
        let image = self
            .conn
            .get_image(ImageFormat::Z_PIXMAP, self.window, 0, 0, w, h, !0)
            .unwrap()
            .reply()
            .unwrap();
        assert_eq!(
            image.data.len(),
            usize::from(w) * usize::from(h) * 4,
            "32-bit pixels"
        );
        Shot {
            width: usize::from(w),
            height: usize::from(h),
            // Little-endian BGRX.
            pixels: image
                .data
                .chunks_exact(4)
                .map(|p| Rgb(p[2], p[1], p[0]))
                .collect(),
        }
    }

    fn keycode(&self, keysym: u32) -> u8 {
        let setup = self.conn.setup();
        let (min, max) = (setup.min_keycode, setup.max_keycode);
        let map = self
            .conn
            .get_keyboard_mapping(min, max - min + 1)
            .unwrap()
            .reply()
            .unwrap();
        let per = usize::from(map.keysyms_per_keycode);
        let index = map
            .keysyms
            .iter()
            .position(|&k| k == keysym)
            .expect("keysym on the keyboard");
        min + (index / per) as u8
    }

    /// Presses and releases a key in the window.
    fn press(&self, keysym: u32) {
        let code = self.keycode(keysym);
        for (kind, mask) in [
            (xproto::KEY_PRESS_EVENT, EventMask::KEY_PRESS),
            (xproto::KEY_RELEASE_EVENT, EventMask::KEY_RELEASE),
        ] {
            let event = KeyPressEvent {
                response_type: kind,
                detail: code,
                sequence: 0,
                time: x11rb::CURRENT_TIME,
                root: self.root,
                event: self.window,
                child: x11rb::NONE,
                root_x: 10,
                root_y: 10,
                event_x: 10,
                event_y: 10,
                state: Default::default(),
                same_screen: true,
            };
            self.conn
                .send_event(false, self.window, mask, event)
                .unwrap();
            self.conn.flush().unwrap();
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    /// Moves the pointer to (`x`, `y`) in the window and clicks the left
    /// button there.
    fn click(&self, (x, y): (f64, f64)) {
        let (x, y) = (x as i16, y as i16);
        self.conn
            .warp_pointer(x11rb::NONE, self.window, 0, 0, 0, 0, x, y)
            .unwrap();
        self.conn.flush().unwrap();
        std::thread::sleep(Duration::from_millis(100));
        for (kind, mask) in [
            (xproto::BUTTON_PRESS_EVENT, EventMask::BUTTON_PRESS),
            (xproto::BUTTON_RELEASE_EVENT, EventMask::BUTTON_RELEASE),
        ] {
            let event = xproto::ButtonPressEvent {
                response_type: kind,
                detail: 1,
                sequence: 0,
                time: x11rb::CURRENT_TIME,
                root: self.root,
                event: self.window,
                child: x11rb::NONE,
                root_x: x,
                root_y: y,
                event_x: x,
                event_y: y,
                state: Default::default(),
                same_screen: true,
            };
            self.conn
                .send_event(false, self.window, mask, event)
                .unwrap();
            self.conn.flush().unwrap();
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    /// What a window manager does for the close button.
    fn close(&self) {
        let atom = |name: &[u8]| {
            self.conn
                .intern_atom(false, name)
                .unwrap()
                .reply()
                .unwrap()
                .atom
        };
        let (protocols, delete) = (atom(b"WM_PROTOCOLS"), atom(b"WM_DELETE_WINDOW"));
        let event = ClientMessageEvent::new(32, self.window, protocols, [delete, 0, 0, 0, 0]);
        self.conn
            .send_event(false, self.window, EventMask::NO_EVENT, event)
            .unwrap();
        self.conn.flush().unwrap();
    }
}

const XK_SPACE: u32 = 0x20;
const XK_ESCAPE: u32 = 0xff1b;
const XK_S: u32 = 0x73;
const XK_H: u32 = 0x68;
const XK_G: u32 = 0x67;
const XK_Q: u32 = 0x71;
const XK_4: u32 = 0x34;
const XK_3: u32 = 0x33;
const XK_RETURN: u32 = 0xff0d;
const XK_RIGHT: u32 = 0xff53;
const XK_DOWN: u32 = 0xff54;
const XK_UP: u32 = 0xff52;
const XK_N: u32 = 0x6e;

struct Shot {
    width: usize,
    height: usize,
    pixels: Vec<Rgb>,
}

fn close_to(a: Rgb, b: Rgb, tolerance: i32) -> bool {
    (i32::from(a.0) - i32::from(b.0)).abs() <= tolerance
        && (i32::from(a.1) - i32::from(b.1)).abs() <= tolerance
        && (i32::from(a.2) - i32::from(b.2)).abs() <= tolerance
}

impl Shot {
    fn get(&self, x: i64, y: i64) -> Option<Rgb> {
        (x >= 0 && y >= 0 && (x as usize) < self.width && (y as usize) < self.height)
            .then(|| self.pixels[y as usize * self.width + x as usize])
    }

    /// Pixels of `colour` in the rectangle.
    fn count(&self, (x0, y0, x1, y1): (f64, f64, f64, f64), colour: Rgb, tolerance: i32) -> usize {
        let mut n = 0;
        for y in (y0.max(0.0) as usize)..(y1.min(self.height as f64) as usize) {
            for x in (x0.max(0.0) as usize)..(x1.min(self.width as f64) as usize) {
                if close_to(self.pixels[y * self.width + x], colour, tolerance) {
                    n += 1;
                }
            }
        }
        n
    }

    /// The box around the skeleton drawn in `area` (its sides' colours):
    /// where the person is on screen.
    fn person_box(&self, (x0, y0, x1, y1): (f64, f64, f64, f64)) -> Option<(f64, f64, f64, f64)> {
        let mut found: Option<(f64, f64, f64, f64)> = None;
        for y in (y0.max(0.0) as usize)..(y1.min(self.height as f64) as usize) {
            for x in (x0.max(0.0) as usize)..(x1.min(self.width as f64) as usize) {
                let p = self.pixels[y * self.width + x];
                if close_to(p, overlay::LEFT_SIDE, 6) || close_to(p, overlay::RIGHT_SIDE, 6) {
                    let (x, y) = (x as f64, y as f64);
                    found = Some(found.map_or((x, y, x + 1.0, y + 1.0), |(a, b, c, d)| {
                        (a.min(x), b.min(y), c.max(x + 1.0), d.max(y + 1.0))
                    }));
                }
            }
        }
        found
    }

    /// A pixel of one of `colours` within `radius` of (`x`, `y`).
    fn near(&self, (x, y): (f64, f64), colours: &[Rgb], radius: i64) -> bool {
        (-radius..=radius).any(|dy| {
            (-radius..=radius).any(|dx| {
                self.get(x as i64 + dx, y as i64 + dy)
                    .is_some_and(|p| colours.iter().any(|&c| close_to(p, c, 50)))
            })
        })
    }

    fn save(&self, path: &Path) {
        let mut image = image::RgbImage::new(self.width as u32, self.height as u32);
        for (i, p) in self.pixels.iter().enumerate() {
            image.put_pixel(
                (i % self.width) as u32,
                (i / self.width) as u32,
                image::Rgb([p.0, p.1, p.2]),
            );
        }
        image.save(path).unwrap();
    }

    /// Also keeps the shot as `docs/screenshots/NAME.png` when
    /// `scripts/screenshots.sh` runs the tests (POSECOACH_SCREENSHOTS set to
    /// that folder): the README's pictures are what the tests see.
    fn keep(&self, name: &str) {
        if let Some(dir) = std::env::var_os("POSECOACH_SCREENSHOTS") {
            let dir = PathBuf::from(dir);
            std::fs::create_dir_all(&dir).unwrap();
            self.save(&dir.join(format!("{name}.png")));
        }
    }
}

/// The right panel of the coaching screen (counters, gauges, keys).
fn coaching_panel(layout: &Layout) -> (f64, f64, f64, f64) {
    (
        layout.panel_x,
        layout.top_bar_px,
        layout.w,
        layout.cue_band_y(),
    )
}

fn tmp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("posecoach-window-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn bone_colour(a: posecoach::pose::Landmark, b: posecoach::pose::Landmark) -> Rgb {
    let side = |l: posecoach::pose::Landmark| {
        if l.name().starts_with("left_") {
            overlay::LEFT_SIDE
        } else if l.name().starts_with("right_") {
            overlay::RIGHT_SIDE
        } else {
            overlay::MIDLINE
        }
    };
    if side(a) == side(b) {
        side(a)
    } else {
        overlay::MIDLINE
    }
}

#[test]
fn paused_window_shows_the_skeleton_on_the_person_the_counters_and_the_stop_key_then_esc_saves() {
    let xvfb = Xvfb::start();
    let dir = tmp_dir("paused");
    let record = dir.join("session.posecoach");
    let mut app = App::demo(&xvfb, &record);
    let window = XWindow::find(&xvfb);
    let layout = Layout::new(WINDOW.0, WINDOW.1);
    // The walker well in view (about 3.5 s in): a skeleton a third of the
    // picture tall.
    let (px, py, pw, ph) = layout.picture();
    window.shot_when("the walker in view", |shot| {
        shot.person_box((px, py, px + pw, py + ph))
            .is_some_and(|b| b.3 - b.1 > ph / 3.0)
    });
    window.press(XK_SPACE);
    let paused = app.wait_for_line("\"event\":\"paused\"");
    let t_ms = serde_json::from_str::<serde_json::Value>(&paused).unwrap()["t_ms"]
        .as_f64()
        .unwrap();
    let shot = window.shot_when("the paused banner", |shot| paused_shown(shot, &layout));
    shot.save(&dir.join("paused.png"));
    assert_eq!((shot.width, shot.height), WINDOW);

    // The frame on screen is the one the session paused on.
    let recording = posecoach::recording::read(&record).unwrap();
    let frame = recording
        .frames
        .iter()
        .find(|f| (f.t_ms - t_ms).abs() < 0.5)
        .unwrap_or_else(|| panic!("no recorded frame at {t_ms} ms"));
    let landmarks = frame.landmarks().expect("a person at the pause");
    let (w, h) = (recording.header.width, recording.header.height);
    let placement = layout.image_placement((w, h), false);
    // Skeleton bones seen well, away from the bars, panel and the paused banner.
    let free = |(x, y): (f64, f64)| {
        x > 10.0
            && x < layout.panel_x - 10.0
            && y > layout.top_bar_px + 10.0
            && y < layout.cue_band_y() - 10.0
    };
    let mut checked = 0;
    let mut on_bone = 0;
    let mut shifted_on_bone = 0;
    for (a, b) in SKELETON {
        let (la, lb) = (landmarks[a.index()], landmarks[b.index()]);
        if la.visibility < 0.8 || lb.visibility < 0.8 {
            continue;
        }
        let mid = placement.to_window(
            f64::from(la.x + lb.x) / 2.0 * f64::from(w),
            f64::from(la.y + lb.y) / 2.0 * f64::from(h),
        );
        if !free(mid) || !free((mid.0 + 60.0, mid.1)) {
            continue;
        }
        checked += 1;
        // A measured bone is drawn in its reading's colour (on target, off
        // it, or white for a value without a target).
        let colours = [
            bone_colour(a, b),
            overlay::GOOD,
            overlay::WARN,
            overlay::WHITE,
        ];
        on_bone += usize::from(shot.near(mid, &colours, 3));
        // 60 px off, only a side's own colour counts: the values' labels
        // (white, green, amber) are placed beside the skeleton on purpose.
        let side = bone_colour(a, b);
        shifted_on_bone +=
            usize::from(side != overlay::MIDLINE && shot.near((mid.0 + 60.0, mid.1), &[side], 3));
    }
    assert!(checked >= 4, "only {checked} bones to check at {t_ms} ms");
    // The values' labels are placed off the skeleton, so nearly every bone
    // shows: only a joint drawn over a tiny bone (a side-on face's eyes) or
    // a target wedge over one may hide it. The shifted count below keeps
    // this honest.
    assert!(
        on_bone * 100 >= checked * 85,
        "{on_bone} of {checked} bones drawn where the landmarks are"
    );
    assert!(
        shifted_on_bone * 10 <= checked * 3,
        "{shifted_on_bone} of {checked} bones also 60 px away"
    );

    // The paused banner, the repetition counter and the stop key.
    let paused_band = (0.0, layout.cue_band_y() - 20.0, layout.w, layout.h);
    assert!(
        shot.count(paused_band, Banner::Paused.colour(), 4) > 400,
        "the paused banner"
    );
    let counter = (
        layout.panel_x,
        layout.top_bar_px,
        layout.w,
        layout.top_bar_px + f64::from(layout.panel_text_px) * 6.0,
    );
    assert!(
        shot.count(counter, overlay::WHITE, 12) > 150,
        "the repetition counter's text"
    );
    let panel = coaching_panel(&layout);
    assert!(
        shot.count(panel, overlay::DANGER, 12) > 300,
        "the stop key, in red"
    );

    window.press(XK_ESCAPE);
    let (ok, lines) = app.wait_exit(Duration::from_secs(20));
    assert!(ok, "{lines:?}");
    assert!(
        lines.iter().any(|l| l.contains("\"event\":\"saved\"")),
        "{lines:?}"
    );
    assert!(
        lines.last().unwrap().starts_with("{\"exercises\""),
        "the summary comes last"
    );
    let saved = posecoach::recording::read(&record).unwrap();
    assert_eq!(saved.truncated_at_line, None);
    assert!(saved.frames.len() >= recording.frames.len());
}

/// Four seconds of the same real clip cropped to where nobody is, as MJPEG
/// in AVI (one of the formats the app must play).
fn empty_clip(dir: &Path) -> PathBuf {
    let out = dir.join("empty.avi");
    let status = Command::new("ffmpeg")
        .args([
            "-loglevel",
            "error",
            "-y",
            "-t",
            "4",
            "-i",
            DEMO,
            "-vf",
            "crop=700:450:0:544",
            "-an",
            "-c:v",
            "mjpeg",
            "-q:v",
            "5",
        ])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    out
}

#[test]
fn nobody_in_view_gets_its_banner_and_cue_and_the_end_of_the_file_ends_the_session() {
    let xvfb = Xvfb::start();
    let dir = tmp_dir("empty");
    let clip = empty_clip(&dir);
    let data = dir.join("data");
    let mut app = App::start(
        &xvfb,
        &[
            "--source",
            clip.to_str().unwrap(),
            "--exercise",
            "wall-slide",
            "--data-dir",
            data.to_str().unwrap(),
            "--mute",
        ],
    );
    let window = XWindow::settled(&xvfb);
    let shot = window.screenshot();
    shot.save(&dir.join("nobody.png"));
    shot.keep("no-person");
    let layout = Layout::new(WINDOW.0, WINDOW.1);
    let whole = (0.0, 0.0, layout.w, layout.h);
    let picture = (0.0, layout.top_bar_px, layout.panel_x, layout.cue_band_y());
    let cue_band = (0.0, layout.cue_band_y(), layout.w, layout.h);
    // The message takes the cue's place, under the picture: nothing is
    // written over the picture.
    assert!(
        shot.count(cue_band, Banner::NoPerson.colour(), 4) > 600,
        "the no-person message in the cue band"
    );
    assert!(
        shot.count(cue_band, overlay::WHITE, 30) > 300,
        "what to do, under it"
    );
    assert!(
        shot.count(picture, Banner::NoPerson.colour(), 4) < 50,
        "nothing written over the picture"
    );
    for other in [Banner::StepIn, Banner::Stopped] {
        assert!(
            shot.count(cue_band, other.colour(), 4) < 100,
            "not the {other:?} banner"
        );
    }
    assert!(
        shot.count(picture, overlay::LEFT_SIDE, 10) < 50,
        "no skeleton"
    );

    // The clip ends: the end screen, which stays until Enter, saved.
    app.wait_for_line("Session saved to");
    let end = window.shot_when("the end screen", |shot| {
        shot.count(whole, Banner::Finished.colour(), 4) > 300
    });
    end.save(&dir.join("end.png"));
    // It stays: still up after the 4 s it used to close by itself in.
    std::thread::sleep(Duration::from_secs(5));
    assert!(
        app.child.try_wait().unwrap().is_none(),
        "the end screen stays"
    );
    let still = window.screenshot();
    assert!(
        still.count(whole, Banner::Finished.colour(), 4) > 300,
        "the end screen is still up"
    );
    app.press_until_exit(&window, XK_RETURN);
    let (ok, lines) = app.wait_exit(Duration::from_secs(20));
    assert!(ok, "{lines:?}");
    let saved: Vec<_> = std::fs::read_dir(data.join("sessions")).unwrap().collect();
    assert_eq!(saved.len(), 1);
}

#[test]
fn the_stop_key_stops_at_once_with_the_advice_and_closing_the_window_ends_cleanly() {
    let xvfb = Xvfb::start();
    let dir = tmp_dir("stop");
    let record = dir.join("stopped.posecoach");
    let mut app = App::demo(&xvfb, &record);
    let window = XWindow::settled(&xvfb);
    // The first frame coached (its first cue printed), so there is a
    // session to stop and save: on a busy machine the window settles
    // before the first frame is through the model.
    app.wait_for_line("\"event\":\"cue\"");
    window.press(XK_S);
    let stopped = app.wait_for_line("\"event\":\"stopped\"");
    assert!(stopped.contains("pain"), "{stopped}");
    app.wait_for_line("\"event\":\"saved\"");
    let layout = Layout::new(WINDOW.0, WINDOW.1);
    let shot = window.shot_when("the stop banner", |shot| {
        shot.count((0.0, 0.0, layout.w, layout.h), Banner::Stopped.colour(), 4) > 600
    });
    shot.save(&dir.join("stopped.png"));
    // The advice stays up until the person closes it: still there later.
    std::thread::sleep(Duration::from_secs(5));
    assert!(
        app.child.try_wait().unwrap().is_none(),
        "the advice must stay up"
    );
    window.close();
    let (ok, lines) = app.wait_exit(Duration::from_secs(20));
    assert!(ok, "{lines:?}");
    let summary: serde_json::Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    assert!(
        summary["exercises"][0]["stops"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("pain")
    );
    // The history has the session and counts the stop as a pain stop.
    let out = Command::new(BIN)
        .args(["history", "--json", "--data-dir"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success());
    let history: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(history["sessions"], 1, "{history}");
    assert_eq!(history["stops"][0]["pain"], true, "{history}");
    let weeks = history["exercises"][0]["weeks"].as_array().unwrap();
    assert_eq!(weeks.last().unwrap()["pain_stops"], 1, "{history}");
    // The key is in the recording, so its replay stops there too.
    let saved = posecoach::recording::read(&record).unwrap();
    assert_eq!(saved.commands.len(), 1, "{:?}", saved.commands);
    let out = Command::new(BIN)
        .arg("replay")
        .arg(&record)
        .args(["--no-window", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let replayed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        replayed["exercises"][0]["stops"],
        summary["exercises"][0]["stops"]
    );
}

#[test]
fn replay_in_a_window_reviews_a_recording_and_saves_nothing() {
    let xvfb = Xvfb::start();
    let dir = tmp_dir("replay");
    let data = dir.join("data");
    let session = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/sessions/model-wall-slide.posecoach"
    );
    let mut app = App::spawn(
        &xvfb,
        "replay",
        &[session, "--json", "--speed", "4", "--mute"],
        &data,
    );
    let window = XWindow::find(&xvfb);
    // A poses-only session: the skeleton on a plain background, moving.
    let layout = Layout::new(WINDOW.0, WINDOW.1);
    let whole = (0.0, 0.0, layout.w, layout.h);
    let shot = window.shot_when("the skeleton drawn", |shot| {
        shot.count(whole, overlay::LEFT_SIDE, 10) + shot.count(whole, overlay::RIGHT_SIDE, 10) > 200
    });
    shot.save(&dir.join("replay.png"));
    // The end of the recording: the end screen, until Enter. One JSON
    // line, the summary, and nothing saved anywhere.
    app.wait_for_line("{\"exercises\"");
    window.shot_when("the end screen", |shot| {
        shot.count(whole, Banner::Finished.colour(), 4) > 300
    });
    app.press_until_exit(&window, XK_RETURN);
    let (ok, lines) = app.wait_exit(Duration::from_secs(40));
    assert!(ok, "{lines:?}");
    assert_eq!(lines.len(), 1, "only the summary with --json: {lines:?}");
    let summary: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(summary["exercises"][0]["reps"].as_array().unwrap().len(), 2);
    assert!(!data.exists(), "a review saves no session and no history");
}

#[test]
fn a_routine_coached_in_the_window_replays_to_the_identical_summary() {
    let xvfb = Xvfb::start();
    let dir = tmp_dir("routine");
    let source = common::routine_recording(&dir);
    let live = dir.join("live.posecoach");
    let ex = dir.join("ex");
    let mut app = App::spawn(
        &xvfb,
        "run",
        &[
            "--routine",
            "slide-and-bend",
            "--exercises",
            ex.to_str().unwrap(),
            "--source",
            source.to_str().unwrap(),
            "--json",
            "--speed",
            "4",
            "--mute",
            "--record",
            live.to_str().unwrap(),
        ],
        &dir.join("data"),
    );
    // The recording's N key moves the window on to the back bend, after
    // the routine's own 6 s of getting ready. At the end, Enter closes.
    let window = XWindow::find(&xvfb);
    app.wait_for_line("{\"exercises\"");
    app.press_until_exit(&window, XK_RETURN);
    let (ok, lines) = app.wait_exit(Duration::from_secs(60));
    assert!(ok, "{lines:?}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("\"event\":\"next_exercise\"")),
        "{lines:?}"
    );
    let coached: serde_json::Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    let out = Command::new(BIN)
        .arg("replay")
        .arg(&live)
        .arg("--exercises")
        .arg(&ex)
        .args(["--no-window", "--json"])
        .env_remove("DISPLAY")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let replayed: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(replayed, coached);
    let bends = coached["exercises"][1]["reps"].as_array().unwrap();
    assert!(!bends.is_empty(), "{coached}");
    assert!(
        bends
            .iter()
            .all(|r| r["t_start_s"].as_f64().unwrap() >= 15.5)
    );
}

/// The home screen's tiles as the window lays them out: the shipped
/// routines, then the shipped exercises (only how many of each matters).
fn home_layout() -> (posecoach::overlay::home::HomeScreen, Vec<String>) {
    use posecoach::overlay::home::{HomeItem, HomeScreen};
    let catalog = posecoach::exercise::catalog::Catalog::load(
        &[posecoach::exercise::catalog::default_exercises_dir()],
        &Default::default(),
    );
    let item = |routine: bool, id: &str| HomeItem {
        routine,
        id: id.to_string(),
        title: String::new(),
        advised: String::new(),
        last_done: String::new(),
        view_needed: String::new(),
        figures: vec![],
    };
    let items: Vec<HomeItem> = catalog
        .routines
        .iter()
        .map(|r| item(true, &r.id))
        .chain(catalog.exercises.iter().map(|e| item(false, &e.id)))
        .collect();
    let ids = items.iter().map(|i| i.id.clone()).collect();
    (
        HomeScreen {
            items,
            selected: 0,
            camera: String::new(),
        },
        ids,
    )
}

/// Pixels of the selection's frame colour just outside tile `index`.
fn frame_pixels(shot: &Shot, home: &posecoach::overlay::home::HomeScreen, index: usize) -> usize {
    let layout = Layout::new(WINDOW.0, WINDOW.1);
    let (x, y, w, h) = home.tile(&layout, index);
    let band = 3.0;
    let colour = posecoach::overlay::show::SHOW_ME;
    shot.count((x - band, y - band, x + w + band, y), colour, 10)
        + shot.count((x - band, y + h, x + w + band, y + h + band), colour, 10)
}

#[test]
fn the_home_screen_lists_every_routine_and_exercise_with_a_picture_and_the_keys_start_one() {
    let xvfb = Xvfb::start();
    let dir = tmp_dir("home");
    let (mut app, window) = App::home(&xvfb, &dir);
    let shot = window.screenshot();
    shot.save(&dir.join("home.png"));
    let layout = Layout::new(WINDOW.0, WINDOW.1);
    let (home, ids) = home_layout();
    assert_eq!(ids.len(), 18, "5 routines and 13 exercises: {ids:?}");
    for (i, id) in ids.iter().enumerate() {
        let (x, y, w, h) = home.tile(&layout, i);
        let tile = (x, y, x + w, y + h);
        // Each tile is there, with a picture: the figure's two sides.
        assert!(
            shot.count(tile, Rgb(36, 40, 48), 2) + shot.count(tile, Rgb(52, 60, 74), 2)
                > (w * h * 0.3) as usize,
            "tile of {id}"
        );
        for side in [overlay::LEFT_SIDE, overlay::RIGHT_SIDE] {
            assert!(
                shot.count(tile, side, 30) > 15,
                "{id}'s picture has the {side:?} side"
            );
        }
        // Routines are marked with a green stripe along the top.
        let stripe = shot.count((x, y, x + w, y + 5.0), overlay::GOOD, 10);
        assert_eq!(stripe > (w * 2.0) as usize, i < 5, "{id}'s stripe");
    }
    assert!(frame_pixels(&shot, &home, 0) > 300, "the first is chosen");

    // The keys: right three times is the prevention routine; down and up
    // again come back to it.
    let prevention = ids.iter().position(|id| id == "prevention").unwrap();
    for _ in 0..prevention {
        window.press(XK_RIGHT);
    }
    window.press(XK_DOWN);
    window.press(XK_UP);
    // Prevention chosen, the first no longer (as soon as the window has
    // taken the keys).
    let moved = window.shot_when("prevention chosen", |shot| {
        frame_pixels(shot, &home, prevention) > 300 && frame_pixels(shot, &home, 0) < 50
    });
    moved.save(&dir.join("home-chosen.png"));

    // Enter starts it: the routine's demonstrations, coached, each shown
    // first as with a camera (Enter again starts the count-in).
    let first = app.press_until(&window, XK_RETURN, "\"event\":\"hold_started\"");
    assert!(
        first.contains("\"exercise_id\":\"prone-leg-raise\""),
        "{first}"
    );
    let coaching = window.screenshot();
    coaching.save(&dir.join("home-session.png"));
    let panel = coaching_panel(&layout);
    assert!(
        coaching.count(panel, overlay::DANGER, 10) > 300,
        "the coaching panel with its stop key"
    );
    assert!(
        coaching.count(
            (0.0, 0.0, layout.panel_x, layout.cue_band_y()),
            overlay::LEFT_SIDE,
            30
        ) > 100,
        "the figure coached"
    );
    app.wait_for_line("\"event\":\"hold_target_reached\"");
    window.press(XK_Q);
    let (ok, lines) = app.wait_exit(Duration::from_secs(20));
    assert!(ok, "{lines:?}");
    let summary: serde_json::Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    assert_eq!(
        summary["exercises"][0]["id"], "prone-leg-raise",
        "{summary}"
    );
    assert_eq!(
        summary["exercises"][0]["holds"].as_array().unwrap().len(),
        1,
        "{summary}"
    );
    assert!(!dir.join("data").exists(), "--no-save keeps nothing");
}

#[test]
fn the_demonstration_plays_beside_the_camera_image_then_counts_in_and_h_plays_it_again() {
    let xvfb = Xvfb::start();
    let dir = tmp_dir("show-me");
    let mut app = App::spawn_with(
        &xvfb,
        "run",
        &[
            "--source",
            DEMO,
            "--exercise",
            "wall-slide",
            "--no-save",
            "--mute",
            "--json",
            "--no-check-in",
        ],
        &dir.join("data"),
    );
    let window = XWindow::settled(&xvfb);
    let layout = Layout::new(WINDOW.0, WINDOW.1);
    let (figure_box, camera_box) = posecoach::overlay::show::boxes(&layout);
    let rect = |(x, y, w, h): (f64, f64, f64, f64)| (x, y, x + w, y + h);
    let show_me = posecoach::overlay::show::SHOW_ME;
    let first = window.screenshot();
    first.save(&dir.join("show-me.png"));
    first.keep("show-me");
    let top_bar = (0.0, 0.0, layout.w, layout.top_bar_px);
    assert!(first.count(top_bar, show_me, 10) > 300, "How to do it: ...");
    assert!(
        first.count(rect(figure_box), Rgb(36, 40, 48), 2)
            > (figure_box.2 * figure_box.3 * 0.5) as usize,
        "the figure's box"
    );
    let figure = |shot: &Shot| {
        shot.count(rect(figure_box), overlay::LEFT_SIDE, 30)
            + shot.count(rect(figure_box), overlay::RIGHT_SIDE, 30)
    };
    assert!(figure(&first) > 500, "the figure");
    // The camera image beside it: the clip's outdoor colours, not a panel.
    let dark = first.count(rect(camera_box), overlay::PANEL, 12);
    assert!(
        dark < (camera_box.2 * camera_box.3 * 0.5) as usize,
        "the camera image fills its box ({dark} dark pixels)"
    );
    // It plays: the figure slides down the wall.
    let moved = |later: &Shot| {
        (figure_box.1 as usize..(figure_box.1 + figure_box.3) as usize)
            .flat_map(|y| {
                (figure_box.0 as usize..(figure_box.0 + figure_box.2) as usize).map(move |x| (x, y))
            })
            .filter(|&(x, y)| first.get(x as i64, y as i64) != later.get(x as i64, y as i64))
            .count()
    };
    let later = window.shot_when("the figure moves", |shot| moved(shot) > 500);
    later.save(&dir.join("show-me-later.png"));
    // Nothing is coached meanwhile.
    assert!(
        app.seen.is_empty() && app.lines.try_recv().is_err(),
        "no events yet"
    );

    // Enter: enough watching; the count-in, then coaching.
    window.press(XK_RETURN);
    // "Starting in 3" takes the cue's place, under the picture.
    let cue_band = (0.0, layout.cue_band_y(), layout.w, layout.h);
    let count_in = window.shot_when("Starting in 3", |shot| {
        shot.count(cue_band, Banner::GetReady.colour(), 4) > 600
    });
    count_in.save(&dir.join("count-in.png"));
    let panel = coaching_panel(&layout);
    let coaching = window.shot_when("coaching after the count-in", |shot| {
        shot.count(panel, overlay::DANGER, 10) > 300 && shot.count(top_bar, show_me, 10) < 50
    });
    coaching.save(&dir.join("after-count-in.png"));

    // G on a paused picture: the ghost of the target pose over the person.
    window.press(XK_SPACE);
    app.wait_for_line("\"event\":\"paused\"");
    let plain = window.shot_when("the paused banner", |shot| paused_shown(shot, &layout));
    window.press(XK_G);
    let changed = |a: &Shot, b: &Shot| {
        (layout.top_bar_px as usize..layout.cue_band_y() as usize)
            .flat_map(|y| (0..layout.panel_x as usize).map(move |x| (x, y)))
            .filter(|&(x, y)| {
                let (p, q) = (
                    a.get(x as i64, y as i64).unwrap(),
                    b.get(x as i64, y as i64).unwrap(),
                );
                !close_to(p, q, 12)
            })
            .count()
    };
    let ghost = window.shot_when("the ghost drawn", |shot| changed(&plain, shot) > 1000);
    ghost.save(&dir.join("ghost.png"));
    let ghost_px = changed(&plain, &ghost);
    window.press(XK_G);
    window.shot_when("G again hides it", |shot| {
        changed(&plain, shot) < ghost_px / 10
    });
    window.press(XK_SPACE);

    // H: the demonstration again.
    window.press(XK_H);
    let again = window.shot_when("H shows it again, with the figure", |shot| {
        shot.count(top_bar, show_me, 10) > 300 && figure(shot) > 500
    });
    again.save(&dir.join("show-me-again.png"));
    window.press(XK_Q);
    let (ok, lines) = app.wait_exit(Duration::from_secs(20));
    assert!(ok, "{lines:?}");
}

#[test]
fn the_pain_check_in_asks_before_and_after_and_the_history_keeps_both() {
    use posecoach::overlay::check_in;
    let xvfb = Xvfb::start();
    let dir = tmp_dir("check-in");
    let data = dir.join("data");
    let mut app = App::spawn_with(
        &xvfb,
        "run",
        &[
            "--source",
            DEMO,
            "--exercise",
            "standing-back-bend",
            "--data-dir",
            data.to_str().unwrap(),
            "--mute",
            "--json",
            "--skip-demos",
        ],
        &dir.join("data-home"),
    );
    let window = XWindow::settled(&xvfb);
    let layout = Layout::new(WINDOW.0, WINDOW.1);
    let centre = |score: u8| {
        let (x, y, w, h) = check_in::score_box(&layout, score);
        (x + w / 2.0, y + h * 0.2)
    };
    let asked = window.screenshot();
    asked.save(&dir.join("check-in.png"));
    // Eleven boxes, green to red, none chosen yet.
    for score in 0..=10 {
        let (x, y) = centre(score);
        let got = asked.get(x as i64, y as i64).unwrap();
        assert!(
            close_to(got, check_in::score_colour(score), 6),
            "box {score}: {got:?}"
        );
    }
    assert!(
        asked.count((0.0, 0.0, layout.w, layout.h), check_in::CHECK_IN, 4) > 300,
        "the check-in's title"
    );
    // 4: its box raised and the others dimmed (pressed again if the
    // window, busy, missed it: a 4 again is still 4).
    let (x, y) = centre(4);
    let (_, _, _, side) = check_in::score_box(&layout, 4);
    let raised = |shot: &Shot| {
        close_to(
            shot.get(x as i64, (y - side * 0.15) as i64).unwrap(),
            check_in::score_colour(4),
            6,
        )
    };
    let chosen = window.act_until("4 raised", |w| w.press(XK_4), raised);
    chosen.save(&dir.join("check-in-4.png"));
    chosen.keep("check-in");
    let (x7, y7) = centre(7);
    assert!(
        !close_to(
            chosen.get(x7 as i64, y7 as i64).unwrap(),
            check_in::score_colour(7),
            20
        ),
        "7 dimmed"
    );
    window.press(XK_RETURN);
    let before = app.wait_for_line("\"moment\":\"before\"");
    assert!(before.contains("\"score\":4"), "{before}");

    // The clip ends (7.7 s): asked again, after.
    let deadline = Instant::now() + WAIT;
    loop {
        let shot = window.screenshot();
        if shot.count((0.0, 0.0, layout.w, layout.h), check_in::CHECK_IN, 4) > 300 {
            shot.save(&dir.join("check-in-after.png"));
            break;
        }
        assert!(Instant::now() < deadline, "no check-in after the session");
        std::thread::sleep(Duration::from_millis(300));
    }
    // A click on a score gives it (clicks work where keys do).
    let after = app.act_until(&window, |w| w.click(centre(2)), "\"moment\":\"after\"");
    assert!(after.contains("\"score\":2"), "{after}");
    app.wait_for_line("{\"exercises\"");
    app.press_until_exit(&window, XK_RETURN);
    let (ok, lines) = app.wait_exit(Duration::from_secs(20));
    assert!(ok, "{lines:?}");
    let summary: serde_json::Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    assert_eq!(summary["pain"]["before"], 4, "{summary}");
    assert_eq!(summary["pain"]["after"], 2, "{summary}");
    // The history keeps both, for the week's figures.
    let out = Command::new(BIN)
        .args(["history", "--json", "--data-dir"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(out.status.success());
    let history: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let week = history["pain"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(week["sessions_rated"], 1, "{history}");
    assert_eq!(week["before_mean"], 4.0, "{history}");
    assert_eq!(week["after_mean"], 2.0, "{history}");
}

/// Whether the paused banner is up: its colour in the cue band (opaque,
/// so the picture cannot count).
fn paused_shown(shot: &Shot, layout: &Layout) -> bool {
    let band = (0.0, layout.cue_band_y(), layout.w, layout.h);
    shot.count(band, Banner::Paused.colour(), 4) > 300
}

/// Whether the home screen is up: its first tile's face fills most of it.
fn home_shown(shot: &Shot, home: &posecoach::overlay::home::HomeScreen, layout: &Layout) -> bool {
    let (x, y, w, h) = home.tile(layout, 0);
    shot.count((x, y, x + w, y + h), Rgb(52, 60, 74), 2) > (w * h * 0.3) as usize
}

#[test]
fn a_click_on_a_tile_of_the_home_screen_starts_that_exercise() {
    let xvfb = Xvfb::start();
    let dir = tmp_dir("home-click");
    let (mut app, window) = App::home(&xvfb, &dir);
    let layout = Layout::new(WINDOW.0, WINDOW.1);
    let (home, ids) = home_layout();
    let wall_slide = ids.iter().position(|id| id == "wall-slide").unwrap();
    let (x, y, w, h) = home.tile(&layout, wall_slide);
    window.act_until(
        "the home screen left",
        |win| win.click((x + w / 2.0, y + h / 2.0)),
        |shot| !home_shown(shot, &home, &layout),
    );
    // Its demonstration first (Enter starts), then coaching.
    let first = app.press_until(&window, XK_RETURN, "\"exercise_id\"");
    assert!(first.contains("\"exercise_id\":\"wall-slide\""), "{first}");
    window.press(XK_Q);
    let (ok, lines) = app.wait_exit(Duration::from_secs(20));
    assert!(ok, "{lines:?}");
    let summary: serde_json::Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    assert_eq!(summary["exercises"][0]["id"], "wall-slide", "{summary}");
}

/// A run of the sports2d clip that asks the pain after (the pain before
/// given on the command line), once its first frame is coached.
fn coached_asking_pain_after(xvfb: &Xvfb, dir: &Path) -> (App, XWindow) {
    let data = dir.join("data");
    let mut app = App::spawn_with(
        xvfb,
        "run",
        &[
            "--source",
            DEMO,
            "--exercise",
            "standing-back-bend",
            "--data-dir",
            data.to_str().unwrap(),
            "--mute",
            "--json",
            "--skip-demos",
            "--pain-before",
            "2",
        ],
        &dir.join("data-home"),
    );
    let window = XWindow::settled(xvfb);
    app.wait_for_line("\"event\":\"cue\"");
    (app, window)
}

#[test]
fn a_stop_shows_its_advice_alone_then_asks_the_pain_once() {
    use posecoach::overlay::check_in;
    let xvfb = Xvfb::start();
    let dir = tmp_dir("stop-advice");
    let (mut app, window) = coached_asking_pain_after(&xvfb, &dir);
    let layout = Layout::new(WINDOW.0, WINDOW.1);
    let whole = (0.0, 0.0, layout.w, layout.h);
    app.press_until(&window, XK_S, "\"event\":\"stopped\"");
    // The advice first, alone: the stop banner, no question, no cue under
    // it, whatever was said before the stop.
    let advice = window.shot_when("the stop's advice", |shot| {
        shot.count(whole, Banner::Stopped.colour(), 4) > 600
    });
    advice.save(&dir.join("advice.png"));
    advice.keep("stop");
    assert!(
        advice.count(whole, check_in::CHECK_IN, 4) < 50,
        "no question yet"
    );
    let cue_band = (0.0, layout.cue_band_y(), layout.w, layout.h);
    // (A cue is well over 1000 pixels of its colour; the sunlit grass of
    // the clip has a few near it.)
    assert!(
        advice.count(cue_band, overlay::CUE_TEXT, 12) < 100,
        "no cue on the stop screen"
    );
    // Nor a grade: no green "Form 100" beside a stop for pain.
    let top_bar = (0.0, 0.0, layout.w, layout.top_bar_px);
    assert!(
        advice.count(top_bar, overlay::GOOD, 10) < 20,
        "no form score on the stop screen"
    );
    // A click (as Enter would): the pain now, asked once. (Clicked where
    // the pain scale is not, so that a click again, if the window missed
    // the first, gives no score.)
    let off_the_scale = (layout.w * 0.5, layout.top_bar_px + 4.0);
    assert_eq!(check_in::score_at(&layout, off_the_scale), None);
    let asked = window.act_until(
        "the pain question",
        |w| w.click(off_the_scale),
        |shot| shot.count(whole, check_in::CHECK_IN, 4) > 300,
    );
    asked.save(&dir.join("asked.png"));
    window.press(XK_3);
    window.press(XK_RETURN);
    let after = app.wait_for_line("\"moment\":\"after\"");
    assert!(after.contains("\"score\":3"), "{after}");
    // Then the advice again, until the window is closed.
    window.shot_when("the advice again", |shot| {
        shot.count(whole, Banner::Stopped.colour(), 4) > 600
            && shot.count(whole, check_in::CHECK_IN, 4) < 50
    });
    window.press(XK_Q);
    let (ok, lines) = app.wait_exit(Duration::from_secs(20));
    assert!(ok, "{lines:?}");
    let summary: serde_json::Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    assert_eq!(summary["pain"]["before"], 2, "{summary}");
    assert_eq!(summary["pain"]["after"], 3, "{summary}");
    let asked_after = lines
        .iter()
        .filter(|l| l.contains("\"moment\":\"after\""))
        .count();
    assert_eq!(asked_after, 1, "{lines:?}");
}

#[test]
fn a_pain_score_that_stops_the_session_is_not_asked_again() {
    use posecoach::overlay::check_in;
    let xvfb = Xvfb::start();
    let dir = tmp_dir("pain-rise");
    let (mut app, window) = coached_asking_pain_after(&xvfb, &dir);
    let layout = Layout::new(WINDOW.0, WINDOW.1);
    let whole = (0.0, 0.0, layout.w, layout.h);
    // 2 before, 4 now: two points up, the session stops with the advice.
    app.press_until(&window, XK_4, "\"event\":\"stopped\"");
    let stopped = window.shot_when("the stop's advice", |shot| {
        shot.count(whole, Banner::Stopped.colour(), 4) > 600
    });
    stopped.save(&dir.join("stopped.png"));
    assert!(
        stopped.count(whole, check_in::CHECK_IN, 4) < 50,
        "the 4 just given is not asked for again"
    );
    window.press(XK_Q);
    let (ok, lines) = app.wait_exit(Duration::from_secs(20));
    assert!(ok, "{lines:?}");
    let summary: serde_json::Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    assert_eq!(summary["pain"]["after"], 4, "{summary}");
    assert_eq!(summary["stops"], serde_json::Value::Null);
    assert_eq!(
        summary["exercises"][0]["stops"][0]["cause"], "pain",
        "{summary}"
    );
}

#[test]
fn a_pain_score_typed_during_the_session_is_confirmed_on_screen() {
    use posecoach::overlay::check_in;
    let xvfb = Xvfb::start();
    let dir = tmp_dir("pain-noted");
    let (mut app, window) = coached_asking_pain_after(&xvfb, &dir);
    let layout = Layout::new(WINDOW.0, WINDOW.1);
    // The note's place: the top of the panel, beside the picture.
    let band = (
        layout.panel_x,
        layout.top_bar_px,
        layout.w,
        layout.top_bar_px + f64::from(layout.panel_text_px) * 8.0,
    );
    // 2 before, 3 now: one point up, noted, the session goes on, and the
    // advice to go gently is the note (four lines, not "Pain 3 noted").
    let during = app.press_until(&window, XK_3, "\"moment\":\"during\"");
    assert!(during.contains("\"score\":3"), "{during}");
    let noted = window.shot_when("the advice to go gently", |shot| {
        // (Four lines of advice are about 7000 pixels of the note's
        // colour; "Pain 3 noted" alone is well under 3000.)
        shot.count(band, check_in::CHECK_IN, 6) > 3000
    });
    noted.save(&dir.join("noted.png"));
    noted.keep("coaching-real-person");
    // The person's box in the picture is under no text: the note, the
    // placement card and the cue are beside and below the picture.
    let (px, py, pw, ph) = layout.picture();
    let person = noted
        .person_box((px, py, px + pw, py + ph))
        .expect("the skeleton on the person");
    assert!(
        person.2 - person.0 > 20.0 && person.3 - person.1 > 80.0,
        "{person:?}"
    );
    for (what, colour, tolerance) in [
        ("a card", overlay::CARD, 0),
        ("the note's colour", check_in::CHECK_IN, 6),
        ("cue text", overlay::CUE_TEXT, 6),
        ("a panel", overlay::PANEL, 0),
    ] {
        assert!(
            noted.count(person, colour, tolerance) < 10,
            "{what} over the person at {person:?}"
        );
    }
    // For a moment only.
    window.shot_when("the note gone", |shot| {
        shot.count(band, check_in::CHECK_IN, 6) < 20
    });
    assert!(
        !app.seen.iter().any(|l| l.contains("\"event\":\"stopped\"")),
        "{:?}",
        app.seen
    );
}

#[test]
fn the_end_screen_stays_until_a_click_then_the_home_screen_and_a_demonstration_is_never_saved() {
    let xvfb = Xvfb::start();
    let dir = tmp_dir("end-home");
    let data = dir.join("data");
    // Saving on (no --no-save): the demonstration is still not saved.
    let mut app = App::spawn_with(&xvfb, "run", &["--mute", "--json", "--no-check-in"], &data);
    let window = XWindow::settled(&xvfb);
    let layout = Layout::new(WINDOW.0, WINDOW.1);
    let whole = (0.0, 0.0, layout.w, layout.h);
    let (home, ids) = home_layout();
    let home_shown = |shot: &Shot| home_shown(shot, &home, &layout);
    window.shot_when("the home screen", home_shown).keep("home");
    let wall_slide = ids.iter().position(|id| id == "wall-slide").unwrap();
    let (x, y, w, h) = home.tile(&layout, wall_slide);
    window.act_until(
        "the home screen left",
        |win| win.click((x + w / 2.0, y + h / 2.0)),
        |shot| !home_shown(shot),
    );
    // Shown first, as with a camera; Enter, the count-in, then coaching.
    app.press_until(&window, XK_RETURN, "\"event\":\"hold_started\"");
    window
        .shot_when("coaching", |shot| {
            shot.count(coaching_panel(&layout), overlay::DANGER, 10) > 300
        })
        .keep("coaching");
    // N on the last (only) exercise ends the session: the end screen.
    app.press_until(&window, XK_N, "{\"exercises\"");
    let end = window.shot_when("the end screen", |shot| {
        shot.count(whole, Banner::Finished.colour(), 4) > 300
    });
    end.save(&dir.join("end.png"));
    end.keep("end");
    // Its exercise by name, with what was done against the plan (amber:
    // not all of it), the advice for next time; then the keys.
    let card = (0.0, layout.top_bar_px, layout.w, layout.h * 0.5);
    assert!(end.count(card, overlay::WHITE, 10) > 200, "the name");
    assert!(
        end.count(card, overlay::WARN, 10) > 200,
        "done against the plan"
    );
    assert!(
        end.count(card, overlay::GREY, 10) > 200,
        "when to do it next"
    );
    // It stays (it used to close by itself after 4 s).
    std::thread::sleep(Duration::from_secs(5));
    assert!(
        app.child.try_wait().unwrap().is_none(),
        "the end screen stays"
    );
    assert!(
        window
            .screenshot()
            .count(whole, Banner::Finished.colour(), 4)
            > 300,
        "still the end screen"
    );
    // A click (as Enter would): the home screen again. (Clicked where no
    // tile is, so that a click again, if the window missed the first,
    // starts nothing.)
    let off_the_tiles = (layout.w * 0.5, layout.top_bar_px + 4.0);
    assert_eq!(home.tile_at(&layout, off_the_tiles), None);
    window.act_until(
        "the home screen again",
        |w| w.click(off_the_tiles),
        home_shown,
    );
    app.press_until_exit(&window, XK_Q);
    let (ok, lines) = app.wait_exit(Duration::from_secs(20));
    assert!(ok, "{lines:?}");
    let summary: serde_json::Value = serde_json::from_str(
        lines
            .iter()
            .find(|l| l.starts_with("{\"exercises\""))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(summary["exercises"][0]["id"], "wall-slide", "{summary}");
    // The demonstration is not the person's progress: no session, no history.
    let sessions = data.join("posecoach").join("sessions");
    assert!(
        !sessions.exists() || std::fs::read_dir(&sessions).unwrap().next().is_none(),
        "no session saved"
    );
    let out = Command::new(BIN)
        .args(["history", "--json"])
        .env("XDG_DATA_HOME", &data)
        .output()
        .unwrap();
    assert!(out.status.success());
    let history: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(history["sessions"], 0, "{history}");
    assert_eq!(
        history["exercises"].as_array().unwrap().len(),
        0,
        "{history}"
    );
}
