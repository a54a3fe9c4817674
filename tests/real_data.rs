//! The engine on real, noisy landmarks from MediaPipe: labelled plank poses
//! and the KERAAL low-back-pain rehabilitation recordings, read from the
//! team's shared folder (`../shared/data/keypoints`, not ours to copy), so
//! these tests are `#[ignore]`d and run by `make test-real`.

// Tests fail by panicking with the value.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/shared.rs"]
mod shared;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use shared::shared;

use posecoach::exercise::catalog::Catalog;
use posecoach::exercise::engine::{Engine, Event, PoseFrame};
use posecoach::exercise::file::load_exercise;
use posecoach::exercise::model::View;
use posecoach::geometry::Point;
use posecoach::pose::{Landmark, NUM_LANDMARKS};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

/// The plank CSVs hold no image size; 16:9 is assumed. The sign of a hip's
/// deviation from the shoulder-ankle line does not depend on it, only its
/// size.
const PLANK_WIDTH_PX: f64 = 1280.0;
const PLANK_HEIGHT_PX: f64 = 720.0;
const MIN_PLANK_AGREEMENT: f64 = 0.85;
/// Frames each labelled pose is shown for, at 30 a second.
const HELD_FRAMES: u32 = 10;

fn plank_rows(file: &str) -> Vec<(String, PoseFrame)> {
    let text = std::fs::read_to_string(shared(&format!(
        "data/keypoints/exercise-correction/plank/{file}"
    )))
    .unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            let mut frame = PoseFrame {
                points: [Point::default(); NUM_LANDMARKS],
                visibility: [0.0; NUM_LANDMARKS],
                image_size_px: (PLANK_WIDTH_PX, PLANK_HEIGHT_PX),
                depth_px: None,
            };
            for (i, name) in header.iter().enumerate() {
                let Some(base) = name.strip_suffix("_x") else {
                    continue;
                };
                let landmark =
                    Landmark::from_name(base).unwrap_or_else(|| panic!("unknown column {name}"));
                let value = |k: usize| cells[i + k].parse::<f64>().unwrap();
                frame.points[landmark.index()] =
                    Point::new(value(0) * PLANK_WIDTH_PX, value(1) * PLANK_HEIGHT_PX);
                frame.visibility[landmark.index()] = value(3) as f32;
            }
            (cells[0].to_string(), frame)
        })
        .collect()
}

#[test]
#[ignore = "reads ../shared (make test-real)"]
fn plank_verdicts_agree_with_the_labels() {
    let exercise = load_exercise(&fixture("exercises/plank.toml"), &BTreeMap::new()).unwrap();
    let mut rows = plank_rows("test.csv");
    rows.extend(plank_rows("kaggle.csv"));
    let mut agree = 0;
    let mut confusion: BTreeMap<(String, char), usize> = BTreeMap::new();
    for (label, frame) in &rows {
        // Each row is a separate pose: a fresh engine judges it alone, held
        // still for a third of a second (long enough to enter the plank).
        let mut engine = Engine::new(exercise.clone());
        let mut feedback = engine.update(0.0, Some(frame)).0;
        for i in 1..=HELD_FRAMES {
            feedback = engine.update(f64::from(i) * 1000.0 / 30.0, Some(frame)).0;
        }
        // A pose with a needed joint beyond the picture's edge cannot be
        // judged ('?'): it counts against the agreement.
        let verdict = match (feedback.readings[0].value, feedback.form_score) {
            (None, _) => '?',
            (_, Some(score)) if score >= 50.0 => 'C',
            (Some(value), _) if value > 0.0 => 'H',
            _ => 'L',
        };
        *confusion.entry((label.clone(), verdict)).or_default() += 1;
        if label.starts_with(verdict) {
            agree += 1;
        }
    }
    let agreement = f64::from(agree) / rows.len() as f64;
    eprintln!(
        "plank: {agree} of {} labelled poses agree ({:.1}%); (label, verdict) counts: {confusion:?}",
        rows.len(),
        agreement * 100.0
    );
    assert_eq!(rows.len(), 881);
    assert!(agreement >= MIN_PLANK_AGREEMENT, "agreement {agreement:.3}");
}

/// KERAAL BlazePose files: {"positions": {"FRAME": {"Left_knee": [x, y, z]}}}.
fn keraal_frames(file: &str) -> Vec<(f64, PoseFrame)> {
    // Assumed: 640 x 480 at 30 frames a second (the files give neither).
    const WIDTH_PX: f64 = 640.0;
    const HEIGHT_PX: f64 = 480.0;
    const FRAME_MS: f64 = 1000.0 / 30.0;
    let text = std::fs::read_to_string(shared(&format!("data/keypoints/keraal/{file}"))).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut frames: Vec<(f64, PoseFrame)> = json["positions"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(key, landmarks)| {
            let index: f64 = key.parse().unwrap();
            let mut frame = PoseFrame {
                points: [Point::default(); NUM_LANDMARKS],
                visibility: [0.0; NUM_LANDMARKS],
                image_size_px: (WIDTH_PX, HEIGHT_PX),
                depth_px: None,
            };
            for (name, xyz) in landmarks.as_object().unwrap() {
                let landmark = Landmark::from_name(&name.to_lowercase())
                    .unwrap_or_else(|| panic!("unknown {name}"));
                let x = xyz[0].as_f64().unwrap();
                let y = xyz[1].as_f64().unwrap();
                frame.points[landmark.index()] = Point::new(x * WIDTH_PX, y * HEIGHT_PX);
                // The files carry no visibility: every landmark was found.
                frame.visibility[landmark.index()] = 1.0;
            }
            ((index - 1.0) * FRAME_MS, frame)
        })
        .collect();
    frames.sort_by(|a, b| a.0.total_cmp(&b.0));
    frames
}

#[test]
#[ignore = "reads ../shared (make test-real)"]
fn keraal_rehabilitation_recordings_run_through_every_exercise() {
    let catalog = Catalog::load(
        &[Path::new(env!("CARGO_MANIFEST_DIR")).join("exercises")],
        &BTreeMap::new(),
    );
    for file in [
        "G3-BP-CTK-P1T1-Unknown-C-0.json",
        "G3-BP-ELK-P1T1-Unknown-C-0.json",
        "G3-BP-RTK-P1T1-Unknown-C-0.json",
    ] {
        let frames = keraal_frames(file);
        assert!(frames.len() > 100, "{file}: {} frames", frames.len());
        for exercise in &catalog.exercises {
            let mut engine = Engine::new(exercise.clone());
            let mut tracked = 0;
            let mut cues = Vec::new();
            for (t_ms, frame) in &frames {
                let (feedback, events) = engine.update(*t_ms, Some(frame));
                tracked += usize::from(feedback.tracking);
                assert!(
                    feedback
                        .readings
                        .iter()
                        .all(|r| r.value.is_none_or(f64::is_finite))
                );
                cues.extend(events.into_iter().filter_map(|e| match e {
                    Event::Cue { text, .. } => Some(text),
                    _ => None,
                }));
            }
            eprintln!(
                "{file} {}: tracked {tracked} of {} frames",
                exercise.id,
                frames.len()
            );
            // Standing patients are not doing these exercises: nothing
            // counts, and nothing is stopped for safety.
            assert_eq!(
                engine.update(1e9, None).0.stopped,
                None,
                "{file} {}",
                exercise.id
            );
            // The patients mostly face the camera: exercises judged from
            // the front follow them; side-view ones ask them to turn
            // whenever they face it.
            match exercise.view {
                View::Side if tracked < frames.len() => {
                    assert!(
                        cues.iter().any(|c| c.contains("Turn side-on")),
                        "{file} {}: {cues:?}",
                        exercise.id
                    );
                }
                View::Front => assert!(
                    tracked * 10 >= frames.len() * 9,
                    "{file} {}: {tracked}",
                    exercise.id
                ),
                _ => {}
            }
        }
    }
}
