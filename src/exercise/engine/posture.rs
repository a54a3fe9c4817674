//! Which posture the person is in (upright, kneeling, on all fours, lying
//! on the back or face down), from the torso's tilt, the legs and the
//! face, believed once seen for a moment.

use super::frame::PoseFrame;
use crate::exercise::model::{BodyPart, Posture, Side};
use crate::geometry::{self, Point};
use crate::pose::Landmark;

/// The torso (mid-hip to mid-shoulder) within this many degrees of straight
/// up is standing (or sitting) upright. Real standing footage (a wall sit,
/// squats seen from the front) stays under 35.
const UPRIGHT_MAX_TILT_DEG: f64 = 40.0;
/// The torso between these tilts from straight up is lying down. Real
/// footage: a plank, push-ups and a prone superman 73-93 degrees, a glute
/// bridge 90-114 (the hips lifted above the shoulders).
const LYING_TILT_DEG: (f64, f64) = (55.0, 135.0);
/// Lying, the face (ear to nose) within this many degrees of straight up is
/// lying on the back (a glute bridge on real footage: 21-34 degrees)...
const SUPINE_MAX_FACE_DEG: f64 = 60.0;
/// ...and more than this from straight up is lying face down (a plank,
/// push-ups, a superman looking ahead: 137-178 degrees).
const PRONE_MIN_FACE_DEG: f64 = 100.0;
/// The torso level and a thigh within this many degrees of straight down
/// is on all fours, not lying: real footage reads 5-32 degrees on all
/// fours (bird-dog.mp4 of lenagalanova_guides, donkeykicks.mp4 of
/// malik_exercises, the lower thigh), 60-98 lying face down or in a plank.
const ALL_FOURS_MAX_THIGH_DEG: f64 = 45.0;
/// Upright with both shins within this many degrees of level is kneeling
/// (or sitting on the floor), not standing.
const KNEELING_MAX_SHIN_DEG: f64 = 35.0;
/// Upright, knees at least this many torso lengths below the hips in the
/// picture are legs going down to the floor: standing, or sitting facing
/// the camera. Lying seen from the head end, the legs go away from the
/// camera and show shortened, beside or beyond the hips.
const LEGS_DOWN_MIN_TORSOS: f64 = 0.5;
/// A new posture is believed once seen this long.
const POSTURE_DWELL_MS: f64 = 500.0;

/// A posture as the camera sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// Standing or sitting up; `legs_down` when the legs are seen going
    /// down to the floor (not lying seen from the head end).
    Upright {
        legs_down: bool,
    },
    Kneeling,
    AllFours,
    Prone,
    Supine,
}

impl Seen {
    /// Whether this is the posture an exercise asks for, as far as the
    /// camera can tell from `side_view` or the front.
    pub fn fits(self, wanted: Posture, side_view: bool) -> bool {
        match (wanted, self) {
            (Posture::Inverted, _) => true,
            (Posture::Standing, Seen::Upright { .. }) => true,
            (Posture::Standing, _) => false,
            // From the front (the camera at the head), lying face down or
            // on the back cannot be told apart, nor from lying seen side-on
            // at three quarters; standing, kneeling and all fours can.
            (Posture::Prone | Posture::Supine, Seen::Upright { legs_down }) if !side_view => {
                !legs_down
            }
            (Posture::Prone | Posture::Supine, Seen::Prone | Seen::Supine) if !side_view => true,
            (Posture::Prone, Seen::Prone) | (Posture::Supine, Seen::Supine) => true,
            (Posture::Prone | Posture::Supine, _) => false,
        }
    }
}

/// Follows the person's posture: a new one is believed once it has been
/// seen for [`POSTURE_DWELL_MS`] (the first one at once); in between
/// postures the last one stands.
#[derive(Debug, Clone, Default)]
pub struct PostureTracker {
    posture: Option<Seen>,
    candidate: Option<(Seen, f64)>,
}

impl PostureTracker {
    /// The posture believed now.
    pub fn posture(&self) -> Option<Seen> {
        self.posture
    }

    pub fn update(&mut self, t_ms: f64, frame: &PoseFrame) {
        let Some(now) = posture_of(frame) else {
            self.candidate = None;
            return;
        };
        if self.posture.is_none() || self.posture == Some(now) {
            self.posture = Some(now);
            self.candidate = None;
            return;
        }
        match self.candidate {
            Some((p, since)) if p == now => {
                if t_ms - since >= POSTURE_DWELL_MS {
                    self.posture = Some(now);
                    self.candidate = None;
                }
            }
            _ => self.candidate = Some((now, t_ms)),
        }
    }
}

/// The posture a frame shows, from the tilt of the torso, the legs and,
/// lying, which way the face points; None in between, or when the torso
/// or head is out of the picture.
pub fn posture_of(frame: &PoseFrame) -> Option<Seen> {
    let mid = |part: BodyPart| {
        Some(
            frame
                .seen(part.on(Side::Left))?
                .midpoint(frame.seen(part.on(Side::Right))?),
        )
    };
    let (shoulder, hip) = (mid(BodyPart::Shoulder)?, mid(BodyPart::Hip)?);
    let torso_px = shoulder.distance(hip);
    let tilt_deg = geometry::inclination_deg(hip, shoulder, geometry::Reference::Up)?;
    // Each leg's hip, knee and ankle, where in the picture.
    let legs: Vec<(Point, Point, Option<Point>)> = [Side::Left, Side::Right]
        .into_iter()
        .filter_map(|side| {
            Some((
                frame.seen(BodyPart::Hip.on(side))?,
                frame.seen(BodyPart::Knee.on(side))?,
                frame.seen(BodyPart::Ankle.on(side)),
            ))
        })
        .collect();
    if tilt_deg <= UPRIGHT_MAX_TILT_DEG {
        let shin_level = |&(_, knee, ankle): &(Point, Point, Option<Point>)| {
            ankle
                .and_then(|a| geometry::inclination_deg(knee, a, geometry::Reference::Horizontal))
                .is_some_and(|deg| deg <= KNEELING_MAX_SHIN_DEG)
        };
        if legs.len() == 2 && legs.iter().all(shin_level) {
            return Some(Seen::Kneeling);
        }
        let legs_down = legs.is_empty()
            || legs
                .iter()
                .any(|(hip, knee, _)| knee.y_px - hip.y_px >= LEGS_DOWN_MIN_TORSOS * torso_px);
        return Some(Seen::Upright { legs_down });
    }
    if !(LYING_TILT_DEG.0..=LYING_TILT_DEG.1).contains(&tilt_deg) {
        return None;
    }
    let thigh_down = |&(hip, knee, _): &(Point, Point, Option<Point>)| {
        geometry::inclination_deg(hip, knee, geometry::Reference::Down)
            .is_some_and(|deg| deg <= ALL_FOURS_MAX_THIGH_DEG)
    };
    if legs.iter().any(thigh_down) {
        return Some(Seen::AllFours);
    }
    let face_deg = geometry::inclination_deg(
        mid(BodyPart::Ear)?,
        frame.seen(Landmark::Nose)?,
        geometry::Reference::Up,
    )?;
    if face_deg <= SUPINE_MAX_FACE_DEG {
        Some(Seen::Supine)
    } else if face_deg >= PRONE_MIN_FACE_DEG {
        Some(Seen::Prone)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::Point;
    use crate::pose::NUM_LANDMARKS;

    /// Shoulders `torso` px from the hips in direction `tilt_deg` from
    /// straight up (towards image right); the nose from the ears in
    /// direction `face_deg` from straight up.
    fn frame(tilt_deg: f64, face_deg: f64) -> PoseFrame {
        // The legs in line with the torso.
        legs(
            frame_without_legs(tilt_deg, face_deg),
            tilt_deg + 180.0,
            tilt_deg + 180.0,
        )
    }

    /// `len` px from `from` in direction `deg` from straight up.
    fn at(from: Point, deg: f64, len: f64) -> Point {
        let r = deg.to_radians();
        Point::new(from.x_px + len * r.sin(), from.y_px - len * r.cos())
    }

    /// `frame` with both thighs and shins pointing `thigh_deg` and
    /// `shin_deg` from straight up.
    fn legs(mut frame: PoseFrame, thigh_deg: f64, shin_deg: f64) -> PoseFrame {
        let hip = frame.points[Landmark::LeftHip.index()];
        let knee = at(hip, thigh_deg, 220.0);
        let ankle = at(knee, shin_deg, 210.0);
        for (l, p) in [
            (Landmark::LeftKnee, knee),
            (Landmark::RightKnee, knee),
            (Landmark::LeftAnkle, ankle),
            (Landmark::RightAnkle, ankle),
        ] {
            frame.points[l.index()] = p;
        }
        frame
    }

    fn frame_without_legs(tilt_deg: f64, face_deg: f64) -> PoseFrame {
        let mut points = [Point::new(500.0, 500.0); NUM_LANDMARKS];
        let hip = Point::new(500.0, 500.0);
        let shoulder = at(hip, tilt_deg, 250.0);
        let ear = at(shoulder, tilt_deg, 80.0);
        let nose = at(ear, face_deg, 35.0);
        for (l, p) in [
            (Landmark::LeftHip, hip),
            (Landmark::RightHip, hip),
            (Landmark::LeftShoulder, shoulder),
            (Landmark::RightShoulder, shoulder),
            (Landmark::LeftEar, ear),
            (Landmark::RightEar, ear),
            (Landmark::Nose, nose),
        ] {
            points[l.index()] = p;
        }
        PoseFrame {
            points,
            visibility: [1.0; NUM_LANDMARKS],
            image_size_px: (1000.0, 1000.0),
            depth_px: None,
        }
    }

    #[test]
    fn postures_from_the_torso_and_the_face() {
        for (tilt, face, want) in [
            (0.0, 90.0, Some(Seen::Upright { legs_down: true })),
            (35.0, 90.0, Some(Seen::Upright { legs_down: true })),
            (47.0, 90.0, None),
            (90.0, 0.0, Some(Seen::Supine)),
            (105.0, 30.0, Some(Seen::Supine)),
            (85.0, 170.0, Some(Seen::Prone)),
            (90.0, 80.0, None),
            (160.0, 0.0, None),
        ] {
            assert_eq!(
                posture_of(&frame(tilt, face)),
                want,
                "tilt {tilt}, face {face}"
            );
        }
    }

    #[test]
    fn kneeling_all_fours_and_lying_seen_from_the_head_end() {
        // Upright, thighs down, shins level on the floor: kneeling.
        assert_eq!(
            posture_of(&legs(frame_without_legs(0.0, 90.0), 180.0, 270.0)),
            Some(Seen::Kneeling)
        );
        // The torso level, face down, thighs straight down: all fours.
        assert_eq!(
            posture_of(&legs(frame_without_legs(90.0, 170.0), 180.0, 270.0)),
            Some(Seen::AllFours)
        );
        // The torso upright in the picture but the legs going up it,
        // shortened: lying, seen from the head end.
        let head_end = legs(frame_without_legs(0.0, 90.0), 0.0, 0.0);
        assert_eq!(
            posture_of(&head_end),
            Some(Seen::Upright { legs_down: false })
        );
        let from_front = |seen: Seen, wanted| seen.fits(wanted, false);
        assert!(from_front(
            Seen::Upright { legs_down: false },
            Posture::Prone
        ));
        assert!(!from_front(
            Seen::Upright { legs_down: true },
            Posture::Prone
        ));
        assert!(!from_front(Seen::AllFours, Posture::Prone));
        assert!(!Seen::AllFours.fits(Posture::Prone, true));
        assert!(!Seen::Kneeling.fits(Posture::Standing, true));
        assert!(Seen::Upright { legs_down: false }.fits(Posture::Standing, false));
    }

    #[test]
    fn a_new_posture_is_believed_after_a_moment() {
        let mut t = PostureTracker::default();
        let upright = Some(Seen::Upright { legs_down: true });
        t.update(0.0, &frame(90.0, 0.0));
        assert_eq!(t.posture(), Some(Seen::Supine));
        t.update(100.0, &frame(0.0, 90.0));
        t.update(400.0, &frame(0.0, 90.0));
        assert_eq!(t.posture(), Some(Seen::Supine));
        t.update(650.0, &frame(0.0, 90.0));
        assert_eq!(t.posture(), upright);
        // In between postures, the last one stands.
        t.update(700.0, &frame(47.0, 90.0));
        assert_eq!(t.posture(), upright);
    }
}
