//! Pose estimation: a frame in, zero or one pose of 33 landmarks out.
//!
//! The BlazePose implementation reproduces MediaPipe Pose's CPU graph step
//! by step: a detector finds the person and places a rotated crop, the
//! landmark model runs on the crop, and in video mode the next crop comes
//! from this frame's landmarks so the detector runs only when tracking is
//! lost. Each step lives in its own module and is a pure function except
//! the two model runs.

pub mod anchors;
pub mod blazepose;
pub mod detector;
pub mod landmark;
pub mod landmarker;
pub mod model;
pub mod roi;
pub mod smoothing;
pub mod warp;

pub use blazepose::{BlazePose, BlazePoseConfig, ModelVariant, TrackingMode};
pub use landmark::{Landmark, NUM_LANDMARKS, SKELETON};
pub use model::ModelError;

use serde::Serialize;

/// One landmark as seen in the image.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct ImageLandmark {
    /// Horizontal position, 0 at the image's left edge, 1 at its right edge.
    pub x: f32,
    /// Vertical position, 0 at the top edge, 1 at the bottom edge.
    pub y: f32,
    /// Depth relative to the hips, on the same scale as `x` (smaller is
    /// nearer the camera).
    pub z: f32,
    /// Probability that the landmark is visible (not occluded), 0 to 1.
    pub visibility: f32,
    /// Probability that the landmark is inside the image, 0 to 1.
    pub presence: f32,
}

/// One landmark in metres, in a frame centred between the hips.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct WorldLandmark {
    pub x_m: f32,
    pub y_m: f32,
    pub z_m: f32,
}

/// A person's pose in one frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Pose {
    /// Body landmarks in model order (index with [`Landmark::index`]).
    pub landmarks: [ImageLandmark; NUM_LANDMARKS],
    /// The same landmarks in metres, hip-centred.
    pub world_landmarks: [WorldLandmark; NUM_LANDMARKS],
    /// The landmark model's confidence that a person is in the crop, 0 to 1.
    pub presence_score: f32,
    /// Side of the square crop the landmarks came from, in image pixels: a
    /// measure of the person's size.
    pub crop_side_px: f32,
}

impl Pose {
    /// The landmark's position in the image.
    pub fn get(&self, landmark: Landmark) -> &ImageLandmark {
        &self.landmarks[landmark.index()]
    }
}

/// Turns frames into poses. Implementations may keep state between calls
/// (tracking); `reset` forgets it, so the next frame is treated as new.
pub trait PoseEstimator {
    /// Estimates the pose of the most prominent person in `frame`, seen at
    /// `t_ms` (milliseconds on any clock that only moves forward), or `None`
    /// when there is nobody.
    fn estimate(&mut self, frame: &image::RgbImage, t_ms: f64) -> Result<Option<Pose>, ModelError>;

    /// Forgets everything carried over from earlier frames.
    fn reset(&mut self);
}
