//! Decoding the landmark model's output for one crop: MediaPipe's
//! `TensorsToLandmarksCalculator`, `RefineLandmarksFromHeatmapCalculator`,
//! `LandmarkProjectionCalculator` and `WorldLandmarkProjectionCalculator`.

use super::warp::RotatedRect;
use super::{ImageLandmark, NUM_LANDMARKS, WorldLandmark};

/// The landmark model's input side in pixels.
pub const LANDMARK_INPUT_SIZE: usize = 256;
/// 33 body landmarks, then 2 that place the next frame's crop, then 4 more
/// the pose graph does not use.
pub const NUM_MODEL_LANDMARKS: usize = 39;
/// x, y, z, visibility logit, presence logit.
pub const VALUES_PER_LANDMARK: usize = 5;
/// x, y, z in metres.
pub const VALUES_PER_WORLD_LANDMARK: usize = 3;
/// Side of the heatmap grid.
pub const HEATMAP_SIZE: usize = 64;
/// Heatmap refinement window (MediaPipe's kernel_size).
const REFINE_KERNEL: usize = 7;
/// A landmark is refined only where the heatmap's peak is at least this.
const MIN_CONFIDENCE_TO_REFINE: f32 = 0.5;
/// Index of the auxiliary landmark at the body's centre.
pub const AUX_CENTER: usize = 33;
/// Index of the auxiliary landmark that gives the body's scale and direction.
pub const AUX_SCALE: usize = 34;

/// A landmark in the crop's normalised coordinates (0..1).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CropLandmark {
    pub x: f32,
    pub y: f32,
    pub z: f32,
    pub visibility: f32,
    pub presence: f32,
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// Reads the 39 landmarks from the model's flat output.
pub fn decode(raw: &[f32]) -> Vec<CropLandmark> {
    let size = LANDMARK_INPUT_SIZE as f32;
    raw.chunks_exact(VALUES_PER_LANDMARK)
        .take(NUM_MODEL_LANDMARKS)
        .map(|v| CropLandmark {
            x: v[0] / size,
            y: v[1] / size,
            z: v[2] / size,
            visibility: sigmoid(v[3]),
            presence: sigmoid(v[4]),
        })
        .collect()
}

/// Moves each landmark to the confidence-weighted centre of the heatmap
/// around it, where the heatmap is confident. `heatmap` is HWC logits,
/// `HEATMAP_SIZE x HEATMAP_SIZE x channels`.
pub fn refine_with_heatmap(landmarks: &mut [CropLandmark], heatmap: &[f32], channels: usize) {
    let size = HEATMAP_SIZE as i64;
    let half = (REFINE_KERNEL as i64 - 1) / 2;
    for (index, lm) in landmarks.iter_mut().enumerate().take(channels) {
        // Truncation toward zero, as MediaPipe's int conversion does.
        let center_col = (lm.x * size as f32) as i64;
        let center_row = (lm.y * size as f32) as i64;
        if center_col < 0 || center_col >= size || center_row < 0 || center_row >= size {
            continue;
        }
        let (mut sum, mut weighted_col, mut weighted_row, mut max_value) = (0.0, 0.0, 0.0, 0.0f32);
        for row in (center_row - half).max(0)..(center_row + half + 1).min(size) {
            for col in (center_col - half).max(0)..(center_col + half + 1).min(size) {
                let i = (row * size + col) as usize * channels + index;
                let confidence = sigmoid(heatmap[i]);
                sum += confidence;
                max_value = max_value.max(confidence);
                weighted_col += col as f32 * confidence;
                weighted_row += row as f32 * confidence;
            }
        }
        if max_value >= MIN_CONFIDENCE_TO_REFINE && sum > 0.0 {
            lm.x = weighted_col / size as f32 / sum;
            lm.y = weighted_row / size as f32 / sum;
        }
    }
}

/// Projects a crop landmark into image coordinates normalised to the image.
pub fn project(lm: &CropLandmark, rect: &RotatedRect, image_w: f32, image_h: f32) -> ImageLandmark {
    let (x_px, y_px) = rect.image_from_rect(lm.x, lm.y);
    ImageLandmark {
        x: x_px / image_w,
        y: y_px / image_h,
        // Depth is scaled like x: by the crop's width relative to the image.
        z: lm.z * rect.width_px / image_w,
        visibility: lm.visibility,
        presence: lm.presence,
    }
}

/// World landmarks are only turned by the crop's rotation.
pub fn project_world(raw: &[f32], rotation_rad: f32) -> [WorldLandmark; NUM_LANDMARKS] {
    let (sin, cos) = rotation_rad.sin_cos();
    let mut out = [WorldLandmark::default(); NUM_LANDMARKS];
    for (o, v) in out
        .iter_mut()
        .zip(raw.chunks_exact(VALUES_PER_WORLD_LANDMARK))
    {
        *o = WorldLandmark {
            x_m: cos * v[0] - sin * v[1],
            y_m: sin * v[0] + cos * v[1],
            z_m: v[2],
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_scales_and_applies_sigmoid() {
        let mut raw = vec![0.0; NUM_MODEL_LANDMARKS * VALUES_PER_LANDMARK];
        raw[0] = 128.0;
        raw[1] = 64.0;
        raw[3] = 100.0;
        raw[4] = -100.0;
        let lms = decode(&raw);
        assert_eq!(lms.len(), NUM_MODEL_LANDMARKS);
        assert_eq!((lms[0].x, lms[0].y), (0.5, 0.25));
        assert!(lms[0].visibility > 0.999 && lms[0].presence < 0.001);
    }

    #[test]
    fn refinement_moves_to_confident_peak_and_skips_weak_ones() {
        let channels = 2;
        let mut heatmap = vec![-20.0; HEATMAP_SIZE * HEATMAP_SIZE * channels];
        // A sharp peak at column 12, row 20 for landmark 0 only.
        heatmap[(20 * HEATMAP_SIZE + 12) * channels] = 20.0;
        let mut lms = vec![
            CropLandmark {
                x: 10.0 / 64.0,
                y: 21.0 / 64.0,
                ..Default::default()
            },
            CropLandmark {
                x: 10.0 / 64.0,
                y: 21.0 / 64.0,
                ..Default::default()
            },
        ];
        refine_with_heatmap(&mut lms, &heatmap, channels);
        assert!((lms[0].x - 12.0 / 64.0).abs() < 1e-3, "{}", lms[0].x);
        assert!((lms[0].y - 20.0 / 64.0).abs() < 1e-3, "{}", lms[0].y);
        assert_eq!(lms[1].x, 10.0 / 64.0);
    }

    #[test]
    fn projection_through_rotated_crop() {
        let rect = RotatedRect {
            center_x_px: 50.0,
            center_y_px: 100.0,
            width_px: 40.0,
            height_px: 40.0,
            rotation_rad: std::f32::consts::FRAC_PI_2,
        };
        let lm = CropLandmark {
            x: 0.5,
            y: 0.0,
            z: 0.1,
            visibility: 1.0,
            presence: 1.0,
        };
        let p = project(&lm, &rect, 100.0, 200.0);
        // The crop's top edge lies to the image's right after a quarter turn.
        assert!(
            (p.x - 0.7).abs() < 1e-5 && (p.y - 0.5).abs() < 1e-5,
            "{p:?}"
        );
        assert!((p.z - 0.04).abs() < 1e-6);
    }
}
