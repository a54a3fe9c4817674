//! Smoothing landmarks over time, as MediaPipe's pose landmark filtering
//! does it: a One Euro filter per coordinate, in pixels, with speeds
//! measured relative to the size of the person (the side of the crop the
//! landmark model looked at).
//!
//! The tracker smooths the two auxiliary landmarks that place the next
//! crop (MediaPipe does this even with smoothing off). The engine smooths
//! its measurements itself, so the output landmarks are left as they are.
//! Pure: time comes in with every call.

/// The parameters of a One Euro filter (Casiez et al. 2012).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OneEuroParams {
    pub min_cutoff_hz: f64,
    pub beta: f64,
    pub derivate_cutoff_hz: f64,
}

/// MediaPipe pose_landmark_filtering.pbtxt (the version that scales by the
/// crop), output landmarks.
pub const LANDMARK_FILTER: OneEuroParams = OneEuroParams {
    min_cutoff_hz: 0.05,
    beta: 80.0,
    derivate_cutoff_hz: 1.0,
};
/// The same file, auxiliary landmarks: "smoothed heavier than main
/// landmarks to make ROI crop ... very stable when object is not moving but
/// responsive enough in case of sudden movements".
pub const AUX_LANDMARK_FILTER: OneEuroParams = OneEuroParams {
    min_cutoff_hz: 0.01,
    beta: 10.0,
    derivate_cutoff_hz: 1.0,
};
/// The frequency assumed before two timestamps give the real one
/// (MediaPipe's OneEuroFilter default).
const DEFAULT_FREQUENCY_HZ: f64 = 30.0;
/// Points spanning less than this many pixels are passed through unfiltered
/// (MediaPipe's min_allowed_object_scale).
const MIN_OBJECT_SCALE_PX: f64 = 1e-6;

#[derive(Debug, Clone, Copy, Default)]
struct LowPass {
    raw: Option<f64>,
    stored: f64,
}

impl LowPass {
    fn apply(&mut self, value: f64, alpha: f64) -> f64 {
        self.stored = match self.raw {
            Some(_) => alpha * value + (1.0 - alpha) * self.stored,
            None => value,
        };
        self.raw = Some(value);
        self.stored
    }
}

/// One Euro filter for one scalar.
#[derive(Debug, Clone, Copy)]
pub struct OneEuroFilter {
    params: OneEuroParams,
    frequency_hz: f64,
    /// 0 until the first sample after a timestamp of 0, as in MediaPipe.
    last_t_ms: f64,
    x: LowPass,
    dx: LowPass,
}

impl OneEuroFilter {
    pub fn new(params: OneEuroParams) -> OneEuroFilter {
        OneEuroFilter {
            params,
            frequency_hz: DEFAULT_FREQUENCY_HZ,
            last_t_ms: 0.0,
            x: LowPass::default(),
            dx: LowPass::default(),
        }
    }

    fn alpha(&self, cutoff_hz: f64) -> f64 {
        let te = 1.0 / self.frequency_hz;
        let tau = 1.0 / (2.0 * std::f64::consts::PI * cutoff_hz);
        1.0 / (1.0 + tau / te)
    }

    /// Filters `value` seen at `t_ms`; `value_scale` turns the value's
    /// change into a size-independent speed. A timestamp not after the last
    /// one (or a first timestamp of 0) passes the value through unfiltered,
    /// exactly as MediaPipe's filter does, so tracking reproduces it.
    pub fn apply(&mut self, t_ms: f64, value_scale: f64, value: f64) -> f64 {
        if self.last_t_ms >= t_ms {
            return value;
        }
        if self.last_t_ms != 0.0 && t_ms != 0.0 {
            self.frequency_hz = 1000.0 / (t_ms - self.last_t_ms);
        }
        self.last_t_ms = t_ms;
        let speed = match self.x.raw {
            Some(last_raw) => (value - last_raw) * value_scale * self.frequency_hz,
            None => 0.0,
        };
        let smoothed_speed = self
            .dx
            .apply(speed, self.alpha(self.params.derivate_cutoff_hz));
        let cutoff = self.params.min_cutoff_hz + self.params.beta * smoothed_speed.abs();
        self.x.apply(value, self.alpha(cutoff))
    }
}

/// Filters a fixed set of points given in pixels (x, y, and z on x's scale).
#[derive(Debug, Clone)]
pub struct PointsFilter {
    params: OneEuroParams,
    filters: Vec<[OneEuroFilter; 3]>,
}

impl PointsFilter {
    pub fn new(params: OneEuroParams) -> PointsFilter {
        PointsFilter {
            params,
            filters: Vec::new(),
        }
    }

    /// Forgets the past (MediaPipe resets when a frame has no pose).
    pub fn reset(&mut self) {
        self.filters.clear();
    }

    /// Smooths `points_px` in place; `object_scale_px` is the person's size
    /// in pixels (the crop side), which makes speeds size-independent.
    pub fn apply(&mut self, t_ms: f64, object_scale_px: f64, points_px: &mut [[f64; 3]]) {
        if self.filters.len() != points_px.len() {
            self.filters = vec![[OneEuroFilter::new(self.params); 3]; points_px.len()];
        }
        let scale = object_scale_px;
        if scale < MIN_OBJECT_SCALE_PX {
            return;
        }
        let value_scale = 1.0 / scale;
        for (point, filters) in points_px.iter_mut().zip(self.filters.iter_mut()) {
            for (value, filter) in point.iter_mut().zip(filters.iter_mut()) {
                *value = filter.apply(t_ms, value_scale, *value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steady_value_passes_and_jitter_is_damped() {
        let mut f = OneEuroFilter::new(LANDMARK_FILTER);
        assert_eq!(f.apply(1.0, 0.01, 500.0), 500.0);
        let mut worst: f64 = 0.0;
        for i in 1..60 {
            let noisy = 500.0 + if i % 2 == 0 { 1.0 } else { -1.0 };
            let out = f.apply(f64::from(i) * 33.3, 0.01, noisy);
            worst = worst.max((out - 500.0).abs());
        }
        assert!(worst < 0.5, "jitter of 1 px left {worst}");
    }

    #[test]
    fn fast_movement_is_followed() {
        let mut f = OneEuroFilter::new(LANDMARK_FILTER);
        let mut out = 0.0;
        for i in 0..30 {
            out = f.apply(f64::from(i) * 33.3, 0.01, f64::from(i) * 20.0);
        }
        assert!((out - 29.0 * 20.0).abs() < 40.0, "lagged to {out}");
    }

    #[test]
    fn repeated_timestamp_passes_through() {
        let mut f = OneEuroFilter::new(AUX_LANDMARK_FILTER);
        f.apply(10.0, 1.0, 0.0);
        assert_eq!(f.apply(10.0, 1.0, 5.0), 5.0);
    }

    #[test]
    fn zero_size_person_is_not_filtered() {
        let mut f = PointsFilter::new(AUX_LANDMARK_FILTER);
        let mut pts = [[1.0, 1.0, 0.0], [1.0, 1.0, 0.0]];
        f.apply(1.0, 0.0, &mut pts);
        let mut moved = [[9.0, 9.0, 0.0], [9.0, 9.0, 0.0]];
        f.apply(33.0, 0.0, &mut moved);
        assert_eq!(moved[0], [9.0, 9.0, 0.0]);
    }
}
