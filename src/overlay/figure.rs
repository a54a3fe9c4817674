//! The body model's figure, drawn on its own (a demonstration, a picture
//! on the home screen) or faintly over the person (the "ghost" of the
//! target pose).

use super::{Canvas, GREY, MIDLINE, Rect, Rgb, side_colour};
use crate::exercise::body::Body;
use crate::exercise::demo::{Demo, Figure, Prop};
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
/// An arm's dark edge, and how many limb widths across it is.
const ARM_EDGE: Rgb = Rgb(24, 27, 33);
const ARM_EDGE_WIDTHS: f64 = 1.9;
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

/// A still picture of an exercise (a home screen tile): its key pose, the
/// box the figure fits in, its props, and what a still cannot show.
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    pub pose: PoseFrame,
    pub bounds: Bounds,
    pub props: Vec<Prop>,
    /// Movements too small to see at a tile's size (a shoulder's roll),
    /// drawn as round arrows.
    pub circlings: Vec<Circling>,
    /// Lying face down seen from above, along the picture on a mat (seen
    /// from the head end, as the camera does, the legs beyond the body
    /// read as raised arms).
    pub from_above: bool,
}

/// A point going round in a loop: where, how big, which way.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Circling {
    /// The loop's centre and mean radius, in the figure's pixels.
    pub centre_px: (f64, f64),
    pub radius_px: f64,
    /// Clockwise on screen.
    pub clockwise: bool,
}

/// A path goes round its centre if its angle about it turns this much.
const CIRCLING_TURN_RAD: f64 = 1.5 * std::f64::consts::PI;
/// A round arrow is at least this many limb widths across, to be seen.
const CIRCLING_MIN_RADIUS_LINES: f64 = 3.0;
/// And at least this share of the picture's height in radius.
const CIRCLING_MIN_RADIUS_SHARE: f64 = 0.09;
/// The round arrow's colour: a warm yellow, apart from the sides' colours.
pub const CIRCLING: Rgb = Rgb(250, 215, 90);

impl Circling {
    /// How `landmark` goes round over `frames`, if its path turns about
    /// its centre most of a whole turn.
    pub fn of(frames: &[PoseFrame], landmark: Landmark) -> Option<Circling> {
        let path: Vec<(f64, f64)> = frames
            .iter()
            .map(|f| f.points[landmark.index()])
            .map(|p| (p.x_px, p.y_px))
            .filter(|p| p.0.is_finite() && p.1.is_finite())
            .collect();
        let n = path.len() as f64;
        let centre = path
            .iter()
            .fold((0.0, 0.0), |c, p| (c.0 + p.0 / n, c.1 + p.1 / n));
        let angle = |p: &(f64, f64)| (p.1 - centre.1).atan2(p.0 - centre.0);
        let turned_rad: f64 = path
            .windows(2)
            .map(|w| {
                let d = angle(&w[1]) - angle(&w[0]);
                (d + std::f64::consts::PI).rem_euclid(std::f64::consts::TAU) - std::f64::consts::PI
            })
            .sum();
        let radius_px = path
            .iter()
            .map(|p| (p.0 - centre.0).hypot(p.1 - centre.1))
            .sum::<f64>()
            / n;
        (turned_rad.abs() >= CIRCLING_TURN_RAD && radius_px > 0.0).then_some(Circling {
            centre_px: centre,
            radius_px,
            // (Down the screen is +y: a growing angle turns clockwise.)
            clockwise: turned_rad > 0.0,
        })
    }
}

/// The joints a still picture looks for a loop in, from the trunk out: the
/// first that goes round gets the round arrow (the arm hanging from a
/// rolling shoulder goes round with it).
const CIRCLING_JOINTS: [Landmark; 8] = [
    Landmark::LeftShoulder,
    Landmark::RightShoulder,
    Landmark::LeftHip,
    Landmark::RightHip,
    Landmark::LeftElbow,
    Landmark::RightElbow,
    Landmark::LeftKnee,
    Landmark::RightKnee,
];

impl Picture {
    /// The still picture of a demonstration: its key pose, and the loop a
    /// joint goes round in its "show me how", if one does.
    pub fn of(demo: &Demo) -> Option<Picture> {
        let key = demo.key_pose();
        let (pose, from_above) = match key {
            Figure::Front(front) if front.leg_scale < 0.0 => (front.from_above(), true),
            _ => (key.landmarks(), false),
        };
        let bounds = Bounds::of(std::iter::once(&pose))?;
        let preview: Vec<PoseFrame> = demo.preview().frames.iter().map(Body::landmarks).collect();
        let circlings = CIRCLING_JOINTS
            .iter()
            .filter(|l| pose.visibility[l.index()] >= 0.5)
            .find_map(|l| Circling::of(&preview, *l))
            .into_iter()
            .collect();
        Some(Picture {
            pose,
            bounds,
            props: if from_above {
                Vec::new()
            } else {
                demo.props.clone()
            },
            circlings,
            from_above,
        })
    }
}

/// Where a figure goes in a window rectangle: its bounds scaled to fill
/// the rectangle less a margin, centred.
#[derive(Debug, Clone, Copy)]
struct Fit {
    bounds: Bounds,
    scale: f64,
    x0: f64,
    y0: f64,
}

impl Fit {
    fn new(bounds: Bounds, (ax, ay, aw, ah): Rect) -> Fit {
        let (mx, my) = (aw * MARGIN_FRACTION, ah * MARGIN_FRACTION);
        let scale = ((aw - 2.0 * mx) / bounds.w.max(1.0)).min((ah - 2.0 * my) / bounds.h.max(1.0));
        Fit {
            bounds,
            scale,
            x0: ax + (aw - bounds.w * scale) / 2.0,
            y0: ay + (ah - bounds.h * scale) / 2.0,
        }
    }

    fn window_point(&self, x: f64, y: f64) -> (f64, f64) {
        (
            self.x0 + (x - self.bounds.x) * self.scale,
            self.y0 + (y - self.bounds.y) * self.scale,
        )
    }
}

/// A figure's limbs are this wide: a share of the height it is drawn in.
fn line_px(area: Rect) -> f64 {
    (area.3 * 0.022).clamp(2.0, 12.0)
}

/// Draws a still picture in the window rectangle `area`: the figure with
/// its props (or, seen from above, on its mat), then its round arrows.
pub fn draw_picture(canvas: &mut Canvas, picture: &Picture, area: Rect) {
    let fit = Fit::new(picture.bounds, area);
    let line = line_px(area);
    if !picture.from_above {
        draw_figure(canvas, &picture.pose, picture.bounds, &picture.props, area);
    } else {
        // The mat along the body, from beyond the feet to beyond the head,
        // as wide as the shoulders and a half; the arms reach past it.
        let at = |l: Landmark| {
            let p = picture.pose.points[l.index()];
            fit.window_point(p.x_px, p.y_px)
        };
        let (feet, head) = (at(Landmark::LeftAnkle), at(Landmark::Nose));
        let (left, right) = (at(Landmark::LeftShoulder), at(Landmark::RightShoulder));
        let half_w = (left.1 - right.1).abs() * 0.75;
        let middle = (left.1 + right.1) / 2.0;
        let (x0, x1) = (
            feet.0.min(head.0) - line * 3.0,
            feet.0.max(head.0) + line * 3.0,
        );
        canvas.fill_rect(
            (
                x0 as i64,
                (middle - half_w) as i64,
                (x1 - x0) as i64,
                (2.0 * half_w) as i64,
            ),
            MAT,
            0.8,
        );
        draw_body(canvas, &picture.pose, &fit, line);
    }
    for circling in &picture.circlings {
        let centre = fit.window_point(circling.centre_px.0, circling.centre_px.1);
        let radius = (circling.radius_px * fit.scale)
            .max(line * CIRCLING_MIN_RADIUS_LINES)
            .max(area.3 * CIRCLING_MIN_RADIUS_SHARE);
        let sweep_rad = if circling.clockwise { 1.0 } else { -1.0 } * 1.7 * std::f64::consts::PI;
        // From the top, round most of the way, with a head at the end.
        let start_rad = -std::f64::consts::FRAC_PI_2;
        canvas.arc(
            centre, radius, start_rad, sweep_rad, line, false, CIRCLING, 1.0,
        );
        let end_rad = start_rad + sweep_rad;
        let tip = (
            centre.0 + radius * end_rad.cos(),
            centre.1 + radius * end_rad.sin(),
        );
        // The head points along the way round: the tangent at the end.
        let along = end_rad + sweep_rad.signum() * std::f64::consts::FRAC_PI_2;
        for side in [-1.0, 1.0] {
            let back = along + std::f64::consts::PI + side * 0.5;
            let barb = (
                tip.0 + line * 2.2 * back.cos(),
                tip.1 + line * 2.2 * back.sin(),
            );
            canvas.line(tip, barb, line, CIRCLING, 1.0);
        }
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
    let (ax, _, aw, _) = area;
    let fit = Fit::new(bounds, area);
    let mx = aw * MARGIN_FRACTION;
    let to_window = |x: f64, y: f64| fit.window_point(x, y);
    let (scale, x0, y0) = (fit.scale, fit.x0, fit.y0);
    let line_px = line_px(area);
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
    draw_body(canvas, pose, &fit, line_px);
}

/// The figure itself: the torso as a body, the limbs in their sides'
/// colours (the far side fainter), the head, the joints.
fn draw_body(canvas: &mut Canvas, pose: &PoseFrame, fit: &Fit, line_px: f64) {
    let at = |i: usize| fit.window_point(pose.points[i].x_px, pose.points[i].y_px);
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
    let far = |(a, b): (Landmark, Landmark)| {
        pose.visibility[a.index()].min(pose.visibility[b.index()]) < 0.5
    };
    let first_arm = bones
        .iter()
        .position(|(a, b)| is_arm(*a) || is_arm(*b))
        .unwrap_or(bones.len());
    for (k, &(a, b)) in bones.iter().enumerate() {
        if k == first_arm {
            // The near arm's dark edge, under both its bones, so an arm
            // hanging in front of the torso shows as an arm.
            for &bone in bones[first_arm..].iter().filter(|b| !far(**b)) {
                canvas.line(
                    at(bone.0.index()),
                    at(bone.1.index()),
                    line_px * ARM_EDGE_WIDTHS,
                    ARM_EDGE,
                    1.0,
                );
            }
        }
        let colour = if side_colour(a) == side_colour(b) {
            side_colour(a)
        } else {
            MIDLINE
        };
        canvas.line(
            at(a.index()),
            at(b.index()),
            line_px,
            colour,
            if far((a, b)) { 0.45 } else { 1.0 },
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
/// An exercise mat's colour.
const MAT: Rgb = Rgb(60, 110, 90);

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
            // The frame the forearms rest on: stepping forward through the
            // doorway, the hands are left behind, at the back of the whole
            // movement.
            let back = if facing > 0.0 { p.left_x } else { p.right_x };
            let x = back - facing * line;
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
                MAT,
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
