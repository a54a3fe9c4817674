//! SSD anchors for the BlazePose detector, as MediaPipe's
//! `SsdAnchorsCalculator` generates them for `pose_detection.tflite`.

/// The detector's input side in pixels.
pub const DETECTOR_INPUT_SIZE: usize = 224;
/// Feature-map strides of the five anchor layers (from MediaPipe's
/// pose_detection_cpu.pbtxt). Consecutive layers with one stride share a grid.
const STRIDES: [usize; 5] = [8, 16, 32, 32, 32];
/// Anchor centres sit in the middle of their grid cell.
const ANCHOR_OFFSET: f32 = 0.5;
/// One aspect ratio (1.0) plus MediaPipe's interpolated-scale anchor: two
/// anchors per layer per cell. With `fixed_anchor_size` only the centres
/// matter, so scales are not computed.
const ANCHORS_PER_LAYER_PER_CELL: usize = 2;
/// The total the model outputs; checked by a test.
pub const NUM_ANCHORS: usize = 2254;

/// An anchor centre, normalised to the detector input (0..1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Anchor {
    pub x_center: f32,
    pub y_center: f32,
}

/// The anchors in the detector's output order: layer group, row, column,
/// anchor.
pub fn generate() -> Vec<Anchor> {
    let mut anchors = Vec::with_capacity(NUM_ANCHORS);
    let mut layer = 0;
    while layer < STRIDES.len() {
        let stride = STRIDES[layer];
        let mut layers_in_group = 0;
        while layer < STRIDES.len() && STRIDES[layer] == stride {
            layers_in_group += 1;
            layer += 1;
        }
        let side = DETECTOR_INPUT_SIZE.div_ceil(stride);
        for row in 0..side {
            for col in 0..side {
                let anchor = Anchor {
                    x_center: (col as f32 + ANCHOR_OFFSET) / side as f32,
                    y_center: (row as f32 + ANCHOR_OFFSET) / side as f32,
                };
                for _ in 0..layers_in_group * ANCHORS_PER_LAYER_PER_CELL {
                    anchors.push(anchor);
                }
            }
        }
    }
    anchors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_and_order_match_the_model() {
        let anchors = generate();
        assert_eq!(anchors.len(), NUM_ANCHORS);
        // First grid: 28 x 28 cells of 8 px, two anchors each.
        assert_eq!(
            anchors[0],
            Anchor {
                x_center: 0.5 / 28.0,
                y_center: 0.5 / 28.0
            }
        );
        assert_eq!(anchors[2].x_center, 1.5 / 28.0);
        assert_eq!(anchors[56].y_center, 1.5 / 28.0);
        // Last grid: 7 x 7 cells, six anchors each (three layers of stride 32).
        let last = anchors[NUM_ANCHORS - 1];
        assert_eq!(
            last,
            Anchor {
                x_center: 6.5 / 7.0,
                y_center: 6.5 / 7.0
            }
        );
        assert_eq!(anchors[NUM_ANCHORS - 6], last);
        assert_ne!(anchors[NUM_ANCHORS - 7], last);
    }
}
