//! The BlazePose estimator: detector, crop, landmark model and tracking,
//! wired as MediaPipe's pose_landmark_cpu graph wires them.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::{Duration, Instant};

use image::RgbImage;

use super::anchors::{self, Anchor, DETECTOR_INPUT_SIZE, NUM_ANCHORS};
use super::detector::{self, VALUES_PER_ANCHOR};
use super::landmarker::{
    self, AUX_CENTER, AUX_SCALE, HEATMAP_SIZE, LANDMARK_INPUT_SIZE, NUM_MODEL_LANDMARKS,
    VALUES_PER_LANDMARK, VALUES_PER_WORLD_LANDMARK,
};
use super::model::{ModelError, OnnxModel, TensorSpec};
use super::roi::roi_from_alignment_points;
use super::smoothing::{AUX_LANDMARK_FILTER, PointsFilter};
use super::warp::{Border, RotatedRect, TensorLayout, warp_to_tensor};
use super::{ImageLandmark, NUM_LANDMARKS, Pose, PoseEstimator};

/// The landmark model says a person is in the crop at this score or above
/// (MediaPipe's min_tracking_confidence default).
pub const MIN_PRESENCE_SCORE: f32 = 0.5;
/// The detector sees the whole frame letterboxed with black, values in
/// [-1, 1] (MediaPipe pose_detection_cpu.pbtxt).
const DETECTOR_LAYOUT: TensorLayout = TensorLayout {
    width: DETECTOR_INPUT_SIZE,
    height: DETECTOR_INPUT_SIZE,
    border: Border::Zero,
    range: (-1.0, 1.0),
};
/// The landmark model sees a rotated crop with edge pixels repeated past
/// the frame, values in [0, 1] (pose_landmark_by_roi_cpu.pbtxt).
const LANDMARK_LAYOUT: TensorLayout = TensorLayout {
    width: LANDMARK_INPUT_SIZE,
    height: LANDMARK_INPUT_SIZE,
    border: Border::Replicate,
    range: (0.0, 1.0),
};
/// File name of the detector beside the landmark models.
pub const DETECTOR_FILE: &str = "pose_detection.onnx";
/// The environment variable that overrides where models are looked for.
pub const MODELS_DIR_ENV: &str = "POSECOACH_MODELS";

const DETECTOR_INPUT: TensorSpec = TensorSpec {
    name: "input_1",
    shape: &[1, DETECTOR_INPUT_SIZE as i64, DETECTOR_INPUT_SIZE as i64, 3],
};
const DETECTOR_BOXES: TensorSpec = TensorSpec {
    name: "Identity",
    shape: &[1, NUM_ANCHORS as i64, VALUES_PER_ANCHOR as i64],
};
const DETECTOR_SCORES: TensorSpec = TensorSpec {
    name: "Identity_1",
    shape: &[1, NUM_ANCHORS as i64, 1],
};
const LANDMARK_INPUT: TensorSpec = TensorSpec {
    name: "input_1",
    shape: &[1, LANDMARK_INPUT_SIZE as i64, LANDMARK_INPUT_SIZE as i64, 3],
};
const LANDMARKS_OUT: TensorSpec = TensorSpec {
    name: "Identity",
    shape: &[1, (NUM_MODEL_LANDMARKS * VALUES_PER_LANDMARK) as i64],
};
const PRESENCE_OUT: TensorSpec = TensorSpec {
    name: "Identity_1",
    shape: &[1, 1],
};
const HEATMAP_OUT: TensorSpec = TensorSpec {
    name: "Identity_3",
    shape: &[
        1,
        HEATMAP_SIZE as i64,
        HEATMAP_SIZE as i64,
        NUM_MODEL_LANDMARKS as i64,
    ],
};
const WORLD_OUT: TensorSpec = TensorSpec {
    name: "Identity_4",
    shape: &[1, (NUM_MODEL_LANDMARKS * VALUES_PER_WORLD_LANDMARK) as i64],
};

/// Which landmark model to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelVariant {
    /// Fastest; the default for live use.
    Lite,
    Full,
    /// Not shipped: `models/convert.sh lite,full,heavy` produces it.
    Heavy,
    /// A landmark model file of the same interface.
    Path(PathBuf),
}

impl FromStr for ModelVariant {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "lite" => ModelVariant::Lite,
            "full" => ModelVariant::Full,
            "heavy" => ModelVariant::Heavy,
            other if other.ends_with(".onnx") => ModelVariant::Path(PathBuf::from(other)),
            other => {
                return Err(format!(
                    "unknown model '{other}': use lite, full, heavy or a path to an .onnx file"
                ));
            }
        })
    }
}

impl std::fmt::Display for ModelVariant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ModelVariant::Lite => f.write_str("lite"),
            ModelVariant::Full => f.write_str("full"),
            ModelVariant::Heavy => f.write_str("heavy"),
            ModelVariant::Path(p) => write!(f, "{}", p.display()),
        }
    }
}

/// Whether consecutive frames are one video.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackingMode {
    /// Every frame on its own: the detector runs every time.
    StaticImages,
    /// Frames of one video: the crop follows the person and the detector
    /// runs only when the person is lost.
    Video,
}

/// How to build a [`BlazePose`].
#[derive(Debug, Clone)]
pub struct BlazePoseConfig {
    pub variant: ModelVariant,
    /// Where `pose_detection.onnx` and `pose_landmark_*.onnx` are.
    pub models_dir: PathBuf,
    pub mode: TrackingMode,
    /// ONNX Runtime intra-op threads per model. One is fastest on a 2-core
    /// machine that also decodes and draws.
    pub intra_threads: usize,
}

impl BlazePoseConfig {
    pub fn new(variant: ModelVariant, mode: TrackingMode) -> BlazePoseConfig {
        BlazePoseConfig {
            variant,
            models_dir: default_models_dir(),
            mode,
            intra_threads: 1,
        }
    }

    /// The landmark model file this configuration loads.
    pub fn landmark_model_path(&self) -> PathBuf {
        match &self.variant {
            ModelVariant::Path(p) => p.clone(),
            variant => self
                .models_dir
                .join(format!("pose_landmark_{variant}.onnx")),
        }
    }
}

/// `POSECOACH_MODELS`, else `models/` beside the executable, else the
/// checkout's `models/`.
pub fn default_models_dir() -> PathBuf {
    crate::install::data_dir(MODELS_DIR_ENV, "models", |d| {
        d.join(DETECTOR_FILE).is_file()
    })
}

/// Time spent in each part of the last [`PoseEstimator::estimate`] call.
#[derive(Debug, Clone, Copy, Default)]
pub struct StageTimings {
    /// The detector model's run alone.
    pub detector_inference: Duration,
    /// The landmark model's run alone.
    pub landmark_inference: Duration,
    /// The whole call: both runs plus cropping, decoding and projection.
    pub total: Duration,
    /// Whether the detector ran (false when the crop came from tracking).
    pub detected: bool,
}

/// MediaPipe's BlazePose pipeline on ONNX Runtime.
#[derive(Debug)]
pub struct BlazePose {
    detector: OnnxModel,
    landmarker: OnnxModel,
    anchors: Vec<Anchor>,
    mode: TrackingMode,
    /// The crop for the next frame, from this frame's landmarks.
    tracked_roi: Option<RotatedRect>,
    /// Smooths the two points that place the next crop, so it stays still
    /// while the person does.
    aux_filter: PointsFilter,
    detector_input: Vec<f32>,
    landmark_input: Vec<f32>,
    boxes: Vec<f32>,
    scores: Vec<f32>,
    raw_landmarks: Vec<f32>,
    presence: Vec<f32>,
    heatmap: Vec<f32>,
    world: Vec<f32>,
    timings: StageTimings,
}

impl BlazePose {
    pub fn new(config: &BlazePoseConfig) -> Result<BlazePose, ModelError> {
        let detector = OnnxModel::load(
            &config.models_dir.join(DETECTOR_FILE),
            DETECTOR_INPUT,
            &[DETECTOR_BOXES, DETECTOR_SCORES],
            config.intra_threads,
        )?;
        let landmarker = OnnxModel::load(
            &config.landmark_model_path(),
            LANDMARK_INPUT,
            &[LANDMARKS_OUT, PRESENCE_OUT, HEATMAP_OUT, WORLD_OUT],
            config.intra_threads,
        )
        .map_err(|e| match (e, &config.variant) {
            // The heavy model is not shipped: say how to make it.
            (ModelError::Missing { path, .. }, ModelVariant::Heavy) => ModelError::Missing {
                path,
                hint: " (the heavy model is not shipped: make it with `models/convert.sh lite,full,heavy`)".into(),
            },
            (e, _) => e,
        })?;
        Ok(BlazePose {
            detector,
            landmarker,
            anchors: anchors::generate(),
            mode: config.mode,
            tracked_roi: None,
            aux_filter: PointsFilter::new(AUX_LANDMARK_FILTER),
            detector_input: vec![0.0; DETECTOR_INPUT_SIZE * DETECTOR_INPUT_SIZE * 3],
            landmark_input: vec![0.0; LANDMARK_INPUT_SIZE * LANDMARK_INPUT_SIZE * 3],
            boxes: Vec::new(),
            scores: Vec::new(),
            raw_landmarks: Vec::new(),
            presence: Vec::new(),
            heatmap: Vec::new(),
            world: Vec::new(),
            timings: StageTimings::default(),
        })
    }

    /// Where the time of the last frame went.
    pub fn last_timings(&self) -> StageTimings {
        self.timings
    }

    /// Runs the detector on the whole frame, letterboxed to a square, and
    /// returns the crop for the landmark model.
    fn detect(&mut self, frame: &RgbImage) -> Result<Option<RotatedRect>, ModelError> {
        let (w, h) = (frame.width() as f32, frame.height() as f32);
        let side = w.max(h);
        let letterbox = RotatedRect {
            center_x_px: w / 2.0,
            center_y_px: h / 2.0,
            width_px: side,
            height_px: side,
            rotation_rad: 0.0,
        };
        warp_to_tensor(
            frame,
            &letterbox,
            &DETECTOR_LAYOUT,
            &mut self.detector_input,
        );
        let t = Instant::now();
        let ran = self.detector.run(
            &self.detector_input,
            &mut [
                (DETECTOR_BOXES.name, &mut self.boxes),
                (DETECTOR_SCORES.name, &mut self.scores),
            ],
        );
        if no_pose_on(&ran) {
            return Ok(None);
        }
        ran?;
        self.timings.detector_inference = t.elapsed();
        let candidates = detector::decode(&self.boxes, &self.scores, &self.anchors);
        let Some(best) = detector::best_weighted(candidates) else {
            tracing::trace!("detector found nobody");
            return Ok(None);
        };
        let pad_x = (1.0 - w / side) / 2.0;
        let pad_y = (1.0 - h / side) / 2.0;
        let d = best.remove_letterbox(pad_x, pad_y);
        let to_px = |(x, y): (f32, f32)| (x * w, y * h);
        Ok(Some(roi_from_alignment_points(
            to_px(d.keypoints[0]),
            to_px(d.keypoints[1]),
        )))
    }

    /// Runs the landmark model on one crop.
    fn landmarks(
        &mut self,
        frame: &RgbImage,
        roi: &RotatedRect,
        t_ms: f64,
    ) -> Result<Option<(Pose, RotatedRect)>, ModelError> {
        warp_to_tensor(frame, roi, &LANDMARK_LAYOUT, &mut self.landmark_input);
        let t = Instant::now();
        let ran = self.landmarker.run(
            &self.landmark_input,
            &mut [
                (LANDMARKS_OUT.name, &mut self.raw_landmarks),
                (PRESENCE_OUT.name, &mut self.presence),
                (HEATMAP_OUT.name, &mut self.heatmap),
                (WORLD_OUT.name, &mut self.world),
            ],
        );
        if no_pose_on(&ran) {
            return Ok(None);
        }
        ran?;
        self.timings.landmark_inference = t.elapsed();
        let presence_score = self.presence.first().copied().unwrap_or(0.0);
        if presence_score < MIN_PRESENCE_SCORE {
            return Ok(None);
        }
        let mut crop = landmarker::decode(&self.raw_landmarks);
        landmarker::refine_with_heatmap(&mut crop, &self.heatmap, NUM_MODEL_LANDMARKS);
        let (w, h) = (frame.width() as f32, frame.height() as f32);
        let projected: Vec<ImageLandmark> = crop
            .iter()
            .map(|lm| landmarker::project(lm, roi, w, h))
            .collect();
        let mut landmarks = [ImageLandmark::default(); NUM_LANDMARKS];
        landmarks.copy_from_slice(&projected[..NUM_LANDMARKS]);
        let mut aux_px = [AUX_CENTER, AUX_SCALE].map(|i| {
            let lm = &projected[i];
            [
                f64::from(lm.x * w),
                f64::from(lm.y * h),
                f64::from(lm.z * w),
            ]
        });
        if self.mode == TrackingMode::Video {
            self.aux_filter
                .apply(t_ms, f64::from(roi.width_px), &mut aux_px);
        }
        let [center, scale] = aux_px.map(|p| (p[0] as f32, p[1] as f32));
        let next_roi = roi_from_alignment_points(center, scale);
        let pose = Pose {
            landmarks,
            world_landmarks: landmarker::project_world(&self.world, roi.rotation_rad),
            presence_score,
            crop_side_px: roi.width_px,
        };
        Ok(Some((pose, next_roi)))
    }
}

/// A model that computed NaN or infinity found no pose on this frame (said
/// at debug level each time; nothing non-finite goes further).
fn no_pose_on(ran: &Result<(), ModelError>) -> bool {
    if let Err(e @ ModelError::NotFinite { .. }) = ran {
        tracing::debug!("{e}: no pose on this frame");
        return true;
    }
    false
}

impl PoseEstimator for BlazePose {
    fn estimate(&mut self, frame: &RgbImage, t_ms: f64) -> Result<Option<Pose>, ModelError> {
        let start = Instant::now();
        self.timings = StageTimings::default();
        let tracked = match self.mode {
            TrackingMode::Video => self.tracked_roi.take(),
            TrackingMode::StaticImages => None,
        };
        let roi = match tracked {
            Some(roi) => Some(roi),
            None => {
                self.timings.detected = true;
                self.detect(frame)?
            }
        };
        let result = match roi {
            Some(roi) => self.landmarks(frame, &roi, t_ms)?,
            None => None,
        };
        self.timings.total = start.elapsed();
        tracing::trace!(
            t_ms,
            detected = self.timings.detected,
            found = result.is_some(),
            total_ms = self.timings.total.as_secs_f64() * 1000.0,
            "pose estimated"
        );
        match result {
            Some((pose, next_roi)) => {
                if self.mode == TrackingMode::Video {
                    self.tracked_roi = Some(next_roi);
                }
                Ok(Some(pose))
            }
            None => {
                self.aux_filter.reset();
                Ok(None)
            }
        }
    }

    fn reset(&mut self) {
        self.tracked_roi = None;
        self.aux_filter.reset();
    }
}
