//! What the body measures now: the near and working sides, which way the
//! person faces, and each of the exercise's measurements on the frame
//! (smoothed), with the points it was taken at.

use super::frame::PoseFrame;
use crate::exercise::model::{
    BodyPart, Exercise, MeasureKind, PointRef, Scale, Side, SideMode, SideRule,
};
use crate::geometry::{self, CircleTracker, Point};
use crate::pose::Landmark;

/// Measurements are smoothed with this time constant before thresholds,
/// taking the edge off a real model's +-5 degree jitter.
const MEASUREMENT_SMOOTHING_MS: f64 = 120.0;
/// The near side changes only when the other side is seen this much better
/// (summed visibility of six landmarks).
const NEAR_SIDE_MARGIN: f32 = 0.3;
/// The working side changes only when the deciding body parts differ in
/// height by this fraction of the torso.
const WORKING_SIDE_MARGIN: f64 = 0.08;
/// The centre of a circle follows the point with this weight per frame.
const CIRCLE_CENTER_ALPHA: f64 = 0.03;
/// Shoulders turned less than this out of the picture's plane face the
/// camera: a circle (a shoulder roll, forward and up) is then followed in
/// depth and height, as the model's depth gives them, instead of across
/// the picture.
const CIRCLE_IN_DEPTH_MAX_YAW_DEG: f64 = 45.0;

/// The exercise's measurements, frame by frame.
#[derive(Debug, Clone)]
pub struct Measurer {
    kinds: Vec<MeasureKind>,
    sides: SideMode,
    working_rule: Option<SideRule>,
    near_side: Side,
    working_side: Side,
    facing_right: bool,
    values: Vec<Option<f64>>,
    /// Where each measurement was taken on the last frame (for drawing).
    measured_px: Vec<Vec<Point>>,
    circles: Vec<CircleTracker>,
    /// Circles are followed in depth (the person faces the camera).
    circles_in_depth: bool,
}

impl Measurer {
    pub fn new(exercise: &Exercise) -> Measurer {
        let n = exercise.measurements.len();
        Measurer {
            kinds: exercise.measurements.iter().map(|m| m.kind).collect(),
            sides: exercise.sides,
            working_rule: exercise.working_side,
            near_side: Side::Left,
            working_side: match exercise.sides {
                SideMode::Only(side) => side,
                _ => Side::Left,
            },
            facing_right: true,
            values: vec![None; n],
            measured_px: vec![Vec::new(); n],
            circles: vec![CircleTracker::new(CIRCLE_CENTER_ALPHA); n],
            circles_in_depth: false,
        }
    }

    /// Measures `frame`, seen `dt_s` after the last one.
    pub fn update(&mut self, frame: &PoseFrame, dt_s: f64) {
        self.update_sides(frame);
        self.measure(frame, dt_s);
    }

    /// Nobody in view: nothing is measured.
    pub fn clear(&mut self) {
        self.values.iter_mut().for_each(|v| *v = None);
        self.measured_px.iter_mut().for_each(Vec::clear);
    }

    /// Each measurement's value now (None where it is not seen).
    pub fn values(&self) -> &[Option<f64>] {
        &self.values
    }

    /// The points measurement `i` was taken at, in image pixels.
    pub fn points_px(&self, i: usize) -> &[Point] {
        &self.measured_px[i]
    }

    pub fn working_side(&self) -> Side {
        self.working_side
    }

    fn update_sides(&mut self, frame: &PoseFrame) {
        use BodyPart::*;
        let score = |side: Side| -> f32 {
            [Shoulder, Elbow, Wrist, Hip, Knee, Ankle]
                .iter()
                .map(|p| frame.visibility[p.on(side).index()])
                .sum()
        };
        let (near, far) = (score(self.near_side), score(self.near_side.other()));
        if far > near + NEAR_SIDE_MARGIN {
            self.near_side = self.near_side.other();
        }
        if let (Some(nose), Some(ear)) = (
            frame.seen(Landmark::Nose),
            frame.seen(Ear.on(self.near_side)),
        ) {
            self.facing_right = nose.x_px > ear.x_px;
        }
        self.working_side = match (self.sides, self.working_rule) {
            (SideMode::Only(side), _) => side,
            (_, Some(rule)) => {
                let part = match rule {
                    SideRule::Higher(p) | SideRule::Lower(p) => p,
                };
                let torso = self.torso_px(frame);
                match (
                    frame.seen(part.on(Side::Left)),
                    frame.seen(part.on(Side::Right)),
                    torso,
                ) {
                    (Some(l), Some(r), Some(torso)) => {
                        // Image y grows downwards: higher means smaller y.
                        let left_higher_by = (r.y_px - l.y_px) / torso;
                        let want_higher = matches!(rule, SideRule::Higher(_));
                        if left_higher_by > WORKING_SIDE_MARGIN {
                            if want_higher { Side::Left } else { Side::Right }
                        } else if left_higher_by < -WORKING_SIDE_MARGIN {
                            if want_higher { Side::Right } else { Side::Left }
                        } else {
                            self.working_side
                        }
                    }
                    _ => self.working_side,
                }
            }
            (_, None) => self.near_side,
        };
    }

    fn resolve(&self, frame: &PoseFrame, point: PointRef) -> Option<Point> {
        match self.landmarks_of(point) {
            (l, None) => frame.seen(l),
            (l, Some(r)) => Some(frame.seen(l)?.midpoint(frame.seen(r)?)),
        }
    }

    /// A point's depth (nearer the camera smaller), when the model gave it.
    fn depth_px(&self, frame: &PoseFrame, point: PointRef) -> Option<f64> {
        let depth = frame.depth_px.as_ref()?;
        match self.landmarks_of(point) {
            (l, None) => Some(depth[l.index()]),
            (l, Some(r)) => Some((depth[l.index()] + depth[r.index()]) / 2.0),
        }
    }

    /// Shoulder to hip on the near side, the body's yardstick.
    pub fn torso_px(&self, frame: &PoseFrame) -> Option<f64> {
        let s = frame.seen(BodyPart::Shoulder.on(self.near_side))?;
        let h = frame.seen(BodyPart::Hip.on(self.near_side))?;
        Some(s.distance(h))
    }

    fn scale_px(&self, frame: &PoseFrame, scale: Scale) -> Option<f64> {
        match scale {
            Scale::Torso => self.torso_px(frame),
            Scale::ShoulderWidth => {
                let l = frame.seen(Landmark::LeftShoulder)?;
                let r = frame.seen(Landmark::RightShoulder)?;
                Some(l.distance(r))
            }
        }
    }

    fn measure(&mut self, frame: &PoseFrame, dt_s: f64) {
        let in_depth = super::placement::shoulder_yaw_deg(frame)
            .is_some_and(|yaw| yaw < CIRCLE_IN_DEPTH_MAX_YAW_DEG);
        if in_depth != self.circles_in_depth {
            // Another plane: the circles so far do not continue in it.
            self.circles_in_depth = in_depth;
            self.circles.iter_mut().for_each(CircleTracker::reset);
        }
        let alpha = if dt_s > 0.0 {
            1.0 - (-dt_s * 1000.0 / MEASUREMENT_SMOOTHING_MS).exp()
        } else {
            1.0
        };
        for i in 0..self.kinds.len() {
            let raw = self.raw_value(frame, i);
            self.measured_px[i] = if raw.is_some() {
                self.measured_points(frame, i)
            } else {
                Vec::new()
            };
            let smoothed = match (raw, self.values[i], &self.kinds[i]) {
                // Turns accumulate; smoothing would only delay them.
                (Some(v), _, MeasureKind::Circle { .. }) => Some(v),
                (Some(v), Some(prev), _) => Some(prev + alpha * (v - prev)),
                (v, _, _) => v,
            };
            self.values[i] = smoothed;
        }
    }

    fn raw_value(&mut self, frame: &PoseFrame, i: usize) -> Option<f64> {
        let kind = self.kinds[i];
        let p = |r: PointRef| self.resolve(frame, r);
        match kind {
            MeasureKind::Angle { a, vertex, c } => {
                geometry::joint_angle_deg(p(a)?, p(vertex)?, p(c)?)
            }
            MeasureKind::Inclination {
                from,
                to,
                reference,
            } => geometry::inclination_deg(p(from)?, p(to)?, reference),
            MeasureKind::Lean { from, to } => {
                let (a, b) = (p(from)?, p(to)?);
                let angle = geometry::inclination_deg(a, b, geometry::Reference::Up)?;
                let forward_px = (b.x_px - a.x_px) * self.facing_sign();
                Some(if forward_px < 0.0 { -angle } else { angle })
            }
            MeasureKind::Deviation { point, a, b, scale } => {
                geometry::deviation(p(point)?, p(a)?, p(b)?, self.scale_px(frame, scale)?)
            }
            MeasureKind::Distance { a, b, scale } => {
                Some(p(a)?.distance(p(b)?) / self.scale_px(frame, scale)?)
            }
            MeasureKind::Offset {
                point,
                origin,
                axis,
                forward,
                scale,
            } => {
                let value =
                    geometry::offset(p(point)?, p(origin)?, axis, self.scale_px(frame, scale)?)?;
                Some(if forward {
                    value * self.facing_sign()
                } else {
                    value
                })
            }
            MeasureKind::Circle {
                point,
                relative_to,
                min_radius,
            } => {
                let (pt, origin) = (p(point)?, p(relative_to)?);
                let torso = self.torso_px(frame)?;
                let up_px = pt.y_px - origin.y_px;
                if self.circles_in_depth {
                    // Facing the camera: forward is towards it (less deep),
                    // so forward and up turn as for a person facing right.
                    let depth = |r: PointRef| self.depth_px(frame, r);
                    let forward_px = depth(relative_to)? - depth(point)?;
                    let relative = Point::new(forward_px, up_px);
                    return Some(self.circles[i].update(relative, min_radius * torso));
                }
                let relative = Point::new(pt.x_px - origin.x_px, up_px);
                let turns = self.circles[i].update(relative, min_radius * torso);
                // Clockwise on screen is forward for a person facing right.
                Some(if self.facing_right { turns } else { -turns })
            }
        }
    }

    /// The points measurement `i` uses on `frame`, in drawing order.
    fn measured_points(&self, frame: &PoseFrame, i: usize) -> Vec<Point> {
        point_refs(&self.kinds[i])
            .into_iter()
            .filter_map(|r| self.resolve(frame, r))
            .collect()
    }

    /// The landmarks behind a point: one, or both sides' for a midpoint.
    pub fn landmarks_of(&self, point: PointRef) -> (Landmark, Option<Landmark>) {
        match point {
            PointRef::Fixed(l) => (l, None),
            PointRef::Working(p) => (p.on(self.working_side), None),
            PointRef::Other(p) => (p.on(self.working_side.other()), None),
            PointRef::Near(p) => (p.on(self.near_side), None),
            PointRef::Mid(p) => (p.on(Side::Left), Some(p.on(Side::Right))),
        }
    }

    /// The body regions `measurements` need that are out of the picture,
    /// head to feet ("knees", "feet").
    pub fn out_of_picture(&self, frame: &PoseFrame, measurements: Vec<usize>) -> Vec<&'static str> {
        let mut landmarks: Vec<Landmark> = measurements
            .into_iter()
            .flat_map(|i| needed_refs(&self.kinds[i]))
            .flat_map(|r| {
                let (l, r) = self.landmarks_of(r);
                std::iter::once(l).chain(r)
            })
            .collect();
        // The near torso is every length's yardstick.
        landmarks.extend([
            BodyPart::Shoulder.on(self.near_side),
            BodyPart::Hip.on(self.near_side),
        ]);
        frame.regions_out_of_picture(landmarks)
    }

    /// +1 when the person faces image right, -1 when left.
    fn facing_sign(&self) -> f64 {
        if self.facing_right { 1.0 } else { -1.0 }
    }

    /// The side nearer the camera.
    pub fn near_side(&self) -> Side {
        self.near_side
    }
}

/// The points a measurement of this kind needs to be seen: those it is
/// drawn at, and the point a circle is measured relative to.
pub(super) fn needed_refs(kind: &MeasureKind) -> Vec<PointRef> {
    let mut refs = point_refs(kind);
    if let MeasureKind::Circle { relative_to, .. } = *kind {
        refs.push(relative_to);
    }
    refs
}

/// The points a measurement of this kind uses, in drawing order.
fn point_refs(kind: &MeasureKind) -> Vec<PointRef> {
    match *kind {
        MeasureKind::Angle { a, vertex, c } => vec![a, vertex, c],
        MeasureKind::Inclination { from, to, .. } | MeasureKind::Lean { from, to } => {
            vec![from, to]
        }
        MeasureKind::Deviation { point, a, b, .. } => vec![point, a, b],
        MeasureKind::Distance { a, b, .. } => vec![a, b],
        MeasureKind::Offset { point, origin, .. } => vec![point, origin],
        MeasureKind::Circle { point, .. } => vec![point],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exercise::file::exercise_from_str;
    use crate::pose::NUM_LANDMARKS;

    const EXERCISE: &str = r#"
format = 1
id = "knee"
name = "Knee"
view = "side"
posture = "standing"
sides = "alternating"
working_side = "higher:ankle"

[[measurement]]
name = "knee_angle"
kind = "angle"
points = ["working.hip", "working.knee", "working.ankle"]

[[phase]]
name = "any"
when = [{ measurement = "knee_angle", enter = [0, 180] }]

[hold]
phase = "any"
target_s = 1
"#;

    fn measurer() -> Measurer {
        let exercise = exercise_from_str(
            std::path::Path::new("knee.toml"),
            EXERCISE,
            &Default::default(),
        )
        .unwrap();
        Measurer::new(&exercise)
    }

    /// Standing side-on, facing right: both legs straight, the left ankle
    /// raised by `left_ankle_up_px` (the knee bends to reach it).
    fn frame(left_ankle_up_px: f64, left_vis: f32, right_vis: f32) -> PoseFrame {
        use Landmark::*;
        let mut points = [Point::new(500.0, 300.0); NUM_LANDMARKS];
        let mut visibility = [1.0; NUM_LANDMARKS];
        for (left, right, x, y) in [
            (LeftShoulder, RightShoulder, 500.0, 250.0),
            (LeftHip, RightHip, 500.0, 500.0),
            (LeftKnee, RightKnee, 500.0, 700.0),
            (LeftAnkle, RightAnkle, 500.0, 900.0),
            (LeftEar, RightEar, 500.0, 180.0),
        ] {
            points[left.index()] = Point::new(x, y);
            points[right.index()] = Point::new(x + 5.0, y);
            visibility[left.index()] = left_vis;
            visibility[right.index()] = right_vis;
        }
        points[Nose.index()] = Point::new(530.0, 185.0);
        points[LeftAnkle.index()] = Point::new(500.0 + left_ankle_up_px, 900.0 - left_ankle_up_px);
        PoseFrame {
            points,
            visibility,
            image_size_px: (1000.0, 1000.0),
            depth_px: None,
        }
    }

    #[test]
    fn the_working_side_is_the_higher_ankle_beyond_a_margin() {
        let mut m = measurer();
        m.update(&frame(0.0, 1.0, 0.2), 0.0);
        assert_eq!(m.working_side(), Side::Left);
        // The right ankle higher by a hair (5% of the torso): no change.
        let mut f = frame(0.0, 1.0, 0.2);
        f.points[Landmark::RightAnkle.index()].y_px -= 12.5;
        m.update(&f, 0.0);
        assert_eq!(m.working_side(), Side::Left);
        // By 20%: the right leg works.
        f.points[Landmark::RightAnkle.index()].y_px -= 37.5;
        m.update(&f, 0.0);
        assert_eq!(m.working_side(), Side::Right);
    }

    #[test]
    fn a_limb_hidden_behind_the_body_is_measured_where_it_is() {
        let mut m = measurer();
        // The left leg works, its ankle lifted 100 px, rated hidden (0.1).
        m.update(&frame(100.0, 0.1, 1.0), 0.0);
        assert_eq!(m.working_side(), Side::Left);
        let knee = m.values()[0].unwrap();
        assert!(knee < 160.0 && knee > 100.0, "{knee}");
        assert_eq!(m.points_px(0).len(), 3);
        assert!(
            m.out_of_picture(&frame(100.0, 0.1, 1.0), vec![0])
                .is_empty()
        );
    }

    #[test]
    fn a_part_beyond_the_edge_is_named_and_not_measured() {
        let mut m = measurer();
        let mut f = frame(0.0, 1.0, 1.0);
        f.points[Landmark::LeftKnee.index()].y_px = 1200.0;
        f.points[Landmark::LeftAnkle.index()].y_px = 1400.0;
        m.update(&f, 0.0);
        assert_eq!(m.values()[0], None);
        assert!(m.points_px(0).is_empty());
        assert_eq!(m.out_of_picture(&f, vec![0]), ["knees", "feet"]);
    }

    #[test]
    fn measurements_are_smoothed_over_about_a_tenth_of_a_second() {
        let mut m = measurer();
        m.update(&frame(0.0, 1.0, 0.2), 0.0);
        assert!((m.values()[0].unwrap() - 180.0).abs() < 1e-6);
        // A sudden bend: after 120 ms the value has gone 63% of the way.
        let bent = frame(200.0, 1.0, 0.2);
        let mut once = measurer();
        once.update(&bent, 0.0);
        let target = once.values()[0].unwrap();
        m.update(&bent, MEASUREMENT_SMOOTHING_MS / 1000.0);
        let went = (180.0 - m.values()[0].unwrap()) / (180.0 - target);
        assert!((went - (1.0 - (-1.0_f64).exp())).abs() < 1e-9, "{went}");
        m.clear();
        assert_eq!(m.values()[0], None);
    }

    #[test]
    fn the_near_side_changes_only_when_the_other_is_clearly_better_seen() {
        let mut m = measurer();
        m.update(&frame(0.0, 1.0, 0.2), 0.0);
        assert_eq!(m.near_side, Side::Left);
        m.update(&frame(0.0, 0.9, 0.94), 0.0);
        assert_eq!(m.near_side, Side::Left);
        m.update(&frame(0.0, 0.5, 0.95), 0.0);
        assert_eq!(m.near_side, Side::Right);
    }
}
