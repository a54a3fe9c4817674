//! The engine tests' helpers around the library's kinematic body model
//! (`posecoach::exercise::body`): performances run through the engine,
//! the conditions they are seen in, and recordings made of them.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod cli;
pub mod performances;

use std::collections::BTreeMap;
use std::path::Path;

use posecoach::exercise::Exercise;
use posecoach::exercise::engine::{Engine, Event, Feedback, PoseFrame};
use posecoach::exercise::file::load_exercise;
use posecoach::geometry::Point;
use posecoach::pose::Landmark;

pub use posecoach::exercise::Side;
pub use posecoach::exercise::body::*;

/// Writes a poses-only recording of `frames` (pixels of a `size` picture)
/// to `path`, replacing the file, with `plan` in its header and each of
/// `commands` after the last frame at or before its time.
pub fn write_recording(
    path: &Path,
    plan: &posecoach::session::Plan,
    source: &str,
    size: (u32, u32),
    frames: &[(f64, Option<PoseFrame>)],
    commands: &[(f64, posecoach::session::SessionCommand)],
) {
    use posecoach::recording::{FrameRecord, Header, Recorder, SESSION_FORMAT_VERSION};
    let header = Header {
        posecoach_session: SESSION_FORMAT_VERSION,
        plan: plan.clone(),
        source: source.to_string(),
        width: size.0,
        height: size.1,
        started_at: None,
        video: false,
    };
    // A recorder never writes over a file: this one is made again.
    std::fs::remove_file(path).ok();
    let mut recorder = Recorder::create(path, &header).unwrap();
    let (w, h) = (f64::from(size.0), f64::from(size.1));
    let round = |v: f64, scale: f64| (v * scale).round() / scale;
    for (t_ms, frame) in frames {
        let pose = frame.as_ref().map(|f| {
            f.points
                .iter()
                .zip(f.visibility)
                .map(|(p, v)| {
                    let v = round(f64::from(v), 1000.0);
                    [
                        round(p.x_px / w, 10_000.0),
                        round(p.y_px / h, 10_000.0),
                        0.0,
                        v,
                        v,
                    ]
                })
                .collect()
        });
        recorder.frame(&FrameRecord { t_ms: *t_ms, pose }).unwrap();
        for (at_ms, command) in commands {
            let next_ms = frames
                .iter()
                .map(|f| f.0)
                .find(|t| t > t_ms)
                .unwrap_or(f64::INFINITY);
            if *at_ms >= *t_ms && *at_ms < next_ms {
                recorder.command(*t_ms, command).unwrap();
            }
        }
    }
    recorder.finish().unwrap();
}

/// The frames of `motion` (every `every`-th) as `write_recording` takes
/// them.
pub fn frames_of<B: Body>(motion: &Motion<B>, every: usize) -> Vec<(f64, Option<PoseFrame>)> {
    motion
        .frames
        .iter()
        .enumerate()
        .step_by(every)
        .map(|(i, pose)| {
            let t_ms = (i as f64 * 1000.0 / FPS * 10.0).round() / 10.0;
            (t_ms, Some(pose.landmarks()))
        })
        .collect()
}

/// A body-model recording: a wall slide, the N key at 9.5 s, then back
/// bends, in a routine of both with a 6-second "get ready" in `dir/ex`.
pub fn routine_recording(dir: &Path) -> std::path::PathBuf {
    use performances::*;
    use posecoach::session::{Plan, SessionCommand};
    let routines = dir.join("ex/routines");
    std::fs::create_dir_all(&routines).unwrap();
    std::fs::write(
        routines.join("slide-and-bend.toml"),
        "format = 1\nid = \"slide-and-bend\"\nname = \"Slide and bend\"\n\
         description = \"A wall slide, then back bends.\"\n\
         exercises = [\"wall-slide\", \"standing-back-bend\"]\nget_ready_s = 6\n",
    )
    .unwrap();
    let motion = Motion::start(SidePose::standing())
        .hold(1.0)
        .reps(wall_down(), 1, 1.5, 5.6, 1.0)
        .hold(0.5)
        .to(hands_on_back(0.0), 1.0)
        .hold(1.0)
        .reps(hands_on_back(20.0), 3, 1.5, 5.6, 1.0);
    let source = dir.join("source.posecoach");
    write_recording(
        &source,
        &Plan::single("wall-slide"),
        "body model (tests/common)",
        (MODEL_IMAGE_PX.0 as u32, MODEL_IMAGE_PX.1 as u32),
        &frames_of(&motion, 2),
        &[(9500.0, SessionCommand::NextExercise)],
    );
    source
}

pub fn exercise(id: &str) -> Exercise {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("exercises")
        .join(format!("{id}.toml"));
    load_exercise(&path, &BTreeMap::new()).unwrap_or_else(|e| panic!("{e}"))
}

/// The start of an exercise file standing side-on that measures the near
/// knee (`knee_angle`): a test adds its phases, counting and checks.
pub const STANDING_KNEE: &str = r#"
format = 1
id = "knee"
name = "Knee"
view = "side"
posture = "standing"

[[measurement]]
name = "knee_angle"
kind = "angle"
points = ["near.hip", "near.knee", "near.ankle"]
"#;

/// An exercise from the text of a file.
pub fn exercise_from(text: &str) -> Exercise {
    posecoach::exercise::file::exercise_from_str(Path::new("test.toml"), text, &BTreeMap::new())
        .unwrap_or_else(|e| panic!("{e}"))
}

/// What a run of the engine produced.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub events: Vec<Event>,
    pub feedback: Vec<Feedback>,
}

impl Outcome {
    pub fn reps(&self) -> usize {
        self.events
            .iter()
            .filter(|e| matches!(e, Event::RepCompleted { .. }))
            .count()
    }

    pub fn rep_sides(&self) -> Vec<String> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::RepCompleted { side, .. } => {
                    Some(side.map_or("-", |s| s.name()).to_string())
                }
                _ => None,
            })
            .collect()
    }

    pub fn holds(&self) -> Vec<f64> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::HoldCompleted { in_form_s, .. } => Some(*in_form_s),
                _ => None,
            })
            .collect()
    }

    pub fn sets(&self) -> usize {
        self.events
            .iter()
            .filter(|e| matches!(e, Event::SetCompleted { .. }))
            .count()
    }

    pub fn completed(&self) -> bool {
        self.events
            .iter()
            .any(|e| matches!(e, Event::ExerciseCompleted { .. }))
    }

    pub fn cues(&self) -> Vec<String> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Cue { text, .. } => Some(text.clone()),
                _ => None,
            })
            .collect()
    }

    pub fn stopped(&self) -> Option<String> {
        self.events.iter().find_map(|e| match e {
            Event::Stopped { reason, .. } => Some(reason.clone()),
            _ => None,
        })
    }

    /// Whether some cue contains `needle` (case-insensitive).
    pub fn said(&self, needle: &str) -> bool {
        let needle = needle.to_lowercase();
        self.cues()
            .iter()
            .any(|c| c.to_lowercase().contains(&needle))
    }
}

/// How the frames reach the engine.
#[derive(Debug, Clone, Default)]
pub struct Conditions {
    /// Degrees of uniform jitter added to every segment direction.
    pub jitter_deg: f64,
    /// Landmarks beyond the image's edge throughout (out of the picture).
    pub out_of_picture: Vec<Landmark>,
    /// Landmarks hidden behind the body throughout: in place, with the low
    /// visibility BlazePose gives them.
    pub occluded: Vec<Landmark>,
    /// Seconds (from, to) during which nobody is in view.
    pub absent_s: Option<(f64, f64)>,
    /// Every landmark moved by this many pixels (right, down): the person
    /// standing off-centre, or with the feet at the frame's edge.
    pub shift_px: (f64, f64),
}

pub fn run<B: Body>(exercise: &Exercise, motion: &Motion<B>, conditions: &Conditions) -> Outcome {
    let mut engine = Engine::new(exercise.clone());
    let mut rng = Rng::new(7);
    let mut events = Vec::new();
    let mut feedback = Vec::new();
    for (i, pose) in motion.frames.iter().enumerate() {
        let pose = if conditions.jitter_deg > 0.0 {
            pose.jittered(&mut rng, conditions.jitter_deg)
        } else {
            *pose
        };
        let mut frame = pose.landmarks();
        for p in &mut frame.points {
            p.x_px += conditions.shift_px.0;
            p.y_px += conditions.shift_px.1;
        }
        for l in &conditions.out_of_picture {
            frame.points[l.index()] =
                Point::new(-0.2 * MODEL_IMAGE_PX.0, frame.points[l.index()].y_px);
            frame.visibility[l.index()] = 0.05;
        }
        for l in &conditions.occluded {
            frame.visibility[l.index()] = 0.1;
        }
        let t_ms = i as f64 * 1000.0 / FPS;
        let absent = conditions
            .absent_s
            .is_some_and(|(from, to)| t_ms >= from * 1000.0 && t_ms < to * 1000.0);
        let (fb, ev) = engine.update(t_ms, if absent { None } else { Some(&frame) });
        events.extend(ev);
        feedback.push(fb);
    }
    // The performance ends the session, as a session's end does.
    let last_t_ms = motion.frames.len().saturating_sub(1) as f64 * 1000.0 / FPS;
    events.extend(engine.finish(last_t_ms));
    Outcome { events, feedback }
}

pub fn clean() -> Conditions {
    Conditions::default()
}

/// +-3 degrees on every segment: joint angles between two segments then
/// jitter by up to +-6 degrees, as a real model's do.
pub fn jittery() -> Conditions {
    Conditions {
        jitter_deg: 3.0,
        ..Conditions::default()
    }
}

pub fn out_of_picture(landmarks: &[Landmark]) -> Conditions {
    Conditions {
        out_of_picture: landmarks.to_vec(),
        ..Conditions::default()
    }
}

pub fn occluded(landmarks: &[Landmark]) -> Conditions {
    Conditions {
        occluded: landmarks.to_vec(),
        ..Conditions::default()
    }
}
