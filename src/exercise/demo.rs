//! An exercise's demonstration: the body model's figure moving through
//! the file's key poses at the guide's pace (`[demo]`). The window plays
//! it before the exercise, `run --source demo` coaches it, and
//! [`check`] coaches it through the engine so that a file is proven to
//! count what it says.

use super::body::{Body, FPS, FrontPose, Motion, Rng, SidePose};
use super::engine::{Engine, Event, PoseFrame};
use super::model::{Counting, Exercise, MAX_SETS};

/// "Show me how" holds a pose at most this long.
pub const PREVIEW_HOLD_S: f64 = 4.0;
/// And rests this long before and after.
const PREVIEW_REST_S: f64 = 1.0;

/// The figure the body model draws, seen from the side or the front.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Figure {
    Side(SidePose),
    Front(FrontPose),
}

impl Body for Figure {
    fn lerp(&self, other: &Self, f: f64) -> Self {
        match (self, other) {
            (Figure::Side(a), Figure::Side(b)) => Figure::Side(a.lerp(b, f)),
            (Figure::Front(a), Figure::Front(b)) => Figure::Front(a.lerp(b, f)),
            // From one view to the other there is nothing in between.
            _ => *other,
        }
    }

    fn jittered(&self, rng: &mut Rng, deg: f64) -> Self {
        match self {
            Figure::Side(p) => Figure::Side(p.jittered(rng, deg)),
            Figure::Front(p) => Figure::Front(p.jittered(rng, deg)),
        }
    }

    fn landmarks(&self) -> PoseFrame {
        match self {
            Figure::Side(p) => grounded(p.landmarks()),
            Figure::Front(p) => p.landmarks(),
        }
    }
}

/// The floor's height in the body model's image: under the feet of the
/// standing pose.
pub fn floor_y_px() -> f64 {
    lowest_y_px(&SidePose::standing().landmarks())
}

fn lowest_y_px(frame: &PoseFrame) -> f64 {
    frame
        .points
        .iter()
        .map(|p| p.y_px)
        .fold(f64::NEG_INFINITY, f64::max)
}

/// A side figure solved from the ground up: the body model builds a pose
/// from the hips, so a wall slide's bent knees would lift the feet. The
/// figure is moved so that its lowest point is on the floor, and, standing
/// (the feet well below the hips), so that the foot it stands on stays
/// under where the hips are when straight: the feet stay planted and the
/// hips come down. Only moved: every angle and ratio the engine measures
/// is the same.
fn grounded(mut frame: PoseFrame) -> PoseFrame {
    use crate::pose::Landmark;
    let dy = floor_y_px() - lowest_y_px(&frame);
    let y = |l: Landmark| frame.points[l.index()].y_px;
    let x = |l: Landmark| frame.points[l.index()].x_px;
    let hip = Landmark::LeftHip;
    let planted = if y(Landmark::LeftAnkle) >= y(Landmark::RightAnkle) {
        Landmark::LeftAnkle
    } else {
        Landmark::RightAnkle
    };
    let standing = y(planted) - y(hip) > STANDING_FEET_BELOW_HIPS_PX;
    let dx = if standing { x(hip) - x(planted) } else { 0.0 };
    for p in &mut frame.points {
        p.x_px += dx;
        p.y_px += dy;
    }
    frame
}

/// Feet this far below the hips (half the leg) are stood on.
const STANDING_FEET_BELOW_HIPS_PX: f64 = 210.0;

/// A demonstration: a start pose, then parts of steps between key poses.
#[derive(Debug, Clone, PartialEq)]
pub struct Demo {
    /// The pose it starts in.
    pub start: Figure,
    /// Seconds the start pose is held before the first step.
    pub lead_in_s: f64,
    pub parts: Vec<DemoPart>,
    /// What the guide says to use, drawn with the figure.
    pub props: Vec<Prop>,
}

/// Something the guide has the person use, drawn where the figure uses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prop {
    /// Behind the back (a wall slide).
    Wall,
    /// Under the heels (a bridge on an exercise ball).
    Ball,
    /// Under the raised foot (a hamstring stretch).
    Chair,
    /// The frame the hands grip (a doorway stretch).
    Door,
    /// Under the chest lying face down, or under the head lying on the back.
    Pillow,
    /// The inversion table: a board along the back on a stand.
    Table,
    /// A mat under a figure lying on the floor.
    Mat,
}

impl Prop {
    pub const NAMES: [&'static str; 7] =
        ["wall", "ball", "chair", "door", "pillow", "table", "mat"];

    pub fn from_name(name: &str) -> Option<Prop> {
        Some(match name {
            "wall" => Prop::Wall,
            "ball" => Prop::Ball,
            "chair" => Prop::Chair,
            "door" => Prop::Door,
            "pillow" => Prop::Pillow,
            "table" => Prop::Table,
            "mat" => Prop::Mat,
            _ => return None,
        })
    }
}

/// Steps done `repeat` times.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoPart {
    pub repeat: u32,
    pub steps: Vec<DemoStep>,
    /// A mistake shown on purpose: what the coach must say about it (part
    /// of the cue's text). Such a part must count nothing.
    pub mistake: Option<String>,
}

/// Move to a key pose, then stay there.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoStep {
    /// The key pose's name in the file.
    pub pose: String,
    pub to: Figure,
    pub move_s: f64,
    pub hold_s: f64,
}

/// Where a mistake is shown in a performance, in seconds from its start.
#[derive(Debug, Clone, PartialEq)]
pub struct MistakeSpan {
    pub from_s: f64,
    pub to_s: f64,
    pub cue: String,
}

impl Demo {
    /// The performance at [`FPS`]: the lead-in, then every part in order;
    /// parts that show a mistake only `with_mistakes`.
    pub fn motion(&self, with_mistakes: bool) -> Motion<Figure> {
        self.performance(with_mistakes).0
    }

    /// Where the mistakes are in `motion(true)`.
    pub fn mistake_spans(&self) -> Vec<MistakeSpan> {
        self.performance(true).1
    }

    fn performance(&self, with_mistakes: bool) -> (Motion<Figure>, Vec<MistakeSpan>) {
        let mut motion = Motion::start(self.start).hold(self.lead_in_s);
        let mut spans = Vec::new();
        for part in &self.parts {
            if part.mistake.is_some() && !with_mistakes {
                continue;
            }
            let from_s = seconds_of(&motion);
            for _ in 0..part.repeat {
                for step in &part.steps {
                    motion = motion.to(step.to, step.move_s).hold(step.hold_s);
                }
            }
            if let Some(cue) = &part.mistake {
                spans.push(MistakeSpan {
                    from_s,
                    to_s: seconds_of(&motion),
                    cue: cue.clone(),
                });
            }
        }
        (motion, spans)
    }

    /// What "show me how" plays: a moment in the start pose, then the
    /// first part that is not a mistake, once, its holds cut to
    /// [`PREVIEW_HOLD_S`] (the instructions say how long to hold), and a
    /// moment back at rest.
    pub fn preview(&self) -> Motion<Figure> {
        let mut motion = Motion::start(self.start).hold(self.lead_in_s.min(PREVIEW_REST_S));
        if let Some(part) = self.parts.iter().find(|p| p.mistake.is_none()) {
            for step in &part.steps {
                motion = motion
                    .to(step.to, step.move_s)
                    .hold(step.hold_s.min(PREVIEW_HOLD_S));
            }
        }
        motion.hold(PREVIEW_REST_S)
    }

    /// The pose that shows the exercise best in one still picture: the
    /// first step's of the first part that is not a mistake.
    pub fn key_pose(&self) -> Figure {
        self.parts
            .iter()
            .find(|p| p.mistake.is_none())
            .and_then(|p| p.steps.first())
            .map_or(self.start, |s| s.to)
    }

    /// Seconds the correct performance takes.
    pub fn duration_s(&self) -> f64 {
        seconds_of(&self.motion(false))
    }
}

fn seconds_of<B: Body>(motion: &Motion<B>) -> f64 {
    motion.frames.len().saturating_sub(1) as f64 / FPS
}

/// What coaching a demonstration gave.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoReport {
    pub duration_s: f64,
    pub reps: usize,
    /// Each counted hold's time in form, seconds.
    pub holds_s: Vec<f64>,
    pub sets: u32,
    /// Repetitions (or, for an exercise of holds, holds) in one set of the
    /// file, both sides included.
    pub per_set: usize,
    /// Each mistake shown, with the cue it drew (None: nothing was said).
    pub mistakes: Vec<(MistakeSpan, Option<String>)>,
    /// What is wrong, in words; empty when the demonstration proves the file.
    pub problems: Vec<String>,
}

/// Coaches the exercise's demonstration, mistakes included, through the
/// engine. None when the exercise has no demonstration.
pub fn check(exercise: &Exercise) -> Option<DemoReport> {
    let demo = exercise.demo.as_ref()?;
    let motion = demo.motion(true);
    let spans = demo.mistake_spans();
    let mut engine = Engine::new(exercise.clone());
    let mut events = Vec::new();
    for (i, figure) in motion.frames.iter().enumerate() {
        let t_ms = i as f64 * 1000.0 / FPS;
        events.extend(engine.update(t_ms, Some(&figure.landmarks())).1);
    }
    let last_t_ms = seconds_of(&motion) * 1000.0;
    events.extend(engine.finish(last_t_ms));

    let in_span = |t_ms: f64, s: &MistakeSpan| t_ms >= s.from_s * 1000.0 && t_ms <= s.to_s * 1000.0;
    let mut reps = 0;
    let mut holds_s = Vec::new();
    let mut sets = 0;
    let mut problems = Vec::new();
    let mut mistakes: Vec<(MistakeSpan, Option<String>)> =
        spans.iter().map(|s| (s.clone(), None)).collect();
    for event in &events {
        match event {
            Event::RepCompleted { t_ms, .. } => {
                reps += 1;
                if let Some(s) = spans.iter().find(|s| in_span(*t_ms, s)) {
                    problems.push(format!(
                        "the mistake '{}' counted a repetition at {:.1} s",
                        s.cue,
                        t_ms / 1000.0
                    ));
                }
            }
            Event::HoldCompleted { in_form_s, .. } => holds_s.push(*in_form_s),
            Event::SetCompleted { .. } => sets += 1,
            Event::Cue { t_ms, text, .. } => {
                for (span, said) in &mut mistakes {
                    if said.is_none()
                        && in_span(*t_ms, span)
                        && text.to_lowercase().contains(&span.cue.to_lowercase())
                    {
                        *said = Some(text.clone());
                    }
                }
            }
            Event::Stopped { t_ms, reason, .. } => {
                problems.push(format!("stopped at {:.1} s: {reason}", t_ms / 1000.0));
            }
            Event::HoldStarted { .. }
            | Event::HoldTargetReached { .. }
            | Event::HoldShort { .. }
            | Event::ExerciseCompleted { .. } => {}
        }
    }
    for (span, said) in &mistakes {
        if said.is_none() {
            problems.push(format!(
                "the mistake shown at {:.1}-{:.1} s drew no cue saying '{}'",
                span.from_s, span.to_s, span.cue
            ));
        }
    }
    let per_set = per_set(exercise);
    let counted = match exercise.reps.counting {
        Counting::Holds => holds_s.len(),
        Counting::Sequence(_) | Counting::Circles { .. } => reps,
    };
    if reps == 0 && holds_s.is_empty() {
        problems.push("the demonstration counts nothing".into());
    } else if counted != per_set {
        problems.push(format!(
            "the demonstration counts {counted} where a set is {per_set}"
        ));
    }
    if exercise.hold.is_some() && holds_s.len() != counted {
        problems.push(format!(
            "{} holds counted for {counted} repetitions",
            holds_s.len()
        ));
    }
    if counted > 0 && sets == 0 {
        problems.push("the demonstration does not complete a set".into());
    }
    Some(DemoReport {
        duration_s: seconds_of(&motion),
        reps,
        holds_s,
        sets,
        per_set,
        mistakes,
        problems,
    })
}

/// What one set counts, both sides included.
pub fn per_set(exercise: &Exercise) -> usize {
    (exercise.reps.per_set * exercise.sides_counted()) as usize
}

/// Seconds the figure takes to go from one exercise's last pose to the next
/// one's first.
const BETWEEN_EXERCISES_S: f64 = 2.0;
/// Seconds the next exercise's start pose is held beyond the "get ready"
/// pause, so that its coaching begins with the figure still.
const SETTLE_S: f64 = 1.0;

/// The longest a session's demonstration (`session_motion`) may last: an
/// hour. Every shipped routine's is far shorter; a routine repeating one
/// long exercise dozens of times is refused (`exercises check`, `run
/// --source demo`) before its frames are made.
pub const MAX_SESSION_DEMO_S: f64 = 3600.0;

/// How long `session_motion` of these would last, without making it.
pub fn session_demo_s(exercises: &[Exercise], get_ready_s: f64) -> f64 {
    let mut lengths: std::collections::HashMap<&str, f64> = std::collections::HashMap::new();
    let mut total_s = 0.0;
    let mut first = true;
    for exercise in exercises {
        let Some(demo) = exercise.demo.as_ref() else {
            continue;
        };
        let length_s = *lengths.entry(exercise.id.as_str()).or_insert_with(|| {
            let sets = f64::from(exercise.reps.sets.clamp(1, MAX_SETS));
            seconds_of(&demo.motion(true))
                + (sets - 1.0) * (BETWEEN_EXERCISES_S + demo.duration_s())
        });
        if !first {
            total_s += BETWEEN_EXERCISES_S + get_ready_s + SETTLE_S;
        }
        first = false;
        total_s += length_s;
    }
    total_s
}

/// Why a session of these cannot be demonstrated (it would last too long).
pub fn session_demo_problem(exercises: &[Exercise], get_ready_s: f64) -> Option<String> {
    let length_s = session_demo_s(exercises, get_ready_s);
    (length_s > MAX_SESSION_DEMO_S).then(|| {
        format!(
            "its demonstration would last {:.0} min: at most {:.0} min",
            length_s / 60.0,
            MAX_SESSION_DEMO_S / 60.0
        )
    })
}

/// The demonstrations of a session's exercises one after another, as the
/// session coaches them: with mistakes, and each next one's start pose
/// held through the "get ready" pause between them. A demonstration shows
/// one set; an exercise of several sets is shown again (without its
/// mistakes) until all are done, so that the session goes on to the next.
/// An exercise without a demonstration is left out.
pub fn session_motion(exercises: &[Exercise], get_ready_s: f64) -> Option<Motion<Figure>> {
    let mut motion: Option<Motion<Figure>> = None;
    for exercise in exercises {
        let Some(demo) = exercise.demo.as_ref() else {
            continue;
        };
        let mut sets = demo.motion(true);
        for _ in 1..exercise.reps.sets.min(MAX_SETS) {
            sets = sets
                .to(demo.start, BETWEEN_EXERCISES_S)
                .then(demo.motion(false));
        }
        motion = Some(match motion {
            None => sets,
            Some(before) => before
                .to(demo.start, BETWEEN_EXERCISES_S)
                .hold(get_ready_s + SETTLE_S)
                .then(sets),
        });
    }
    motion
}
