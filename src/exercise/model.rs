//! The engine's own, validated description of an exercise. Built from an
//! exercise file by `file.rs`; nothing here can be malformed: every name is
//! resolved to an index, every range has min <= max.

use std::path::PathBuf;

use crate::geometry::{Axis, Reference};
use crate::pose::Landmark;

/// Which way the camera must see the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum View {
    Side,
    Front,
    Any,
}

/// How the person starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Posture {
    Standing,
    Prone,
    Supine,
    Inverted,
}

/// Left or right, as the person's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Left,
    Right,
}

impl Side {
    pub fn other(self) -> Side {
        match self {
            Side::Left => Side::Right,
            Side::Right => Side::Left,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Side::Left => "left",
            Side::Right => "right",
        }
    }
}

/// Which sides an exercise works, and in what order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SideMode {
    /// Both sides at once, or a symmetric movement.
    None,
    /// Each side gets its repetitions, in any order.
    Each,
    /// Repetitions must alternate sides.
    Alternating,
    /// Only this side.
    Only(Side),
}

/// How to tell which side is working.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SideRule {
    /// The side whose body part is higher in the image.
    Higher(BodyPart),
    /// The side whose body part is lower in the image.
    Lower(BodyPart),
}

/// A body part that exists on both sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyPart {
    EyeInner,
    Eye,
    EyeOuter,
    Ear,
    Mouth,
    Shoulder,
    Elbow,
    Wrist,
    Pinky,
    Index,
    Thumb,
    Hip,
    Knee,
    Ankle,
    Heel,
    FootIndex,
}

impl BodyPart {
    pub const ALL: [(BodyPart, &'static str); 16] = [
        (BodyPart::EyeInner, "eye_inner"),
        (BodyPart::Eye, "eye"),
        (BodyPart::EyeOuter, "eye_outer"),
        (BodyPart::Ear, "ear"),
        (BodyPart::Mouth, "mouth"),
        (BodyPart::Shoulder, "shoulder"),
        (BodyPart::Elbow, "elbow"),
        (BodyPart::Wrist, "wrist"),
        (BodyPart::Pinky, "pinky"),
        (BodyPart::Index, "index"),
        (BodyPart::Thumb, "thumb"),
        (BodyPart::Hip, "hip"),
        (BodyPart::Knee, "knee"),
        (BodyPart::Ankle, "ankle"),
        (BodyPart::Heel, "heel"),
        (BodyPart::FootIndex, "foot_index"),
    ];

    pub fn from_name(name: &str) -> Option<BodyPart> {
        BodyPart::ALL
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(p, _)| *p)
    }

    /// The landmark of this part on `side`.
    pub fn on(self, side: Side) -> Landmark {
        use Landmark::*;
        let (left, right) = match self {
            BodyPart::EyeInner => (LeftEyeInner, RightEyeInner),
            BodyPart::Eye => (LeftEye, RightEye),
            BodyPart::EyeOuter => (LeftEyeOuter, RightEyeOuter),
            BodyPart::Ear => (LeftEar, RightEar),
            BodyPart::Mouth => (MouthLeft, MouthRight),
            BodyPart::Shoulder => (LeftShoulder, RightShoulder),
            BodyPart::Elbow => (LeftElbow, RightElbow),
            BodyPart::Wrist => (LeftWrist, RightWrist),
            BodyPart::Pinky => (LeftPinky, RightPinky),
            BodyPart::Index => (LeftIndex, RightIndex),
            BodyPart::Thumb => (LeftThumb, RightThumb),
            BodyPart::Hip => (LeftHip, RightHip),
            BodyPart::Knee => (LeftKnee, RightKnee),
            BodyPart::Ankle => (LeftAnkle, RightAnkle),
            BodyPart::Heel => (LeftHeel, RightHeel),
            BodyPart::FootIndex => (LeftFootIndex, RightFootIndex),
        };
        match side {
            Side::Left => left,
            Side::Right => right,
        }
    }
}

/// A point a measurement uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointRef {
    /// A fixed landmark, e.g. `nose` or `left_knee`.
    Fixed(Landmark),
    /// The part on the working side (`working.knee`).
    Working(BodyPart),
    /// The part on the other side (`other.knee`).
    Other(BodyPart),
    /// The part on the side nearer the camera (`near.knee`).
    Near(BodyPart),
    /// Halfway between left and right (`mid.hip`).
    Mid(BodyPart),
}

/// What a length is measured against, so numbers do not depend on how far
/// the person stands from the camera.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Mid-shoulder to mid-hip.
    Torso,
    /// Left shoulder to right shoulder.
    ShoulderWidth,
}

/// How a measurement is computed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MeasureKind {
    /// Angle at `vertex` between `a` and `c`, degrees.
    Angle {
        a: PointRef,
        vertex: PointRef,
        c: PointRef,
    },
    /// Angle of the segment `from` -> `to` from a reference, degrees.
    Inclination {
        from: PointRef,
        to: PointRef,
        reference: Reference,
    },
    /// Signed angle of `from` -> `to` from straight up, degrees: positive
    /// leaning the way the person faces, negative leaning back.
    Lean { from: PointRef, to: PointRef },
    /// Signed distance of `point` from the line `a`-`b` (positive above),
    /// in `scale` units.
    Deviation {
        point: PointRef,
        a: PointRef,
        b: PointRef,
        scale: Scale,
    },
    /// Distance between two points in `scale` units.
    Distance {
        a: PointRef,
        b: PointRef,
        scale: Scale,
    },
    /// Offset of `point` from `origin` along an axis (y positive up; with
    /// `forward`, x positive the way the person faces).
    Offset {
        point: PointRef,
        origin: PointRef,
        axis: Axis,
        forward: bool,
        scale: Scale,
    },
    /// Signed turns of `point` around its average position relative to
    /// `relative_to`, counted forward for the way the person faces.
    Circle {
        point: PointRef,
        relative_to: PointRef,
        min_radius: f64,
    },
}

/// A named measurement.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    pub name: String,
    pub kind: MeasureKind,
    /// The unit of the value ("deg", "x" for a ratio, "turns").
    pub unit: &'static str,
    /// What the person reads on screen ("knee bend"; the file's `label`).
    pub label: String,
    /// How the value is shown to the person.
    pub shown: Shown,
}

/// How a measurement is shown: in the words of the instructions, or only
/// as a bar, never as a number a person cannot act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Shown {
    /// A joint's bend: 180 degrees less the angle between its two segments
    /// (the instructions say "bend your knees to 45 degrees").
    Bend,
    /// Degrees of tilt or lean, never negative: counted the way the target
    /// lies.
    Degrees,
    /// A ratio of body sizes: a bar with its target band, and no number.
    #[default]
    Bar,
}

impl Shown {
    /// The shown kind of a measurement with this unit and kind.
    pub fn of(kind: &MeasureKind) -> Shown {
        match kind {
            MeasureKind::Angle { .. } => Shown::Bend,
            MeasureKind::Inclination { .. } | MeasureKind::Lean { .. } => Shown::Degrees,
            _ => Shown::Bar,
        }
    }

    /// The words shown for a measurement called `name` (the file's
    /// `snake_case`), when the file gives no `label`.
    pub fn default_label(self, name: &str) -> String {
        let words = name.replace('_', " ");
        match self {
            Shown::Bend => {
                let stem = words.strip_suffix(" angle").unwrap_or(&words);
                format!("{stem} bend")
            }
            _ => words,
        }
    }
}

/// A closed range of values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    pub min: f64,
    pub max: f64,
}

impl Range {
    pub fn contains(&self, value: f64) -> bool {
        value >= self.min && value <= self.max
    }

    /// How far `value` lies outside the range (0 inside).
    pub fn distance(&self, value: f64) -> f64 {
        if value < self.min {
            self.min - value
        } else if value > self.max {
            value - self.max
        } else {
            0.0
        }
    }
}

/// One condition of a phase, with hysteresis: the phase is entered when the
/// value is inside `enter`, and left only when it leaves `exit` (which
/// contains `enter`).
#[derive(Debug, Clone, PartialEq)]
pub struct PhaseCondition {
    pub measurement: usize,
    pub enter: Range,
    pub exit: Range,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Phase {
    pub name: String,
    pub conditions: Vec<PhaseCondition>,
}

/// How repetitions are counted.
#[derive(Debug, Clone, PartialEq)]
pub enum Counting {
    /// A repetition is the phases in this order (indices into phases); the
    /// first is the rest position and usually also the last.
    Sequence(Vec<usize>),
    /// A repetition is one full turn of a circle measurement, in the
    /// directions given, `per_direction` each, in order.
    Circles {
        measurement: usize,
        per_direction: u32,
        directions: Vec<Direction>,
        /// Said when a circle goes the wrong way, with `{direction}` for
        /// the way to go ("Roll your shoulders {direction} now").
        wrong_way: String,
        /// Added to the count when a direction is done, with `{direction}`
        /// for the next ("Now roll {direction}").
        next_direction: String,
        /// Phases in which circles count (empty: always): the arms hanging
        /// or the hands on the shoulders, not swinging arms or clapping.
        during: Vec<usize>,
    },
    /// No repetitions: each hold that reaches its time counts, and
    /// `per_set` of them make a set (a plank, a wall sit, a stretch).
    Holds,
}

/// Which way a circle goes, for the way the person faces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Forward,
    Backward,
}

impl Direction {
    pub fn name(self) -> &'static str {
        match self {
            Direction::Forward => "forward",
            Direction::Backward => "backward",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Reps {
    pub counting: Counting,
    /// Repetitions per set (per side when sides are each or alternating).
    pub per_set: u32,
    pub sets: u32,
    /// A repetition faster than this does not count (tempo).
    pub min_rep_s: f64,
    /// A repetition slower than this does not count (0: no limit).
    pub max_rep_s: f64,
    /// Stages of the sequence a repetition may leave out (the elbows of a
    /// press-up done in one go): it still counts, and the cue is said.
    pub skippable: Vec<Skippable>,
    /// Back at the start position for less than this in the middle of a
    /// repetition is passing through it (a head turning from left to
    /// right); 0: the repetition ends there.
    pub pass_start_s: f64,
}

/// A stage a repetition may leave out, and what to say when it does.
#[derive(Debug, Clone, PartialEq)]
pub struct Skippable {
    /// Index into the sequence.
    pub stage: usize,
    pub cue: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hold {
    /// The phase in which the hold is timed.
    pub phase: usize,
    pub target_s: f64,
    /// A break in form or position shorter than this does not end the hold.
    pub grace_s: f64,
}

/// A form check: where the measurement should be, and what to say when it
/// is not.
#[derive(Debug, Clone, PartialEq)]
pub struct FormCheck {
    pub measurement: usize,
    pub target: Range,
    /// Beyond the target by up to this much is still acceptable form.
    pub tolerance: f64,
    /// Phases in which the check applies (empty: always).
    pub during: Vec<usize>,
    pub cue_below: Option<String>,
    pub cue_above: Option<String>,
    pub priority: u8,
}

/// Which end of a repetition's range of motion a reach check judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extreme {
    /// The lowest value reached (the deepest knee bend: a small angle).
    Lowest,
    /// The highest value reached (the highest leg lift).
    Highest,
}

/// How far each repetition reaches: its lowest or highest value of a
/// measurement, judged when the repetition ends.
#[derive(Debug, Clone, PartialEq)]
pub struct ReachCheck {
    pub measurement: usize,
    pub at: Extreme,
    /// Where the extreme should be.
    pub target: Range,
    /// Missing the target by up to this much counts, with a lower score.
    pub tolerance: f64,
    /// Missing by more: the repetition does not count (else it counts with
    /// a score of 0-50).
    pub refuse: bool,
    /// Said when the repetition fell short of the target (not deep or not
    /// high enough), and when it went past it.
    pub cue_short: String,
    pub cue_past: Option<String>,
    /// Said with the count when the target was missed within the
    /// tolerance ("Nearly: a little deeper next time").
    pub cue_nearly: Option<String>,
}

impl ReachCheck {
    /// The extreme of `a` and `b` this check keeps.
    pub fn keep(&self, a: f64, b: f64) -> f64 {
        match self.at {
            Extreme::Lowest => a.min(b),
            Extreme::Highest => a.max(b),
        }
    }

    /// Whether `extreme` fell short of the target (rather than past it).
    pub fn short(&self, extreme: f64) -> bool {
        match self.at {
            Extreme::Lowest => extreme > self.target.max,
            Extreme::Highest => extreme < self.target.min,
        }
    }
}

/// When a cue's condition holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Comparison {
    Above(f64),
    Below(f64),
    Inside(Range),
    Outside(Range),
}

impl Comparison {
    pub fn holds(&self, value: f64) -> bool {
        match *self {
            Comparison::Above(limit) => value > limit,
            Comparison::Below(limit) => value < limit,
            Comparison::Inside(range) => range.contains(value),
            Comparison::Outside(range) => !range.contains(value),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cue {
    pub id: String,
    pub message: String,
    pub measurement: usize,
    pub when: Comparison,
    pub during: Vec<usize>,
    pub priority: u8,
    pub cooldown_s: f64,
    /// The condition must hold this long before the cue is said.
    pub after_s: f64,
}

/// Leaving a safety limit for `for_s` stops the exercise.
#[derive(Debug, Clone, PartialEq)]
pub struct SafetyLimit {
    pub measurement: usize,
    pub when: Comparison,
    pub for_s: f64,
    pub reason: String,
}

/// Which way a range-of-motion measurement improves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Better {
    Lower,
    Higher,
}

impl Better {
    /// The better of two values.
    pub fn best(self, a: f64, b: f64) -> f64 {
        match self {
            Better::Lower => a.min(b),
            Better::Higher => a.max(b),
        }
    }

    /// The worse of two values.
    pub fn worst(self, a: f64, b: f64) -> f64 {
        match self {
            Better::Lower => a.max(b),
            Better::Higher => a.min(b),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Better::Lower => "lower",
            Better::Higher => "higher",
        }
    }
}

/// The period an advised frequency is counted over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Day,
    Week,
}

impl Period {
    pub fn name(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
        }
    }

    /// Days in one period.
    pub fn days(self) -> u32 {
        match self {
            Period::Day => 1,
            Period::Week => 7,
        }
    }
}

/// How often the guide advises doing an exercise: `min` to `max` sessions
/// per period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Frequency {
    pub min: u32,
    pub max: u32,
    pub per: Period,
}

impl Frequency {
    /// "2 to 3 times a day", "once a day", "3 to 5 times a week".
    pub fn describe(&self) -> String {
        let times = |n: u32| match n {
            1 => "once".to_string(),
            2 => "twice".to_string(),
            n => format!("{n} times"),
        };
        let count = if self.min == self.max {
            times(self.min)
        } else {
            format!("{} to {} times", self.min, self.max)
        };
        format!("{count} a {}", self.per.name())
    }
}

/// The range of motion the history follows, session by session.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Follow {
    /// The best value of a measurement held for half a second.
    Measurement { measurement: usize, better: Better },
    /// How close a measurement came to `target`, held for half a second
    /// (the least distance from it is the best).
    Closest { measurement: usize, target: f64 },
    /// The longest hold of the session, in seconds.
    HoldTime,
}

/// What the progress history follows for an exercise.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// What the history follows as the range of motion; none for an
    /// exercise without one (shoulder rolls).
    pub range: Option<Follow>,
    pub frequency: Frequency,
}

/// A validated exercise.
#[derive(Debug, Clone, PartialEq)]
pub struct Exercise {
    pub id: String,
    pub name: String,
    pub instructions: Vec<String>,
    pub view: View,
    pub posture: Posture,
    pub sides: SideMode,
    pub working_side: Option<SideRule>,
    pub measurements: Vec<Measurement>,
    pub phases: Vec<Phase>,
    pub reps: Reps,
    pub hold: Option<Hold>,
    pub form: Vec<FormCheck>,
    /// How far each repetition must reach.
    pub reach: Vec<ReachCheck>,
    pub cues: Vec<Cue>,
    pub safety: Vec<SafetyLimit>,
    /// Range of motion and advised frequency, for the history.
    pub progress: Option<Progress>,
    /// How it is done, shown by the body model (`[demo]`).
    pub demo: Option<super::demo::Demo>,
    /// Its parameters, with the values in force (the file's, or the
    /// person's own choice).
    pub params: std::collections::BTreeMap<String, f64>,
    /// The parameters' ranges, low to high, that the file gives
    /// (`[param_ranges]`; the others have the default for their unit).
    pub param_ranges: std::collections::BTreeMap<String, [f64; 2]>,
    /// The file it was loaded from.
    pub source: PathBuf,
}

impl Exercise {
    pub fn measurement_index(&self, name: &str) -> Option<usize> {
        self.measurements.iter().position(|m| m.name == name)
    }

    pub fn phase_index(&self, name: &str) -> Option<usize> {
        self.phases.iter().position(|p| p.name == name)
    }

    /// Repetitions (or circles) in a set: per side for sided exercises.
    pub fn per_set(&self) -> u32 {
        match &self.reps.counting {
            Counting::Circles {
                per_direction,
                directions,
                ..
            } => per_direction * directions.len() as u32,
            Counting::Sequence(_) | Counting::Holds => self.reps.per_set,
        }
    }

    /// How many sides a set is counted for: 2 when each side (or both in
    /// turn) gets its repetitions.
    pub fn sides_counted(&self) -> u32 {
        match self.sides {
            SideMode::Each | SideMode::Alternating => 2,
            SideMode::None | SideMode::Only(_) => 1,
        }
    }
}

/// The longest "get ready" pause between a routine's exercises, in
/// seconds: the routine check, the session and the recording's reader all
/// hold to it, so what is recorded can be read back.
pub const MAX_GET_READY_S: f64 = 600.0;
/// The most sets an exercise may ask for: a session's demonstration shows
/// every set, so this bounds its length too.
pub const MAX_SETS: u32 = 10;
/// The most exercises one routine (and one recorded session) may list.
pub const MAX_ROUTINE_EXERCISES: usize = 50;

/// A named programme of exercises done one after another.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Routine {
    pub id: String,
    pub name: String,
    pub description: String,
    pub exercises: Vec<String>,
    /// Seconds of "get ready" before each exercise.
    pub get_ready_s: f64,
}
