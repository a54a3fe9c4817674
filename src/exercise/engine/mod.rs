//! The coach's brain: poses with timestamps in, feedback and events out.
//!
//! Pure and deterministic: no I/O, no clock, no threads. Each call to
//! [`Engine::update`] takes the time of the frame; the same frames give the
//! same feedback and events, bit for bit.

mod circles;
mod cues;
mod frame;
mod hold;
mod measure;
mod output;
mod phases;
pub mod placement;
mod posture;
mod safety;
mod sequence;
mod sustained;
mod tally;

use self::circles::{CircleCounter, CircleEvent};
use self::cues::{Candidate, CueArbiter};
pub use self::frame::PoseFrame;
use self::frame::and_list;
use self::hold::{HoldChange, HoldTimer, Position};
use self::measure::Measurer;
pub use self::output::{Event, Feedback, HoldProgress, Reading, StopCause};
use self::phases::PhaseMachine;
use self::posture::{PostureTracker, Seen};
use self::safety::SafetyMonitor;
use self::sequence::{SequenceCounter, Step};
use self::sustained::Sustained;
use self::tally::{Refused, SetDone, Tally};
use super::model::*;

/// A form cue shows only after its condition held this long (a file's own
/// cues say how long with `after_s`, by default the same).
pub const CUE_MIN_CONDITION_MS: f64 = 400.0;
/// The form score at which form is still acceptable (edge of tolerance).
pub const ACCEPTABLE_FORM_SCORE: f64 = 50.0;
/// The form score from which form is good (shown green).
pub const GOOD_FORM_SCORE: f64 = 80.0;
/// Out of every phase this long before starting, the person is told the
/// start position (the exercise's first instruction).
const START_HINT_MS: f64 = 2000.0;
const START_HINT_COOLDOWN_S: f64 = 10.0;
/// Cue priorities (0-100) of the engine's own messages; files use 1-9.
const PRIORITY_START_HINT: u8 = 4;
const PRIORITY_STOP: u8 = 100;
const PRIORITY_NOT_VISIBLE: u8 = 90;
/// The cue to get into the exercise's posture outranks form cues.
const PRIORITY_POSTURE: u8 = 80;
/// A form check that cannot be seen is said below every form cue, and not
/// often: the count goes on without it.
const PRIORITY_FORM_UNSEEN: u8 = 2;
const FORM_UNSEEN_COOLDOWN_S: f64 = 20.0;

/// Runs one exercise.
#[derive(Debug, Clone)]
pub struct Engine {
    exercise: Exercise,
    last_t_ms: Option<f64>,
    body: Measurer,
    phases: PhaseMachine,
    /// When the person was first judged, and whether they were then
    /// already in the sequence's second stage (so not on the way to it).
    first_judged: Option<(f64, bool)>,
    /// The posture the person is in, once seen for a moment.
    posture: PostureTracker,
    /// The repetition under way, for sequence exercises.
    sequence: Option<SequenceCounter>,
    /// The hold's position has been reached, for exercises that are held.
    held_once: bool,
    // Repetition in progress.
    rep_hold_ok: bool,
    rep_form_sum: f64,
    rep_form_n: u32,
    /// The extreme of each reach check's measurement since the start.
    rep_reach: Vec<Option<f64>>,
    rep_side: Option<Side>,
    /// What to say with the count about stages the repetition left out.
    rep_skipped: Option<String>,
    /// The start position has been reached once, and what to do next said.
    start_reached: bool,
    /// Repetitions and sets counted.
    tally: Tally,
    /// Counts circles, for circle exercises.
    circle_counter: Option<CircleCounter>,
    hold: HoldTimer,
    cues: CueArbiter,
    /// How long each file cue's and form check's condition has held.
    cue_condition: Vec<Sustained>,
    form_condition: Vec<Sustained>,
    /// How long the person has been out of every phase before starting.
    out_of_position: Sustained,
    safety: SafetyMonitor,
    /// Messages about events of this frame, in the order they happened.
    pending_event_cues: Vec<(String, String)>,
    stopped: Option<String>,
    form_score: Option<f64>,
    tracking: bool,
}

/// The score of a value `off` its target: 100 inside it, 50 at the edge
/// of the tolerance, 0 at twice the tolerance.
fn form_score(off: f64, tolerance: f64) -> f64 {
    (100.0 - 50.0 * off / tolerance).clamp(0.0, 100.0)
}

/// A whole number of seconds as said: "1 second", "5 seconds".
fn seconds(s: f64) -> String {
    let n = s.round();
    if n == 1.0 {
        "1 second".to_string()
    } else {
        format!("{n:.0} seconds")
    }
}

/// Where measurement `m` is to get to, for its bar: its form target
/// (whichever phase it is judged in), else its range in the phase the
/// exercise works towards: the hold's, then the repetition's stages after
/// the start.
fn goal(exercise: &Exercise, m: usize) -> Option<(f64, f64)> {
    if let Some(form) = exercise.form.iter().find(|f| f.measurement == m) {
        return Some((form.target.min, form.target.max));
    }
    let hold = exercise.hold.as_ref().map(|h| h.phase);
    let stages = match &exercise.reps.counting {
        Counting::Sequence(sequence) => sequence.get(1..).unwrap_or_default(),
        Counting::Circles { .. } | Counting::Holds => &[],
    };
    hold.into_iter()
        .chain(stages.iter().copied())
        .filter_map(|p| exercise.phases.get(p))
        .flat_map(|phase| &phase.conditions)
        .find(|c| c.measurement == m)
        .map(|c| (c.enter.min, c.enter.max))
}

impl Engine {
    pub fn new(exercise: Exercise) -> Engine {
        let n_cues = exercise.cues.len();
        let n_form = exercise.form.len();
        let rep_reach = vec![None; exercise.reach.len()];
        let safety = SafetyMonitor::new(exercise.safety.clone());
        let body = Measurer::new(&exercise);
        let phases = PhaseMachine::new(exercise.phases.clone());
        let tally = Tally::new(exercise.sides, exercise.per_set(), exercise.reps.sets);
        let sequence = match &exercise.reps.counting {
            Counting::Sequence(sequence) => {
                let skippable: Vec<usize> =
                    exercise.reps.skippable.iter().map(|s| s.stage).collect();
                Some(SequenceCounter::new(
                    sequence.clone(),
                    &skippable,
                    exercise.reps.pass_start_s,
                ))
            }
            Counting::Circles { .. } | Counting::Holds => None,
        };
        let circle_counter = match &exercise.reps.counting {
            Counting::Circles {
                per_direction,
                directions,
                ..
            } => Some(CircleCounter::new(
                *per_direction,
                directions.clone(),
                exercise.reps.min_rep_s,
                exercise.reps.max_rep_s,
            )),
            Counting::Sequence(_) | Counting::Holds => None,
        };
        Engine {
            exercise,
            last_t_ms: None,
            body,
            phases,
            first_judged: None,
            posture: PostureTracker::default(),
            sequence,
            held_once: false,
            rep_hold_ok: false,
            rep_form_sum: 0.0,
            rep_form_n: 0,
            rep_reach,
            rep_side: None,
            rep_skipped: None,
            start_reached: false,
            tally,
            circle_counter,
            hold: HoldTimer::default(),
            cues: CueArbiter::default(),
            cue_condition: vec![Sustained::default(); n_cues],
            form_condition: vec![Sustained::default(); n_form],
            out_of_position: Sustained::default(),
            safety,
            pending_event_cues: Vec::new(),
            stopped: None,
            form_score: None,
            tracking: false,
        }
    }

    pub fn exercise(&self) -> &Exercise {
        &self.exercise
    }

    /// Stops the exercise at once, for `cause`: the person asked (pain), or
    /// a safety limit.
    pub fn stop(&mut self, t_ms: f64, reason: &str, cause: StopCause) -> Vec<Event> {
        if self.stopped.is_some() || self.tally.complete() {
            return Vec::new();
        }
        // A hold that reached its time counts, stopped or not.
        let mut events = Vec::new();
        self.end_hold(t_ms, &mut events);
        self.stopped = Some(reason.to_string());
        self.cues.show(t_ms, "stop", reason, PRIORITY_STOP, None);
        events.extend([
            Event::Cue {
                t_ms,
                id: "stop".into(),
                text: reason.into(),
            },
            Event::Stopped {
                t_ms,
                reason: reason.into(),
                cause,
            },
        ]);
        events
    }

    /// Ends the exercise where it is, at `t_ms` (the last frame's time): the
    /// session ended, or the person moved on. A hold still running counts
    /// when it reached its time, with its real duration.
    pub fn finish(&mut self, t_ms: f64) -> Vec<Event> {
        if self.stopped.is_some() || self.tally.complete() {
            return Vec::new();
        }
        let mut events = Vec::new();
        // A position reached and kept to the end was reached: the wait
        // before a phase counts only guards against flicker, and nothing
        // comes after the last frame.
        if let Some(phase) = self.phases.settle() {
            self.enter_phase(t_ms, phase, &mut events);
        }
        self.end_hold(t_ms, &mut events);
        // Messages for a session that is over are not said.
        self.pending_event_cues.clear();
        events
    }

    /// Takes the frame seen at `t_ms` (None: nobody in view) and returns
    /// what to show and what happened.
    pub fn update(&mut self, t_ms: f64, frame: Option<&PoseFrame>) -> (Feedback, Vec<Event>) {
        let mut events = Vec::new();
        if self.stopped.is_some() || self.tally.complete() {
            return (self.feedback(t_ms), events);
        }
        let dt_s = self
            .last_t_ms
            .map_or(0.0, |last| ((t_ms - last) / 1000.0).max(0.0));
        self.last_t_ms = Some(t_ms);

        let visible = match frame {
            Some(frame) => {
                self.body.update(frame, dt_s);
                self.posture.update(t_ms, frame);
                self.required_seen() && self.orientation_ok(frame)
            }
            None => {
                self.body.clear();
                false
            }
        };
        self.tracking = visible;
        // In the wrong posture nothing is judged until the person gets into
        // the exercise's starting position (a repetition under way goes on).
        let gated = visible && self.posture_gate().is_some();
        let judged = visible && !gated;

        if judged {
            if self.first_judged.is_none() {
                let in_second_stage = match &self.exercise.reps.counting {
                    Counting::Sequence(sequence) => sequence
                        .get(1)
                        .is_some_and(|&p| self.phases.holds(p, true, self.body.values())),
                    Counting::Circles { .. } | Counting::Holds => false,
                };
                self.first_judged = Some((t_ms, in_second_stage));
            }
            self.track_reach();
            self.update_phase(t_ms, &mut events);
            self.tell_next_once();
        } else {
            self.phases.pause();
        }
        let form_ok = self.evaluate_form(judged);
        self.update_hold(t_ms, dt_s, judged, form_ok, &mut events);
        if judged {
            if let Some(score) = self.form_score {
                self.rep_form_sum += score;
                self.rep_form_n += 1;
            }
            if let Counting::Circles { .. } = self.exercise.reps.counting {
                self.update_circles(t_ms, &mut events);
            }
            // Limits apply once the exercise is under way: before the start
            // position is reached, the person is only getting into it.
            if self.started() {
                self.check_safety(t_ms, &mut events);
            }
        }
        if self.stopped.is_none() {
            self.update_cue(t_ms, visible, frame, &mut events);
        }
        (self.feedback(t_ms), events)
    }

    /// What to show at `t_ms` without taking a new frame.
    pub fn feedback(&self, t_ms: f64) -> Feedback {
        let ex = &self.exercise;
        let per_set = ex.per_set();
        let readings = ex
            .measurements
            .iter()
            .enumerate()
            .map(|(i, m)| Reading {
                name: m.name.clone(),
                value: self.body.values()[i],
                unit: m.unit,
                points_px: self.body.points_px(i).to_vec(),
                target: ex
                    .form
                    .iter()
                    .find(|f| f.measurement == i && self.applies(&f.during))
                    .map(|f| (f.target.min, f.target.max)),
                goal: goal(ex, i),
                label: m.label.clone(),
                shown: m.shown,
            })
            .collect();
        Feedback {
            t_ms,
            phase: self.phases.phase().map(|p| ex.phases[p].name.clone()),
            side: match ex.sides {
                SideMode::None => None,
                _ => Some(self.body.working_side()),
            },
            readings,
            hold: ex.hold.as_ref().map(|h| HoldProgress {
                held_s: self.hold.held_s(),
                target_s: h.target_s,
                in_form: self.hold.in_form(),
            }),
            reps_in_set: self.tally.reps_in_set(),
            reps_per_set: per_set,
            set: self.tally.set(),
            sets: ex.reps.sets,
            side_reps: self.tally.side_reps(),
            direction: match &ex.reps.counting {
                Counting::Circles { .. } => self
                    .circle_counter
                    .as_ref()
                    .and_then(CircleCounter::direction),
                Counting::Sequence(_) | Counting::Holds => None,
            },
            cue: self.cues.text().map(str::to_string),
            form_score: self.form_score,
            tracking: self.tracking,
            stopped: self.stopped.clone(),
            done: self.tally.complete(),
        }
    }

    /// Whether a check or cue limited to `during` (empty: the whole
    /// exercise, once started) applies now.
    fn applies(&self, during: &[usize]) -> bool {
        if during.is_empty() {
            self.started()
        } else {
            self.phases.phase().is_some_and(|p| during.contains(&p))
        }
    }

    /// What to say when the person is not in the exercise's posture and
    /// no repetition is under way; None when they may go on.
    ///
    /// Judged when the posture is known to be another one: side-on, the
    /// torso's tilt, the legs and the face show it; from the front
    /// (lying with the head towards the camera) only standing, kneeling
    /// and all fours can be told from lying. Inversion starts upright on
    /// the table, so any posture will do.
    fn posture_gate(&self) -> Option<&'static str> {
        let wanted = self.exercise.posture;
        let text = match (wanted, self.posture.posture()) {
            (Posture::Inverted, _) | (_, None) => return None,
            (_, Some(seen)) if seen.fits(wanted, self.exercise.view == View::Side) => {
                return None;
            }
            (Posture::Standing, _) => "Stand up to start",
            (Posture::Prone, Some(Seen::AllFours)) => "Lie flat on your stomach to start",
            (Posture::Prone, _) if self.exercise.view != View::Side => {
                "Lie on your stomach, head towards the camera, to start"
            }
            (Posture::Prone, _) => "Lie on your stomach to start",
            (Posture::Supine, _) => "Lie on your back to start",
        };
        let under_way = match self.exercise.reps.counting {
            Counting::Sequence(_) => {
                self.sequence
                    .as_ref()
                    .is_some_and(SequenceCounter::under_way)
                    || self.hold.is_active()
            }
            Counting::Holds => self.hold.is_active(),
            Counting::Circles { .. } => false,
        };
        (!under_way).then_some(text)
    }

    /// The side being worked, for sided exercises.
    fn sided(&self) -> Option<Side> {
        match self.exercise.sides {
            SideMode::None => None,
            _ => self.rep_side.or(Some(self.body.working_side())),
        }
    }

    /// Whether the start position has been reached.
    fn started(&self) -> bool {
        match self.exercise.reps.counting {
            Counting::Sequence(_) => {
                self.sequence.as_ref().is_some_and(SequenceCounter::started) || self.tally.any()
            }
            Counting::Holds => self.held_once || self.tally.any(),
            Counting::Circles { .. } => {
                self.circle_counter
                    .as_ref()
                    .is_some_and(CircleCounter::counted_any)
                    || self.tally.any()
            }
        }
    }

    /// The first time the person is in the start position, what comes
    /// next (the second instruction): they know they were seen. An
    /// exercise that is held says "hold it" instead.
    fn tell_next_once(&mut self) {
        if self.start_reached
            || self.exercise.reps.counting == Counting::Holds
            || !self.in_start_position()
        {
            return;
        }
        self.start_reached = true;
        if let Some(next) = self.exercise.instructions.get(1) {
            self.event_cue("next", next.clone());
        }
    }

    /// Whether the person is where the exercise starts: its sequence's
    /// first phase, the hold's phase, a phase circles count in (any phase
    /// when none is named).
    fn in_start_position(&self) -> bool {
        let now = self.phases.phase();
        match &self.exercise.reps.counting {
            Counting::Sequence(sequence) => now.is_some() && sequence.first() == now.as_ref(),
            Counting::Holds => now.is_some_and(|p| self.exercise.hold.is_none_or(|h| h.phase == p)),
            Counting::Circles { during, .. } => {
                during.is_empty() || now.is_some_and(|p| during.contains(&p))
            }
        }
    }

    /// The measurements the exercise judges by.
    fn needed_measurements(&self) -> Vec<usize> {
        let mut needed = self.counting_measurements();
        needed.extend(self.exercise.form.iter().map(|f| f.measurement));
        needed
    }

    /// Every measurement the exercise counts by has a value (a form check
    /// that cannot be seen is left out, and said, but does not stop the
    /// count).
    fn required_seen(&self) -> bool {
        self.counting_measurements()
            .iter()
            .all(|&i| self.body.values()[i].is_some())
    }

    /// The measurements phases and circles are counted by.
    fn counting_measurements(&self) -> Vec<usize> {
        let ex = &self.exercise;
        let mut needed: Vec<usize> = ex
            .phases
            .iter()
            .flat_map(|p| p.conditions.iter().map(|c| c.measurement))
            .collect();
        if let Counting::Circles { measurement, .. } = ex.reps.counting {
            needed.push(measurement);
        }
        needed
    }

    fn update_phase(&mut self, t_ms: f64, events: &mut Vec<Event>) {
        if let Some(phase) = self.phases.update(t_ms, self.body.values()) {
            self.enter_phase(t_ms, phase, events);
        }
        if let Some(sequence) = self.sequence.as_mut() {
            let steps = sequence.tick(t_ms);
            self.sequence_steps(t_ms, steps, events);
        }
    }

    fn event_cue(&mut self, id: &str, text: String) {
        self.pending_event_cues.push((id.to_string(), text));
    }

    fn enter_phase(&mut self, t_ms: f64, phase: usize, events: &mut Vec<Event>) {
        if self.exercise.hold.is_some_and(|h| h.phase == phase) {
            self.held_once = true;
        }
        let Some(sequence) = self.sequence.as_mut() else {
            return;
        };
        let steps = sequence.enter(t_ms, phase, self.first_judged, &mut self.phases);
        self.sequence_steps(t_ms, steps, events);
    }

    /// What the steps of a repetition through its sequence do.
    fn sequence_steps(&mut self, t_ms: f64, steps: Vec<Step>, events: &mut Vec<Event>) {
        for step in steps {
            match step {
                Step::AtStart => {
                    self.rep_side = None;
                    self.rep_reach.iter_mut().for_each(|r| *r = None);
                }
                Step::Skipped { stage } => {
                    let cue = self
                        .exercise
                        .reps
                        .skippable
                        .iter()
                        .find(|s| s.stage == stage);
                    if let Some(cue) = cue {
                        self.rep_skipped.get_or_insert_with(|| cue.cue.clone());
                    }
                }
                Step::Began { .. } => {
                    self.rep_skipped = None;
                    self.rep_hold_ok = false;
                    self.rep_form_sum = 0.0;
                    self.rep_form_n = 0;
                    self.rep_side = match self.exercise.sides {
                        SideMode::None => None,
                        _ => Some(self.body.working_side()),
                    };
                }
                Step::Incomplete { stages_done } => {
                    let held_too_briefly = match (&self.exercise.hold, &self.exercise.reps.counting)
                    {
                        (Some(h), Counting::Sequence(seq))
                            if !self.rep_hold_ok && seq[..stages_done].contains(&h.phase) =>
                        {
                            Some(h)
                        }
                        _ => None,
                    };
                    let text = match held_too_briefly {
                        Some(h) => {
                            format!("Hold for {} before you come back", seconds(h.target_s))
                        }
                        None => "Go all the way before you come back".to_string(),
                    };
                    self.event_cue("incomplete", text);
                }
                Step::OutOfOrder => self.event_cue(
                    "order",
                    "Do the stages in order: start again from the beginning".into(),
                ),
                Step::Finished { t_start_ms } => self.complete_rep(t_ms, t_start_ms, events),
            }
        }
    }

    fn complete_rep(&mut self, t_ms: f64, t_start_ms: f64, events: &mut Vec<Event>) {
        let ex = &self.exercise;
        let duration_s = (t_ms - t_start_ms) / 1000.0;
        let needs_hold = match (&ex.hold, &ex.reps.counting) {
            (Some(h), Counting::Sequence(seq)) => seq.contains(&h.phase),
            _ => false,
        };
        if needs_hold && !self.rep_hold_ok {
            let target = ex.hold.as_ref().map_or(0.0, |h| h.target_s);
            self.event_cue(
                "hold-too-short",
                format!("Hold longer: {}. That one did not count", seconds(target)),
            );
            return;
        }
        if duration_s < ex.reps.min_rep_s {
            self.event_cue("too-fast", "Slower: that one was too quick to count".into());
            return;
        }
        if ex.reps.max_rep_s > 0.0 && duration_s > ex.reps.max_rep_s {
            self.event_cue(
                "too-slow",
                "That one took too long to count: keep moving".into(),
            );
            return;
        }
        let side = self.rep_side;
        let mut score = if self.rep_form_n > 0 {
            self.rep_form_sum / f64::from(self.rep_form_n)
        } else {
            100.0
        };
        // How far it reached: a miss beyond the tolerance may not count;
        // within it, it lowers the score and is said with the count.
        let reached = std::mem::replace(&mut self.rep_reach, vec![None; ex.reach.len()]);
        let mut advice = None;
        for (check, extreme) in ex.reach.iter().zip(reached) {
            let Some(extreme) = extreme else {
                continue;
            };
            let off = check.target.distance(extreme);
            if off == 0.0 {
                continue;
            }
            let missed = if check.short(extreme) {
                Some(check.cue_short.clone())
            } else {
                check.cue_past.clone()
            };
            if off > check.tolerance {
                if check.refuse {
                    let text = missed.unwrap_or_else(|| "That one did not count".to_string());
                    self.event_cue("reach", text);
                    return;
                }
                advice = advice.or(missed);
            } else {
                advice = advice.or(check.cue_nearly.clone());
            }
            score = score.min(form_score(off, check.tolerance));
        }
        advice = advice.or(self.rep_skipped.take());
        match self.tally.count(side) {
            Err(refused) => self.refused(refused),
            Ok(counted) => {
                events.push(Event::RepCompleted {
                    t_ms,
                    t_start_ms,
                    side,
                    score,
                });
                let text = match counted.side {
                    Some(s) => format!(
                        "{} of {} on the {}",
                        counted.of_set,
                        ex.reps.per_set,
                        s.name()
                    ),
                    None => format!("{} of {}", counted.of_set, ex.reps.per_set),
                };
                let text = match advice {
                    Some(advice) => format!("{text}. {advice}"),
                    None => text,
                };
                self.counted(t_ms, text, counted.set_done, events);
            }
        }
    }

    /// Keeps, for each reach check, the extreme of its measurement since
    /// the start position.
    fn track_reach(&mut self) {
        if !self.sequence.as_ref().is_some_and(SequenceCounter::started) {
            return;
        }
        for (check, extreme) in self.exercise.reach.iter().zip(&mut self.rep_reach) {
            if let Some(v) = self.body.values()[check.measurement] {
                *extreme = Some(extreme.map_or(v, |e| check.keep(e, v)));
            }
        }
    }

    /// Says why a repetition did not count for its side.
    fn refused(&mut self, refused: Refused) {
        match refused {
            Refused::SideDone(side) => self.event_cue(
                "side-done",
                format!(
                    "Your {} side is done: switch to the {}",
                    side.name(),
                    side.other().name()
                ),
            ),
            Refused::NotAlternated(side) => self.event_cue(
                "alternate",
                format!("Switch sides: now your {} side", side.other().name()),
            ),
        }
    }

    /// Says the count (`text`) and, with the set that finished, the set
    /// or the exercise done.
    fn counted(
        &mut self,
        t_ms: f64,
        text: String,
        set_done: Option<SetDone>,
        events: &mut Vec<Event>,
    ) {
        let Some(done) = set_done else {
            self.event_cue("rep", text);
            return;
        };
        events.push(Event::SetCompleted {
            t_ms,
            set: done.set,
        });
        if done.last {
            events.push(Event::ExerciseCompleted { t_ms });
            self.event_cue(
                "done",
                format!("{text}. Well done: that exercise is complete"),
            );
        } else {
            self.event_cue(
                "set",
                format!(
                    "{text}. Set {} done. Rest, then set {}",
                    done.set,
                    done.set + 1
                ),
            );
        }
    }

    /// Scores the form checks that apply now; returns whether form is
    /// acceptable.
    fn evaluate_form(&mut self, visible: bool) -> bool {
        if !visible {
            self.form_score = None;
            return false;
        }
        let mut scores = Vec::new();
        let mut ok = true;
        for f in &self.exercise.form {
            if !self.applies(&f.during) {
                continue;
            }
            let Some(value) = self.body.values()[f.measurement] else {
                continue;
            };
            let off = f.target.distance(value);
            let score = form_score(off, f.tolerance);
            ok &= score >= ACCEPTABLE_FORM_SCORE;
            scores.push(score);
        }
        self.form_score =
            (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64);
        ok
    }

    fn update_hold(
        &mut self,
        t_ms: f64,
        dt_s: f64,
        visible: bool,
        form_ok: bool,
        events: &mut Vec<Event>,
    ) {
        let Some(hold) = self.exercise.hold else {
            return;
        };
        // A hold starts only inside a repetition done in order.
        let in_sequence = self.sequence.as_ref().is_none_or(SequenceCounter::started);
        let phase = self.phases.phase();
        let in_phase = phase == Some(hold.phase) && (in_sequence || self.hold.is_active());
        let position = if in_phase && visible && form_ok {
            Position::Holding
        } else if !in_phase && phase.is_some() {
            Position::MovedOn
        } else {
            Position::Away
        };
        let changes = self
            .hold
            .update(&hold, t_ms, dt_s, position, self.form_score);
        for change in changes {
            self.hold_changed(t_ms, change, events);
        }
    }

    /// Ends the hold under way, if any: it counts when it reached its time.
    fn end_hold(&mut self, t_ms: f64, events: &mut Vec<Event>) {
        if let Some(change) = self.hold.end_now(t_ms) {
            self.hold_changed(t_ms, change, events);
        }
    }

    /// Turns what happened to the hold into events and what to say.
    fn hold_changed(&mut self, t_ms: f64, change: HoldChange, events: &mut Vec<Event>) {
        let target_s = self.exercise.hold.as_ref().map_or(0.0, |h| h.target_s);
        let side = self.sided();
        match change {
            HoldChange::Started => {
                events.push(Event::HoldStarted { t_ms, side });
                self.event_cue("hold-start", format!("Hold it: {}", seconds(target_s)));
            }
            HoldChange::TargetReached => {
                self.rep_hold_ok = true;
                events.push(Event::HoldTargetReached { t_ms, side });
                self.event_cue("hold-done", "Good hold. Now slowly release".into());
            }
            HoldChange::Ended {
                completed: Some(hold),
                ..
            } => {
                events.push(Event::HoldCompleted {
                    t_ms: hold.t_end_ms,
                    t_start_ms: hold.t_start_ms,
                    duration_s: hold.duration_s(),
                    in_form_s: hold.in_form_s,
                    side,
                    score: hold.score,
                });
                // For an exercise that is held, the hold is what counts.
                if self.exercise.reps.counting == Counting::Holds {
                    match self.tally.count(side) {
                        Ok(counted) => {
                            let of = self.exercise.reps.per_set;
                            let text = match counted.side {
                                Some(s) => {
                                    format!("{} of {of} held on the {}", counted.of_set, s.name())
                                }
                                None => format!("{} of {of} held", counted.of_set),
                            };
                            self.counted(t_ms, text, counted.set_done, events);
                        }
                        Err(refused) => self.refused(refused),
                    }
                }
            }
            HoldChange::Ended {
                completed: None,
                held_s,
            } => {
                if held_s >= 1.0 {
                    events.push(Event::HoldShort {
                        t_ms,
                        side,
                        held_s,
                        target_s,
                    });
                    self.event_cue(
                        "hold-too-short",
                        format!(
                            "Hold longer: {held_s:.1} of {}. Try again",
                            seconds(target_s)
                        ),
                    );
                } else if held_s > 0.0 {
                    // A fraction of a second held is not a hold.
                    self.event_cue("hold-too-short", format!("Hold for {}", seconds(target_s)));
                }
            }
        }
    }

    fn update_circles(&mut self, t_ms: f64, events: &mut Vec<Event>) {
        // Circles count in the phases they are counted in: the start
        // position of a circle exercise.
        let counting_now = self.in_start_position();
        let Counting::Circles {
            measurement,
            per_direction,
            ref wrong_way,
            ref next_direction,
            ..
        } = self.exercise.reps.counting
        else {
            return;
        };
        let say = |template: &str, direction: Direction| {
            template.replace(super::file::DIRECTION_SLOT, direction.name())
        };
        let (wrong_way, next_direction) = (wrong_way.clone(), next_direction.clone());
        let (Some(turns_forward), Some(counter)) = (
            self.body.values()[measurement],
            self.circle_counter.as_mut(),
        ) else {
            return;
        };
        if !counting_now {
            counter.pause(turns_forward);
            return;
        }
        match counter.update(t_ms, turns_forward) {
            None => {}
            Some(CircleEvent::WrongWay(direction)) => {
                self.event_cue("wrong-way", say(&wrong_way, direction));
            }
            Some(CircleEvent::TooFast) => self.event_cue(
                "too-fast",
                "Slower circles: that one was too quick to count".into(),
            ),
            Some(CircleEvent::Counted {
                t_start_ms,
                direction,
                of_direction,
                next,
            }) => {
                events.push(Event::RepCompleted {
                    t_ms,
                    t_start_ms,
                    side: None,
                    score: self.form_score.unwrap_or(100.0),
                });
                let mut text = format!("{of_direction} of {per_direction} {}", direction.name());
                if let Some(next) = next {
                    text = format!("{text}. {}", say(&next_direction, next));
                }
                match self.tally.count(None) {
                    Ok(counted) => self.counted(t_ms, text, counted.set_done, events),
                    Err(refused) => self.refused(refused),
                }
            }
        }
    }

    fn check_safety(&mut self, t_ms: f64, events: &mut Vec<Event>) {
        if let Some(limit) = self.safety.update(t_ms, self.body.values()) {
            let reason = limit.reason.clone();
            self.end_hold(t_ms, events);
            events.extend(self.stop(t_ms, &reason, StopCause::Safety));
        }
    }

    fn update_cue(
        &mut self,
        t_ms: f64,
        visible: bool,
        frame: Option<&PoseFrame>,
        events: &mut Vec<Event>,
    ) {
        let candidates = self.cue_candidates(t_ms, visible, frame);
        // The first event of a frame is the one said (it caused the others).
        let event = std::mem::take(&mut self.pending_event_cues)
            .into_iter()
            .next();
        if let Some((id, text)) = self.cues.choose(t_ms, &candidates, event, visible) {
            events.push(Event::Cue { t_ms, id, text });
        }
    }

    /// The cues whose conditions hold at `t_ms`.
    fn cue_candidates(
        &mut self,
        t_ms: f64,
        visible: bool,
        frame: Option<&PoseFrame>,
    ) -> Vec<Candidate> {
        let mut candidates = Vec::new();
        let mut say = |priority: u8, id: &str, text: String, cooldown_s: f64| {
            candidates.push(Candidate {
                priority,
                id: id.to_string(),
                text,
                cooldown_s,
            });
        };
        if !visible {
            let view = frame
                .and_then(|f| placement::view_fits(self.exercise.view, f, self.body.near_side()));
            let missing = frame
                .map(|f| self.body.out_of_picture(f, self.needed_measurements()))
                .unwrap_or_default();
            let text = match (view, frame) {
                (_, None) => "Step into the frame: I can't see you".to_string(),
                _ if !missing.is_empty() => {
                    format!(
                        "Step into the frame: I can't see your {}",
                        and_list(&missing)
                    )
                }
                (Some(turn), _) => turn.message(),
                _ => "Step into the frame: I can't see all of you".to_string(),
            };
            say(PRIORITY_NOT_VISIBLE, "not-visible", text, 0.0);
            return candidates;
        }
        if let Some(text) = self.posture_gate() {
            say(PRIORITY_POSTURE, "posture", text.into(), 0.0);
            return candidates;
        }
        let unseen: Vec<usize> = self
            .exercise
            .form
            .iter()
            .filter(|f| self.applies(&f.during) && self.body.values()[f.measurement].is_none())
            .map(|f| f.measurement)
            .collect();
        let missing = frame
            .filter(|_| !unseen.is_empty())
            .map(|f| self.body.out_of_picture(f, unseen))
            .unwrap_or_default();
        if !missing.is_empty() {
            say(
                PRIORITY_FORM_UNSEEN,
                "form-unseen",
                format!(
                    "Step back a little: I can't see your {} to check your form",
                    and_list(&missing)
                ),
                FORM_UNSEEN_COOLDOWN_S,
            );
        }
        for (i, f) in self.exercise.form.iter().enumerate() {
            let message = match self.body.values()[f.measurement] {
                Some(v) if self.applies(&f.during) && v < f.target.min - f.tolerance => {
                    f.cue_below.as_ref()
                }
                Some(v) if self.applies(&f.during) && v > f.target.max + f.tolerance => {
                    f.cue_above.as_ref()
                }
                _ => None,
            };
            let held_ms = self.form_condition[i].update(t_ms, message.is_some());
            if let Some(text) = message.filter(|_| held_ms >= Some(CUE_MIN_CONDITION_MS)) {
                say(f.priority, &format!("form-{i}"), text.clone(), 0.0);
            }
        }
        let waiting = !self.started() && !self.in_start_position();
        let waited_ms = self.out_of_position.update(t_ms, waiting);
        if let Some(first) = self
            .exercise
            .instructions
            .first()
            .filter(|_| waited_ms >= Some(START_HINT_MS))
        {
            say(
                PRIORITY_START_HINT,
                "start",
                first.clone(),
                START_HINT_COOLDOWN_S,
            );
        }
        for (i, q) in self.exercise.cues.iter().enumerate() {
            let holds = self.applies(&q.during)
                && self.body.values()[q.measurement].is_some_and(|v| q.when.holds(v));
            let held_ms = self.cue_condition[i].update(t_ms, holds);
            if held_ms >= Some(q.after_s * 1000.0) {
                say(q.priority, &q.id, q.message.clone(), q.cooldown_s);
            }
        }
        candidates
    }

    /// Whether the camera sees the person the way the exercise needs.
    fn orientation_ok(&self, frame: &PoseFrame) -> bool {
        placement::view_fits(self.exercise.view, frame, self.body.near_side()).is_none()
    }
}
