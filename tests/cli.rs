//! The `posecoach` command as a user meets it: help, output, and the one-line
//! errors for bad input.

// Tests fail by panicking with the value; helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::cli::{posecoach, text};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn photo(name: &str) -> PathBuf {
    root().join("fixtures/photos").join(name)
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("posecoach-cli-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The error output is one line, starting with "error:", and mentions `needle`.
fn assert_one_line_error(out: &Output, needle: &str) {
    assert!(
        !out.status.success(),
        "expected failure, got {:?}",
        out.status
    );
    let stderr = text(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line expected, got:\n{stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    assert!(lines[0].contains(needle), "'{needle}' not in: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn help_lists_every_subcommand_with_a_description() {
    let out = posecoach().arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = text(&out.stdout);
    let expected = [
        ("run", "Coach an exercise or a routine live"),
        ("record", "Record a session to FILE"),
        ("pose", "landmarks"),
        ("replay", "Coach a recorded session, video or folder"),
        ("report", "Draw a recorded session"),
        ("history", "Progress week by week"),
        ("bench", "milliseconds"),
        ("exercises", "exercises and routines"),
        ("cameras", "cameras"),
        ("help", "Print this message"),
    ];
    // Every command the help lists is one of these (a new one must be
    // added here, with its words).
    let listed: Vec<&str> = help
        .split_once("Commands:")
        .unwrap()
        .1
        .split_once("Options:")
        .unwrap()
        .0
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let names: Vec<&str> = expected.iter().map(|(c, _)| *c).collect();
    assert_eq!(listed, names, "{help}");
    for (command, words) in expected {
        let line = help
            .lines()
            .find(|l| {
                l.strip_prefix("  ")
                    .and_then(|l| l.split_whitespace().next())
                    == Some(command)
            })
            .unwrap_or_else(|| panic!("{command} missing from:\n{help}"));
        assert!(line.contains(words), "{line}");
    }
}

#[test]
fn pose_json_has_the_reference_layout() {
    let out = posecoach()
        .args(["pose", "--json"])
        .arg(photo("messi5.jpg"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let records: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let record = &records[0];
    assert_eq!(record["source"], "messi5.jpg");
    assert_eq!(record["width"], 548);
    assert_eq!(record["height"], 342);
    let landmarks = record["landmarks"].as_array().unwrap();
    assert_eq!(landmarks.len(), 33);
    assert_eq!(landmarks[0].as_array().unwrap().len(), 5);
    // The nose of a footballer in the middle of the frame.
    let nose_x = landmarks[0][0].as_f64().unwrap();
    assert!((0.3..0.6).contains(&nose_x), "nose x {nose_x}");
}

#[test]
fn pose_table_names_landmarks() {
    let out = posecoach()
        .arg("pose")
        .arg(photo("astronaut.png"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let table = text(&out.stdout);
    assert!(
        table.contains("astronaut.png (512x512): person found"),
        "{table}"
    );
    assert!(table.contains("left_shoulder"), "{table}");
}

#[test]
fn no_person_is_a_result() {
    let dir = temp_dir("empty");
    let wall = dir.join("wall.png");
    image::RgbImage::from_pixel(320, 240, image::Rgb([90, 90, 90]))
        .save(&wall)
        .unwrap();
    let out = posecoach()
        .args(["pose", "--json"])
        .arg(&wall)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let records: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(records[0]["landmarks"].is_null());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn unreadable_image_is_reported_and_others_still_processed() {
    let dir = temp_dir("bad-image");
    let broken = dir.join("broken.jpg");
    std::fs::write(&broken, b"this is not a jpeg").unwrap();
    let out = posecoach()
        .args(["pose", "--json"])
        .arg(&broken)
        .arg(photo("messi5.jpg"))
        .arg(dir.join("missing.png"))
        .output()
        .unwrap();
    assert!(!out.status.success(), "exit code must be non-zero");
    let stderr = text(&out.stderr);
    assert_eq!(
        stderr.lines().count(),
        2,
        "one line per bad file:\n{stderr}"
    );
    assert!(stderr.contains("broken.jpg"), "{stderr}");
    assert!(stderr.contains("missing.png"), "{stderr}");
    let records: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(records.as_array().unwrap().len(), 1);
    assert_eq!(records[0]["source"], "messi5.jpg");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn missing_onnx_runtime_gives_the_setup_command() {
    let out = posecoach()
        .env("ORT_DYLIB_PATH", "/nonexistent/libonnxruntime.so")
        .arg("pose")
        .arg(photo("messi5.jpg"))
        .output()
        .unwrap();
    assert_one_line_error(&out, "make setup");
}

/// A models folder holding the real landmark model and `detector` as the
/// detector.
fn models_with_detector(tag: &str, detector: &[u8]) -> PathBuf {
    let dir = temp_dir(tag);
    std::fs::write(dir.join("pose_detection.onnx"), detector).unwrap();
    std::fs::copy(
        root().join("models/pose_landmark_lite.onnx"),
        dir.join("pose_landmark_lite.onnx"),
    )
    .unwrap();
    dir
}

fn pose_with_models(models: &Path) -> Output {
    posecoach()
        .env("POSECOACH_MODELS", models)
        .arg("pose")
        .arg(photo("messi5.jpg"))
        .output()
        .unwrap()
}

#[test]
fn missing_model_names_the_file() {
    let dir = temp_dir("no-models");
    let out = pose_with_models(&dir);
    assert_one_line_error(&out, "pose_detection.onnx not found");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn truncated_model_names_the_file() {
    let full = std::fs::read(root().join("models/pose_detection.onnx")).unwrap();
    let dir = models_with_detector("truncated", &full[..full.len() / 3]);
    let out = pose_with_models(&dir);
    assert_one_line_error(&out, "pose_detection.onnx is not a valid ONNX model");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn wrong_model_names_the_shapes() {
    let landmark = std::fs::read(root().join("models/pose_landmark_lite.onnx")).unwrap();
    let dir = models_with_detector("wrong", &landmark);
    let out = pose_with_models(&dir);
    assert_one_line_error(
        &out,
        "input input_1 has shape [1,256,256,3], expected [1,224,224,3]",
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn frames_folder_is_tracked_as_one_video() {
    // The first 30 frames of the bundled clip, as pictures in a folder,
    // are tracked as the clip itself is: the same frames with a person (a
    // person walks in at the fifth), the hips in the same place, following
    // them as they move.
    let dir = temp_dir("frames");
    let clip = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/videos/sports2d/demo.mp4"
    );
    let status = Command::new("ffmpeg")
        .args(["-loglevel", "error", "-i", clip, "-frames:v", "30"])
        .arg(dir.join("%03d.png"))
        .status()
        .unwrap();
    assert!(status.success());
    let pose = |frames: &Path| -> Vec<Option<f64>> {
        let out = posecoach()
            .args(["pose", "--json", "--frames"])
            .arg(frames)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        let records: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        records
            .as_array()
            .unwrap()
            .iter()
            .take(30)
            .map(|r| r["landmarks"][23][0].as_f64())
            .collect()
    };
    let folder = pose(&dir);
    let video = pose(Path::new(clip));
    assert_eq!(folder.len(), 30);
    let found = |hips: &[Option<f64>]| hips.iter().map(Option::is_some).collect::<Vec<_>>();
    assert_eq!(found(&folder), found(&video));
    let both: Vec<(f64, f64)> = folder
        .iter()
        .zip(&video)
        .filter_map(|(a, b)| Some(((*a)?, (*b)?)))
        .collect();
    assert!(both.len() >= 20, "{folder:?}");
    for (a, b) in &both {
        assert!((a - b).abs() < 0.03, "folder {a} and video {b}: {folder:?}");
    }
    // Not one still picture: the hips move, and are followed smoothly.
    let (lo, hi) = both.iter().fold((f64::MAX, f64::MIN), |(lo, hi), (a, _)| {
        (lo.min(*a), hi.max(*a))
    });
    assert!(hi - lo > 0.03, "{folder:?}");
    for pair in both.windows(2) {
        assert!((pair[0].0 - pair[1].0).abs() < 0.04, "{folder:?}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn no_camera_is_not_a_crash() {
    // Without a camera the list is empty, not an error; and coaching from
    // camera 0 is one line that says what to do instead. (CI's machine has
    // none; a developer's webcam is listed instead.)
    let out = posecoach().args(["cameras", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let cams: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let cams = cams.as_array().expect("a list");
    if !cams.is_empty() {
        assert!(cams.iter().all(|c| c["index"].is_string()), "{cams:?}");
        return;
    }
    let out = posecoach()
        .args([
            "run",
            "--exercise",
            "wall-slide",
            "--no-window",
            "--no-save",
        ])
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: no camera 0") && stderr.contains("--source FILE"),
        "{stderr}"
    );
}

#[test]
fn exercises_lists_ids_and_names_as_json() {
    let out = posecoach().args(["exercises", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let exercises = list["exercises"].as_array().unwrap();
    assert_eq!(exercises.len(), 13);
    let wall = exercises.iter().find(|e| e["id"] == "wall-slide").unwrap();
    assert_eq!(wall["name"], "Wall slide");
    assert_eq!(list["routines"].as_array().unwrap().len(), 5);
}

#[test]
fn exercises_check_reports_every_problem_and_fails() {
    let dir = temp_dir("check");
    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        "format = 1\nid = \"bad\"\nname = \"Bad\"\nview = \"sideways\"\nposture = \"standing\"\nspeed = 3\n[reps]\nsequence = [\"a\", \"b\"]\nper_set = 0\n",
    )
    .unwrap();
    let out = posecoach()
        .args(["exercises", "check"])
        .arg(root().join("exercises/wall-slide.toml"))
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stdout = text(&out.stdout);
    assert!(stdout.contains("wall-slide.toml: ok"));
    // What the good file will do, in plain words.
    for said in [
        "Counts a repetition for upright, then bent, then upright: 5 a set",
        "Hold: in 'bent' for 5 s, in form; a break under 1 s is forgiven",
        "Stops when knee_angle is below 95 for 1 s",
        "Parameters (change with --param NAME=VALUE): knee_angle_deg = 135 (90 to 150).",
        "Demonstration coached again at knee_angle_deg = 90 and 150.",
        "Demonstration (59 s), coached: 5 repetitions, 5 holds (in form 6.2 s or more), 1 set, where a set is 5.",
        "drew \"Slide lower: bend your knees to 45 degrees\"",
    ] {
        assert!(stdout.contains(said), "'{said}' not in:\n{stdout}");
    }
    let stderr = text(&out.stderr);
    for expected in [
        "bad.toml: speed: unknown key",
        "bad.toml: view: unknown view 'sideways'",
        "bad.toml: reps.per_set: must be at least 1",
        "bad.toml: reps.sequence[0]: unknown phase 'a'",
    ] {
        assert!(stderr.contains(expected), "'{expected}' not in:\n{stderr}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn exercises_check_refuses_a_demonstration_that_counts_nothing() {
    let dir = temp_dir("check-demo");
    let wall = std::fs::read_to_string(root().join("exercises/wall-slide.toml")).unwrap();
    // The figure never slides deep enough.
    let shallow = dir.join("shallow.toml");
    std::fs::write(
        &shallow,
        wall.replace(
            "thigh_deg = \"170 - knee_angle_deg\"",
            "thigh_deg = \"150 - knee_angle_deg\"",
        ),
    )
    .unwrap();
    let out = posecoach()
        .args(["exercises", "check"])
        .arg(&shallow)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("shallow.toml: demo: the demonstration counts nothing"),
        "{stderr}"
    );
    assert!(text(&out.stdout).contains("coached: 0 repetitions, 0 holds, 0 sets"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_user_folder_adds_exercises() {
    let dir = temp_dir("user-exercises");
    let wall = std::fs::read_to_string(root().join("exercises/wall-slide.toml")).unwrap();
    std::fs::write(
        dir.join("deep-wall-slide.toml"),
        wall.replace("id = \"wall-slide\"", "id = \"deep-wall-slide\"")
            .replace("knee_angle_deg = 135", "knee_angle_deg = 120"),
    )
    .unwrap();
    let out = posecoach()
        .args(["exercises", "--json", "--exercises"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        list["exercises"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["id"] == "deep-wall-slide")
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn replay_coaches_a_real_clip_and_prints_the_summary_layout() {
    let out = posecoach()
        .args(["replay", "--exercise", "standing-back-bend", "--json"])
        .arg(root().join("fixtures/videos/pose2sim/cam01.mp4"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let exercise = &summary["exercises"][0];
    assert_eq!(exercise["id"], "standing-back-bend");
    for key in ["reps", "holds", "cues", "stops"] {
        assert!(exercise[key].is_array(), "{key} in {exercise}");
    }
    assert!(exercise["sets_completed"].is_u64());
    // The man balancing on one leg for 1.7 s is not doing a back bend:
    // nothing counts (the start position is said after 2 s).
    assert_eq!(exercise["reps"].as_array().unwrap().len(), 0);
    assert_eq!(exercise["holds"].as_array().unwrap().len(), 0);
}

#[test]
fn replay_names_an_unknown_exercise() {
    let out = posecoach()
        .args(["replay", "--exercise", "cartwheel"])
        .arg(root().join("fixtures/videos/pose2sim/cam01.mp4"))
        .output()
        .unwrap();
    assert_one_line_error(&out, "no exercise 'cartwheel'");
}

#[test]
fn a_broken_file_of_ones_own_is_warned_about_in_plain_text() {
    // Into a pipe or a file, a warning carries no colour codes.
    let dir = temp_dir("broken-user-exercise");
    std::fs::write(dir.join("broken.toml"), "format = 1\nid = \"broken\"\n").unwrap();
    let out = posecoach()
        .args([
            "replay",
            "--no-window",
            "--exercise",
            "inversion",
            "--exercises",
        ])
        .arg(&dir)
        .arg(root().join("fixtures/sessions/model-inversion.posecoach"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("broken.toml: name: missing"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_misspelt_or_non_finite_param_is_refused() {
    let session = root().join("fixtures/sessions/model-inversion.posecoach");
    let replay = |param: &str| {
        posecoach()
            .args([
                "replay",
                "--no-window",
                "--exercise",
                "inversion",
                "--param",
                param,
            ])
            .arg(&session)
            .output()
            .unwrap()
    };
    // A misspelt name would leave the default 60 degrees in force.
    assert_one_line_error(
        &replay("target_angle=20"),
        "--param target_angle: no such parameter; inversion takes hold_s, target_angle_deg",
    );
    assert_one_line_error(&replay("target_angle_deg=nan"), "is not a finite number");
    assert_one_line_error(&replay("target_angle_deg=inf"), "is not a finite number");
    // A good one is taken.
    assert!(replay("target_angle_deg=45").status.success());
    let out = posecoach()
        .args([
            "replay",
            "--no-window",
            "--exercise",
            "wall-slide",
            "--param",
            "depth=3",
        ])
        .arg(root().join("fixtures/sessions/model-wall-slide.posecoach"))
        .output()
        .unwrap();
    assert_one_line_error(
        &out,
        "--param depth: no such parameter; wall-slide takes knee_angle_deg",
    );
}

#[test]
fn report_gives_a_restarted_exercise_its_own_chart_and_samples() {
    let dir = temp_dir("report-restart");
    let fixture =
        std::fs::read_to_string(root().join("fixtures/sessions/model-wall-slide.posecoach"))
            .unwrap();
    // R pressed after the frame at 10 s.
    let mut lines = Vec::new();
    let mut pressed = false;
    for line in fixture.lines() {
        lines.push(line.to_string());
        let t_ms = serde_json::from_str::<serde_json::Value>(line)
            .ok()
            .and_then(|v| v["t_ms"].as_f64());
        if !pressed && line.contains("\"pose\"") && t_ms.is_some_and(|t| t >= 10_000.0) {
            lines.push(format!(
                r#"{{"command":"restart_exercise","t_ms":{}}}"#,
                t_ms.unwrap_or_default()
            ));
            pressed = true;
        }
    }
    let session = dir.join("restarted.posecoach");
    std::fs::write(&session, lines.join("\n") + "\n").unwrap();
    let svg_path = dir.join("restarted.svg");
    let out = posecoach()
        .arg("report")
        .arg(&session)
        .arg("-o")
        .arg(&svg_path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let svg = std::fs::read_to_string(&svg_path).unwrap();
    // Two charts, each with the knee angle of its own part of the session.
    let charts: Vec<&str> = svg.split("class=\"title\"").skip(1).collect();
    assert_eq!(charts.len(), 2, "{svg}");
    let points = |chart: &str| -> usize {
        chart
            .split("points=\"")
            .skip(1)
            .map(|p| p.split('"').next().unwrap_or("").split(' ').count())
            .sum()
    };
    let times: Vec<f64> = fixture
        .lines()
        .filter(|l| l.contains("\"pose\""))
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok()?["t_ms"].as_f64())
        .collect();
    let before = times.iter().filter(|t| **t <= 10_000.0).count();
    let after = times.iter().filter(|t| **t >= 13_000.0).count();
    let (first, second) = (points(charts[0]), points(charts[1]));
    // The frames up to R; then those after its 3 s of getting ready.
    assert_eq!(first, before, "{first} + {second} of {}", times.len());
    assert!(
        second.abs_diff(after) <= 1,
        "{first} + {second} of {}",
        times.len()
    );
}

#[test]
fn report_draws_a_recorded_session() {
    let dir = temp_dir("report");
    let session = root().join("fixtures/sessions/model-wall-slide.posecoach");
    let svg_path = dir.join("wall.svg");
    let out = posecoach()
        .arg("report")
        .arg(&session)
        .arg("-o")
        .arg(&svg_path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let svg = std::fs::read_to_string(&svg_path).unwrap();
    assert!(svg.starts_with("<svg"));
    assert_eq!(
        svg.matches("class=\"rep\"").count(),
        2,
        "two repetitions marked"
    );
    assert_eq!(svg.matches("class=\"hold\"").count(), 2, "two holds shaded");
    assert_eq!(
        svg.matches("class=\"target\"").count(),
        1,
        "the target band"
    );
    let points = svg
        .split("points=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert!(points.split(' ').count() > 150, "the knee angle over time");
    assert!(svg.contains("Wall slide: 2 repetitions, 2 holds"));

    let html_path = dir.join("wall.html");
    let out = posecoach()
        .arg("report")
        .arg(&session)
        .arg("-o")
        .arg(&html_path)
        .output()
        .unwrap();
    assert!(out.status.success());
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(html.contains("<table class=\"summary\">") && html.contains("<table class=\"reps\">"));

    // PNG: the same chart drawn at 2 pixels per unit, with the summary
    // table under it.
    let out = posecoach()
        .arg("report")
        .arg(&session)
        .arg("-o")
        .arg(dir.join("wall.png"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let png = image::open(dir.join("wall.png")).unwrap().to_rgb8();
    assert_eq!((png.width(), png.height()), (1800, 648));
    let near = |p: &image::Rgb<u8>, c: [u8; 3]| p.0.iter().zip(c).all(|(a, b)| a.abs_diff(b) <= 12);
    // Repetition lines (#d8573b): two lines 2 units (4 px) wide, 360 px
    // tall: at least half their width fully coloured.
    let rep_pixels = png.pixels().filter(|p| near(p, [0xd8, 0x57, 0x3b])).count();
    assert!(
        rep_pixels > 2 * 2 * 360,
        "repetition lines: {rep_pixels} pixels"
    );
    // The target band: #2e9e44 at 18% over #fafafa, about 90 px tall
    // across the 1640 px plot, where no hold is shaded over it.
    let band = png.pixels().filter(|p| near(p, [0xd5, 0xea, 0xd8])).count();
    assert!(band > 40_000, "target band: {band} pixels");
    // Dark text in the table's value row (y 546-598 in pixels).
    let table_ink = (546..598)
        .flat_map(|y| (120..1760).map(move |x| (x, y)))
        .filter(|&(x, y)| png.get_pixel(x, y).0.iter().all(|&v| v < 80))
        .count();
    assert!(
        table_ink > 500,
        "table values drawn: {table_ink} dark pixels"
    );

    let out = posecoach()
        .arg("report")
        .arg(&session)
        .arg("-o")
        .arg(dir.join("wall.gif"))
        .output()
        .unwrap();
    assert_one_line_error(&out, "wall.gif: write the report as .png, .svg or .html");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn run_without_a_camera_suggests_a_file() {
    // No camera can exist on the test machine: one line, naming --source FILE.
    let out = posecoach()
        .args(["run", "--exercise", "wall-slide", "--no-save"])
        .env_remove("DISPLAY")
        .output()
        .unwrap();
    assert_one_line_error(&out, "--source FILE");
}

#[test]
fn run_without_a_window_prints_json_events_and_the_summary() {
    let dir = temp_dir("run-json");
    let out = posecoach()
        .args([
            "run",
            "--no-window",
            "--json",
            "--exercise",
            "standing-back-bend",
            "--data-dir",
        ])
        .arg(&dir)
        .arg("--source")
        .arg(root().join("fixtures/videos/sports2d/demo.mp4"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let (summary, events) = lines.split_last().unwrap();
    assert_eq!(summary["exercises"][0]["id"], "standing-back-bend");
    assert!(events.iter().any(|e| e["event"] == "cue"), "{events:?}");
    // Saved in the data folder, owner-only, replaying to the same summary.
    let saved = events.iter().find(|e| e["event"] == "saved").unwrap();
    let path = std::path::PathBuf::from(saved["path"].as_str().unwrap());
    assert!(path.starts_with(dir.join("sessions")));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let replay = posecoach()
        .args(["replay", "--json"])
        .arg(&path)
        .output()
        .unwrap();
    let replayed: serde_json::Value = serde_json::from_slice(&replay.stdout).unwrap();
    assert_eq!(&replayed, summary);
}

#[test]
fn bench_prints_stage_times_draw_time_and_a_long_replay_in_bounded_memory() {
    let out = posecoach()
        .args([
            "bench",
            "--models",
            "lite",
            "--frames",
            "10",
            "--long-replay-hours",
            "0.1",
        ])
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(stdout.contains("lite     tracking"), "{stdout}");
    assert!(stdout.contains("draw 1280x720"), "{stdout}");
    // 0.1 h at 30 fps, coached to its end.
    let long = stdout
        .lines()
        .find(|l| l.starts_with("long replay"))
        .unwrap();
    assert!(
        long.contains("10800 frames") && long.contains("coached to 360 s"),
        "{long}"
    );
    // Bounded: an 11 MB recording coached without taking it whole in
    // memory ("at most 92 MB during (+1 MB)" here).
    let grew_mb: f64 = long
        .rsplit_once("(+")
        .and_then(|(_, rest)| rest.split_once(" MB)"))
        .map(|(mb, _)| mb.parse().unwrap())
        .unwrap_or_else(|| panic!("no growth in {long}"));
    assert!(grew_mb < 11.0, "memory grew {grew_mb} MB: {long}");
    assert!(
        stdout.contains("side by side with MediaPipe: not run"),
        "{stdout}"
    );
}

#[test]
fn the_demonstration_of_a_routine_is_coached_headless_with_counts_and_corrections() {
    // What `make run` does on a machine without a camera or a display.
    let out = posecoach()
        .args([
            "run",
            "--source",
            "demo",
            "--routine",
            "prevention",
            "--no-save",
        ])
        .args(["--pain-before", "3", "--pain-after", "2"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for said in [
        "prone-leg-raise: 10 repetitions",
        "supine-leg-raise: 10 repetitions",
        "standing-back-bend: 6 repetitions",
        "wall-slide: 5 repetitions",
        "\"Keep your knee straight: lift from the hip\"",
        "\"Slide lower: bend your knees to 45 degrees\"",
        "pain (0-10): before 3, after 2",
    ] {
        assert!(stdout.contains(said), "'{said}' not in:\n{stdout}");
    }
}

#[test]
fn without_an_exercise_and_without_a_window_there_is_no_home_screen() {
    // `posecoach` alone is `run`, which opens the home screen in a window;
    // without a display it says what to give instead, in one line.
    for args in [
        &[][..],
        &["run"][..],
        &["run", "--no-window", "--source", "demo"][..],
    ] {
        let out = posecoach().args(args).output().unwrap();
        assert_one_line_error(&out, "give --exercise ID or --routine ID");
        assert!(
            text(&out.stderr).contains("no home screen"),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn the_demonstration_is_never_saved_nor_counted_as_the_persons_own() {
    let dir = temp_dir("demo-not-saved");
    let data = dir.join("data");
    let out = posecoach()
        .args(["run", "--source", "demo", "--exercise", "floor-bridge"])
        .args(["--no-window", "--no-check-in", "--data-dir"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    // Coached all the same: the set of ten bridges.
    assert!(stdout.contains("10 of 10"), "{stdout}");
    assert!(stdout.contains("Demonstration: not saved"), "{stdout}");
    assert!(!stdout.contains("Session saved"), "{stdout}");
    // No session file, no history: the data folder is not even made.
    assert!(!data.exists(), "{:?}", std::fs::read_dir(&data).ok());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_misspelt_command_flag_exercise_or_routine_gets_did_you_mean() {
    for (args, said) in [
        (vec!["runn"], "did you mean 'run'?"),
        (
            vec!["run", "--exercize", "wall-slide"],
            "did you mean '--exercise'?",
        ),
        (
            vec![
                "run",
                "--exercise",
                "wallslide",
                "--source",
                "demo",
                "--no-window",
            ],
            "no exercise 'wallslide': did you mean 'wall-slide'?",
        ),
        (
            vec![
                "run",
                "--routine",
                "prevension",
                "--source",
                "demo",
                "--no-window",
            ],
            "no routine 'prevension': did you mean 'prevention'?",
        ),
    ] {
        let out = posecoach().args(&args).output().unwrap();
        assert_one_line_error(&out, said);
    }
}

#[test]
fn a_closed_pipe_ends_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    // Landmarks of 230 frames as JSON: far more than a pipe holds.
    let mut child = posecoach()
        .args(["pose", "--json", "--frames"])
        .arg(root().join("fixtures/videos/sports2d/demo.mp4"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one byte, then close the pipe, as `| head -c 1` does.
    let mut stdout = child.stdout.take().unwrap();
    let mut byte = [0u8; 1];
    stdout.read_exact(&mut byte).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert!(
        !text(&out.stderr).contains("Broken pipe"),
        "{}",
        text(&out.stderr)
    );
    // A listing printed line by line (`exercises | head -1`), its reader
    // gone before the first line: no panic, no message, success.
    for args in [vec!["exercises"], vec!["history", "--weeks", "1"]] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = posecoach()
            .args(&args)
            .stdout(writer)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
            .wait_with_output()
            .unwrap();
        assert!(out.stderr.is_empty(), "{args:?}: {}", text(&out.stderr));
        assert!(out.status.success(), "{args:?}: {:?}", out.status);
    }
}

#[test]
fn report_on_a_video_says_what_the_file_is_and_what_report_wants() {
    let video = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/videos/sports2d/demo.mp4"
    );
    let dir = temp_dir("report-video");
    let out = posecoach()
        .arg("report")
        .arg(video)
        .arg("-o")
        .arg(dir.join("report.svg"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("demo.mp4: line 1:"), "{err}");
    assert!(
        err.contains("a binary file (a video or a picture?)"),
        "{err}"
    );
    assert!(
        err.contains("posecoach replay VIDEO --exercise ID --record SESSION"),
        "{err}"
    );
    assert!(!dir.join("report.svg").exists());
}
