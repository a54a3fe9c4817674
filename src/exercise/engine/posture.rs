//! Which posture the person is in (standing, lying on the back, lying face
//! down), from the torso's tilt and the face, believed once seen for a
//! moment.

use super::frame::PoseFrame;
use crate::exercise::model::{BodyPart, Posture, Side};
use crate::geometry;
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
/// A new posture is believed once seen this long.
const POSTURE_DWELL_MS: f64 = 500.0;

/// Follows the person's posture: a new one is believed once it has been
/// seen for [`POSTURE_DWELL_MS`] (the first one at once); in between
/// postures the last one stands.
#[derive(Debug, Clone, Default)]
pub struct PostureTracker {
    posture: Option<Posture>,
    candidate: Option<(Posture, f64)>,
}

impl PostureTracker {
    /// The posture believed now.
    pub fn posture(&self) -> Option<Posture> {
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

/// The posture a frame shows: upright, lying on the back or lying face
/// down, from the tilt of the torso and, lying, which way the face points;
/// None in between, or when the torso or head is out of the picture.
pub fn posture_of(frame: &PoseFrame) -> Option<Posture> {
    let mid = |part: BodyPart| {
        Some(
            frame
                .seen(part.on(Side::Left))?
                .midpoint(frame.seen(part.on(Side::Right))?),
        )
    };
    let (shoulder, hip) = (mid(BodyPart::Shoulder)?, mid(BodyPart::Hip)?);
    let tilt_deg = geometry::inclination_deg(hip, shoulder, geometry::Reference::Up)?;
    if tilt_deg <= UPRIGHT_MAX_TILT_DEG {
        return Some(Posture::Standing);
    }
    if !(LYING_TILT_DEG.0..=LYING_TILT_DEG.1).contains(&tilt_deg) {
        return None;
    }
    let face_deg = geometry::inclination_deg(
        mid(BodyPart::Ear)?,
        frame.seen(Landmark::Nose)?,
        geometry::Reference::Up,
    )?;
    if face_deg <= SUPINE_MAX_FACE_DEG {
        Some(Posture::Supine)
    } else if face_deg >= PRONE_MIN_FACE_DEG {
        Some(Posture::Prone)
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
        let mut points = [Point::new(500.0, 500.0); NUM_LANDMARKS];
        let at = |from: Point, deg: f64, len: f64| {
            let r = deg.to_radians();
            Point::new(from.x_px + len * r.sin(), from.y_px - len * r.cos())
        };
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
        }
    }

    #[test]
    fn postures_from_the_torso_and_the_face() {
        for (tilt, face, want) in [
            (0.0, 90.0, Some(Posture::Standing)),
            (35.0, 90.0, Some(Posture::Standing)),
            (47.0, 90.0, None),
            (90.0, 0.0, Some(Posture::Supine)),
            (105.0, 30.0, Some(Posture::Supine)),
            (85.0, 170.0, Some(Posture::Prone)),
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
    fn a_new_posture_is_believed_after_a_moment() {
        let mut t = PostureTracker::default();
        t.update(0.0, &frame(90.0, 0.0));
        assert_eq!(t.posture(), Some(Posture::Supine));
        t.update(100.0, &frame(0.0, 90.0));
        t.update(400.0, &frame(0.0, 90.0));
        assert_eq!(t.posture(), Some(Posture::Supine));
        t.update(650.0, &frame(0.0, 90.0));
        assert_eq!(t.posture(), Some(Posture::Standing));
        // In between postures, the last one stands.
        t.update(700.0, &frame(47.0, 90.0));
        assert_eq!(t.posture(), Some(Posture::Standing));
    }
}
