//! Exercise files: the shipped set loads, problems are reported with file,
//! key and reason, and a new exercise needs no code change.

// Tests fail by panicking with the value.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use posecoach::exercise::catalog::Catalog;
use posecoach::exercise::file::exercise_from_str;

fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("exercises")
}

#[test]
fn every_shipped_exercise_and_routine_loads() {
    let catalog = Catalog::load(&[shipped()], &BTreeMap::new());
    let problems: Vec<String> = catalog.problems.iter().flat_map(|p| p.lines()).collect();
    assert!(problems.is_empty(), "{problems:#?}");
    let ids: Vec<&str> = catalog.exercises.iter().map(|e| e.id.as_str()).collect();
    for id in [
        "neck-stretch",
        "shoulder-rolls",
        "hamstring-stretch",
        "back-extension",
        "ball-bridge",
        "doorway-stretch",
        "scapular-squeeze",
        "inversion",
        "prone-leg-raise",
        "supine-leg-raise",
        "standing-back-bend",
        "wall-slide",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    let routines: Vec<&str> = catalog.routines.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        routines,
        [
            "everything",
            "mid-lower-back",
            "no-equipment",
            "prevention",
            "upper-back"
        ]
    );
    assert_eq!(catalog.routine("everything").unwrap().exercises.len(), 12);
}

const BROKEN: &str = r#"
format = 1
id = "broken"
name = "Broken"
view = "side"
posture = "standing"
colour = "blue"

[[measurement]]
name = "knee"
kind = "angle"
points = ["near.hip", "near.kneee", "near.ankle"]

[[phase]]
name = "up"
when = [{ measurement = "knee", enter = [170, 160] }]

[reps]
sequence = ["up", "down", "up"]
per_set = 5
"#;

#[test]
fn every_problem_is_reported_with_file_key_and_reason() {
    let path = Path::new("my-exercises/broken.toml");
    let err = exercise_from_str(path, BROKEN, &BTreeMap::new()).unwrap_err();
    let lines = err.lines();
    let text = lines.join("\n");
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("my-exercises/broken.toml: ")),
        "{text}"
    );
    for expected in [
        "colour: unknown key",
        "measurement[0].points[1]: unknown landmark 'near.kneee'",
        "phase[0].when[0].enter: min 170 is above max 160",
        "reps.sequence[1]: unknown phase 'down'",
    ] {
        assert!(text.contains(expected), "'{expected}' not in:\n{text}");
    }
    assert_eq!(lines.len(), 4, "{text}");
}

#[test]
fn a_future_format_is_refused_by_name() {
    let text = BROKEN.replace("format = 1", "format = 2");
    let err = exercise_from_str(Path::new("x.toml"), &text, &BTreeMap::new()).unwrap_err();
    assert!(
        err.lines()[0].contains("x.toml: format: format 2 is not supported"),
        "{err}"
    );
}

#[test]
fn a_syntax_error_names_the_line() {
    let err = exercise_from_str(Path::new("x.toml"), "format = 1\nid = \n", &BTreeMap::new())
        .unwrap_err();
    assert!(err.lines()[0].starts_with("x.toml: line 2: "), "{err}");
}

/// An exercise that is not shipped: a side bend, counted from a file alone.
const SIDE_BEND: &str = r#"
format = 1
id = "side-bend"
name = "Standing side bend"
view = "front"
posture = "standing"
instructions = ["Stand facing the camera and bend sideways to the left, then come back."]

[[measurement]]
name = "trunk_tilt"
kind = "inclination"
points = ["mid.hip", "mid.shoulder"]
reference = "up"

[[phase]]
name = "straight"
when = [{ measurement = "trunk_tilt", enter = [0, 5], exit = [0, 8] }]

[[phase]]
name = "bent"
when = [{ measurement = "trunk_tilt", enter = [15, 40], exit = [12, 45] }]

[reps]
sequence = ["straight", "bent", "straight"]
per_set = 3
"#;

#[test]
fn a_new_exercise_needs_only_a_file() {
    use posecoach::exercise::engine::{Engine, Event, PoseFrame};
    use posecoach::geometry::Point;
    use posecoach::pose::{Landmark, NUM_LANDMARKS};

    let dir = std::env::temp_dir().join(format!("posecoach-user-ex-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("side-bend.toml"), SIDE_BEND).unwrap();
    let catalog = Catalog::load(&[shipped(), dir.clone()], &BTreeMap::new());
    assert!(catalog.problems.is_empty());
    let exercise = catalog
        .exercise("side-bend")
        .expect("user exercise loaded")
        .clone();
    assert_eq!(catalog.exercises.len(), 13);

    // Hips fixed, shoulders swinging sideways by up to 25 degrees.
    let frame = |tilt_deg: f64| {
        let mut points = [Point::new(0.0, 0.0); NUM_LANDMARKS];
        let (s, c) = tilt_deg.to_radians().sin_cos();
        let hip = |dx: f64| Point::new(500.0 + dx, 600.0);
        let shoulder = |dx: f64| Point::new(500.0 + dx + 250.0 * s, 600.0 - 250.0 * c);
        points[Landmark::LeftHip.index()] = hip(60.0);
        points[Landmark::RightHip.index()] = hip(-60.0);
        points[Landmark::LeftShoulder.index()] = shoulder(90.0);
        points[Landmark::RightShoulder.index()] = shoulder(-90.0);
        PoseFrame {
            points,
            visibility: [0.99; NUM_LANDMARKS],
            image_size_px: (1280.0, 1000.0),
        }
    };
    let mut engine = Engine::new(exercise);
    let mut reps = 0;
    for i in 0..(3 * 120) {
        let phase = f64::from(i % 120) / 120.0 * std::f64::consts::TAU;
        let tilt = 12.5 - 12.5 * phase.cos();
        let (_, events) = engine.update(f64::from(i) * 33.3, Some(&frame(tilt)));
        reps += events
            .iter()
            .filter(|e| matches!(e, Event::RepCompleted { .. }))
            .count();
    }
    assert_eq!(reps, 3);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_annotated_example_in_the_readme_is_the_shipped_wall_slide() {
    let readme = std::fs::read_to_string(shipped().join("README.md")).unwrap();
    let start = readme.find("```toml\n").unwrap() + "```toml\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let documented = exercise_from_str(
        Path::new("README.md"),
        &readme[start..end],
        &BTreeMap::new(),
    )
    .unwrap();
    let text = std::fs::read_to_string(shipped().join("wall-slide.toml")).unwrap();
    let real = exercise_from_str(Path::new("README.md"), &text, &BTreeMap::new()).unwrap();
    assert_eq!(documented, real);
}

#[test]
fn every_shipped_exercise_says_how_often_and_what_progress_means() {
    let catalog = Catalog::load(&[shipped()], &BTreeMap::new());
    assert_eq!(catalog.exercises.len(), 12);
    for e in &catalog.exercises {
        let progress = e
            .progress
            .as_ref()
            .unwrap_or_else(|| panic!("{} has no [progress]", e.id));
        // Only the circles have no range of motion to follow.
        assert_eq!(
            progress.range.is_none(),
            e.id == "shoulder-rolls",
            "{}",
            e.id
        );
    }
    let advice = |id: &str| {
        catalog
            .exercise(id)
            .unwrap()
            .progress
            .as_ref()
            .unwrap()
            .frequency
            .describe()
    };
    // The guide: leg raises two to three times a day.
    assert_eq!(advice("prone-leg-raise"), "2 to 3 times a day");
    assert_eq!(advice("supine-leg-raise"), "2 to 3 times a day");
    assert_eq!(advice("ball-bridge"), "3 to 5 times a week");
    let back_bend = catalog.exercise("standing-back-bend").unwrap();
    let (m, better) = back_bend.progress.as_ref().unwrap().range.unwrap();
    assert_eq!(back_bend.measurements[m].name, "back_bend");
    assert_eq!(
        better.name(),
        "lower",
        "the deepest back bend is the most negative"
    );

    // A broken [progress] table is reported like any other key.
    let text = std::fs::read_to_string(shipped().join("wall-slide.toml"))
        .unwrap()
        .replace("better = \"lower\"", "better = \"deeper\"")
        .replace("times = [1, 2]", "times = [3, 1]");
    let err = exercise_from_str(Path::new("w.toml"), &text, &BTreeMap::new()).unwrap_err();
    let lines = err.lines();
    assert!(
        lines.contains(
            &"w.toml: progress.better: unknown direction 'deeper': use lower or higher".to_string()
        ),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("w.toml: progress.times: ")),
        "{lines:?}"
    );
}
