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
        "floor-bridge",
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
    assert_eq!(catalog.routine("everything").unwrap().exercises.len(), 13);
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
    assert_eq!(catalog.exercises.len(), 14);

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
            depth_px: None,
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
    assert_eq!(catalog.exercises.len(), 13);
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
    let Some(posecoach::exercise::model::Follow::Measurement {
        measurement: m,
        better,
    }) = back_bend.progress.as_ref().unwrap().range
    else {
        panic!("the back bend follows a measurement");
    };
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
            &"w.toml: progress.better: unknown direction 'deeper': use lower, higher or closest"
                .to_string()
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

/// A small valid exercise: a knee bend with a hold, a form check, a cue
/// and a safety limit. Each bad case below changes one thing.
const GOOD: &str = r#"
format = 1
id = "knee-bend"
name = "Knee bend"
view = "side"
posture = "standing"
instructions = ["Stand side-on.", "Bend your knees."]

[params]
depth_deg = 120

[[measurement]]
name = "knee"
kind = "angle"
points = ["near.hip", "near.knee", "near.ankle"]

[[phase]]
name = "up"
when = [{ measurement = "knee", enter = [165, 180], exit = [158, 180] }]

[[phase]]
name = "down"
when = [{ measurement = "knee", enter = ["depth_deg - 10", "depth_deg + 10"] }]

[reps]
sequence = ["up", "down", "up"]
per_set = 5
min_rep_s = 2

[hold]
phase = "down"
target_s = 3

[[form]]
measurement = "knee"
target = ["depth_deg - 5", "depth_deg + 5"]
tolerance = 8
during = ["down"]
cue_below = "Not so deep"
priority = 6

[[cue]]
id = "deeper"
message = "Bend to {180 - depth_deg} degrees"
when = { measurement = "knee", inside = [140, 155] }

[[safety]]
when = { measurement = "knee", below = 80 }
for_s = 1.0
reason = "Too deep: stand up"
"#;

fn problems_of(text: &str) -> Vec<String> {
    match exercise_from_str(Path::new("x.toml"), text, &BTreeMap::new()) {
        Ok(_) => Vec::new(),
        Err(e) => e.lines(),
    }
}

#[test]
fn the_good_example_loads() {
    assert_eq!(problems_of(GOOD), Vec::<String>::new());
}

#[test]
fn every_mistake_is_refused_with_its_key() {
    // (what is changed, to what, the one line expected)
    let cases: &[(&str, &str, &str)] = &[
        (
            "for_s = 1.0",
            "for_s = nan",
            "x.toml: safety[0].for_s: NaN is not a finite number",
        ),
        (
            "for_s = 1.0",
            "for_s = -1.0",
            "x.toml: safety[0].for_s: -1 s is not within 0-600 s",
        ),
        (
            "target_s = 3",
            "target_s = inf",
            "x.toml: hold.target_s: inf is not a finite number",
        ),
        (
            "tolerance = 8",
            "tolerance = nan",
            "x.toml: form[0].tolerance: NaN is not a finite number",
        ),
        (
            "depth_deg = 120",
            "depth_deg = nan",
            "x.toml: params.depth_deg: NaN is not a finite number",
        ),
        (
            "below = 80",
            "below = -inf",
            "x.toml: safety[0].when.below: -inf is not a finite number",
        ),
        (
            "priority = 6",
            "priority = 0",
            "x.toml: form[0].priority: 0 is not a priority from 1 to 9",
        ),
        (
            "priority = 6",
            "priority = 12",
            "x.toml: form[0].priority: 12 is not a priority from 1 to 9",
        ),
        (
            "min_rep_s = 2",
            "min_rep_s = 2\nmax_rep_s = 1",
            "x.toml: reps.max_rep_s: 1 is below min_rep_s 2: no repetition could ever count",
        ),
        (
            "name = \"Knee bend\"",
            "name = \"  \"",
            "x.toml: name: must not be empty",
        ),
        (
            "message = \"Bend to {180 - depth_deg} degrees\"",
            "message = \"\"",
            "x.toml: cue[0].message: must not be empty",
        ),
        (
            "reason = \"Too deep: stand up\"",
            "reason = \"\"",
            "x.toml: safety[0].reason: must not be empty",
        ),
        (
            "cue_below = \"Not so deep\"",
            "cue_below = \"\"",
            "x.toml: form[0].cue_below: must not be empty",
        ),
        (
            "\"Bend your knees.\"",
            "\"\"",
            "x.toml: instructions[1]: must not be empty",
        ),
        (
            "sequence = [\"up\", \"down\", \"up\"]",
            "sequence = [\"down\", \"down\"]",
            "x.toml: reps.sequence[1]: 'down' twice in a row: a phase cannot follow itself, so no repetition would ever count (for an exercise that is held, leave out [reps])",
        ),
        (
            "points = [\"near.hip\", \"near.knee\", \"near.ankle\"]",
            "points = [\"near.hip\", \"near.knee\", \"near.ankle\"]\nscale = \"torso\"",
            "x.toml: measurement[0].scale: means nothing for kind 'angle' (only for deviation, distance, offset)",
        ),
        (
            "points = [\"near.hip\", \"near.knee\", \"near.ankle\"]",
            "points = [\"near.hip\", \"near.knee\", \"near.ankle\"]\nreference = \"up\"",
            "x.toml: measurement[0].reference: means nothing for kind 'angle' (only for inclination)",
        ),
        (
            "message = \"Bend to {180 - depth_deg} degrees\"",
            "message = \"Bend to {180 - depth} degrees\"",
            "x.toml: cue[0].message: unknown parameter 'depth' (declare it under [params])",
        ),
        (
            "enter = [\"depth_deg - 10\", \"depth_deg + 10\"]",
            "enter = [\"depth_deg * 2\", \"depth_deg + 10\"]",
            "x.toml: phase[1].when[0].enter: unknown parameter 'depth_deg * 2' (declare it under [params])",
        ),
        (
            "per_set = 5",
            "per_set = 5\nsets = 11",
            "x.toml: reps.sets: must be 1 to 10",
        ),
        (
            "per_set = 5",
            "per_set = \"five\"",
            "x.toml: reps: invalid type: string \"five\", expected u32",
        ),
    ];
    for (from, to, want) in cases {
        assert!(GOOD.contains(from), "{from}");
        let text = GOOD.replacen(from, to, 1);
        assert_eq!(problems_of(&text), [*want], "{from} -> {to}");
    }
}

#[test]
fn duplicate_cue_ids_are_refused() {
    let text = format!(
        "{GOOD}\n[[cue]]\nid = \"deeper\"\nmessage = \"Lower\"\nwhen = {{ measurement = \"knee\", above = 150 }}\n"
    );
    assert_eq!(
        problems_of(&text),
        ["x.toml: cue[1].id: 'deeper' is used twice"]
    );
}

#[test]
fn a_missing_reps_table_is_one_problem_among_the_others() {
    // No [reps] and no [hold]: said like any other problem, and the other
    // problems of the file are still reported.
    let text = GOOD
        .replacen(
            "[reps]\nsequence = [\"up\", \"down\", \"up\"]\nper_set = 5\nmin_rep_s = 2\n",
            "",
            1,
        )
        .replacen("[hold]\nphase = \"down\"\ntarget_s = 3\n", "", 1)
        .replacen("priority = 6", "priority = 0", 1);
    assert_eq!(
        problems_of(&text),
        [
            "x.toml: reps: missing: give [reps] (a sequence of phases, or circles), or a [hold] for an exercise that is held",
            "x.toml: form[0].priority: 0 is not a priority from 1 to 9",
        ]
    );
}

#[test]
fn an_exercise_that_is_held_needs_no_reps() {
    let text = GOOD
        .replacen(
            "[reps]\nsequence = [\"up\", \"down\", \"up\"]\nper_set = 5\nmin_rep_s = 2\n",
            "",
            1,
        )
        .replacen("target_s = 3", "target_s = 3\nper_set = 2\nsets = 3", 1);
    let exercise = exercise_from_str(Path::new("x.toml"), &text, &BTreeMap::new()).unwrap();
    assert_eq!(
        exercise.reps.counting,
        posecoach::exercise::model::Counting::Holds
    );
    assert_eq!((exercise.reps.per_set, exercise.reps.sets), (2, 3));
    // With [reps], per_set and sets belong there.
    let both = GOOD.replacen("target_s = 3", "target_s = 3\nper_set = 2", 1);
    assert_eq!(
        problems_of(&both),
        [
            "x.toml: hold.per_set: only for an exercise without [reps] (with it, reps.per_set says it)"
        ]
    );
}

#[test]
fn durations_and_tolerances_may_be_sums_and_are_bounded() {
    // Sums of parameters, as the format says of any number.
    let text = GOOD
        .replacen("depth_deg = 120", "depth_deg = 120\nsettle_s = 2", 1)
        .replacen("for_s = 1.0", "for_s = \"settle_s - 1\"", 1)
        .replacen("tolerance = 8", "tolerance = \"settle_s + 6\"", 1)
        .replacen("min_rep_s = 2", "min_rep_s = \"settle_s\"", 1)
        .replacen(
            "target_s = 3",
            "target_s = 3\ngrace_s = \"settle_s / 2\"",
            1,
        );
    // A division is not a sum: refused at its key, once.
    assert_eq!(
        problems_of(&text),
        ["x.toml: hold.grace_s: unknown parameter 'settle_s / 2' (declare it under [params])"]
    );
    let text = text.replacen("\"settle_s / 2\"", "\"settle_s - 1.5\"", 1);
    let exercise = exercise_from_str(Path::new("x.toml"), &text, &BTreeMap::new()).unwrap();
    assert_eq!(exercise.safety[0].for_s, 1.0);
    assert_eq!(exercise.form[0].tolerance, 8.0);
    assert_eq!(exercise.reps.min_rep_s, 2.0);
    assert_eq!(exercise.hold.as_ref().unwrap().grace_s, 0.5);
    // Each has one bound, said with the value.
    for (from, to, line) in [
        (
            "for_s = 1.0",
            "for_s = 1e9",
            "x.toml: safety[0].for_s: 1e9 s is not within 0-600 s",
        ),
        (
            "target_s = 3",
            "target_s = \"depth_deg * 9\"",
            "x.toml: hold.target_s: unknown parameter 'depth_deg * 9' (declare it under [params])",
        ),
        (
            "target_s = 3",
            "target_s = \"depth_deg + 500\"",
            "x.toml: hold.target_s: 620 s is not within 0-600 s",
        ),
        (
            "min_rep_s = 2",
            "min_rep_s = \"depth_deg * 1e300\"",
            "x.toml: reps.min_rep_s: unknown parameter 'depth_deg * 1e300' (declare it under [params])",
        ),
        (
            "tolerance = 8",
            "tolerance = \"depth_deg - 120\"",
            "x.toml: form[0].tolerance: 0: must be above 0 (at most 540)",
        ),
    ] {
        assert_eq!(problems_of(&GOOD.replacen(from, to, 1)), [line], "{to}");
    }
}

#[test]
fn several_broken_tables_are_all_reported() {
    let text = GOOD
        .replacen("per_set = 5", "per_set = \"five\"", 1)
        .replacen("tolerance = 8", "tolerance = \"wide\"", 1)
        .replacen("kind = \"angle\"", "kind = \"angle\"\ncolour = 3", 1);
    let lines = problems_of(&text);
    assert_eq!(lines.len(), 3, "{lines:#?}");
    assert!(
        lines[0].starts_with("x.toml: measurement[0].colour: unknown key"),
        "{lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("x.toml: reps: invalid type")),
        "{lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("x.toml: form[0].tolerance: unknown parameter 'wide'")),
        "{lines:#?}"
    );
}

#[test]
fn progress_can_follow_the_longest_hold_or_how_close_a_value_came() {
    use posecoach::exercise::model::Follow;
    let progress = |table: &str| {
        let text =
            GOOD.to_string() + "\n[progress]\n" + table + "\ntimes = [1, 2]\nper = \"day\"\n";
        exercise_from_str(Path::new("x.toml"), &text, &BTreeMap::new())
            .map(|e| e.progress.unwrap().range)
            .map_err(|e| e.lines())
    };
    assert_eq!(progress("follows = \"hold\""), Ok(Some(Follow::HoldTime)));
    assert_eq!(
        progress("measurement = \"knee\"\nbetter = \"closest\"\ntarget = \"depth_deg\""),
        Ok(Some(Follow::Closest {
            measurement: 0,
            target: 120.0
        }))
    );
    assert_eq!(
        progress("measurement = \"knee\"\nbetter = \"closest\""),
        Err(vec![
            "x.toml: progress.target: missing: closest to what value?".to_string()
        ])
    );
    assert_eq!(
        progress("measurement = \"knee\"\nbetter = \"lower\"\ntarget = 3"),
        Err(vec![
            "x.toml: progress.target: only with better = \"closest\"".to_string()
        ])
    );
    assert_eq!(
        progress("follows = \"hold\"\nmeasurement = \"knee\""),
        Err(vec![
            "x.toml: progress.follows: \"hold\" takes no measurement nor better".to_string()
        ])
    );
}

#[test]
fn circle_messages_are_the_files_own_and_must_say_the_direction() {
    let text = std::fs::read_to_string(shipped().join("shoulder-rolls.toml")).unwrap();
    let from = "wrong_way = \"Roll your shoulders {direction} now\"";
    assert!(text.contains(from));
    let broken = text.replace(from, "wrong_way = \"Roll your shoulders now\"");
    assert_eq!(
        problems_of(&broken),
        ["x.toml: reps.circles.wrong_way: must say {direction}"]
    );
    let mine = text.replace(
        from,
        "wrong_way = \"Circle {direction}, {180 - 90} degrees\"",
    );
    let exercise = exercise_from_str(Path::new("x.toml"), &mine, &BTreeMap::new()).unwrap();
    let posecoach::exercise::model::Counting::Circles { wrong_way, .. } = &exercise.reps.counting
    else {
        panic!("circles");
    };
    assert_eq!(wrong_way, "Circle {direction}, 90 degrees");
}

// ---- demonstrations

#[test]
fn every_shipped_demonstration_counts_one_set_and_shows_a_caught_mistake() {
    use posecoach::exercise::demo;
    let catalog = Catalog::load(&[shipped()], &BTreeMap::new());
    assert_eq!(catalog.exercises.len(), 13);
    for e in &catalog.exercises {
        let report = demo::check(e).unwrap_or_else(|| panic!("{} has no demonstration", e.id));
        assert!(
            report.problems.is_empty(),
            "{}: {:?}",
            e.id,
            report.problems
        );
        let counted = if e.hold.is_some() && e.reps.per_set > 0 {
            report.holds_s.len()
        } else {
            report.reps
        };
        assert_eq!(counted, demo::per_set(e), "{}", e.id);
        assert_eq!(report.sets, 1, "{}", e.id);
        if let Some(hold) = &e.hold {
            assert!(
                report.holds_s.iter().all(|&s| s >= hold.target_s),
                "{}: {:?}",
                e.id,
                report.holds_s
            );
        }
        // Every one shows a mistake, and the coach names it.
        assert!(!report.mistakes.is_empty(), "{}", e.id);
        for (span, said) in &report.mistakes {
            let said = said
                .as_ref()
                .unwrap_or_else(|| panic!("{}: {span:?}", e.id));
            assert!(said.to_lowercase().contains(&span.cue.to_lowercase()));
        }
        // Shown before the exercise, without its mistakes: shorter, and at
        // the guide's pace (not a blur of frames).
        let demo = e.demo.as_ref().unwrap();
        assert!(demo.duration_s() < report.duration_s, "{}", e.id);
        assert!(demo.duration_s() > 10.0, "{}", e.id);
    }
}

/// The good example with a demonstration appended.
fn with_demo(demo: &str) -> String {
    format!("{GOOD}\n{demo}")
}

const GOOD_DEMO: &str = r#"
[demo]
start = "standing"

[[demo.pose]]
name = "down"
from = "standing"
# 60 degrees of knee bend: 120 between thigh and shin.
thigh_deg = 45
shin_deg = -15

[[demo.part]]
repeat = 5
steps = [
  { to = "down", move_s = 1.5, hold_s = 3.6 },
  { to = "standing", move_s = 1.5, hold_s = 1 },
]
"#;

#[test]
fn a_demonstration_of_the_good_example_counts_its_set() {
    let e =
        exercise_from_str(Path::new("x.toml"), &with_demo(GOOD_DEMO), &BTreeMap::new()).unwrap();
    let report = posecoach::exercise::demo::check(&e).unwrap();
    assert_eq!(report.problems, Vec::<String>::new());
    assert_eq!((report.reps, report.holds_s.len(), report.sets), (5, 5, 1));
}

#[test]
fn a_demonstration_that_counts_nothing_or_too_much_is_a_problem() {
    use posecoach::exercise::demo::check;
    let load = |text: &str| {
        exercise_from_str(Path::new("x.toml"), &with_demo(text), &BTreeMap::new()).unwrap()
    };
    // Never bending deep enough.
    let shallow = load(&GOOD_DEMO.replace("thigh_deg = 45", "thigh_deg = 10"));
    assert_eq!(
        check(&shallow).unwrap().problems,
        ["the demonstration counts nothing"]
    );
    // Three, where a set is five.
    let short = load(&GOOD_DEMO.replace("repeat = 5", "repeat = 3"));
    assert_eq!(
        check(&short).unwrap().problems,
        [
            "the demonstration counts 3 where a set is 5",
            "the demonstration does not complete a set"
        ]
    );
    // Held too briefly: repetitions without their holds do not count.
    let brief = load(&GOOD_DEMO.replace("hold_s = 3.6", "hold_s = 1"));
    assert!(!check(&brief).unwrap().problems.is_empty());
    // A "mistake" the coach does not catch.
    let uncaught = load(&format!(
        "{GOOD_DEMO}\n[[demo.part]]\nmistake = \"too deep\"\nsteps = [{{ to = \"down\", move_s = 1.5, hold_s = 3.6 }}, {{ to = \"standing\", move_s = 1.5 }}]\n"
    ));
    let problems = check(&uncaught).unwrap().problems;
    assert!(
        problems
            .iter()
            .any(|p| p.contains("drew no cue saying 'too deep'")),
        "{problems:?}"
    );
}

#[test]
fn every_demonstration_mistake_is_refused_with_its_key() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "start = \"standing\"",
            "start = \"sitting\"",
            "x.toml: demo.start: unknown pose 'sitting'",
        ),
        (
            "from = \"standing\"",
            "from = \"kneeling\"",
            "x.toml: demo.pose[0].from: unknown pose 'kneeling': use standing, prone, supine or a pose named before",
        ),
        (
            "thigh_deg = 45",
            "thigh_deg = 3500",
            "x.toml: demo.pose[0].thigh_deg: 3500 is beyond +-540",
        ),
        (
            "thigh_deg = 45",
            "chin_up_px = 20",
            "x.toml: demo.pose[0].chin_up_px: only for a front view",
        ),
        (
            "thigh_deg = 45",
            "thigh_deg = \"depth\"",
            "x.toml: demo.pose[0].thigh_deg: unknown parameter 'depth' (declare it under [params])",
        ),
        (
            "repeat = 5",
            "repeat = 0",
            "x.toml: demo.part[0].repeat: must be at least 1",
        ),
        (
            "{ to = \"down\",",
            "{ to = \"up\",",
            "x.toml: demo.part[0].steps[0].to: unknown pose 'up'",
        ),
        (
            "move_s = 1.5, hold_s = 3.6",
            "move_s = -1, hold_s = 3.6",
            "x.toml: demo.part[0].steps[0].move_s: -1 s is not within 0-600 s",
        ),
        (
            "hold_s = 3.6",
            "hold_s = 3.6, speed = 2",
            "x.toml: demo.part.0.steps.0.speed: unknown key",
        ),
        (
            "repeat = 5",
            "repeat = 90",
            "x.toml: demo: lasts 685 s: at most 600 s",
        ),
    ];
    for (from, to, expected) in cases {
        assert!(GOOD_DEMO.contains(from), "{from}");
        let problems = problems_of(&with_demo(&GOOD_DEMO.replacen(from, to, 1)));
        assert_eq!(problems, [expected.to_string()], "{from} -> {to}");
    }
}

#[test]
fn a_demonstration_keeps_its_planted_points_still_while_it_moves() {
    use posecoach::exercise::body::Body;
    use posecoach::exercise::demo::floor_y_px;
    use posecoach::exercise::model::Posture;
    use posecoach::pose::Landmark;
    let catalog = Catalog::load(&[shipped()], &BTreeMap::new());
    let floor = floor_y_px();
    let mut standing_checked = 0;
    for exercise in &catalog.exercises {
        let Some(demo) = &exercise.demo else { continue };
        let frames: Vec<_> = demo
            .motion(true)
            .frames
            .iter()
            .map(|f| f.landmarks())
            .collect();
        if !matches!(demo.start, posecoach::exercise::demo::Figure::Side(_)) {
            continue;
        }
        // Something always rests on the floor: the lowest point is on it.
        for (i, frame) in frames.iter().enumerate() {
            let lowest = frame.points.iter().map(|p| p.y_px).fold(f64::MIN, f64::max);
            assert!(
                (lowest - floor).abs() < 0.5,
                "{}: frame {i} floats {:.1} px off the floor",
                exercise.id,
                floor - lowest
            );
        }
        // Standing, the foot stood on stays put while the body moves
        // (the wall slide's hips come down; its feet do not rise).
        if exercise.posture != Posture::Standing {
            continue;
        }
        let ankle = |f: &posecoach::exercise::engine::PoseFrame| {
            let (l, r) = (
                f.points[Landmark::LeftAnkle.index()],
                f.points[Landmark::RightAnkle.index()],
            );
            if l.y_px >= r.y_px { (0, l) } else { (1, r) }
        };
        let hip_y =
            |f: &posecoach::exercise::engine::PoseFrame| f.points[Landmark::LeftHip.index()].y_px;
        let (hip_lo, hip_hi) = frames
            .iter()
            .map(hip_y)
            .fold((f64::MAX, f64::MIN), |(a, b), y| (a.min(y), b.max(y)));
        for pair in frames.windows(2) {
            let ((side_a, a), (side_b, b)) = (ankle(&pair[0]), ankle(&pair[1]));
            if side_a == side_b {
                assert!(
                    (a.x_px - b.x_px).abs() < 3.0 && (a.y_px - b.y_px).abs() < 3.0,
                    "{}: the planted foot moved from {a:?} to {b:?}",
                    exercise.id
                );
            }
        }
        if exercise.id == "wall-slide" {
            // (45 degrees of knee bend lowers the hips by 4% of the
            // figure's 900 px.)
            assert!(
                hip_hi - hip_lo > 25.0,
                "the hips come down: {hip_lo}-{hip_hi}"
            );
            // And the back stays on the wall: the hips and shoulders go
            // straight down, not away from it.
            for landmark in [Landmark::LeftHip, Landmark::LeftShoulder] {
                let (lo, hi) = frames
                    .iter()
                    .map(|f| f.points[landmark.index()].x_px)
                    .fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(x), b.max(x)));
                assert!(hi - lo < 4.0, "{landmark:?} off the wall: {lo}-{hi}");
            }
        }
        standing_checked += 1;
    }
    assert!(
        standing_checked >= 3,
        "{standing_checked} standing demonstrations"
    );
}

#[test]
fn a_parameter_is_bounded_by_its_range_or_by_its_unit() {
    let with_range = GOOD.replacen(
        "depth_deg = 120\n",
        "depth_deg = 120\n\n[param_ranges]\ndepth_deg = [100, 130]\n",
        1,
    );
    let load = |text: &str, value: f64| {
        let overrides = BTreeMap::from([("depth_deg".to_string(), value)]);
        match exercise_from_str(Path::new("x.toml"), text, &overrides) {
            Ok(e) => Ok(e.param_ranges),
            Err(e) => Err(e.lines()),
        }
    };
    assert_eq!(
        load(&with_range, 130.0).unwrap(),
        BTreeMap::from([("depth_deg".to_string(), [100.0, 130.0])])
    );
    assert_eq!(
        load(&with_range, 131.0).unwrap_err(),
        ["x.toml: params.depth_deg: 131 is not within 100-130, the range this exercise allows"]
    );
    // Without a range, degrees go a turn and a half either way.
    assert!(load(GOOD, 179.0).is_ok());
    assert_eq!(
        load(GOOD, -1e300).unwrap_err()[0],
        "x.toml: params.depth_deg: -1e300 is not within -540-540, the range this exercise allows"
    );
    // A range must be of a parameter, low to high.
    for (range, line) in [
        (
            "deep = [1, 2]",
            "x.toml: param_ranges.deep: no such parameter under [params]",
        ),
        (
            "depth_deg = [130, 100]",
            "x.toml: param_ranges.depth_deg: [130, 100] is not a range from low to high",
        ),
    ] {
        let text = GOOD.replacen(
            "depth_deg = 120\n",
            &format!("depth_deg = 120\n\n[param_ranges]\n{range}\n"),
            1,
        );
        assert!(
            problems_of(&text).contains(&line.to_string()),
            "{:?}",
            problems_of(&text)
        );
    }
}

#[test]
fn a_file_repeating_a_long_broken_entry_is_said_in_at_most_51_short_lines() {
    // Found by tests/fuzz_structured.rs: a 6000-character value repeated
    // in 171 entries said 1 MB.
    let long = "k".repeat(6000);
    let mut text = GOOD.to_string();
    for _ in 0..300 {
        text.push_str(&format!(
            "\n[[measurement]]\nname = \"{long}\"\nkind = 7\npoints = [\"{long}\"]\n"
        ));
    }
    let lines = problems_of(&text);
    assert_eq!(lines.len(), 51, "{}", lines.len());
    assert_eq!(lines[50], "x.toml: and 250 more problems");
    assert!(lines.iter().all(|l| l.len() < 500), "{:?}", lines[0]);
}
