//! One frame's landmarks as the engine sees them: pixels, visibility, and
//! whether each is in the picture; the body's regions as a person names
//! them ("I can't see your feet").

use crate::geometry::Point;
use crate::pose::{ImageLandmark, Landmark, NUM_LANDMARKS, Pose};

/// A landmark this far outside the image (a fraction of its width or
/// height) still counts as in the picture: BlazePose places a joint at the
/// edge a little past it (real push-ups filmed with the hands on the bottom
/// edge put the wrists at 1.00-1.05 of the height).
const EDGE_TOLERANCE: f64 = 0.06;
/// One frame's landmarks in pixels, with their visibility.
///
/// A landmark is used wherever it is in the picture, whatever its
/// visibility: on real side-view footage BlazePose rates the far arm and leg
/// below 0.5 in nearly every frame (they are hidden behind the body) while
/// still placing them where they are. Visibility only decides which side
/// is nearer the camera and how strongly the overlay draws a bone.
#[derive(Debug, Clone, PartialEq)]
pub struct PoseFrame {
    pub points: [Point; NUM_LANDMARKS],
    pub visibility: [f32; NUM_LANDMARKS],
    /// Width and height of the image the points are in.
    pub image_size_px: (f64, f64),
    /// Each landmark's depth (nearer the camera smaller), in the same
    /// pixels as x, when the model gave depth (not the body model).
    pub depth_px: Option<[f64; NUM_LANDMARKS]>,
}

impl PoseFrame {
    /// From a pose estimated on an image of `width_px` x `height_px`.
    pub fn from_pose(pose: &Pose, width_px: u32, height_px: u32) -> PoseFrame {
        PoseFrame::from_landmarks(&pose.landmarks, width_px, height_px)
    }

    /// From landmarks normalised to an image of `width_px` x `height_px`.
    pub fn from_landmarks(
        landmarks: &[ImageLandmark; NUM_LANDMARKS],
        width_px: u32,
        height_px: u32,
    ) -> PoseFrame {
        let (w, h) = (f64::from(width_px), f64::from(height_px));
        let has_depth = landmarks.iter().any(|l| l.z != 0.0);
        PoseFrame {
            points: landmarks.map(|l| Point::new(f64::from(l.x) * w, f64::from(l.y) * h)),
            visibility: landmarks.map(|l| l.visibility),
            image_size_px: (w, h),
            depth_px: has_depth.then(|| landmarks.map(|l| f64::from(l.z) * w)),
        }
    }

    /// Whether `landmark` lies inside the image (a hidden limb inside it
    /// still does; one beyond the edge is out of the picture).
    pub fn in_picture(&self, landmark: Landmark) -> bool {
        let p = self.points[landmark.index()];
        let (w, h) = self.image_size_px;
        let inside = |v: f64, size: f64| {
            v.is_finite() && v >= -EDGE_TOLERANCE * size && v <= (1.0 + EDGE_TOLERANCE) * size
        };
        inside(p.x_px, w) && inside(p.y_px, h)
    }

    /// The landmark's position, when it is in the picture.
    pub(super) fn seen(&self, landmark: Landmark) -> Option<Point> {
        self.in_picture(landmark)
            .then_some(self.points[landmark.index()])
    }

    /// The body regions of `landmarks` out of the picture, head to feet,
    /// each once ("knees", "feet").
    pub(super) fn regions_out_of_picture(
        &self,
        landmarks: impl IntoIterator<Item = Landmark>,
    ) -> Vec<&'static str> {
        let mut regions: Vec<BodyRegion> = landmarks
            .into_iter()
            .filter(|&l| !self.in_picture(l))
            .map(BodyRegion::of)
            .collect();
        regions.sort();
        regions.dedup();
        regions.into_iter().map(BodyRegion::name).collect()
    }
}

/// Parts of the body, head to feet, as a person names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum BodyRegion {
    Head,
    Shoulders,
    Elbows,
    Hands,
    Hips,
    Knees,
    Feet,
}

impl BodyRegion {
    pub(crate) fn of(landmark: Landmark) -> BodyRegion {
        use Landmark::*;
        match landmark {
            LeftShoulder | RightShoulder => BodyRegion::Shoulders,
            LeftElbow | RightElbow => BodyRegion::Elbows,
            LeftWrist | RightWrist | LeftPinky | RightPinky | LeftIndex | RightIndex
            | LeftThumb | RightThumb => BodyRegion::Hands,
            LeftHip | RightHip => BodyRegion::Hips,
            LeftKnee | RightKnee => BodyRegion::Knees,
            LeftAnkle | RightAnkle | LeftHeel | RightHeel | LeftFootIndex | RightFootIndex => {
                BodyRegion::Feet
            }
            _ => BodyRegion::Head,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            BodyRegion::Head => "head",
            BodyRegion::Shoulders => "shoulders",
            BodyRegion::Elbows => "elbows",
            BodyRegion::Hands => "hands",
            BodyRegion::Hips => "hips",
            BodyRegion::Knees => "knees",
            BodyRegion::Feet => "feet",
        }
    }
}

/// "a", "a and b", "a, b and c".
pub(crate) fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame_with(landmark: Landmark, x: f64, y: f64) -> PoseFrame {
        let mut points = [Point::new(50.0, 50.0); NUM_LANDMARKS];
        points[landmark.index()] = Point::new(x, y);
        PoseFrame {
            points,
            visibility: [0.1; NUM_LANDMARKS],
            image_size_px: (100.0, 200.0),
            depth_px: None,
        }
    }

    #[test]
    fn a_landmark_is_in_the_picture_up_to_a_little_past_its_edge() {
        for (x, y, inside) in [
            (50.0, 100.0, true),
            (0.0, 0.0, true),
            (105.0, 210.0, true),
            (-5.9, 100.0, true),
            (-6.1, 100.0, false),
            (50.0, 213.0, false),
            (f64::NAN, 100.0, false),
            (50.0, f64::INFINITY, false),
        ] {
            let frame = frame_with(Landmark::LeftAnkle, x, y);
            assert_eq!(frame.in_picture(Landmark::LeftAnkle), inside, "{x}, {y}");
            // Low visibility does not take a landmark out of the picture.
            assert_eq!(frame.seen(Landmark::LeftAnkle).is_some(), inside);
        }
    }

    #[test]
    fn regions_are_named_as_a_person_names_them() {
        assert_eq!(BodyRegion::of(Landmark::RightHeel).name(), "feet");
        assert_eq!(BodyRegion::of(Landmark::LeftThumb).name(), "hands");
        assert_eq!(BodyRegion::of(Landmark::Nose).name(), "head");
        assert_eq!(and_list(&[]), "");
        assert_eq!(and_list(&["feet"]), "feet");
        assert_eq!(and_list(&["knees", "feet"]), "knees and feet");
        assert_eq!(
            and_list(&["hands", "knees", "feet"]),
            "hands, knees and feet"
        );
    }
}
