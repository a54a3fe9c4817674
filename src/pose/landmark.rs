//! The 33 BlazePose body landmarks, named, in the model's order.

use serde::Serialize;

/// Number of body landmarks BlazePose outputs.
pub const NUM_LANDMARKS: usize = 33;

/// A body landmark, numbered as BlazePose numbers it (left before right;
/// "left" is the person's own left).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum Landmark {
    Nose = 0,
    LeftEyeInner,
    LeftEye,
    LeftEyeOuter,
    RightEyeInner,
    RightEye,
    RightEyeOuter,
    LeftEar,
    RightEar,
    MouthLeft,
    MouthRight,
    LeftShoulder,
    RightShoulder,
    LeftElbow,
    RightElbow,
    LeftWrist,
    RightWrist,
    LeftPinky,
    RightPinky,
    LeftIndex,
    RightIndex,
    LeftThumb,
    RightThumb,
    LeftHip,
    RightHip,
    LeftKnee,
    RightKnee,
    LeftAnkle,
    RightAnkle,
    LeftHeel,
    RightHeel,
    LeftFootIndex,
    RightFootIndex,
}

impl Landmark {
    /// Every landmark in model order.
    pub const ALL: [Landmark; NUM_LANDMARKS] = [
        Landmark::Nose,
        Landmark::LeftEyeInner,
        Landmark::LeftEye,
        Landmark::LeftEyeOuter,
        Landmark::RightEyeInner,
        Landmark::RightEye,
        Landmark::RightEyeOuter,
        Landmark::LeftEar,
        Landmark::RightEar,
        Landmark::MouthLeft,
        Landmark::MouthRight,
        Landmark::LeftShoulder,
        Landmark::RightShoulder,
        Landmark::LeftElbow,
        Landmark::RightElbow,
        Landmark::LeftWrist,
        Landmark::RightWrist,
        Landmark::LeftPinky,
        Landmark::RightPinky,
        Landmark::LeftIndex,
        Landmark::RightIndex,
        Landmark::LeftThumb,
        Landmark::RightThumb,
        Landmark::LeftHip,
        Landmark::RightHip,
        Landmark::LeftKnee,
        Landmark::RightKnee,
        Landmark::LeftAnkle,
        Landmark::RightAnkle,
        Landmark::LeftHeel,
        Landmark::RightHeel,
        Landmark::LeftFootIndex,
        Landmark::RightFootIndex,
    ];

    /// Position in the model's output.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The snake_case name used in files and on screen.
    pub fn name(self) -> &'static str {
        LANDMARK_NAMES[self.index()]
    }

    /// Looks a landmark up by its snake_case name.
    pub fn from_name(name: &str) -> Option<Landmark> {
        LANDMARK_NAMES
            .iter()
            .position(|n| *n == name)
            .map(|i| Landmark::ALL[i])
    }
}

const LANDMARK_NAMES: [&str; NUM_LANDMARKS] = [
    "nose",
    "left_eye_inner",
    "left_eye",
    "left_eye_outer",
    "right_eye_inner",
    "right_eye",
    "right_eye_outer",
    "left_ear",
    "right_ear",
    "mouth_left",
    "mouth_right",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_pinky",
    "right_pinky",
    "left_index",
    "right_index",
    "left_thumb",
    "right_thumb",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
    "left_heel",
    "right_heel",
    "left_foot_index",
    "right_foot_index",
];

/// Pairs of landmarks joined by a bone when the skeleton is drawn.
pub const SKELETON: [(Landmark, Landmark); 35] = {
    use Landmark::*;
    [
        (Nose, LeftEyeInner),
        (LeftEyeInner, LeftEye),
        (LeftEye, LeftEyeOuter),
        (LeftEyeOuter, LeftEar),
        (Nose, RightEyeInner),
        (RightEyeInner, RightEye),
        (RightEye, RightEyeOuter),
        (RightEyeOuter, RightEar),
        (MouthLeft, MouthRight),
        (LeftShoulder, RightShoulder),
        (LeftShoulder, LeftElbow),
        (LeftElbow, LeftWrist),
        (LeftWrist, LeftPinky),
        (LeftWrist, LeftIndex),
        (LeftWrist, LeftThumb),
        (LeftPinky, LeftIndex),
        (RightShoulder, RightElbow),
        (RightElbow, RightWrist),
        (RightWrist, RightPinky),
        (RightWrist, RightIndex),
        (RightWrist, RightThumb),
        (RightPinky, RightIndex),
        (LeftShoulder, LeftHip),
        (RightShoulder, RightHip),
        (LeftHip, RightHip),
        (LeftHip, LeftKnee),
        (LeftKnee, LeftAnkle),
        (LeftAnkle, LeftHeel),
        (LeftHeel, LeftFootIndex),
        (LeftAnkle, LeftFootIndex),
        (RightHip, RightKnee),
        (RightKnee, RightAnkle),
        (RightAnkle, RightHeel),
        (RightHeel, RightFootIndex),
        (RightAnkle, RightFootIndex),
    ]
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_in_model_order() {
        for (i, lm) in Landmark::ALL.iter().enumerate() {
            assert_eq!(lm.index(), i);
            assert_eq!(Landmark::from_name(lm.name()), Some(*lm));
        }
        assert_eq!(Landmark::LeftHip.index(), 23);
        assert_eq!(Landmark::RightFootIndex.index(), 32);
        assert_eq!(Landmark::from_name("left_toe"), None);
    }
}
