//! Golden replay tests: every recorded session in fixtures/sessions is
//! replayed through the exercise engine, and its summary compared with the
//! human-readable `NAME.expected.txt` beside it.
//!
//! After a reviewed change of behaviour, `UPDATE_GOLDEN=1 cargo test --release
//! --test golden` rewrites the expected files (and regenerates the sessions
//! made from the body model); the diff shows
//! exactly what changed.

// Tests fail by panicking with the value; helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use posecoach::session::Plan;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::performances::*;
use common::*;
use posecoach::exercise::catalog::Catalog;
use posecoach::exercise::engine::PoseFrame;
use posecoach::recording;
use posecoach::runner::{SessionRunner, replay_recording};
use posecoach::session::summary_text;

const UPDATE_ENV: &str = "UPDATE_GOLDEN";
/// Synthetic sessions are recorded at 10 frames a second (every third frame
/// of the body model's 30), which keeps the files small.
const RECORD_EVERY: usize = 3;
/// The image the body model's pixels are normalised to.
const MODEL_IMAGE: (u32, u32) = (MODEL_IMAGE_PX.0 as u32, MODEL_IMAGE_PX.1 as u32);

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn sessions_dir() -> PathBuf {
    root().join("fixtures/sessions")
}

fn record_motion<B: Body>(name: &str, exercise: &str, motion: &Motion<B>, jitter_deg: f64) {
    let mut rng = Rng::new(11);
    let frames: Vec<(f64, Option<PoseFrame>)> = motion
        .frames
        .iter()
        .enumerate()
        .step_by(RECORD_EVERY)
        .map(|(i, pose)| {
            let t_ms = (i as f64 * 1000.0 / FPS * 10.0).round() / 10.0;
            (t_ms, Some(pose.jittered(&mut rng, jitter_deg).landmarks()))
        })
        .collect();
    let path = sessions_dir().join(format!("{name}.posecoach"));
    write_recording(
        &path,
        &Plan::single(exercise),
        "body model (tests/common)",
        MODEL_IMAGE,
        &frames,
        &[],
    );
}

/// One correct performance of every shipped exercise, and a few mistakes.
fn regenerate_model_sessions() {
    let jitter = 3.0;
    record_motion(
        "model-wall-slide",
        "wall-slide",
        &Motion::start(SidePose::standing())
            .hold(1.0)
            .reps(wall_down(), 2, 1.5, 5.6, 1.0),
        jitter,
    );
    record_motion(
        "model-wall-slide-short-holds",
        "wall-slide",
        &Motion::start(SidePose::standing())
            .hold(1.0)
            .reps(wall_down(), 2, 1.5, 2.5, 1.0),
        jitter,
    );
    record_motion(
        "model-back-extension",
        "back-extension",
        &press_up_reps(2, pressed_up(), 5.6),
        jitter,
    );
    record_motion(
        "model-ball-bridge",
        "ball-bridge",
        &Motion::start(bridge_rest())
            .hold(1.0)
            .reps(bridge_up(-110.0), 2, 1.5, 5.6, 1.0),
        jitter,
    );
    record_motion(
        "model-ball-bridge-sagging",
        "ball-bridge",
        &Motion::start(bridge_rest())
            .hold(1.0)
            .reps(bridge_up(-128.0), 1, 1.5, 6.0, 1.0),
        jitter,
    );
    record_motion(
        "model-floor-bridge",
        "floor-bridge",
        &Motion::start(floor_bridge_rest())
            .hold(1.0)
            .reps(floor_bridge_up(18.0), 2, 1.5, 2.0, 1.0),
        jitter,
    );
    record_motion(
        "model-hamstring-stretch",
        "hamstring-stretch",
        &hamstring_side(Side::Right, 1, 10.6, 0.0).then(hamstring_side(Side::Left, 1, 10.6, 0.0)),
        jitter,
    );
    record_motion(
        "model-prone-leg-raise",
        "prone-leg-raise",
        &alternating(
            SidePose::prone(),
            &[Side::Left, Side::Right, Side::Right],
            -20.0,
            8.6,
            0.0,
        ),
        jitter,
    );
    record_motion(
        "model-supine-leg-raise",
        "supine-leg-raise",
        &alternating(
            SidePose::supine(),
            &[Side::Left, Side::Right],
            -40.0,
            10.6,
            0.0,
        ),
        jitter,
    );
    record_motion(
        "model-standing-back-bend",
        "standing-back-bend",
        &Motion::start(hands_on_back(0.0))
            .hold(1.0)
            .reps(hands_on_back(20.0), 2, 1.5, 5.6, 1.0),
        jitter,
    );
    record_motion(
        "model-doorway-stretch",
        "doorway-stretch",
        &Motion::start(in_doorway(0.0))
            .hold(1.0)
            .reps(in_doorway(15.0), 2, 2.0, 16.0, 2.0),
        jitter,
    );
    record_motion(
        "model-inversion",
        "inversion",
        &Motion::start(inverted(0.0))
            .hold(1.0)
            .to(inverted(60.0), 5.0)
            .hold(61.0)
            .to(inverted(0.0), 5.0)
            .hold(1.0),
        jitter,
    );
    // The shoulders' circles are small: a real model's jitter on them is a
    // few pixels, about a degree on the trunk.
    record_motion(
        "model-shoulder-rolls",
        "shoulder-rolls",
        &rolls(5, 5, 2.0),
        1.0,
    );
    record_motion(
        "model-neck-stretch",
        "neck-stretch",
        &neck_sequence(2, 2.0, 40.0),
        jitter,
    );
    record_motion(
        "model-scapular-squeeze",
        "scapular-squeeze",
        &Motion::start(arms_out(0.0, 90.0))
            .hold(1.0)
            .reps(arms_out(15.0, 90.0), 3, 1.0, 3.5, 1.0),
        jitter,
    );
}

#[test]
fn recorded_sessions_replay_to_their_expected_summaries() {
    let update = std::env::var_os(UPDATE_ENV).is_some();
    if update {
        regenerate_model_sessions();
    }
    let catalog = Catalog::load(&[root().join("exercises")], &BTreeMap::new());
    let mut sessions: Vec<PathBuf> = std::fs::read_dir(sessions_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "posecoach"))
        .collect();
    sessions.sort();
    assert!(sessions.len() >= 19, "{} sessions", sessions.len());
    let mut mismatches = Vec::new();
    let mut covered = std::collections::BTreeSet::new();
    for path in &sessions {
        let recording = recording::read(path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(recording.truncated_at_line, None, "{}", path.display());
        let exercises = recording
            .header
            .plan
            .exercises
            .iter()
            .map(|id| {
                catalog
                    .exercise(id)
                    .unwrap_or_else(|| panic!("{id}"))
                    .clone()
            })
            .collect();
        covered.extend(recording.header.plan.exercises.iter().cloned());
        let mut runner = SessionRunner::new(recording.header.plan.clone(), exercises).unwrap();
        replay_recording(&mut runner, &recording).unwrap();
        let summary = runner.finish().unwrap().summary;
        let text = format!(
            "# {} (from {}, {} frames)\n{}",
            path.file_name().unwrap().to_string_lossy(),
            recording.header.source,
            recording.frames.len(),
            summary_text(&summary)
        );
        let expected_path = path.with_extension("expected.txt");
        if update {
            std::fs::write(&expected_path, &text).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != text {
            mismatches.push(format!(
                "{}:\n--- expected\n{expected}\n--- got\n{text}",
                expected_path.display()
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} sessions differ (UPDATE_GOLDEN=1 after review):\n{}",
        mismatches.len(),
        sessions.len(),
        mismatches.join("\n")
    );
    let shipped: Vec<String> = catalog.exercises.iter().map(|e| e.id.clone()).collect();
    for id in shipped {
        assert!(covered.contains(&id), "no recorded session for {id}");
    }
}

#[test]
fn a_recording_cut_off_mid_line_replays_up_to_the_cut() {
    let source = sessions_dir().join("model-wall-slide.posecoach");
    let bytes = std::fs::read(&source).unwrap();
    let dir = std::env::temp_dir().join(format!("posecoach-golden-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cut = dir.join("cut.posecoach");
    // Cut in the middle of a line two thirds of the way in, as a crash would.
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let full = recording::read(&source).unwrap();
    let partial = recording::read(&cut).unwrap();
    assert!(partial.truncated_at_line.is_some());
    assert!(partial.frames.len() < full.frames.len());
    assert_eq!(partial.frames[..], full.frames[..partial.frames.len()]);

    // A bad line in the middle is an error naming the file and the line.
    let text = String::from_utf8(bytes).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[10] = "{\"t_ms\": 12, \"pose\": [[1, 2]]}";
    let bad = dir.join("bad.posecoach");
    std::fs::write(&bad, lines.join("\n") + "\n").unwrap();
    let err = recording::read(&bad).unwrap_err().to_string();
    assert!(err.contains("bad.posecoach: line 11: "), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}
