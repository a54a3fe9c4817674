//! Plane geometry on landmark positions: the measurements exercises are
//! judged by. Pure functions on points in an isotropic unit (pixels), with
//! image axes: x to the right, y down. Angles are in degrees.
//!
//! Every function returns `None` instead of a meaningless number when the
//! points are degenerate (coincident, or not finite).

/// A point in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Point {
    pub x_px: f64,
    pub y_px: f64,
}

impl Point {
    pub fn new(x_px: f64, y_px: f64) -> Point {
        Point { x_px, y_px }
    }

    fn sub(self, other: Point) -> (f64, f64) {
        (self.x_px - other.x_px, self.y_px - other.y_px)
    }

    pub fn distance(self, other: Point) -> f64 {
        let (dx, dy) = self.sub(other);
        dx.hypot(dy)
    }

    pub fn midpoint(self, other: Point) -> Point {
        Point::new(
            (self.x_px + other.x_px) / 2.0,
            (self.y_px + other.y_px) / 2.0,
        )
    }

    fn is_finite(self) -> bool {
        self.x_px.is_finite() && self.y_px.is_finite()
    }
}

/// Lengths below this (pixels) are treated as zero.
const MIN_LENGTH_PX: f64 = 1e-6;

/// The angle at `vertex` between the rays to `a` and `c`, 0 to 180 degrees
/// (180 is a straight limb).
pub fn joint_angle_deg(a: Point, vertex: Point, c: Point) -> Option<f64> {
    if !(a.is_finite() && vertex.is_finite() && c.is_finite()) {
        return None;
    }
    let (ax, ay) = a.sub(vertex);
    let (cx, cy) = c.sub(vertex);
    let (la, lc) = (ax.hypot(ay), cx.hypot(cy));
    if la < MIN_LENGTH_PX || lc < MIN_LENGTH_PX {
        return None;
    }
    let cos = ((ax * cx + ay * cy) / (la * lc)).clamp(-1.0, 1.0);
    Some(cos.acos().to_degrees())
}

/// The reference a segment's inclination is measured from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reference {
    /// Straight up the image: 0 when the segment points up, 90 when
    /// horizontal, 180 when it points down.
    Up,
    /// Straight down the image: 0 when the segment points down.
    Down,
    /// The horizon: 0 when level, 90 when vertical, either way.
    Horizontal,
}

/// The angle of the segment `from` -> `to` from `reference`.
pub fn inclination_deg(from: Point, to: Point, reference: Reference) -> Option<f64> {
    if !(from.is_finite() && to.is_finite()) {
        return None;
    }
    let (dx, dy) = to.sub(from);
    let length = dx.hypot(dy);
    if length < MIN_LENGTH_PX {
        return None;
    }
    // Image y points down, so "up" is -y.
    let from_up = (-dy / length).clamp(-1.0, 1.0).acos().to_degrees();
    Some(match reference {
        Reference::Up => from_up,
        Reference::Down => 180.0 - from_up,
        Reference::Horizontal => (90.0 - from_up).abs(),
    })
}

/// How far `point` lies off the line through `a` and `b`, as a fraction of
/// `scale_px`: positive when it is above the line (towards the image top),
/// negative below. For a vertical line, positive is towards `b`'s right
/// when `b` is below `a`... so callers use it for lines that are not
/// vertical (a body lying or leaning).
pub fn deviation(point: Point, a: Point, b: Point, scale_px: f64) -> Option<f64> {
    if !(point.is_finite() && a.is_finite() && b.is_finite()) || scale_px < MIN_LENGTH_PX {
        return None;
    }
    let (lx, ly) = b.sub(a);
    let length = lx.hypot(ly);
    if length < MIN_LENGTH_PX {
        return None;
    }
    let (px, py) = point.sub(a);
    // Signed distance with the normal chosen to point up the image.
    let (mut nx, mut ny) = (ly / length, -lx / length);
    if ny > 0.0 || (ny == 0.0 && nx < 0.0) {
        nx = -nx;
        ny = -ny;
    }
    Some((px * nx + py * ny) / scale_px)
}

/// The signed difference `point - origin` along one image axis, as a
/// fraction of `scale_px`. Along y, positive is up (towards the top).
pub fn offset(point: Point, origin: Point, axis: Axis, scale_px: f64) -> Option<f64> {
    if !(point.is_finite() && origin.is_finite()) || scale_px < MIN_LENGTH_PX {
        return None;
    }
    let (dx, dy) = point.sub(origin);
    Some(match axis {
        Axis::X => dx / scale_px,
        Axis::Y => -dy / scale_px,
    })
}

/// An image axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    X,
    Y,
}

/// Follows a point going round in circles and counts the turns.
///
/// The centre of the circle is a slow moving average of the point, so the
/// body may drift. A turn counts only while the point stays at least
/// `min_radius_px` from the centre, so jitter around a still point does not
/// turn. Turns are signed: positive is clockwise on screen (image y down).
#[derive(Debug, Clone)]
pub struct CircleTracker {
    center: Option<Point>,
    last_angle_rad: Option<f64>,
    turns: f64,
    /// Weight of a new sample in the centre's moving average.
    center_alpha: f64,
}

impl CircleTracker {
    pub fn new(center_alpha: f64) -> CircleTracker {
        CircleTracker {
            center: None,
            last_angle_rad: None,
            turns: 0.0,
            center_alpha,
        }
    }

    /// Adds a sample; returns the signed turns so far.
    pub fn update(&mut self, point: Point, min_radius_px: f64) -> f64 {
        if !point.is_finite() {
            return self.turns;
        }
        let center = match self.center {
            Some(c) => Point::new(
                c.x_px + self.center_alpha * (point.x_px - c.x_px),
                c.y_px + self.center_alpha * (point.y_px - c.y_px),
            ),
            None => point,
        };
        self.center = Some(center);
        let (dx, dy) = point.sub(center);
        if dx.hypot(dy) < min_radius_px {
            // Too close to the centre for its direction to mean anything.
            self.last_angle_rad = None;
            return self.turns;
        }
        let angle = dy.atan2(dx);
        if let Some(last) = self.last_angle_rad {
            let mut delta = angle - last;
            if delta > std::f64::consts::PI {
                delta -= std::f64::consts::TAU;
            } else if delta < -std::f64::consts::PI {
                delta += std::f64::consts::TAU;
            }
            self.turns += delta / std::f64::consts::TAU;
        }
        self.last_angle_rad = Some(angle);
        self.turns
    }

    pub fn turns(&self) -> f64 {
        self.turns
    }

    pub fn reset(&mut self) {
        *self = CircleTracker::new(self.center_alpha);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(x: f64, y: f64) -> Point {
        Point::new(x, y)
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    #[test]
    fn joint_angles() {
        let cases = [
            ((0.0, 0.0), (1.0, 0.0), (2.0, 0.0), Some(180.0)), // straight
            ((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), Some(90.0)),  // right angle
            ((0.0, 0.0), (1.0, 0.0), (0.0, 0.0), Some(0.0)),   // folded back
            ((1.0, 0.0), (1.0, 0.0), (2.0, 0.0), None),        // coincident
            ((f64::NAN, 0.0), (1.0, 0.0), (2.0, 0.0), None),   // missing
        ];
        for (a, v, c, want) in cases {
            let got = joint_angle_deg(p(a.0, a.1), p(v.0, v.1), p(c.0, c.1));
            match want {
                Some(w) => assert!(close(got, w), "{a:?} {v:?} {c:?}: {got:?}"),
                None => assert_eq!(got, None),
            }
        }
    }

    #[test]
    fn inclinations() {
        let o = p(0.0, 0.0);
        assert!(close(inclination_deg(o, p(0.0, -1.0), Reference::Up), 0.0));
        assert!(close(inclination_deg(o, p(1.0, 0.0), Reference::Up), 90.0));
        assert!(close(inclination_deg(o, p(0.0, 1.0), Reference::Up), 180.0));
        assert!(close(inclination_deg(o, p(0.0, 1.0), Reference::Down), 0.0));
        assert!(close(
            inclination_deg(o, p(-1.0, 0.0), Reference::Horizontal),
            0.0
        ));
        assert!(close(
            inclination_deg(o, p(1.0, -1.0), Reference::Horizontal),
            45.0
        ));
        assert!(close(
            inclination_deg(o, p(1.0, 1.0), Reference::Horizontal),
            45.0
        ));
        assert_eq!(inclination_deg(o, o, Reference::Up), None);
    }

    #[test]
    fn deviation_is_positive_above_the_line_whichever_way_it_runs() {
        let (a, b) = (p(0.0, 10.0), p(100.0, 10.0));
        assert!(close(deviation(p(50.0, 0.0), a, b, 100.0), 0.1));
        assert!(close(deviation(p(50.0, 0.0), b, a, 100.0), 0.1));
        assert!(close(deviation(p(50.0, 30.0), a, b, 100.0), -0.2));
        assert!(close(deviation(p(50.0, 10.0), a, b, 100.0), 0.0));
        assert_eq!(deviation(p(1.0, 1.0), a, a, 100.0), None);
        assert_eq!(deviation(p(1.0, 1.0), a, b, 0.0), None);
    }

    #[test]
    fn offsets_point_up_and_right() {
        let o = p(10.0, 10.0);
        assert!(close(offset(p(20.0, 10.0), o, Axis::X, 10.0), 1.0));
        assert!(close(offset(p(10.0, 0.0), o, Axis::Y, 10.0), 1.0));
    }

    #[test]
    fn circles_are_counted_with_direction_and_jitter_is_not() {
        let mut tracker = CircleTracker::new(0.02);
        // Three clockwise (on screen) turns around (100, 100), radius 20.
        // The centre settles during the first turn, which is under-counted;
        // after it, every turn counts in full.
        let mut after_first = 0.0;
        for i in 0..=300 {
            let a = f64::from(i) / 100.0 * std::f64::consts::TAU;
            let turns = tracker.update(p(100.0 + 20.0 * a.cos(), 100.0 + 20.0 * a.sin()), 5.0);
            if i == 100 {
                after_first = turns;
                assert!(turns > 0.6, "first turn counted {turns}");
            }
        }
        let steady = tracker.turns() - after_first;
        assert!((steady - 2.0).abs() < 0.05, "{steady}");

        let mut still = CircleTracker::new(0.02);
        for i in 0..300 {
            let j = if i % 2 == 0 { 1.0 } else { -1.0 };
            still.update(p(100.0 + j, 100.0 - j), 5.0);
        }
        assert!(still.turns().abs() < 0.05, "{}", still.turns());
    }
}
