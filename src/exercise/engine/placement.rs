//! Camera placement: whether the camera sees the person the way an
//! exercise needs (the whole body in the picture, side-on or facing), for
//! the "good / move back / turn side-on" indicator shown before counting
//! starts. Pure, like the rest of the engine.

use super::frame::{BodyRegion, PoseFrame, and_list};
use super::{FACING_CAMERA_SHOULDER_RATIO, SIDE_ON_SHOULDER_RATIO};
use crate::exercise::model::View;
use crate::pose::Landmark;

/// The landmarks that make "the whole body": head to feet, both sides.
const WHOLE_BODY: [Landmark; 11] = [
    Landmark::Nose,
    Landmark::LeftShoulder,
    Landmark::RightShoulder,
    Landmark::LeftHip,
    Landmark::RightHip,
    Landmark::LeftKnee,
    Landmark::RightKnee,
    Landmark::LeftAnkle,
    Landmark::RightAnkle,
    Landmark::LeftWrist,
    Landmark::RightWrist,
];

/// How the camera sees the person, for the exercise's view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// The whole body in the picture, seen as the exercise needs.
    Good,
    NoPerson,
    /// Parts of the body out of the picture ("feet", "head and hands").
    MoveBack(String),
    /// Facing the camera for an exercise judged from the side.
    TurnSideOn,
    /// Side-on for an exercise judged from the front.
    FaceCamera,
}

impl Placement {
    /// In a few words, as the indicator says it.
    pub fn message(&self) -> String {
        match self {
            Placement::Good => "Good: you are in view".into(),
            Placement::NoPerson => "Step into the picture".into(),
            Placement::MoveBack(parts) => format!("Move back: your {parts} out of view"),
            Placement::TurnSideOn => "Turn side-on to the camera".into(),
            Placement::FaceCamera => "Face the camera".into(),
        }
    }

    pub fn is_good(&self) -> bool {
        *self == Placement::Good
    }
}

/// What the exercise needs, in words: "side-on, whole body in view".
pub fn needed(view: View) -> &'static str {
    match view {
        View::Side => "Camera: side-on, whole body in view",
        View::Front => "Camera: facing you, whole body in view",
        View::Any => "Camera: whole body in view",
    }
}

/// Judges one frame's pose for an exercise seen from `view`.
pub fn judge(view: View, frame: Option<&PoseFrame>) -> Placement {
    let Some(frame) = frame else {
        return Placement::NoPerson;
    };
    let mut out: Vec<BodyRegion> = WHOLE_BODY
        .iter()
        .filter(|&&l| !frame.in_picture(l))
        .map(|&l| BodyRegion::of(l))
        .collect();
    out.sort();
    out.dedup();
    if !out.is_empty() {
        let names: Vec<&str> = out.iter().map(|r| r.name()).collect();
        let verb = if names == ["head"] { "is" } else { "are" };
        return Placement::MoveBack(format!("{} {verb}", and_list(&names)));
    }
    match (view, shoulder_ratio(frame)) {
        (View::Side, Some(r)) if r > FACING_CAMERA_SHOULDER_RATIO => Placement::TurnSideOn,
        (View::Front, Some(r)) if r < SIDE_ON_SHOULDER_RATIO => Placement::FaceCamera,
        _ => Placement::Good,
    }
}

/// Shoulder width over the torso's length on the better seen side.
fn shoulder_ratio(frame: &PoseFrame) -> Option<f64> {
    let at = |l: Landmark| frame.points[l.index()];
    let seen = |l: Landmark| frame.visibility[l.index()];
    let (shoulder, hip) = if seen(Landmark::LeftShoulder) + seen(Landmark::LeftHip)
        >= seen(Landmark::RightShoulder) + seen(Landmark::RightHip)
    {
        (Landmark::LeftShoulder, Landmark::LeftHip)
    } else {
        (Landmark::RightShoulder, Landmark::RightHip)
    };
    let torso = at(shoulder).distance(at(hip));
    (torso > 1.0).then(|| at(Landmark::LeftShoulder).distance(at(Landmark::RightShoulder)) / torso)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exercise::body::{FrontPose, SidePose};

    #[test]
    fn the_body_model_in_view_is_good_for_its_own_view_only() {
        let side = SidePose::standing().landmarks();
        let front = FrontPose::standing().landmarks();
        assert_eq!(judge(View::Side, Some(&side)), Placement::Good);
        assert_eq!(judge(View::Front, Some(&front)), Placement::Good);
        assert_eq!(judge(View::Side, Some(&front)), Placement::TurnSideOn);
        assert_eq!(judge(View::Front, Some(&side)), Placement::FaceCamera);
        assert_eq!(judge(View::Side, None), Placement::NoPerson);
    }

    #[test]
    fn feet_out_of_the_picture_ask_to_move_back() {
        let mut side = SidePose::standing().landmarks();
        for l in [Landmark::LeftAnkle, Landmark::RightAnkle] {
            side.points[l.index()].y_px = side.image_size_px.1 * 1.2;
        }
        let placement = judge(View::Side, Some(&side));
        assert_eq!(placement, Placement::MoveBack("feet are".into()));
        assert_eq!(placement.message(), "Move back: your feet are out of view");
    }
}
