//! A coaching session: one exercise or a routine of several, run over a
//! stream of poses, and the summary of what happened.
//!
//! Pure like the engine: time comes in with every frame. Between the
//! exercises of a routine there is a "get ready" pause with the next
//! exercise's first instruction.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::exercise::engine::{Engine, Event, Feedback, PoseFrame, StopCause};
use crate::exercise::model::{Exercise, Side};

/// The reason recorded when the person presses the stop key (pain).
pub const PAIN_STOP_REASON: &str = "Stopped for pain (stop key)";
/// The top of the pain scale the check-in asks on: 0 no pain, 10 the worst
/// imaginable (the numeric rating scale).
pub const MAX_PAIN: u8 = 10;
/// A rise of this many points during a session stops it: two points is the
/// smallest change on the 0-10 scale that people with back pain feel as a
/// real difference (Ostelo et al., Spine 2008; Farrar et al., Pain 2001).
/// A rise of one point is a cue to go gently.
pub const PAIN_RISE_TO_STOP: u8 = 2;
/// The "get ready" pause between exercises when no routine sets one (and
/// in recordings made before the pause was written in their header).
pub const DEFAULT_GET_READY_S: f64 = 3.0;

/// What a session is to do: the exercises in order, the routine they come
/// from, the parameters set by the person, and the pause between them.
/// Written in a recording's header, so a replay does what the live session
/// did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The exercises, in order (a routine's, or just one).
    pub exercises: Vec<String>,
    pub routine: Option<String>,
    #[serde(default)]
    pub params: BTreeMap<String, f64>,
    /// Seconds of "get ready" before each exercise after the first (and
    /// after next, previous or restart).
    #[serde(default = "default_get_ready_s")]
    pub get_ready_s: f64,
}

fn default_get_ready_s() -> f64 {
    DEFAULT_GET_READY_S
}

impl Plan {
    /// Exercises in turn, no routine, no parameters, the default pause.
    pub fn of(exercise_ids: Vec<String>) -> Plan {
        Plan {
            exercises: exercise_ids,
            routine: None,
            params: BTreeMap::new(),
            get_ready_s: DEFAULT_GET_READY_S,
        }
    }

    /// One exercise, no parameters, the default pause.
    pub fn single(exercise_id: &str) -> Plan {
        Plan::of(vec![exercise_id.to_string()])
    }

    /// A name for files about this session: the routine, else the
    /// exercises joined by "+".
    pub fn label(&self) -> String {
        self.routine
            .clone()
            .unwrap_or_else(|| self.exercises.join("+"))
    }
}

/// What the person asked of the session (keys in the window). Recorded in
/// the session file, so a replay does what they did.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum SessionCommand {
    NextExercise,
    PreviousExercise,
    RestartExercise,
    /// Stop at once (the pain key).
    Stop {
        reason: String,
    },
    /// The person's pain, 0 to [`MAX_PAIN`], asked before or after the
    /// session, or given during it (a rise stops it).
    Pain {
        score: u8,
        moment: PainMoment,
    },
}

/// When a pain score was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PainMoment {
    Before,
    During,
    After,
}

/// A pain score given during the session.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PainDuring {
    pub t_s: f64,
    pub score: u8,
}

/// The pain scores of a session (0-10), as the person gave them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PainSummary {
    pub before: Option<u8>,
    pub after: Option<u8>,
    pub during: Vec<PainDuring>,
}

impl PainSummary {
    pub fn is_empty(&self) -> bool {
        self.before.is_none() && self.after.is_none() && self.during.is_empty()
    }

    /// The lowest score given so far before or during the session: a rise
    /// is measured from it.
    fn baseline(&self) -> Option<u8> {
        self.before
            .into_iter()
            .chain(self.during.iter().map(|d| d.score))
            .min()
    }
}

/// What the session shows now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionFeedback {
    /// The exercise being done (or coming up, during "get ready").
    pub exercise_id: String,
    pub exercise_name: String,
    /// Position in the routine, from 1, and the routine's length.
    pub exercise_number: usize,
    pub exercise_count: usize,
    /// Seconds left of the "get ready" pause, while in it.
    pub get_ready_s: Option<f64>,
    /// The entry of the summary this frame belongs to (an exercise
    /// restarted or gone back to has a new one).
    pub summary_entry: usize,
    pub feedback: Feedback,
}

/// Something that happened, tagged with the exercise it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionEvent {
    pub exercise_id: String,
    #[serde(flatten)]
    pub event: Event,
}

/// A repetition in the summary (times in seconds from the session start).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RepSummary {
    pub t_start_s: f64,
    pub t_end_s: f64,
    pub side: Option<Side>,
    pub score: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HoldSummary {
    pub t_start_s: f64,
    pub duration_s: f64,
    pub in_form_s: f64,
    pub side: Option<Side>,
    pub score: f64,
}

/// A hold that ended before its time: "held 6.3 of 8 s".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShortHoldSummary {
    pub t_s: f64,
    pub held_s: f64,
    pub target_s: f64,
    pub side: Option<Side>,
}

impl ShortHoldSummary {
    /// "held 6.3 of 8 s".
    pub fn describe(&self) -> String {
        format!("held {:.1} of {} s", self.held_s, self.target_s)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CueSummary {
    pub t_s: f64,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StopSummary {
    pub t_s: f64,
    pub reason: String,
    pub cause: StopCause,
}

/// One exercise's part of the summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExerciseSummary {
    pub id: String,
    pub reps: Vec<RepSummary>,
    pub holds: Vec<HoldSummary>,
    /// Holds that ended before their time; left out when none did.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub short_holds: Vec<ShortHoldSummary>,
    pub sets_completed: u32,
    pub cues: Vec<CueSummary>,
    pub stops: Vec<StopSummary>,
}

/// The whole session's summary.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SessionSummary {
    pub exercises: Vec<ExerciseSummary>,
    /// Left out when no score was given.
    #[serde(skip_serializing_if = "PainSummary::is_empty")]
    pub pain: PainSummary,
}

impl SessionSummary {
    /// The stop that ended the session (pain or a safety limit), if one
    /// did.
    pub fn stop(&self) -> Option<&StopSummary> {
        self.exercises
            .iter()
            .flat_map(|e| e.stops.iter())
            .next_back()
    }
}

fn seconds(t_ms: f64) -> f64 {
    // Summaries are read by people: milliseconds are enough.
    (t_ms / 1000.0 * 1000.0).round() / 1000.0
}

fn rounded(score: f64) -> f64 {
    (score * 10.0).round() / 10.0
}

impl ExerciseSummary {
    /// Seconds held in good form, over all holds.
    pub fn in_form_s(&self) -> f64 {
        self.holds
            .iter()
            .map(|h| h.in_form_s)
            .fold(0.0, |total, s| total + s)
    }

    /// The mean form score (0-100) of the repetitions, else of the holds;
    /// None when there are neither.
    pub fn mean_form(&self) -> Option<f64> {
        let scores: Vec<f64> = if self.reps.is_empty() {
            self.holds.iter().map(|h| h.score).collect()
        } else {
            self.reps.iter().map(|r| r.score).collect()
        };
        (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64)
    }

    /// What was done, in a line: "wall-slide: 5 repetitions, 2 holds (9.8 s
    /// in good form)". The end screen shows one per exercise.
    pub fn headline(&self) -> String {
        format!(
            "{}: {} repetitions, {} holds ({:.1} s in good form)",
            self.id,
            self.reps.len(),
            self.holds.len(),
            self.in_form_s()
        )
    }

    fn new(id: &str) -> ExerciseSummary {
        ExerciseSummary {
            id: id.to_string(),
            reps: Vec::new(),
            holds: Vec::new(),
            short_holds: Vec::new(),
            sets_completed: 0,
            cues: Vec::new(),
            stops: Vec::new(),
        }
    }

    fn record(&mut self, event: &Event) {
        match event {
            Event::RepCompleted {
                t_ms,
                t_start_ms,
                side,
                score,
            } => self.reps.push(RepSummary {
                t_start_s: seconds(*t_start_ms),
                t_end_s: seconds(*t_ms),
                side: *side,
                score: rounded(*score),
            }),
            Event::HoldCompleted {
                t_start_ms,
                duration_s,
                in_form_s,
                side,
                score,
                ..
            } => self.holds.push(HoldSummary {
                t_start_s: seconds(*t_start_ms),
                duration_s: seconds(duration_s * 1000.0),
                in_form_s: seconds(in_form_s * 1000.0),
                side: *side,
                score: rounded(*score),
            }),
            Event::HoldShort {
                t_ms,
                side,
                held_s,
                target_s,
            } => self.short_holds.push(ShortHoldSummary {
                t_s: seconds(*t_ms),
                held_s: rounded(*held_s),
                target_s: *target_s,
                side: *side,
            }),
            Event::SetCompleted { .. } => self.sets_completed += 1,
            Event::Cue { t_ms, text, .. } => self.cues.push(CueSummary {
                t_s: seconds(*t_ms),
                text: text.clone(),
            }),
            Event::Stopped {
                t_ms,
                reason,
                cause,
            } => self.stops.push(StopSummary {
                t_s: seconds(*t_ms),
                reason: reason.clone(),
                cause: *cause,
            }),
            Event::ExerciseCompleted { .. }
            | Event::HoldStarted { .. }
            | Event::HoldTargetReached { .. } => {}
        }
    }
}

/// Runs exercises one after another.
#[derive(Debug, Clone)]
pub struct Session {
    exercises: Vec<Exercise>,
    current: usize,
    engine: Engine,
    get_ready_ms: f64,
    /// While set, the "get ready" pause before the current exercise ends
    /// at this time.
    get_ready_until_ms: Option<f64>,
    summary: SessionSummary,
    finished: bool,
}

impl Session {
    /// A session over `exercises` (at least one), with `get_ready_s` of
    /// pause before each exercise after the first.
    pub fn new(exercises: Vec<Exercise>, get_ready_s: f64) -> Option<Session> {
        let first = exercises.first()?.clone();
        Some(Session {
            summary: SessionSummary {
                exercises: vec![ExerciseSummary::new(&first.id)],
                pain: PainSummary::default(),
            },
            engine: Engine::new(first),
            exercises,
            current: 0,
            get_ready_ms: get_ready_s * 1000.0,
            get_ready_until_ms: None,
            finished: false,
        })
    }

    pub fn summary(&self) -> &SessionSummary {
        &self.summary
    }

    /// Every exercise is done or stopped.
    pub fn finished(&self) -> bool {
        self.finished
    }

    fn record(&mut self, events: Vec<Event>, out: &mut Vec<SessionEvent>) {
        let id = self.engine.exercise().id.clone();
        for event in events {
            if let Some(summary) = self.summary.exercises.last_mut() {
                summary.record(&event);
            }
            out.push(SessionEvent {
                exercise_id: id.clone(),
                event,
            });
        }
    }

    /// Ends the session at `t_ms` (the last frame's time): a hold still
    /// running counts when it reached its time. The events it caused.
    pub fn finish(&mut self, t_ms: f64) -> Vec<SessionEvent> {
        let mut out = Vec::new();
        self.end_current(t_ms, &mut out);
        self.finished = true;
        out
    }

    /// Ends the current exercise where it is (the person moves on).
    fn end_current(&mut self, t_ms: f64, out: &mut Vec<SessionEvent>) {
        if self.finished {
            return;
        }
        let events = self.engine.finish(t_ms);
        self.record(events, out);
    }

    /// Moves on to the next exercise, with a "get ready" pause.
    fn advance(&mut self, t_ms: f64, out: &mut Vec<SessionEvent>) {
        if self.current + 1 >= self.exercises.len() {
            out.extend(self.finish(t_ms));
            return;
        }
        self.current += 1;
        self.start_current(t_ms, out);
    }

    /// Skips to the next exercise of a routine (the person asked).
    pub fn next_exercise(&mut self, t_ms: f64) -> Vec<SessionEvent> {
        let mut out = Vec::new();
        self.advance(t_ms, &mut out);
        out
    }

    /// Goes back to the previous exercise (or restarts the first), with a
    /// "get ready" pause. What was done so far stays in the summary.
    pub fn previous_exercise(&mut self, t_ms: f64) -> Vec<SessionEvent> {
        let mut out = Vec::new();
        self.current = self.current.saturating_sub(1);
        self.start_current(t_ms, &mut out);
        out
    }

    /// Starts the current exercise again from nothing, with a "get ready"
    /// pause. What was done so far stays in the summary.
    pub fn restart_exercise(&mut self, t_ms: f64) -> Vec<SessionEvent> {
        let mut out = Vec::new();
        self.start_current(t_ms, &mut out);
        out
    }

    /// Starts the current exercise afresh after a "get ready" pause, with
    /// its own entry in the summary, once the exercise under way has ended
    /// where it is.
    fn start_current(&mut self, t_ms: f64, out: &mut Vec<SessionEvent>) {
        if self.finished {
            return;
        }
        self.end_current(t_ms, out);
        let exercise = self.exercises[self.current].clone();
        self.summary
            .exercises
            .push(ExerciseSummary::new(&exercise.id));
        self.engine = Engine::new(exercise);
        self.get_ready_until_ms = Some(t_ms + self.get_ready_ms);
    }

    /// The session's exercise `id`.
    pub fn exercise(&self, id: &str) -> Option<&Exercise> {
        self.exercises.iter().find(|e| e.id == id)
    }

    /// The position of the exercise being done (or coming up), from 0.
    pub fn current_index(&self) -> usize {
        self.current
    }

    /// The exercise being done (or coming up).
    pub fn current_exercise(&self) -> &Exercise {
        self.engine.exercise()
    }

    /// Stops the current exercise at once for `reason` (the person's stop
    /// key: pain); the session ends.
    pub fn stop(&mut self, t_ms: f64, reason: &str) -> Vec<SessionEvent> {
        let mut out = Vec::new();
        let events = self.engine.stop(t_ms, reason, StopCause::Pain);
        self.record(events, &mut out);
        self.finished = true;
        out
    }

    /// Does what the person asked at `t_ms`; the events it caused.
    pub fn apply(&mut self, t_ms: f64, command: &SessionCommand) -> Vec<SessionEvent> {
        match command {
            SessionCommand::NextExercise => self.next_exercise(t_ms),
            SessionCommand::PreviousExercise => self.previous_exercise(t_ms),
            SessionCommand::RestartExercise => self.restart_exercise(t_ms),
            SessionCommand::Stop { reason } => self.stop(t_ms, reason),
            SessionCommand::Pain { score, moment } => self.pain(t_ms, *score, *moment),
        }
    }

    /// Takes a pain score. During the session, a rise of
    /// [`PAIN_RISE_TO_STOP`] points over the lowest score given stops it
    /// with the guide's advice; a rise of one is a cue to go gently.
    pub fn pain(&mut self, t_ms: f64, score: u8, moment: PainMoment) -> Vec<SessionEvent> {
        let score = score.min(MAX_PAIN);
        let mut out = Vec::new();
        match moment {
            PainMoment::Before => self.summary.pain.before = Some(score),
            PainMoment::After => self.summary.pain.after = Some(score),
            PainMoment::During => {
                let baseline = self.summary.pain.baseline();
                self.summary.pain.during.push(PainDuring {
                    t_s: seconds(t_ms),
                    score,
                });
                let Some(baseline) = baseline.filter(|b| score > *b) else {
                    return out;
                };
                if self.finished {
                    return out;
                }
                if score - baseline >= PAIN_RISE_TO_STOP {
                    let reason = format!("Your pain rose from {baseline} to {score}: stop here");
                    let events = self.engine.stop(t_ms, &reason, StopCause::Pain);
                    self.record(events, &mut out);
                    self.finished = true;
                } else {
                    let event = Event::Cue {
                        t_ms,
                        id: "pain-rise".into(),
                        text: format!(
                            "Pain up from {baseline} to {score}: go gently, and stop if it rises again"
                        ),
                    };
                    self.record(vec![event], &mut out);
                }
            }
        }
        out
    }

    /// Takes the frame seen at `t_ms` (None: nobody in view).
    pub fn update(
        &mut self,
        t_ms: f64,
        frame: Option<&PoseFrame>,
    ) -> (SessionFeedback, Vec<SessionEvent>) {
        let mut out = Vec::new();
        let get_ready_s = match self.get_ready_until_ms {
            Some(until) if t_ms < until => Some((until - t_ms) / 1000.0),
            _ => {
                self.get_ready_until_ms = None;
                None
            }
        };
        let feedback = if get_ready_s.is_some() || self.finished {
            // The engine waits: a pause is not part of the exercise.
            let mut feedback = self.engine.feedback(t_ms);
            feedback.cue = self
                .engine
                .exercise()
                .instructions
                .first()
                .filter(|_| !self.finished)
                .map(|first| format!("Get ready: {first}"))
                .or(feedback.cue);
            feedback
        } else {
            let (feedback, events) = self.engine.update(t_ms, frame);
            let ended = feedback.done || feedback.stopped.is_some();
            let stopped = feedback.stopped.is_some();
            self.record(events, &mut out);
            if ended {
                if stopped {
                    // The guide: stop rather than push through.
                    self.finished = true;
                } else {
                    self.advance(t_ms, &mut out);
                }
            }
            feedback
        };
        let exercise = self.engine.exercise();
        (
            SessionFeedback {
                exercise_id: exercise.id.clone(),
                exercise_name: exercise.name.clone(),
                exercise_number: self.current + 1,
                exercise_count: self.exercises.len(),
                get_ready_s,
                summary_entry: self.summary.exercises.len().saturating_sub(1),
                feedback,
            },
            out,
        )
    }
}

/// Coaches the demonstrations of `exercises` one after another as a
/// session of them coaches them (`run --source demo`), and says what the
/// session did not complete: each exercise left undone, in order. Empty
/// when the routine's demonstration goes through every exercise.
pub fn check_demonstration(exercises: &[Exercise], get_ready_s: f64) -> Vec<String> {
    if let Some(too_long) = crate::exercise::demo::session_demo_problem(exercises, get_ready_s) {
        return vec![too_long];
    }
    let Some(completed) = demonstration_completes(exercises, get_ready_s) else {
        return vec!["no exercise of it has a demonstration".into()];
    };
    exercises
        .iter()
        .filter(|e| e.demo.is_some() && !completed.contains(&e.id))
        .map(|e| {
            format!(
                "{}: not completed by its demonstration in the routine, so the routine would stay on it",
                e.id
            )
        })
        .collect()
}

/// The exercises a session of `exercises` completes, in the order it
/// completes them, when it coaches their demonstrations one after another
/// (None: there is nothing to coach).
pub fn demonstration_completes(exercises: &[Exercise], get_ready_s: f64) -> Option<Vec<String>> {
    use crate::exercise::body::{Body, FPS};
    let motion = crate::exercise::demo::session_motion(exercises, get_ready_s)?;
    let mut session = Session::new(exercises.to_vec(), get_ready_s)?;
    let mut completed = Vec::new();
    for (i, figure) in motion.frames.iter().enumerate() {
        let t_ms = i as f64 * 1000.0 / FPS;
        let (_, events) = session.update(t_ms, Some(&figure.landmarks()));
        completed.extend(
            events
                .into_iter()
                .filter(|e| matches!(e.event, Event::ExerciseCompleted { .. }))
                .map(|e| e.exercise_id),
        );
    }
    Some(completed)
}

/// The summary as text a person reads (and golden files hold): counts per
/// exercise, then every repetition, hold, cue and stop with its time.
pub fn summary_text(summary: &SessionSummary) -> String {
    use std::fmt::Write;
    let side = |s: &Option<Side>| s.map(|s| format!(" {}", s.name())).unwrap_or_default();
    let mut out = String::new();
    for e in &summary.exercises {
        let _ = writeln!(
            out,
            "{}, {} sets completed, {} cues, {} stops",
            e.headline(),
            e.sets_completed,
            e.cues.len(),
            e.stops.len()
        );
        for r in &e.reps {
            let _ = writeln!(
                out,
                "  rep   {:7.2} s to {:7.2} s{} form {:.0}",
                r.t_start_s,
                r.t_end_s,
                side(&r.side),
                r.score
            );
        }
        for h in &e.holds {
            let _ = writeln!(
                out,
                "  hold  {:7.2} s for {:.1} s ({:.1} s in form){} form {:.0}",
                h.t_start_s,
                h.duration_s,
                h.in_form_s,
                side(&h.side),
                h.score
            );
        }
        for h in &e.short_holds {
            let _ = writeln!(
                out,
                "  short {:7.2} s {}{}: did not count",
                h.t_s,
                h.describe(),
                side(&h.side)
            );
        }
        for c in &e.cues {
            let _ = writeln!(out, "  cue   {:7.2} s \"{}\"", c.t_s, c.text);
        }
        for s in &e.stops {
            let _ = writeln!(out, "  stop  {:7.2} s {}", s.t_s, s.reason);
        }
    }
    if !summary.pain.is_empty() {
        let score = |s: Option<u8>| s.map_or("-".to_string(), |s| s.to_string());
        let during: Vec<String> = summary
            .pain
            .during
            .iter()
            .map(|d| format!("{} at {:.1} s", d.score, d.t_s))
            .collect();
        let _ = writeln!(
            out,
            "pain (0-10): before {}, after {}{}",
            score(summary.pain.before),
            score(summary.pain.after),
            if during.is_empty() {
                String::new()
            } else {
                format!(", during {}", during.join(", "))
            }
        );
    }
    out
}
