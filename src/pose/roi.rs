//! The region of interest the landmark model looks at, from two alignment
//! points: MediaPipe's `AlignmentPointsRectsCalculator` followed by
//! `RectTransformationCalculator` (scale 1.25, squared on the longer side).

use super::warp::RotatedRect;
use std::f32::consts::PI;

/// The body's axis (hip centre to the scale point) is turned to point up.
const TARGET_ANGLE_RAD: f32 = PI / 2.0;
/// The crop is 1.25 times the body's size, leaving a margin around it.
const ROI_SCALE: f32 = 1.25;

/// Wraps an angle into [-pi, pi).
pub fn normalize_radians(angle: f32) -> f32 {
    angle - 2.0 * PI * ((angle + PI) / (2.0 * PI)).floor()
}

/// The square crop around a body whose centre is `center_px` and whose
/// scale point is `scale_px`, both in image pixels.
pub fn roi_from_alignment_points(center_px: (f32, f32), scale_px: (f32, f32)) -> RotatedRect {
    let (x0, y0) = center_px;
    let (x1, y1) = scale_px;
    let box_size = 2.0 * ((x1 - x0).powi(2) + (y1 - y0).powi(2)).sqrt();
    let rotation = normalize_radians(TARGET_ANGLE_RAD - (-(y1 - y0)).atan2(x1 - x0));
    RotatedRect {
        center_x_px: x0,
        center_y_px: y0,
        width_px: box_size * ROI_SCALE,
        height_px: box_size * ROI_SCALE,
        rotation_rad: rotation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upright_body_has_no_rotation() {
        // Scale point straight above the hips.
        let r = roi_from_alignment_points((100.0, 200.0), (100.0, 120.0));
        assert!(r.rotation_rad.abs() < 1e-6);
        assert!((r.width_px - 200.0).abs() < 1e-4);
        assert_eq!((r.center_x_px, r.center_y_px), (100.0, 200.0));
    }

    #[test]
    fn body_lying_with_head_right_turns_a_quarter() {
        let r = roi_from_alignment_points((100.0, 100.0), (180.0, 100.0));
        assert!(
            (r.rotation_rad - PI / 2.0).abs() < 1e-6,
            "{}",
            r.rotation_rad
        );
        let r = roi_from_alignment_points((100.0, 100.0), (20.0, 100.0));
        assert!(
            (r.rotation_rad + PI / 2.0).abs() < 1e-6,
            "{}",
            r.rotation_rad
        );
    }

    #[test]
    fn normalize_wraps_into_half_open_range() {
        let cases = [
            (0.0, 0.0),
            (PI, -PI),
            (-PI, -PI),
            (3.0 * PI / 2.0, -PI / 2.0),
        ];
        for (input, want) in cases {
            assert!((normalize_radians(input) - want).abs() < 1e-5, "{input}");
        }
    }
}
