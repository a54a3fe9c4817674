//! The overlay: what the coach shows, drawn into a pixel buffer.
//!
//! Pure: [`draw`] turns a [`View`] (camera image, pose, session feedback,
//! status) into pixels. The window (`posecoach run`, in the binary) only puts the
//! buffer on screen, so tests check the same pixels without a display.
//!
//! Layout, in fractions of the window so it scales: a top bar (exercise,
//! position in the routine, form score), a panel on the right (repetitions,
//! set, sides, hold ring, measurements against their targets, keys), the
//! cue across the bottom in large text, and banners in the middle.

pub mod canvas;
pub mod check_in;
pub mod end;
pub mod figure;
pub mod home;
mod labels;
pub mod show;
pub mod text;

use image::RgbImage;

use crate::exercise::engine::placement::Placement;
use crate::exercise::engine::{PoseFrame, Reading};
use crate::exercise::model::{Shown, Side};
use crate::geometry::Point;
use crate::pose::{Landmark, NUM_LANDMARKS, SKELETON};
use crate::session::{PainMoment, SessionFeedback};
pub use canvas::{Canvas, ImagePlacement, Rgb};
use labels::{LabelBox, LabelPlacer};
pub use text::TextRenderer;

/// The cue's letters are this fraction of the window height (font size; the
/// capitals are about 0.73 of it, so over 5% of the window: readable from 3 m).
pub const CUE_TEXT_FRACTION: f64 = 0.075;
const TITLE_TEXT_FRACTION: f64 = 0.042;
const PANEL_TEXT_FRACTION: f64 = 0.040;
const SMALL_TEXT_FRACTION: f64 = 0.025;
const BANNER_TEXT_FRACTION: f64 = 0.085;
const TOP_BAR_FRACTION: f64 = 0.085;
/// The right panel's width, as a fraction of the window width.
const PANEL_WIDTH_FRACTION: f64 = 0.25;
/// Landmarks seen less well than this are drawn faintest.
const FADE_FROM_VISIBILITY: f32 = 0.2;
const FADE_TO_VISIBILITY: f32 = 0.8;
const FAINTEST_ALPHA: f32 = 0.15;

pub const BACKGROUND: Rgb = Rgb(24, 26, 30);
pub const PANEL: Rgb = Rgb(12, 14, 18);
/// A card or dialog on the panel or over a frozen picture.
pub const CARD: Rgb = Rgb(34, 37, 44);
pub const WHITE: Rgb = Rgb(245, 245, 245);
pub const GREY: Rgb = Rgb(150, 155, 165);
/// In form / on target.
pub const GOOD: Rgb = Rgb(60, 220, 120);
/// Out of form: a correction is due.
pub const WARN: Rgb = Rgb(255, 176, 32);
pub const DANGER: Rgb = Rgb(230, 50, 50);
/// The person's left side (whichever way the image is mirrored).
pub const LEFT_SIDE: Rgb = Rgb(255, 140, 40);
/// The person's right side.
pub const RIGHT_SIDE: Rgb = Rgb(40, 190, 255);
pub const MIDLINE: Rgb = Rgb(235, 235, 235);
pub const CUE_TEXT: Rgb = Rgb(255, 236, 120);

/// The guide's advice, shown (and spoken) when the person stops for pain.
pub const PAIN_ADVICE: [&str; 2] = [
    "Stop rather than push through pain.",
    "If the pain persists, see a doctor or physiotherapist.",
];
/// The keys, as the window explains them.
pub const KEYS_HELP: [&str; 3] = [
    "Space pause  M mute  Q quit",
    "N/P exercise  R restart",
    "H show me how  G ghost",
];
pub const STOP_KEY_HELP: &str = "S = STOP (pain)";

/// A rectangle in the window: x, y, width, height in pixels.
pub type Rect = (f64, f64, f64, f64);

/// What the session is doing, beyond the exercise's own feedback.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    Running,
    Paused,
    /// Stopped (for pain, or by a safety limit): the reason.
    Stopped(String),
    /// The same, shown first and alone, before the pain is asked.
    StopAdvice(String),
    /// Every exercise done (or the input ended): the end screen.
    Finished(Box<end::EndScreen>),
    /// Asking the person's pain, 0-10, with the score chosen so far.
    PainCheckIn {
        moment: PainMoment,
        selected: Option<u8>,
    },
    /// "Show me how": the exercise's demonstration playing.
    ShowMe(Box<show::Demonstration>),
    /// After the demonstration, the seconds left before counting starts.
    CountIn(u32),
    /// Choosing what to do.
    Home(Box<home::HomeScreen>),
}

/// The optional readout of how fast the app runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    pub redraw_hz: f64,
    pub inference_fps: f64,
    pub latency_ms: f64,
    pub dropped_frames: u64,
}

/// Everything one drawn frame shows.
#[derive(Debug, Clone)]
pub struct View<'a> {
    /// The camera image; None for a poses-only recording.
    pub image: Option<&'a RgbImage>,
    /// The size of the image the pose was found on.
    pub image_size: (u32, u32),
    /// Mirror the picture (front-view exercises, like a mirror).
    pub mirrored: bool,
    pub pose: Option<&'a PoseFrame>,
    pub session: Option<&'a SessionFeedback>,
    pub status: Status,
    pub muted: bool,
    /// The body model's demonstration is coached: nothing is saved.
    pub demonstration: bool,
    /// A key just taken, confirmed for a moment ("Pain 4 noted").
    pub note: Option<&'a str>,
    pub stats: Option<Stats>,
    /// How the camera sees the person, when the indicator is to be shown.
    pub placement: Option<&'a Placement>,
    /// The target pose over the person, in the picture's pixels.
    pub ghost: Option<&'a PoseFrame>,
}

/// Under a stop's advice, before the pain is asked.
pub const NOTE_PAIN: &str = "Press Enter or click to note your pain now, or Q to close.";

/// Said in the top bar while the demonstration is coached.
pub const DEMONSTRATION_LABEL: &str = "Demonstration: not saved";

/// Draws `view` over the whole canvas.
pub fn draw(canvas: &mut Canvas, text: &mut TextRenderer, view: &View<'_>) {
    let (w, h) = (canvas.width, canvas.height);
    let layout = Layout::new(w, h);
    match &view.status {
        Status::Home(home) => return home::draw(canvas, text, &layout, home),
        Status::ShowMe(demo) => {
            return show::draw(canvas, text, &layout, demo, view);
        }
        Status::Finished(end) => return end::draw(canvas, text, &layout, end),
        _ => {}
    }
    let placement = layout.image_placement(view.image_size, view.mirrored);
    canvas.clear(BACKGROUND);
    if let Some(image) = view.image {
        canvas.draw_image(image, &placement);
    }
    if let Some(ghost) = view.ghost {
        figure::draw_ghost(canvas, ghost, |x, y| placement.to_window(x, y));
    }
    // Stopped or finished, the picture freezes and nothing live is drawn
    // over it: the advice (or the summary) is shown alone.
    let banner = banner_for(view);
    let live = !banner.as_ref().is_some_and(|(kind, _)| kind.is_dialog());
    if let Some(pose) = view.pose.filter(|_| live) {
        let (x, y, w, h) = layout.picture();
        let picture = LabelBox { x, y, w, h };
        let mut labels = draw_skeleton(canvas, text, pose, &placement, picture);
        if let Some(session) = view.session {
            for reading in &session.feedback.readings {
                draw_reading(canvas, text, &mut labels, reading, &placement);
            }
        }
    }
    // The frame around the picture is opaque: what is drawn on the person
    // never runs under the text, and no text is ever over the picture
    // (only a dialog, over a frozen picture).
    draw_top_bar(canvas, text, &layout, view);
    let mut cards = Vec::new();
    if live {
        // The placement indicator, unless a message already says what to do.
        if let Some(placement) = view.placement
            && banner
                .as_ref()
                .is_none_or(|(kind, _)| *kind == Banner::GetReady)
        {
            let colour = if placement.is_good() { GOOD } else { WARN };
            cards.push((placement.message(), colour));
        }
        // A key's confirmation.
        if let Some(note) = view.note {
            cards.push((note.to_string(), check_in::CHECK_IN));
        }
    }
    draw_panel(canvas, text, &layout, view.session, &cards);
    let banner = banner.as_ref().map(|(kind, title)| (*kind, title.as_str()));
    draw_cue_band(canvas, text, &layout, view, banner);
    draw_dialog(canvas, text, &layout, view, banner);
}

/// The most lines a panel card shows (the advice on a rise of pain takes
/// four at 1280x720).
const CARD_LINES: usize = 4;

/// A short message on a card at the top of the panel, with a stripe and
/// the text in `colour`; returns the card's height.
fn panel_card(
    canvas: &mut Canvas,
    text: &mut TextRenderer,
    l: &Layout,
    (x, y, width): (f64, f64, f64),
    message: &str,
    colour: Rgb,
) -> f64 {
    let size = l.panel_text_px;
    let pad = l.h * 0.012;
    let lines = text.wrap(message, size, width - 3.0 * pad);
    let line_h = f64::from(size) * 1.25;
    let h = line_h * lines.len().min(CARD_LINES) as f64 + pad * 1.5;
    canvas.fill_rect((x as i64, y as i64, width as i64, h as i64), CARD, 1.0);
    canvas.fill_rect((x as i64, y as i64, 8, h as i64), colour, 1.0);
    let mut baseline = y + pad * 0.5 + f64::from(size);
    for line in lines.iter().take(CARD_LINES) {
        text.draw(canvas, (x + 2.0 * pad, baseline), line, size, colour);
        baseline += line_h;
    }
    h
}

/// Sizes derived from the window: where the bars and panels are.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    pub w: f64,
    pub h: f64,
    /// The top bar spans the window's width down to here.
    pub top_bar_px: f64,
    /// The right panel starts here (down to the cue band).
    pub panel_x: f64,
    /// Cue letters' size.
    pub cue_px: u32,
    pub title_px: u32,
    pub panel_text_px: u32,
    pub small_px: u32,
    pub banner_px: u32,
}

impl Layout {
    pub fn new(w: usize, h: usize) -> Layout {
        let (w, h) = (w as f64, h as f64);
        let size = |fraction: f64| ((h * fraction).round() as u32).max(8);
        Layout {
            w,
            h,
            top_bar_px: (h * TOP_BAR_FRACTION).round(),
            panel_x: (w * (1.0 - PANEL_WIDTH_FRACTION)).round(),
            cue_px: size(CUE_TEXT_FRACTION),
            title_px: size(TITLE_TEXT_FRACTION),
            panel_text_px: size(PANEL_TEXT_FRACTION),
            small_px: size(SMALL_TEXT_FRACTION),
            banner_px: size(BANNER_TEXT_FRACTION),
        }
    }

    /// Where the cue band starts (it holds two lines of cue text).
    pub fn cue_band_y(&self) -> f64 {
        self.h - f64::from(self.cue_px) * 2.6
    }

    /// The picture's rectangle: between the top bar, the panel and the cue
    /// band. The camera image is shown whole inside it, and no text is.
    pub fn picture(&self) -> Rect {
        (
            0.0,
            self.top_bar_px,
            self.panel_x,
            self.cue_band_y() - self.top_bar_px,
        )
    }

    /// Where an image of `size` goes: whole, scaled to fit the picture's
    /// rectangle, centred in it.
    pub fn image_placement(&self, (width, height): (u32, u32), mirrored: bool) -> ImagePlacement {
        ImagePlacement::fit_in(width, height, self.picture(), mirrored)
    }
}

fn side_colour(landmark: Landmark) -> Rgb {
    let name = landmark.name();
    if name.starts_with("left_") {
        LEFT_SIDE
    } else if name.starts_with("right_") {
        RIGHT_SIDE
    } else {
        MIDLINE
    }
}

fn fade(visibility: f32) -> f32 {
    let t = (visibility - FADE_FROM_VISIBILITY) / (FADE_TO_VISIBILITY - FADE_FROM_VISIBILITY);
    t.clamp(FAINTEST_ALPHA, 1.0)
}

/// Draws the skeleton and its L and R; returns where labels may then go
/// without hiding any of it.
fn draw_skeleton(
    canvas: &mut Canvas,
    text: &mut TextRenderer,
    pose: &PoseFrame,
    placement: &ImagePlacement,
    picture: LabelBox,
) -> LabelPlacer {
    let line_px = (canvas.height as f64 * 0.006).max(2.0);
    let at = |i: usize| placement.to_window(pose.points[i].x_px, pose.points[i].y_px);
    let seen = |i: usize| pose.visibility[i] >= FADE_FROM_VISIBILITY;
    let bones = SKELETON
        .iter()
        .filter(|(a, b)| seen(a.index()) && seen(b.index()))
        .map(|(a, b)| (at(a.index()), at(b.index())))
        .collect();
    let mut labels = LabelPlacer::new(bones, line_px, picture);
    for (a, b) in SKELETON {
        let alpha = fade(pose.visibility[a.index()].min(pose.visibility[b.index()]));
        // A bone between two sides (shoulders, hips) is drawn as the midline.
        let colour = if side_colour(a) == side_colour(b) {
            side_colour(a)
        } else {
            MIDLINE
        };
        canvas.line(at(a.index()), at(b.index()), line_px, colour, alpha);
    }
    for i in 0..NUM_LANDMARKS {
        let Some(landmark) = Landmark::ALL.get(i) else {
            continue;
        };
        let alpha = fade(pose.visibility[i]);
        canvas.disc(at(i), line_px * 1.1, side_colour(*landmark), alpha);
    }
    // Left and right labelled on the person, whatever the mirroring.
    let label_px = (canvas.height as f64 * SMALL_TEXT_FRACTION * 1.2) as u32;
    for (landmark, label) in [
        (Landmark::LeftShoulder, "L"),
        (Landmark::RightShoulder, "R"),
    ] {
        let i = landmark.index();
        if pose.visibility[i] < FADE_TO_VISIBILITY {
            continue;
        }
        let (x, y) = at(i);
        let other = if landmark == Landmark::LeftShoulder {
            Landmark::RightShoulder
        } else {
            Landmark::LeftShoulder
        };
        let (ox, _) = at(other.index());
        // Outside the shoulders, away from the other one.
        let dx = if x >= ox { 1.0 } else { -1.0 };
        let width = text.width(label, label_px);
        let lx = if dx > 0.0 {
            x + line_px * 3.0
        } else {
            x - line_px * 3.0 - width
        };
        let colour = side_colour(landmark);
        let backing = LabelBox {
            x: (lx as i64 - 3) as f64,
            y: ((y - f64::from(label_px)) as i64) as f64,
            w: (width as i64 + 6) as f64,
            h: f64::from(label_px) + 4.0,
        };
        canvas.fill_rect(backing.pixels(), PANEL, 0.6);
        text.draw(canvas, (lx, y), label, label_px, colour);
        labels.keep(backing);
    }
    labels
}

/// A reading as the person sees it: in the words of the instructions.
#[derive(Debug, Clone, PartialEq)]
struct ShownReading {
    label: String,
    /// The value as shown (a bend, degrees of tilt), or the raw ratio.
    value: Option<f64>,
    /// Where the value is to get to, in the same terms.
    band: Option<(f64, f64)>,
    /// Degrees a person can act on; false: a bar without a number.
    number: bool,
    /// The bar's span.
    range: (f64, f64),
    colour: Rgb,
}

/// Degrees of bend or tilt shown on a bar go to here, or to 180 when the
/// target lies beyond it.
const DEGREES_BAR_MAX: f64 = 90.0;

fn as_shown(reading: &Reading) -> ShownReading {
    // Green in the target, amber out of it, while a target applies now;
    // white when none does (on the way into position).
    let colour = match (reading.value, reading.target) {
        (Some(v), Some((lo, hi))) if v >= lo && v <= hi => GOOD,
        (Some(_), Some(_)) => WARN,
        _ => WHITE,
    };
    let degrees_range = |band: Option<(f64, f64)>| {
        let top = band.map_or(0.0, |(_, hi)| hi);
        (
            0.0,
            if top > DEGREES_BAR_MAX * 0.9 {
                180.0
            } else {
                DEGREES_BAR_MAX
            },
        )
    };
    match reading.shown {
        Shown::Bend => {
            let band = reading.goal.map(|(lo, hi)| (180.0 - hi, 180.0 - lo));
            ShownReading {
                label: reading.label.clone(),
                value: reading.value.map(|v| (180.0 - v).max(0.0)),
                band,
                number: true,
                range: degrees_range(band),
                colour,
            }
        }
        Shown::Degrees => {
            // Counted the way the target lies: a back bend leans back.
            let sign = match reading.goal {
                Some((lo, hi)) if lo + hi < 0.0 => -1.0,
                _ => 1.0,
            };
            let band = reading.goal.map(|(lo, hi)| {
                let (a, b) = (sign * lo, sign * hi);
                (a.min(b).max(0.0), a.max(b).max(0.0))
            });
            ShownReading {
                label: reading.label.clone(),
                value: reading.value.map(|v| (sign * v).max(0.0)),
                band,
                number: true,
                range: degrees_range(band),
                colour,
            }
        }
        Shown::Bar => ShownReading {
            label: reading.label.clone(),
            value: reading.value,
            band: reading.goal,
            number: false,
            range: gauge_range(reading.value, reading.goal),
            colour,
        },
    }
}

/// The number shown, in whole degrees; None for a bar without one.
fn shown_number(shown: &ShownReading) -> Option<String> {
    match shown.value {
        Some(v) if shown.number => Some(format!("{:.0}°", v.round().max(0.0))),
        _ => None,
    }
}

/// The measured joints: a bend's arc from straight with its target wedge,
/// a tilt's segment, a ratio's segment highlighted; the degrees beside a
/// bend or a tilt.
fn draw_reading(
    canvas: &mut Canvas,
    text: &mut TextRenderer,
    labels: &mut LabelPlacer,
    reading: &Reading,
    placement: &ImagePlacement,
) {
    if reading.value.is_none() || reading.points_px.is_empty() {
        return;
    }
    let shown = as_shown(reading);
    let colour = shown.colour;
    let pts: Vec<(f64, f64)> = reading
        .points_px
        .iter()
        .map(|p: &Point| placement.to_window(p.x_px, p.y_px))
        .collect();
    let h = canvas.height as f64;
    let value_px = (h * PANEL_TEXT_FRACTION) as u32;
    let anchor = match (reading.shown, pts.as_slice()) {
        (Shown::Bend, [a, v, c]) => {
            let radius = (h * 0.06).max(20.0);
            // Straight on from the first segment is no bend: the arc goes
            // from there to the second segment.
            let start = (v.1 - a.1).atan2(v.0 - a.0);
            let end = (c.1 - v.1).atan2(c.0 - v.0);
            let mut sweep = end - start;
            while sweep > std::f64::consts::PI {
                sweep -= std::f64::consts::TAU;
            }
            while sweep < -std::f64::consts::PI {
                sweep += std::f64::consts::TAU;
            }
            let sign = if sweep < 0.0 { -1.0 } else { 1.0 };
            if let Some((lo, hi)) = shown.band {
                canvas.arc(
                    *v,
                    radius,
                    start + sign * lo.to_radians(),
                    sign * (hi - lo).to_radians(),
                    0.0,
                    true,
                    GOOD,
                    0.35,
                );
            }
            // The straight line the bend is measured from.
            let straight = (
                v.0 + start.cos() * radius * 1.3,
                v.1 + start.sin() * radius * 1.3,
            );
            canvas.line(*v, straight, (h * 0.003).max(1.5), colour, 0.7);
            canvas.arc(
                *v,
                radius,
                start,
                sweep,
                (h * 0.008).max(3.0),
                false,
                colour,
                1.0,
            );
            canvas.line(*v, *a, (h * 0.007).max(2.0), colour, 0.9);
            canvas.line(*v, *c, (h * 0.007).max(2.0), colour, 0.9);
            // The value sits beside the arc, on its bisector.
            let mid = start + sweep / 2.0;
            (
                v.0 + mid.cos() * radius * 1.7,
                v.1 + mid.sin() * radius * 1.7,
            )
        }
        (_, [a, b, ..]) => {
            canvas.line(*a, *b, (h * 0.009).max(3.0), colour, 0.9);
            ((a.0 + b.0) / 2.0 + h * 0.03, (a.1 + b.1) / 2.0)
        }
        (_, [a]) => {
            canvas.arc(
                *a,
                h * 0.02,
                0.0,
                std::f64::consts::TAU,
                3.0,
                false,
                colour,
                1.0,
            );
            (a.0 + h * 0.03, a.1)
        }
        _ => return,
    };
    let Some(label) = shown_number(&shown) else {
        return;
    };
    let width = text.width(&label, value_px);
    let size_px = f64::from(value_px);
    // The box around the text: 6 px each side, from a size above the
    // baseline to 0.3 of a size below it.
    let baseline_y = anchor.1 + size_px * 0.35;
    let backing = labels.place(LabelBox {
        x: (anchor.0 - width / 2.0).floor() - 6.0,
        y: (baseline_y - size_px).floor(),
        w: width.floor() + 12.0,
        h: (size_px * 1.3).floor(),
    });
    canvas.fill_rect(backing.pixels(), PANEL, 0.65);
    text.draw(
        canvas,
        (backing.x + 6.0, backing.y + size_px),
        &label,
        value_px,
        colour,
    );
}

fn score_colour(score: f64) -> Rgb {
    use crate::exercise::engine::{ACCEPTABLE_FORM_SCORE, GOOD_FORM_SCORE};
    if score >= GOOD_FORM_SCORE {
        GOOD
    } else if score >= ACCEPTABLE_FORM_SCORE {
        WARN
    } else {
        DANGER
    }
}

fn draw_top_bar(canvas: &mut Canvas, text: &mut TextRenderer, l: &Layout, view: &View<'_>) {
    canvas.fill_rect((0, 0, l.w as i64, l.top_bar_px as i64 + 1), PANEL, 1.0);
    let Some(s) = view.session else {
        return;
    };
    let baseline = l.top_bar_px * 0.68;
    let mut title = s.exercise_name.clone();
    if s.exercise_count > 1 {
        title = format!("{title}  ({} of {})", s.exercise_number, s.exercise_count);
    }
    if let Some(side) = s.feedback.side {
        title = format!("{title}  ·  {} side", side.name());
    }
    text.draw(canvas, (l.h * 0.02, baseline), &title, l.title_px, WHITE);
    let mut x = l.w - l.h * 0.02;
    // Stopped, there is no form to grade: a green "Form 100" beside the
    // stop would say the opposite of the advice.
    let stopped = matches!(view.status, Status::Stopped(_) | Status::StopAdvice(_));
    if let Some(score) = s.feedback.form_score.filter(|_| !stopped) {
        let label = format!("Form {score:.0}");
        x -= text.width(&label, l.title_px);
        text.draw(
            canvas,
            (x, baseline),
            &label,
            l.title_px,
            score_colour(score),
        );
        x -= l.h * 0.03;
    }
    if view.demonstration {
        let label = DEMONSTRATION_LABEL;
        x -= text.width(label, l.small_px);
        text.draw(canvas, (x, baseline), label, l.small_px, WHITE);
        x -= l.h * 0.03;
    }
    if view.muted {
        let label = "Muted";
        x -= text.width(label, l.small_px);
        text.draw(canvas, (x, baseline), label, l.small_px, GREY);
        x -= l.h * 0.03;
    }
    if let Some(stats) = view.stats {
        let label = format!(
            "{:.0} fps  {:.0} ms  redraw {:.0} Hz  dropped {}",
            stats.inference_fps, stats.latency_ms, stats.redraw_hz, stats.dropped_frames
        );
        x -= text.width(&label, l.small_px);
        text.draw(canvas, (x, baseline), &label, l.small_px, GREY);
    }
}

/// The panel on the right: cards (the placement indicator, a key's
/// confirmation), the counts, the hold, the measurements and the keys.
fn draw_panel(
    canvas: &mut Canvas,
    text: &mut TextRenderer,
    l: &Layout,
    session: Option<&SessionFeedback>,
    cards: &[(String, Rgb)],
) {
    let x0 = l.panel_x;
    let y_end = l.cue_band_y();
    canvas.fill_rect(
        (
            x0 as i64,
            l.top_bar_px as i64,
            (l.w - x0) as i64 + 1,
            (y_end - l.top_bar_px) as i64 + 1,
        ),
        PANEL,
        1.0,
    );
    let pad = l.h * 0.025;
    let mut y = l.top_bar_px + pad * 0.5;
    for (message, colour) in cards {
        y += panel_card(
            canvas,
            text,
            l,
            (x0 + pad * 0.5, y, l.w - x0 - pad),
            message,
            *colour,
        );
        y += pad * 0.5;
    }
    let Some(s) = session else {
        return;
    };
    let f = &s.feedback;
    let line = f64::from(l.panel_text_px) * 1.35;
    y += pad * 0.5 + f64::from(l.panel_text_px);
    let x = x0 + pad;
    let reps = format!("Reps  {} / {}", f.reps_in_set, f.reps_per_set);
    text.draw(canvas, (x, y), &reps, l.panel_text_px, WHITE);
    y += line;
    if f.sets > 1 {
        text.draw(
            canvas,
            (x, y),
            &format!("Set   {} / {}", f.set, f.sets),
            l.panel_text_px,
            WHITE,
        );
        y += line;
    }
    if let Some((left, right)) = f.side_reps {
        let mut cx = x;
        for (side, count) in [(Side::Left, left), (Side::Right, right)] {
            let colour = if f.side == Some(side) { WHITE } else { GREY };
            let label = format!(
                "{} {count}   ",
                if side == Side::Left { "Left" } else { "Right" }
            );
            cx = text.draw(canvas, (cx, y), &label, l.panel_text_px, colour);
        }
        y += line;
    }
    if let Some(direction) = f.direction {
        text.draw(
            canvas,
            (x, y),
            &format!("Circles {}", direction.name()),
            l.small_px,
            GREY,
        );
        y += line * 0.8;
    }
    if let Some(hold) = f.hold {
        let radius = (l.h * 0.07).max(20.0);
        let centre = (x + radius + 4.0, y + radius * 0.4);
        let ring_px = (l.h * 0.018).max(5.0);
        canvas.arc(
            centre,
            radius,
            0.0,
            std::f64::consts::TAU,
            ring_px,
            false,
            Rgb(60, 64, 72),
            1.0,
        );
        let fraction = if hold.target_s > 0.0 {
            (hold.held_s / hold.target_s).clamp(0.0, 1.0)
        } else {
            0.0
        };
        // Green while in form and once the time is reached; amber while
        // the form is off before it.
        let colour = if hold.in_form || hold.held_s >= hold.target_s {
            GOOD
        } else {
            WARN
        };
        if fraction > 0.0 {
            canvas.arc(
                centre,
                radius,
                -std::f64::consts::FRAC_PI_2,
                fraction * std::f64::consts::TAU,
                ring_px,
                false,
                colour,
                1.0,
            );
        }
        let held = format!("{:.0}", hold.held_s.floor());
        let held_w = text.width(&held, l.panel_text_px);
        let cap = text.cap_height(l.panel_text_px);
        text.draw(
            canvas,
            (centre.0 - held_w / 2.0, centre.1 + cap / 2.0),
            &held,
            l.panel_text_px,
            WHITE,
        );
        let target = format!("Hold {:.0} s", hold.target_s);
        text.draw(
            canvas,
            (centre.0 + radius + pad, centre.1 + cap / 2.0),
            &target,
            l.small_px,
            GREY,
        );
        y = centre.1 + radius + line;
    }
    // A bar for every measurement with somewhere to get to; one without
    // is not something a person can act on.
    // The keys take the panel's foot: the bars stop above them.
    let keys_top = y_end - pad - f64::from(l.small_px) * 1.4 * (KEYS_HELP.len() as f64 + 1.0);
    for shown in f.readings.iter().map(as_shown).filter(|s| s.band.is_some()) {
        if y + f64::from(l.small_px) * 1.2 > keys_top {
            break;
        }
        draw_gauge(canvas, text, l, &shown, (x, y), l.w - x - pad);
        y += line * 1.5;
    }
    // Keys, at the bottom of the panel: the stop key stands out.
    let keys_y = y_end - pad;
    for (i, line) in KEYS_HELP.iter().rev().enumerate() {
        let y = keys_y - f64::from(l.small_px) * 1.4 * (i as f64 + 1.0);
        text.draw(canvas, (x, y), line, l.small_px, GREY);
    }
    let width = text.width(STOP_KEY_HELP, l.small_px);
    canvas.fill_rect(
        (
            x as i64 - 4,
            (keys_y - f64::from(l.small_px)) as i64 - 2,
            width as i64 + 8,
            i64::from(l.small_px) + 6,
        ),
        DANGER,
        1.0,
    );
    text.draw(canvas, (x, keys_y), STOP_KEY_HELP, l.small_px, WHITE);
}

/// A measurement as a bar: its name (and degrees, for a bend or a
/// tilt), the target band shaded, a marker where the value is.
fn draw_gauge(
    canvas: &mut Canvas,
    text: &mut TextRenderer,
    l: &Layout,
    shown: &ShownReading,
    (x, y): (f64, f64),
    width: f64,
) {
    let name = match shown_number(shown) {
        Some(number) => format!("{}  {number}", shown.label),
        None => shown.label.clone(),
    };
    text.draw(canvas, (x, y), &name, l.small_px, shown.colour);
    let bar_y = y + f64::from(l.small_px) * 0.5;
    let bar_h = f64::from(l.small_px) * 0.55;
    let (lo, hi) = shown.range;
    let to_x = |v: f64| x + ((v - lo) / (hi - lo)).clamp(0.0, 1.0) * width;
    canvas.fill_rect(
        (x as i64, bar_y as i64, width as i64, bar_h as i64),
        Rgb(60, 64, 72),
        1.0,
    );
    if let Some((t_lo, t_hi)) = shown.band {
        let (a, b) = (to_x(t_lo), to_x(t_hi));
        canvas.fill_rect(
            (
                a as i64,
                bar_y as i64,
                (b - a).max(3.0) as i64,
                bar_h as i64,
            ),
            GOOD,
            0.55,
        );
    }
    if let Some(v) = shown.value {
        let vx = to_x(v);
        canvas.fill_rect(
            (vx as i64 - 2, bar_y as i64 - 3, 5, bar_h as i64 + 6),
            shown.colour,
            1.0,
        );
    }
}

/// The span of a bar without degrees: around the value and the target.
fn gauge_range(value: Option<f64>, band: Option<(f64, f64)>) -> (f64, f64) {
    let mut values: Vec<f64> = value.into_iter().collect();
    if let Some((lo, hi)) = band {
        values.extend([lo, hi]);
    }
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.5).max(0.25);
    (lo - pad, hi + pad)
}

/// The band under the picture: the cue in large letters, or, when
/// something stops the coaching for now (paused, get ready, step in), that
/// message in its colour in the cue's place.
fn draw_cue_band(
    canvas: &mut Canvas,
    text: &mut TextRenderer,
    l: &Layout,
    view: &View<'_>,
    banner: Option<(Banner, &str)>,
) {
    let band_y = l.cue_band_y();
    canvas.fill_rect(
        (0, band_y as i64, l.w as i64, (l.h - band_y) as i64 + 1),
        PANEL,
        1.0,
    );
    if let Some((kind, title)) = banner {
        // A dialog is shown alone: the band stays empty under it.
        if !kind.is_dialog() {
            let line = banner_lines(view, kind, title).into_iter().next();
            band_message(canvas, text, l, kind, title, line.as_deref());
        }
        return;
    }
    let Some(cue) = view.session.and_then(|s| s.feedback.cue.as_deref()) else {
        return;
    };
    let lines = text.wrap(cue, l.cue_px, l.w * 0.94);
    let line_h = f64::from(l.cue_px) * 1.15;
    let cap = text.cap_height(l.cue_px);
    let block = line_h * (lines.len().min(2) as f64 - 1.0) + cap;
    let mut y = band_y + (l.h - band_y - block) / 2.0 + cap;
    for line in lines.iter().take(2) {
        let width = text.width(line, l.cue_px);
        text.draw(canvas, ((l.w - width) / 2.0, y), line, l.cue_px, CUE_TEXT);
        y += line_h;
    }
}

/// A message in the cue band: its title large in its colour, one line
/// under it, a stripe of the colour on the left.
fn band_message(
    canvas: &mut Canvas,
    text: &mut TextRenderer,
    l: &Layout,
    kind: Banner,
    title: &str,
    line: Option<&str>,
) {
    let colour = kind.colour();
    let band_y = l.cue_band_y();
    let band_h = l.h - band_y;
    canvas.fill_rect((0, band_y as i64, 10, band_h as i64 + 1), colour, 1.0);
    let title_px = l.cue_px;
    let small = l.panel_text_px;
    let title_cap = text.cap_height(title_px);
    let gap = f64::from(small) * 0.6;
    let block = title_cap + line.map_or(0.0, |_| gap + text.cap_height(small));
    let mut y = band_y + (band_h - block) / 2.0 + title_cap;
    let title_w = text.width(title, title_px);
    text.draw(canvas, ((l.w - title_w) / 2.0, y), title, title_px, colour);
    if let Some(line) = line {
        y += gap + text.cap_height(small);
        let width = text.width(line, small);
        text.draw(canvas, ((l.w - width) / 2.0, y), line, small, WHITE);
    }
}

/// A dialog: an opaque card in the middle of the window, over the frozen
/// picture, with its title and lines.
fn dialog(
    canvas: &mut Canvas,
    text: &mut TextRenderer,
    l: &Layout,
    kind: Banner,
    title: &str,
    lines: &[String],
) {
    let colour = kind.colour();
    let small = l.panel_text_px;
    let title_w = text.width(title, l.banner_px);
    let widest = lines
        .iter()
        .map(|s| text.width(s, small))
        .fold(title_w, f64::max);
    let box_w = (widest + l.h * 0.1).min(l.w * 0.96);
    let box_h = f64::from(l.banner_px) * 1.7 + lines.len() as f64 * f64::from(small) * 1.4;
    let x0 = ((l.w - box_w) / 2.0).max(0.0);
    let y0 = ((l.h - box_h) / 2.0).max(0.0);
    canvas.fill_rect(
        (x0 as i64, y0 as i64, box_w as i64, box_h as i64),
        CARD,
        1.0,
    );
    canvas.fill_rect((x0 as i64, y0 as i64, 8, box_h as i64), colour, 1.0);
    let mut y = y0 + f64::from(l.banner_px) * 1.2;
    text.draw(
        canvas,
        (x0 + (box_w - title_w) / 2.0, y),
        title,
        l.banner_px,
        colour,
    );
    y += f64::from(small) * 1.5;
    for line in lines {
        let width = text.width(line, small);
        text.draw(canvas, (x0 + (box_w - width) / 2.0, y), line, small, WHITE);
        y += f64::from(small) * 1.4;
    }
}

/// The kinds of banner, each with its own colour (the stripe on its left
/// and its title), so a glance tells them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Banner {
    Stopped,
    Finished,
    Paused,
    GetReady,
    NoPerson,
    StepIn,
    Turn,
    PainCheckIn,
}

impl Banner {
    /// A dialog stops the session: the picture freezes and the message is
    /// shown alone, on a card in the middle. The others take the cue's
    /// place under the picture.
    pub fn is_dialog(self) -> bool {
        matches!(
            self,
            Banner::Stopped | Banner::Finished | Banner::PainCheckIn
        )
    }

    pub fn colour(self) -> Rgb {
        match self {
            Banner::Stopped => DANGER,
            Banner::Finished | Banner::GetReady => GOOD,
            Banner::Paused => Rgb(190, 190, 200),
            Banner::NoPerson => Rgb(90, 150, 255),
            Banner::StepIn | Banner::Turn => WARN,
            Banner::PainCheckIn => check_in::CHECK_IN,
        }
    }
}

/// The banner for this view, if any (what stops coaching right now), and
/// its title.
pub fn banner_for(view: &View<'_>) -> Option<(Banner, String)> {
    match &view.status {
        Status::Stopped(_) | Status::StopAdvice(_) => {
            return Some((Banner::Stopped, "Stopped".into()));
        }
        Status::Finished(_) => return Some((Banner::Finished, "Session complete".into())),
        Status::Paused => return Some((Banner::Paused, "Paused".into())),
        Status::PainCheckIn { moment, .. } => {
            return Some((Banner::PainCheckIn, check_in::title(*moment).into()));
        }
        Status::CountIn(s) => return Some((Banner::GetReady, format!("Starting in {s}"))),
        Status::Running | Status::ShowMe(_) | Status::Home(_) => {}
    }
    let session = view.session?;
    if let Some(s) = session.get_ready_s {
        return Some((Banner::GetReady, format!("Get ready  {:.0}", s.ceil())));
    }
    if session.feedback.tracking {
        return None;
    }
    if view.pose.is_none() {
        return Some((Banner::NoPerson, "No person in view".into()));
    }
    match session
        .feedback
        .cue
        .clone()
        .filter(|c| c.starts_with("Turn") || c.starts_with("Face"))
    {
        Some(turn) => Some((Banner::Turn, turn)),
        None => Some((Banner::StepIn, "Step into the frame".into())),
    }
}

/// The lines under a banner's title.
fn banner_lines(view: &View<'_>, kind: Banner, title: &str) -> Vec<String> {
    match (&view.status, kind) {
        (Status::Stopped(reason) | Status::StopAdvice(reason), _) => {
            let mut lines = vec![reason.clone()];
            lines.extend(PAIN_ADVICE.iter().map(|s| s.to_string()));
            let last = match view.status {
                Status::StopAdvice(_) => NOTE_PAIN,
                _ => "Press Q to close.",
            };
            lines.push(last.into());
            lines
        }
        (Status::Paused, _) => vec!["Press Space to go on.".into()],
        (Status::CountIn(_), _) => view
            .session
            .map(|s| vec![format!("Get into position: {}", s.exercise_name)])
            .unwrap_or_default(),
        (_, Banner::GetReady) => view
            .session
            .map(|s| {
                vec![format!(
                    "Next: {} ({} of {})",
                    s.exercise_name, s.exercise_number, s.exercise_count
                )]
            })
            .unwrap_or_default(),
        (_, Banner::NoPerson) => {
            vec!["Step back until your whole body is in the picture.".into()]
        }
        (_, Banner::Turn) => {
            let front = title.starts_with("Face");
            let view_word = if front { "front" } else { "side" };
            vec![format!("This exercise is judged from the {view_word}.")]
        }
        _ => vec!["I need to see the whole body for this exercise.".into()],
    }
}

/// The dialog of a stopped or finished session, or the pain check-in.
fn draw_dialog(
    canvas: &mut Canvas,
    text: &mut TextRenderer,
    l: &Layout,
    view: &View<'_>,
    banner: Option<(Banner, &str)>,
) {
    let Some((kind, title)) = banner.filter(|(kind, _)| kind.is_dialog()) else {
        return;
    };
    if let Status::PainCheckIn { moment, selected } = view.status {
        check_in::draw(canvas, text, l, moment, selected);
        return;
    }
    let lines = banner_lines(view, kind, title);
    dialog(canvas, text, l, kind, title, &lines);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exercise::engine::Feedback;

    fn feedback(cue: Option<&str>, tracking: bool) -> SessionFeedback {
        SessionFeedback {
            exercise_id: "wall-slide".into(),
            exercise_name: "Wall slide".into(),
            exercise_number: 1,
            exercise_count: 1,
            get_ready_s: None,
            summary_entry: 0,
            feedback: Feedback {
                t_ms: 0.0,
                phase: None,
                side: None,
                readings: vec![],
                hold: None,
                reps_in_set: 2,
                reps_per_set: 10,
                set: 1,
                sets: 1,
                side_reps: None,
                direction: None,
                cue: cue.map(str::to_string),
                form_score: Some(90.0),
                tracking,
                stopped: None,
                done: false,
            },
        }
    }

    /// Running, no image, no pose: what `s` alone shows.
    fn running_view(s: &SessionFeedback) -> View<'_> {
        View {
            image: None,
            image_size: (640, 480),
            mirrored: false,
            pose: None,
            session: Some(s),
            status: Status::Running,
            muted: false,
            demonstration: false,
            note: None,
            stats: None,
            placement: None,
            ghost: None,
        }
    }

    #[test]
    fn banners_say_what_stops_coaching() {
        let s = feedback(Some("Turn side-on to the camera"), false);
        let pose = PoseFrame {
            points: [Point::new(10.0, 10.0); NUM_LANDMARKS],
            visibility: [1.0; NUM_LANDMARKS],
            image_size_px: (1280.0, 720.0),
            depth_px: None,
        };
        let mut view = running_view(&s);
        assert_eq!(
            banner_for(&view).map(|(_, t)| t).as_deref(),
            Some("No person in view")
        );
        view.pose = Some(&pose);
        assert_eq!(
            banner_for(&view).map(|(_, t)| t).as_deref(),
            Some("Turn side-on to the camera")
        );
        view.status = Status::Paused;
        assert_eq!(banner_for(&view).map(|(_, t)| t).as_deref(), Some("Paused"));
    }

    fn reading(shown: Shown, value: f64, goal: Option<(f64, f64)>) -> Reading {
        Reading {
            name: "m".into(),
            value: Some(value),
            unit: if shown == Shown::Bar { "x" } else { "deg" },
            target: None,
            goal,
            label: "m".into(),
            shown,
            points_px: vec![],
        }
    }

    #[test]
    fn a_joint_shows_its_bend_and_the_target_in_the_same_terms() {
        // The wall slide: 135 degrees between thigh and shin is the 45
        // degrees of knee bend the instructions ask for.
        let shown = as_shown(&reading(Shown::Bend, 150.0, Some((128.0, 142.0))));
        assert_eq!(shown_number(&shown).as_deref(), Some("30°"));
        assert_eq!(shown.band, Some((38.0, 52.0)));
    }

    #[test]
    fn no_negative_degrees_and_no_number_for_a_ratio() {
        // A back bend leans back (negative): shown as degrees of bend.
        let back = as_shown(&reading(Shown::Degrees, -20.4, Some((-35.0, -10.0))));
        assert_eq!(shown_number(&back).as_deref(), Some("20°"));
        assert_eq!(back.band, Some((10.0, 35.0)));
        // A leg a little under the horizontal is not lifted: 0, not -3.
        let leg = as_shown(&reading(Shown::Degrees, -3.0, Some((10.0, 30.0))));
        assert_eq!(shown_number(&leg).as_deref(), Some("0°"));
        let ratio = as_shown(&reading(Shown::Bar, -0.23, Some((-0.5, -0.1))));
        assert_eq!(shown_number(&ratio), None);
    }

    #[test]
    fn cue_text_is_at_least_five_percent_of_the_window_high() {
        let s = feedback(Some("HHHH"), true);
        let view = running_view(&s);
        let mut canvas = Canvas::new(1280, 720).unwrap();
        let mut text = TextRenderer::new().unwrap();
        draw(&mut canvas, &mut text, &view);
        // Rows of the cue band holding cue-coloured pixels: the letters' height.
        let rows = (0..720)
            .filter(|&y| (0..1280).any(|x| canvas.get(x, y) == Some(CUE_TEXT)))
            .count();
        assert!(rows as f64 >= 0.05 * 720.0, "cue letters {rows} px high");
    }
}
