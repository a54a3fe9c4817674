//! The body model's figure, drawn on its own (a demonstration, a picture
//! on the home screen) or faintly over the person (the "ghost" of the
//! target pose).

use super::{Canvas, GREY, MIDLINE, Rect, Rgb, side_colour};
use crate::exercise::demo::Prop;
use crate::exercise::engine::PoseFrame;
use crate::pose::{Landmark, NUM_LANDMARKS, SKELETON};

/// The ghost's colour and strength: faint, so the person stays in front.
pub const GHOST: Rgb = Rgb(215, 185, 255);
const GHOST_ALPHA: f32 = 0.5;
/// The head's radius, as a fraction of the torso's length.
const HEAD_TORSO_FRACTION: f64 = 0.15;
/// The figure's torso: a broad shape in a muted colour, so the limbs in
/// their sides' colours show over it.
const TORSO: Rgb = Rgb(78, 86, 104);
/// The torso is at least this many limb widths across.
const TORSO_LINE_WIDTHS: f64 = 3.2;
/// Room left around a figure in its box, as a fraction of the box.
const MARGIN_FRACTION: f64 = 0.08;

/// A rectangle in a figure's own pixels: x, y, width, height.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Bounds {
    /// The smallest rectangle holding every landmark of `frames` (the
    /// whole of a movement, so the figure does not jump about in its box).
    pub fn of<'a>(frames: impl IntoIterator<Item = &'a PoseFrame>) -> Option<Bounds> {
        let (mut x0, mut y0) = (f64::INFINITY, f64::INFINITY);
        let (mut x1, mut y1) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
        for frame in frames {
            for p in &frame.points {
                if p.x_px.is_finite() && p.y_px.is_finite() {
                    x0 = x0.min(p.x_px);
                    y0 = y0.min(p.y_px);
                    x1 = x1.max(p.x_px);
                    y1 = y1.max(p.y_px);
                }
            }
        }
        (x0.is_finite() && x1 > x0 && y1 > y0).then_some(Bounds {
            x: x0,
            y: y0,
            w: x1 - x0,
            h: y1 - y0,
        })
    }
}

/// Draws `pose` scaled so that `bounds` fills the window rectangle `area`
/// (x, y, w, h) less a margin, centred; bones in the sides' colours.
pub fn draw_figure(
    canvas: &mut Canvas,
    pose: &PoseFrame,
    bounds: Bounds,
    props: &[Prop],
    area: Rect,
) {
    let (ax, ay, aw, ah) = area;
    let (mx, my) = (aw * MARGIN_FRACTION, ah * MARGIN_FRACTION);
    let scale = ((aw - 2.0 * mx) / bounds.w.max(1.0)).min((ah - 2.0 * my) / bounds.h.max(1.0));
    let x0 = ax + (aw - bounds.w * scale) / 2.0;
    let y0 = ay + (ah - bounds.h * scale) / 2.0;
    let to_window = |x: f64, y: f64| (x0 + (x - bounds.x) * scale, y0 + (y - bounds.y) * scale);
    let at = |i: usize| to_window(pose.points[i].x_px, pose.points[i].y_px);
    let line_px = (ah * 0.022).clamp(2.0, 12.0);
    // The floor (or the ground under the feet): a line under the figure.
    let floor_y = y0 + bounds.h * scale + line_px;
    canvas.line((ax + mx, floor_y), (ax + aw - mx, floor_y), 2.0, GREY, 0.5);
    let place = Placed {
        at: &to_window,
        scale,
        floor_y,
        top_y: y0,
        left_x: x0,
        right_x: x0 + bounds.w * scale,
        line_px,
    };
    for prop in props {
        draw_prop(canvas, pose, *prop, &place);
    }
    // The far side first, so the near side is drawn over it.
    let mut bones: Vec<(Landmark, Landmark)> = SKELETON
        .iter()
        .copied()
        .filter(|(a, b)| !is_face(*a) && !is_face(*b))
        .collect();
    bones.sort_by(|a, b| {
        let v = |bone: &(Landmark, Landmark)| {
            pose.visibility[bone.0.index()].min(pose.visibility[bone.1.index()])
        };
        v(a).total_cmp(&v(b))
    });
    // The torso as a body, not two lines: a broad shape from the shoulders
    // to the hips, drawn first, so an arm hanging in front of it shows.
    let mid_of = |a: Landmark, b: Landmark| midpoint(at(a.index()), at(b.index()));
    let (sl, sr) = (
        at(Landmark::LeftShoulder.index()),
        at(Landmark::RightShoulder.index()),
    );
    let torso_w = (line_px * TORSO_LINE_WIDTHS).max((sl.0 - sr.0).hypot(sl.1 - sr.1) * 0.8);
    canvas.line(
        mid_of(Landmark::LeftShoulder, Landmark::RightShoulder),
        mid_of(Landmark::LeftHip, Landmark::RightHip),
        torso_w,
        TORSO,
        1.0,
    );
    // The torso's sides are the shape; the arms go last, over it.
    let is_arm = |l: Landmark| {
        matches!(
            l,
            Landmark::LeftElbow
                | Landmark::RightElbow
                | Landmark::LeftWrist
                | Landmark::RightWrist
                | Landmark::LeftPinky
                | Landmark::RightPinky
                | Landmark::LeftIndex
                | Landmark::RightIndex
                | Landmark::LeftThumb
                | Landmark::RightThumb
        )
    };
    let is_torso_side = |a: Landmark, b: Landmark| {
        matches!(
            (a, b),
            (Landmark::LeftShoulder, Landmark::LeftHip)
                | (Landmark::RightShoulder, Landmark::RightHip)
        )
    };
    bones.retain(|(a, b)| !is_torso_side(*a, *b));
    bones.sort_by_key(|(a, b)| is_arm(*a) || is_arm(*b));
    for (a, b) in bones {
        let colour = if side_colour(a) == side_colour(b) {
            side_colour(a)
        } else {
            MIDLINE
        };
        let far = pose.visibility[a.index()].min(pose.visibility[b.index()]) < 0.5;
        canvas.line(
            at(a.index()),
            at(b.index()),
            line_px,
            colour,
            if far { 0.45 } else { 1.0 },
        );
    }
    // The head: a disc between the ears, a fifth of the torso across.
    let head = mid_of(Landmark::LeftEar, Landmark::RightEar);
    let shoulders = mid_of(Landmark::LeftShoulder, Landmark::RightShoulder);
    let hips = mid_of(Landmark::LeftHip, Landmark::RightHip);
    let torso = (shoulders.0 - hips.0).hypot(shoulders.1 - hips.1);
    let radius = (torso * HEAD_TORSO_FRACTION).max(line_px * 1.5);
    canvas.disc(head, radius, MIDLINE, 0.9);
    for i in 0..NUM_LANDMARKS {
        if let Some(landmark) = Landmark::ALL.get(i)
            && !is_face(*landmark)
        {
            canvas.disc(at(i), line_px * 0.7, side_colour(*landmark), 1.0);
        }
    }
}

/// Where a figure is in its box, for drawing its props.
struct Placed<'a> {
    /// A figure pixel to the window.
    at: &'a dyn Fn(f64, f64) -> (f64, f64),
    /// Window pixels per figure pixel.
    scale: f64,
    floor_y: f64,
    /// The top and the sides of the figure's whole movement: a wall or a
    /// door frame stays put while the figure moves.
    top_y: f64,
    left_x: f64,
    right_x: f64,
    line_px: f64,
}

/// The props' colour: a wooden brown, apart from the figure's colours.
const PROP: Rgb = Rgb(150, 110, 70);
/// The exercise ball's colour.
const BALL: Rgb = Rgb(70, 120, 200);

/// Draws a prop where the figure uses it (see [`Prop`]).
fn draw_prop(canvas: &mut Canvas, pose: &PoseFrame, prop: Prop, p: &Placed<'_>) {
    let pt = |l: Landmark| {
        let q = pose.points[l.index()];
        (p.at)(q.x_px, q.y_px)
    };
    let mid = |a: Landmark, b: Landmark| midpoint(pt(a), pt(b));
    let hips = mid(Landmark::LeftHip, Landmark::RightHip);
    let shoulders = mid(Landmark::LeftShoulder, Landmark::RightShoulder);
    // Which way the figure faces, in the window: the nose from the ears.
    let facing = (pt(Landmark::Nose).0 - mid(Landmark::LeftEar, Landmark::RightEar).0).signum();
    let (floor, top, line) = (p.floor_y, p.top_y, p.line_px);
    match prop {
        Prop::Wall => {
            // Behind the back (the back-most point of the whole movement),
            // from the floor to above the head.
            let back = if facing > 0.0 { p.left_x } else { p.right_x };
            let x = back - facing * line * 1.5;
            canvas.line((x, top - line * 4.0), (x, floor), line * 1.5, PROP, 0.9);
        }
        Prop::Ball => {
            // Under the heels, resting on the floor.
            let heel = pt(Landmark::LeftHeel);
            let radius = ((floor - heel.1) / 2.0).max(line * 2.0);
            canvas.disc((heel.0, floor - radius), radius, BALL, 0.85);
        }
        Prop::Chair => {
            // Under the raised foot: a seat and two legs to the floor.
            let (l, r) = (pt(Landmark::LeftHeel), pt(Landmark::RightHeel));
            let raised = if l.1 < r.1 { l } else { r };
            let seat_y = raised.1 + line;
            let half = 60.0 * p.scale;
            canvas.line(
                (raised.0 - half, seat_y),
                (raised.0 + half, seat_y),
                line,
                PROP,
                0.9,
            );
            for x in [raised.0 - half, raised.0 + half] {
                canvas.line((x, seat_y), (x, floor), line * 0.7, PROP, 0.9);
            }
        }
        Prop::Door => {
            // The frame the hands grip: a post at the front of the whole
            // movement, where the hands reach.
            let front = if facing > 0.0 { p.right_x } else { p.left_x };
            let x = front + facing * line;
            canvas.line((x, top - line * 4.0), (x, floor), line * 1.5, PROP, 0.9);
        }
        Prop::Pillow => {
            // Under the chest (face down) or the head (on the back).
            let head = mid(Landmark::LeftEar, Landmark::RightEar);
            let under = if pt(Landmark::Nose).1 < head.1 - line {
                head
            } else {
                shoulders
            };
            let w = 70.0 * p.scale;
            canvas.fill_rect(
                (
                    (under.0 - w) as i64,
                    (floor - line * 3.0) as i64,
                    (2.0 * w) as i64,
                    (line * 3.0) as i64,
                ),
                Rgb(220, 220, 230),
                0.8,
            );
        }
        Prop::Table => {
            // A board along the back, on a stand at the hips.
            let feet = mid(Landmark::LeftAnkle, Landmark::RightAnkle);
            let (dx, dy) = (shoulders.0 - feet.0, shoulders.1 - feet.1);
            let len = dx.hypot(dy).max(1.0);
            // Behind the body: perpendicular to it, away from the face.
            let (nx, ny) = (-dy / len * facing, dx / len * facing);
            let off = |q: (f64, f64)| (q.0 - nx * line * 2.0, q.1 - ny * line * 2.0);
            canvas.line(off(feet), off(shoulders), line * 1.2, PROP, 0.9);
            canvas.line(hips, (hips.0 - 40.0 * p.scale, floor), line, PROP, 0.9);
            canvas.line(hips, (hips.0 + 40.0 * p.scale, floor), line, PROP, 0.9);
        }
        Prop::Mat => {
            let (a, b) = (pt(Landmark::LeftAnkle), shoulders);
            let (x0, x1) = (a.0.min(b.0) - 60.0 * p.scale, a.0.max(b.0) + 60.0 * p.scale);
            canvas.fill_rect(
                (
                    x0 as i64,
                    (floor - line) as i64,
                    (x1 - x0) as i64,
                    (line * 1.2) as i64,
                ),
                Rgb(60, 110, 90),
                0.8,
            );
        }
    }
}

/// Halfway between two window points.
fn midpoint(p: (f64, f64), q: (f64, f64)) -> (f64, f64) {
    ((p.0 + q.0) / 2.0, (p.1 + q.1) / 2.0)
}

/// The face's landmarks (nose to mouth): the figure's head is one disc.
fn is_face(landmark: Landmark) -> bool {
    landmark.index() <= Landmark::MouthRight.index()
}

/// Draws `target` faintly where the person is: `target` is already in the
/// picture's pixels (see `ghost_over`); `to_window` places them.
pub fn draw_ghost(
    canvas: &mut Canvas,
    target: &PoseFrame,
    to_window: impl Fn(f64, f64) -> (f64, f64),
) {
    let line_px = (canvas.height as f64 * 0.02).max(5.0);
    for &(a, b) in SKELETON
        .iter()
        .filter(|(a, b)| !is_face(*a) && !is_face(*b))
    {
        let (pa, pb) = (target.points[a.index()], target.points[b.index()]);
        canvas.line(
            to_window(pa.x_px, pa.y_px),
            to_window(pb.x_px, pb.y_px),
            line_px,
            GHOST,
            GHOST_ALPHA,
        );
    }
}

/// The target pose moved and scaled onto the person: its hips on their
/// hips, its torso as long as theirs, facing the way they face.
pub fn ghost_over(target: &PoseFrame, person: &PoseFrame) -> Option<PoseFrame> {
    let mid = |f: &PoseFrame, a: Landmark, b: Landmark| {
        let (p, q) = (f.points[a.index()], f.points[b.index()]);
        ((p.x_px + q.x_px) / 2.0, (p.y_px + q.y_px) / 2.0)
    };
    let torso = |f: &PoseFrame| {
        let s = mid(f, Landmark::LeftShoulder, Landmark::RightShoulder);
        let h = mid(f, Landmark::LeftHip, Landmark::RightHip);
        ((s.0 - h.0).hypot(s.1 - h.1), h)
    };
    let (target_torso, target_hips) = torso(target);
    let (person_torso, person_hips) = torso(person);
    if target_torso < 1.0 || person_torso < 1.0 || !person_torso.is_finite() {
        return None;
    }
    let scale = person_torso / target_torso;
    // Which way the nose is from the hips: flip the figure to match.
    let facing =
        |f: &PoseFrame, hips: (f64, f64)| (f.points[Landmark::Nose.index()].x_px - hips.0).signum();
    let flip = if facing(target, target_hips) == facing(person, person_hips) {
        1.0
    } else {
        -1.0
    };
    let mut out = target.clone();
    for p in &mut out.points {
        p.x_px = person_hips.0 + flip * (p.x_px - target_hips.0) * scale;
        p.y_px = person_hips.1 + (p.y_px - target_hips.1) * scale;
    }
    out.image_size_px = person.image_size_px;
    Some(out)
}
