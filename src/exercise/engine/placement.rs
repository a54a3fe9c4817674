//! Camera placement: whether the camera sees the person the way an
//! exercise needs (the whole body in the picture, side-on or facing), for
//! the "good / move back / turn side-on" indicator shown before counting
//! starts. Pure, like the rest of the engine.

use super::frame::{BodyRegion, PoseFrame, and_list};
use super::measure::needed_refs;
use crate::exercise::model::{BodyPart, Exercise, PointRef, Side, View};
use crate::pose::Landmark;

/// Shoulders wider than this fraction of the torso mean the person faces
/// the camera: a side-view exercise cannot be judged ("turn side-on").
/// Real footage: side-on 0.05-0.3, push-ups filmed at three quarters up to
/// 0.6 (their elbows still measure well), squats facing the camera
/// 0.57-0.88 (median 0.62-0.67).
pub(crate) const FACING_CAMERA_SHOULDER_RATIO: f64 = 0.65;
/// Shoulders narrower than this fraction of the torso mean the person is
/// side-on: a front-view exercise cannot be judged ("face the camera").
pub(crate) const SIDE_ON_SHOULDER_RATIO: f64 = 0.3;
/// When the model gives depth, the shoulder line turned at least this far
/// out of the picture's plane is side-on enough for a side-view exercise,
/// whatever the shoulder ratio says. Lying down, the torso is shortened
/// as the camera turns, so the ratio alone takes a three-quarter view for
/// facing: `cobra.mp4` (malik_exercises) held pressed up reads 81-87
/// degrees side-on, 58-63 degrees at three quarters (ratio 0.72-0.78) and
/// 8-18 degrees filmed from the head end (ratio 0.92-1.17).
const SIDE_ON_MIN_YAW_DEG: f64 = 40.0;
/// ...and turned at most this far is facing enough for a front-view
/// exercise (the neck turns of `neck_rotation.mp4`, seated facing the
/// camera, read 9-58 degrees: depth is noisy from the waist up).
const FACING_MAX_YAW_DEG: f64 = 50.0;

/// How the camera sees the person, for the exercise's view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// Every part the exercise measures in the picture, seen as it needs.
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
pub fn needed(exercise: &Exercise) -> String {
    let whole = needed_landmarks(exercise)
        .iter()
        .any(|l| BodyRegion::of(*l) == BodyRegion::Feet);
    let what = if whole {
        "whole body in view"
    } else {
        "head and shoulders in view"
    };
    match exercise.view {
        View::Side => format!("Camera: side-on, {what}"),
        View::Front => format!("Camera: facing you, {what}"),
        View::Any => format!("Camera: {what}"),
    }
}

/// Every landmark the exercise's measurements use, on both sides (which
/// side is near or working changes with the person), and the shoulders,
/// by which the view is judged.
pub fn needed_landmarks(exercise: &Exercise) -> Vec<Landmark> {
    let mut out = Vec::new();
    for m in &exercise.measurements {
        for r in needed_refs(&m.kind) {
            match r {
                PointRef::Fixed(l) => out.push(l),
                PointRef::Working(p)
                | PointRef::Other(p)
                | PointRef::Near(p)
                | PointRef::Mid(p) => {
                    out.extend([p.on(Side::Left), p.on(Side::Right)]);
                }
            }
        }
    }
    out.extend([Landmark::LeftShoulder, Landmark::RightShoulder]);
    out.sort_by_key(|l| l.index());
    out.dedup();
    out
}

/// Judges one frame's pose for the exercise, for the indicator: the parts
/// it measures in the picture, then the view (as the engine judges it,
/// from the better seen side).
pub fn judge(exercise: &Exercise, frame: Option<&PoseFrame>) -> Placement {
    let Some(frame) = frame else {
        return Placement::NoPerson;
    };
    // "Whole body in view" takes in the head, measured or not: a person
    // is not told "Good" with their head cut off.
    let mut wanted = needed_landmarks(exercise);
    if wanted
        .iter()
        .any(|l| BodyRegion::of(*l) == BodyRegion::Feet)
    {
        wanted.push(Landmark::Nose);
    }
    let names = frame.regions_out_of_picture(wanted);
    if !names.is_empty() {
        let verb = if names == ["head"] { "is" } else { "are" };
        return Placement::MoveBack(format!("{} {verb}", and_list(&names)));
    }
    view_fits(exercise.view, frame, better_seen_side(frame)).unwrap_or(Placement::Good)
}

/// Whether the camera sees the person the way `view` needs, the torso
/// measured on `near`: None when it does, else what to do. The one
/// judgement of the view: the engine's gate and the indicator both ask it.
pub fn view_fits(view: View, frame: &PoseFrame, near: Side) -> Option<Placement> {
    let ratio = shoulder_ratio(frame, near)?;
    let yaw = shoulder_yaw_deg(frame);
    match view {
        View::Side
            if ratio > FACING_CAMERA_SHOULDER_RATIO
                && yaw.is_none_or(|y| y < SIDE_ON_MIN_YAW_DEG) =>
        {
            Some(Placement::TurnSideOn)
        }
        View::Front
            if ratio < SIDE_ON_SHOULDER_RATIO && yaw.is_none_or(|y| y > FACING_MAX_YAW_DEG) =>
        {
            Some(Placement::FaceCamera)
        }
        _ => None,
    }
}

/// The side whose shoulder and hip the model sees better.
fn better_seen_side(frame: &PoseFrame) -> Side {
    let seen = |side: Side| {
        frame.visibility[BodyPart::Shoulder.on(side).index()]
            + frame.visibility[BodyPart::Hip.on(side).index()]
    };
    if seen(Side::Left) >= seen(Side::Right) {
        Side::Left
    } else {
        Side::Right
    }
}

/// Shoulder width over the torso's length (shoulder to hip on `near`):
/// large facing the camera, small side-on.
pub fn shoulder_ratio(frame: &PoseFrame, near: Side) -> Option<f64> {
    let l = frame.seen(Landmark::LeftShoulder)?;
    let r = frame.seen(Landmark::RightShoulder)?;
    let torso = frame
        .seen(BodyPart::Shoulder.on(near))?
        .distance(frame.seen(BodyPart::Hip.on(near))?);
    (torso > 1.0).then(|| l.distance(r) / torso)
}

/// How far the shoulder line is turned out of the picture's plane, in
/// degrees (0 facing the camera, 90 side-on), from the model's depth;
/// None without depth.
pub(super) fn shoulder_yaw_deg(frame: &PoseFrame) -> Option<f64> {
    let depth = frame.depth_px.as_ref()?;
    let (l, r) = (
        Landmark::LeftShoulder.index(),
        Landmark::RightShoulder.index(),
    );
    let across_px = frame.points[l].distance(frame.points[r]);
    let deep_px = (depth[l] - depth[r]).abs();
    let yaw = deep_px.atan2(across_px).to_degrees();
    yaw.is_finite().then_some(yaw)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exercise::body::{FrontPose, SidePose};

    #[test]
    fn the_body_model_in_view_is_good_for_its_own_view_only() {
        let side = SidePose::standing().landmarks();
        let front = FrontPose::standing().landmarks();
        let at = |view: View, frame: &PoseFrame| {
            view_fits(view, frame, better_seen_side(frame)).unwrap_or(Placement::Good)
        };
        assert_eq!(at(View::Side, &side), Placement::Good);
        assert_eq!(at(View::Front, &front), Placement::Good);
        assert_eq!(at(View::Side, &front), Placement::TurnSideOn);
        assert_eq!(at(View::Front, &side), Placement::FaceCamera);
    }

    fn shipped(file: &str, text: &str) -> Exercise {
        crate::exercise::file::exercise_from_str(
            std::path::Path::new(file),
            text,
            &Default::default(),
        )
        .unwrap()
    }

    #[test]
    fn feet_out_of_the_picture_ask_to_move_back_only_when_the_exercise_needs_them() {
        let wall_slide = shipped(
            "wall-slide.toml",
            include_str!("../../../exercises/wall-slide.toml"),
        );
        let neck = shipped(
            "neck-stretch.toml",
            include_str!("../../../exercises/neck-stretch.toml"),
        );
        let mut side = SidePose::standing().landmarks();
        let mut front = FrontPose::standing().landmarks();
        for l in [Landmark::LeftAnkle, Landmark::RightAnkle] {
            side.points[l.index()].y_px = side.image_size_px.1 * 1.2;
            front.points[l.index()].y_px = front.image_size_px.1 * 1.2;
        }
        let placement = judge(&wall_slide, Some(&side));
        assert_eq!(placement, Placement::MoveBack("feet are".into()));
        assert_eq!(placement.message(), "Move back: your feet are out of view");
        assert_eq!(judge(&wall_slide, None), Placement::NoPerson);
        // The neck stretch measures the head and shoulders only.
        assert_eq!(judge(&neck, Some(&front)), Placement::Good);
        assert_eq!(
            needed(&neck),
            "Camera: facing you, head and shoulders in view"
        );
        assert_eq!(needed(&wall_slide), "Camera: side-on, whole body in view");
        // The wall slide measures no part of the head, but "whole body in
        // view" is not said with the head cut off.
        let mut headless = SidePose::standing().landmarks();
        headless.points[Landmark::Nose.index()].y_px = -headless.image_size_px.1 * 0.1;
        assert_eq!(
            judge(&wall_slide, Some(&headless)),
            Placement::MoveBack("head is".into())
        );
    }

    #[test]
    fn depth_tells_a_three_quarter_view_from_facing_the_camera() {
        // Shoulders as wide as 0.8 of the torso in the picture: facing, by
        // the ratio alone.
        let mut frame = FrontPose::standing().landmarks();
        let (l, r) = (
            Landmark::LeftShoulder.index(),
            Landmark::RightShoulder.index(),
        );
        let width_px = frame.points[l].distance(frame.points[r]);
        let near = better_seen_side(&frame);
        assert!(shoulder_ratio(&frame, near).unwrap() > FACING_CAMERA_SHOULDER_RATIO);
        assert_eq!(
            view_fits(View::Side, &frame, near),
            Some(Placement::TurnSideOn)
        );
        // The far shoulder 1.7 widths deeper: turned 60 degrees, a
        // three-quarter view a side-view exercise can judge.
        let mut depth = [0.0; crate::pose::NUM_LANDMARKS];
        depth[r] = 1.7 * width_px;
        frame.depth_px = Some(depth);
        assert_eq!(view_fits(View::Side, &frame, near), None);
        // Level in depth: facing after all.
        depth[r] = 0.2 * width_px;
        frame.depth_px = Some(depth);
        assert_eq!(
            view_fits(View::Side, &frame, near),
            Some(Placement::TurnSideOn)
        );
    }
}
