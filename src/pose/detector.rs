//! Decoding the BlazePose detector's raw output into one person detection,
//! as MediaPipe's `TensorsToDetectionsCalculator` and weighted
//! `NonMaxSuppressionCalculator` do for pose_detection_cpu.pbtxt.

use super::anchors::{Anchor, DETECTOR_INPUT_SIZE};

/// Values per anchor: box centre x, y, width, height, then 4 keypoints (x, y).
pub const VALUES_PER_ANCHOR: usize = 12;
const NUM_KEYPOINTS: usize = 4;
const KEYPOINT_OFFSET: usize = 4;
/// Raw coordinates are in detector-input pixels.
const COORD_SCALE: f32 = DETECTOR_INPUT_SIZE as f32;
/// Logits are clipped before the sigmoid (MediaPipe's score_clipping_thresh).
const SCORE_CLIP: f32 = 100.0;
/// Minimum detection score (MediaPipe's min_score_thresh).
pub const MIN_DETECTION_SCORE: f32 = 0.5;
/// A logit below this has a score far below [`MIN_DETECTION_SCORE`]
/// (sigmoid(-1) = 0.27), so its sigmoid is not worth computing.
const MIN_DETECTION_LOGIT: f32 = -1.0;
/// Boxes overlapping more than this (IoU) are merged.
const NMS_MIN_IOU: f32 = 0.3;

/// A detection in coordinates normalised to the detector input, or, after
/// [`Detection::remove_letterbox`], to the image.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detection {
    pub score: f32,
    pub xmin: f32,
    pub ymin: f32,
    pub xmax: f32,
    pub ymax: f32,
    /// Keypoint 0 is the hip centre, 1 a point that gives the body's scale
    /// and direction; 2 and 3 do the same for the head.
    pub keypoints: [(f32, f32); NUM_KEYPOINTS],
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

impl Detection {
    fn area(&self) -> f32 {
        (self.xmax - self.xmin).max(0.0) * (self.ymax - self.ymin).max(0.0)
    }

    fn iou(&self, other: &Detection) -> f32 {
        let ix = (self.xmax.min(other.xmax) - self.xmin.max(other.xmin)).max(0.0);
        let iy = (self.ymax.min(other.ymax) - self.ymin.max(other.ymin)).max(0.0);
        let intersection = ix * iy;
        if intersection <= 0.0 {
            return 0.0;
        }
        let union = self.area() + other.area() - intersection;
        if union > 0.0 {
            intersection / union
        } else {
            0.0
        }
    }

    /// Maps coordinates from the letterboxed square input back to the
    /// image, given the padding fraction on each side.
    pub fn remove_letterbox(&self, pad_x: f32, pad_y: f32) -> Detection {
        let fx = |x: f32| (x - pad_x) / (1.0 - 2.0 * pad_x);
        let fy = |y: f32| (y - pad_y) / (1.0 - 2.0 * pad_y);
        Detection {
            score: self.score,
            xmin: fx(self.xmin),
            ymin: fy(self.ymin),
            xmax: fx(self.xmax),
            ymax: fy(self.ymax),
            keypoints: self.keypoints.map(|(x, y)| (fx(x), fy(y))),
        }
    }
}

/// Decodes every anchor whose score passes the threshold.
pub fn decode(boxes: &[f32], logits: &[f32], anchors: &[Anchor]) -> Vec<Detection> {
    let mut detections = Vec::new();
    for (i, anchor) in anchors.iter().enumerate() {
        let Some(&logit) = logits.get(i) else { break };
        // Most anchors are far below threshold; skip their exp.
        if logit < MIN_DETECTION_LOGIT {
            continue;
        }
        let score = sigmoid(logit.clamp(-SCORE_CLIP, SCORE_CLIP));
        if score < MIN_DETECTION_SCORE {
            continue;
        }
        let Some(raw) = boxes.get(i * VALUES_PER_ANCHOR..(i + 1) * VALUES_PER_ANCHOR) else {
            break;
        };
        // Fixed-size anchors: width and height are 1, so only the centre shifts.
        let x_center = raw[0] / COORD_SCALE + anchor.x_center;
        let y_center = raw[1] / COORD_SCALE + anchor.y_center;
        let w = raw[2] / COORD_SCALE;
        let h = raw[3] / COORD_SCALE;
        let mut keypoints = [(0.0, 0.0); NUM_KEYPOINTS];
        for (k, kp) in keypoints.iter_mut().enumerate() {
            let j = KEYPOINT_OFFSET + 2 * k;
            *kp = (
                raw[j] / COORD_SCALE + anchor.x_center,
                raw[j + 1] / COORD_SCALE + anchor.y_center,
            );
        }
        detections.push(Detection {
            score,
            xmin: x_center - w / 2.0,
            ymin: y_center - h / 2.0,
            xmax: x_center + w / 2.0,
            ymax: y_center + h / 2.0,
            keypoints,
        });
    }
    detections
}

/// Weighted non-maximum suppression keeping only the best cluster: the
/// highest-scoring box and every box overlapping it, averaged with their
/// scores as weights. The score stays the best box's.
pub fn best_weighted(mut detections: Vec<Detection>) -> Option<Detection> {
    // Stable sort, highest score first, as MediaPipe does.
    detections.sort_by(|a, b| b.score.total_cmp(&a.score));
    let best = *detections.first()?;
    let mut total = 0.0;
    let mut merged = Detection {
        score: best.score,
        xmin: 0.0,
        ymin: 0.0,
        xmax: 0.0,
        ymax: 0.0,
        keypoints: [(0.0, 0.0); NUM_KEYPOINTS],
    };
    for d in detections.iter().filter(|d| d.iou(&best) > NMS_MIN_IOU) {
        total += d.score;
        merged.xmin += d.xmin * d.score;
        merged.ymin += d.ymin * d.score;
        merged.xmax += d.xmax * d.score;
        merged.ymax += d.ymax * d.score;
        for (m, k) in merged.keypoints.iter_mut().zip(d.keypoints) {
            m.0 += k.0 * d.score;
            m.1 += k.1 * d.score;
        }
    }
    if total <= 0.0 {
        return Some(best);
    }
    merged.xmin /= total;
    merged.ymin /= total;
    merged.xmax /= total;
    merged.ymax /= total;
    for m in merged.keypoints.iter_mut() {
        m.0 /= total;
        m.1 /= total;
    }
    Some(merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn det(score: f32, xmin: f32, kp0: f32) -> Detection {
        Detection {
            score,
            xmin,
            ymin: 0.0,
            xmax: xmin + 1.0,
            ymax: 1.0,
            keypoints: [(kp0, 0.0); NUM_KEYPOINTS],
        }
    }

    #[test]
    fn weighted_nms_averages_overlapping_boxes_only() {
        let merged = best_weighted(vec![
            det(0.6, 0.1, 1.0),
            det(0.9, 0.0, 0.0),
            det(0.8, 5.0, 9.0), // disjoint: ignored
        ])
        .unwrap();
        assert_eq!(merged.score, 0.9);
        let expected_xmin = (0.9 * 0.0 + 0.6 * 0.1) / 1.5;
        assert!((merged.xmin - expected_xmin).abs() < 1e-6);
        assert!((merged.keypoints[0].0 - 0.6 / 1.5).abs() < 1e-6);
    }

    #[test]
    fn nothing_above_threshold_is_no_detection() {
        let anchors = super::super::anchors::generate();
        let boxes = vec![0.0; anchors.len() * VALUES_PER_ANCHOR];
        let logits = vec![-3.0; anchors.len()];
        assert!(decode(&boxes, &logits, &anchors).is_empty());
        assert_eq!(best_weighted(Vec::new()), None);
    }

    #[test]
    fn decode_offsets_from_anchor_and_clips_logits() {
        let anchors = vec![Anchor {
            x_center: 0.5,
            y_center: 0.25,
        }];
        let mut boxes = vec![0.0; VALUES_PER_ANCHOR];
        boxes[0] = 22.4; // +0.1
        boxes[2] = 44.8; // width 0.2
        boxes[3] = 22.4; // height 0.1
        boxes[4] = -22.4;
        let d = decode(&boxes, &[1e9], &anchors);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].score, 1.0);
        assert!((d[0].xmin - 0.5).abs() < 1e-6 && (d[0].xmax - 0.7).abs() < 1e-6);
        assert!((d[0].keypoints[0].0 - 0.4).abs() < 1e-6);
    }

    #[test]
    fn letterbox_removal_undoes_vertical_padding() {
        let d = det(1.0, 0.0, 0.5);
        let mut d = d;
        d.keypoints[0] = (0.5, 0.25);
        let r = d.remove_letterbox(0.0, 0.25);
        assert_eq!(r.keypoints[0], (0.5, 0.0));
    }
}
