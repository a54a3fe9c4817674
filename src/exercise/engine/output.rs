//! What the engine hands out: events for the session record and the
//! feedback shown on every frame.

use serde::Serialize;

use crate::exercise::model::{Direction, Shown, Side};
use crate::geometry::Point;

/// Something that happened, for the session record and summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A hold began (the person reached the position in form).
    HoldStarted {
        t_ms: f64,
        side: Option<Side>,
    },
    /// A hold reached its target time: the person may release.
    HoldTargetReached {
        t_ms: f64,
        side: Option<Side>,
    },
    RepCompleted {
        t_ms: f64,
        t_start_ms: f64,
        side: Option<Side>,
        /// Mean form score during the repetition, 0-100.
        score: f64,
    },
    HoldCompleted {
        t_ms: f64,
        t_start_ms: f64,
        duration_s: f64,
        in_form_s: f64,
        side: Option<Side>,
        score: f64,
    },
    /// A hold ended before its time (held a second or more): it did not
    /// count.
    HoldShort {
        t_ms: f64,
        side: Option<Side>,
        held_s: f64,
        target_s: f64,
    },
    SetCompleted {
        t_ms: f64,
        set: u32,
    },
    ExerciseCompleted {
        t_ms: f64,
    },
    Cue {
        t_ms: f64,
        id: String,
        text: String,
    },
    Stopped {
        t_ms: f64,
        reason: String,
        cause: StopCause,
    },
}

/// Why an exercise stopped before its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopCause {
    /// The person pressed the stop key: pain.
    Pain,
    /// One of the exercise's safety limits was passed for its time.
    Safety,
}

/// A measurement's current value and where it should be.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reading {
    pub name: String,
    pub value: Option<f64>,
    pub unit: &'static str,
    /// The form target, where one applies now.
    pub target: Option<(f64, f64)>,
    /// Where the value is to get to, whether or not it is judged now: the
    /// form target, else the range of the phase the exercise works towards
    /// (the hold's, or the repetition's turning point). None: nothing to
    /// aim for, and the panel shows no bar.
    #[serde(skip)]
    pub goal: Option<(f64, f64)>,
    /// What the person reads ("knee bend") and how the value is shown.
    #[serde(skip)]
    pub label: String,
    #[serde(skip)]
    pub shown: Shown,
    /// The points measured, in image pixels, for drawing: an angle's
    /// `[a, vertex, c]`, a segment's `[from, to]`, a deviation's
    /// `[point, a, b]`, a distance's or offset's two points, a circle's
    /// point. Empty when the measurement is not seen.
    #[serde(skip)]
    pub points_px: Vec<Point>,
}

/// Hold progress.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct HoldProgress {
    pub held_s: f64,
    pub target_s: f64,
    pub in_form: bool,
}

/// What the coach shows and says now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Feedback {
    pub t_ms: f64,
    pub phase: Option<String>,
    pub side: Option<Side>,
    pub readings: Vec<Reading>,
    pub hold: Option<HoldProgress>,
    /// Repetitions counted in the current set (per side: see `side_reps`).
    pub reps_in_set: u32,
    pub reps_per_set: u32,
    /// The current set, from 1.
    pub set: u32,
    pub sets: u32,
    /// Left and right repetitions in this set, for sided exercises.
    pub side_reps: Option<(u32, u32)>,
    /// The circle direction being counted, for circle exercises.
    pub direction: Option<Direction>,
    pub cue: Option<String>,
    /// 0-100, over the checks that apply now; None when none apply.
    pub form_score: Option<f64>,
    /// Every required landmark is seen.
    pub tracking: bool,
    pub stopped: Option<String>,
    pub done: bool,
}
