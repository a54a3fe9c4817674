//! What the coaching screen says, read back from the overlay's own drawing:
//! every shipped exercise's demonstration (the body model doing it, with
//! its mistakes) is coached by the session and drawn by `overlay::draw`, as
//! the window draws it, and every text drawn is kept.

// Tests fail by panicking with the value.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use posecoach::exercise::body::{Body, FPS, MODEL_IMAGE_PX};
use posecoach::exercise::catalog::Catalog;
use posecoach::exercise::demo;
use posecoach::overlay::Rgb;
use posecoach::overlay::canvas::Canvas;
use posecoach::overlay::figure::{self, Picture, draw_picture};
use posecoach::overlay::text::{Drawn, TextRenderer};
use posecoach::overlay::{self, Status, View};
use posecoach::pose::Landmark;
use posecoach::session::Session;

/// Every third frame of the demonstration's 30: each number drawn lives
/// longer than that.
const DRAW_EVERY: usize = 3;
const WINDOW_PX: (usize, usize) = (1280, 720);

fn catalog() -> Catalog {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("exercises");
    let catalog = Catalog::load(&[dir], &Default::default());
    assert!(catalog.problems.is_empty(), "{:?}", catalog.problems);
    catalog
}

/// The texts drawn in each drawn frame of `id`'s demonstration, with the
/// frame's time.
fn coached_demonstration(catalog: &Catalog, id: &str) -> Vec<(f64, Vec<Drawn>)> {
    let exercise = catalog.exercise(id).unwrap().clone();
    let motion = demo::session_motion(std::slice::from_ref(&exercise), 0.0).unwrap();
    let mut session = Session::new(vec![exercise], 0.0).unwrap();
    let mut canvas = Canvas::new(WINDOW_PX.0, WINDOW_PX.1).unwrap();
    let mut text = TextRenderer::new().unwrap();
    text.record_drawn();
    let size = (MODEL_IMAGE_PX.0 as u32, MODEL_IMAGE_PX.1 as u32);
    let mut frames = Vec::new();
    for (i, figure) in motion.frames.iter().enumerate() {
        let t_ms = i as f64 * 1000.0 / FPS;
        let pose = figure.landmarks();
        let (feedback, _events) = session.update(t_ms, Some(&pose));
        if i % DRAW_EVERY != 0 {
            continue;
        }
        let view = View {
            image: None,
            image_size: size,
            mirrored: false,
            pose: Some(&pose),
            session: Some(&feedback),
            status: Status::Running,
            muted: false,
            demonstration: true,
            note: None,
            stats: None,
            placement: None,
            ghost: None,
        };
        overlay::draw(&mut canvas, &mut text, &view);
        frames.push((t_ms, text.take_drawn()));
    }
    frames
}

/// A number written with an "x" after it ("0.41 x", "2x"): a ratio no
/// patient can act on.
fn has_times_unit(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.iter().enumerate().any(|(i, c)| {
        let unit = matches!(c, 'x' | '×');
        let after_number = chars[..i]
            .iter()
            .rev()
            .find(|c| **c != ' ')
            .is_some_and(char::is_ascii_digit);
        let word_ends = chars.get(i + 1).is_none_or(|n| !n.is_alphanumeric());
        unit && after_number && word_ends
    })
}

/// A minus sign before a number ("-20°", "(−0.2"), not a range ("3-5").
fn has_negative_number(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(2).enumerate().any(|(i, w)| {
        let minus = matches!(w[0], '-' | '−');
        let before_is_digit = i > 0 && chars[i - 1].is_ascii_digit();
        minus && w[1].is_ascii_digit() && !before_is_digit
    })
}

/// The degrees written in `text` ("knee bend 45°" gives 45).
fn degrees(text: &str) -> Vec<f64> {
    text.split('°')
        .filter(|part| !part.is_empty())
        .filter_map(|part| {
            let digits: String = part
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            digits.parse().ok()
        })
        .collect()
}

#[test]
fn the_unit_checks_see_what_they_look_for() {
    assert!(has_times_unit("0.41 x"));
    assert!(has_times_unit("-0.20x"));
    assert!(!has_times_unit("Relax and exhale"));
    assert!(!has_times_unit("6 exercises, 2 sets"));
    assert!(has_negative_number("-20°"));
    assert!(has_negative_number("lean (−3°)"));
    assert!(!has_negative_number("hold 3-5 seconds"));
    assert!(!has_negative_number("chin-to-chest"));
    assert_eq!(degrees("knee bend 45°"), vec![45.0]);
}

#[test]
fn every_demonstration_is_drawn_in_degrees_of_the_thing_named_never_negative_nor_a_ratio() {
    let catalog = catalog();
    let ids: Vec<String> = catalog
        .exercises
        .iter()
        .filter(|e| e.demo.is_some())
        .map(|e| e.id.clone())
        .collect();
    assert!(ids.len() >= 13, "shipped demonstrations: {ids:?}");
    let mut degrees_seen = 0;
    for id in &ids {
        for (t_ms, drawn) in coached_demonstration(&catalog, id) {
            for d in &drawn {
                let at = format!("{id} at {:.1} s: {:?}", t_ms / 1000.0, d.text);
                assert!(!has_times_unit(&d.text), "a ratio drawn: {at}");
                assert!(!has_negative_number(&d.text), "a negative drawn: {at}");
                for deg in degrees(&d.text) {
                    assert!(deg <= 180.0, "more than half a turn: {at}");
                    degrees_seen += 1;
                }
            }
        }
    }
    // Not vacuous: the joints' degrees are drawn beside them.
    assert!(degrees_seen > 1000, "{degrees_seen} degrees drawn");
}

#[test]
fn the_wall_slide_shows_the_knee_bend_the_cue_asks_for_not_the_inner_angle() {
    let catalog = catalog();
    let frames = coached_demonstration(&catalog, "wall-slide");
    let cue_asks = frames
        .iter()
        .flat_map(|(_, drawn)| drawn)
        .any(|d| d.text.contains("45 degrees"));
    assert!(cue_asks, "the cue names the 45-degree bend");
    // The deepest knee drawn is the bend the cue asks for (45, not 135),
    // and standing it reads near 0 (not 180).
    let knee: Vec<f64> = frames
        .iter()
        .flat_map(|(_, drawn)| drawn)
        .filter(|d| d.text.starts_with("knee bend"))
        .flat_map(|d| degrees(&d.text))
        .collect();
    assert!(!knee.is_empty(), "no knee bend drawn");
    let deepest = knee.iter().copied().fold(f64::MIN, f64::max);
    let straightest = knee.iter().copied().fold(f64::MAX, f64::min);
    assert!(
        (38.0..=55.0).contains(&deepest),
        "deepest knee bend {deepest}°"
    );
    assert!(straightest <= 15.0, "standing knee bend {straightest}°");
}

/// The home screen's picture of `id`, drawn in a tile's picture box.
fn tile_picture(catalog: &Catalog, id: &str) -> (Picture, Canvas) {
    let exercise = catalog.exercise(id).unwrap();
    let picture = Picture::of(exercise.demo.as_ref().unwrap()).unwrap();
    let mut canvas = Canvas::new(TILE_PICTURE_PX.0, TILE_PICTURE_PX.1).unwrap();
    let area = (0.0, 0.0, TILE_PICTURE_PX.0 as f64, TILE_PICTURE_PX.1 as f64);
    draw_picture(&mut canvas, &picture, area);
    (picture, canvas)
}

/// A home screen tile's picture at 1280x720.
const TILE_PICTURE_PX: (usize, usize) = (168, 90);

/// Pixels near `colour` (anti-aliased edges included).
fn pixels_of(canvas: &Canvas, colour: Rgb) -> usize {
    (0..canvas.height)
        .flat_map(|y| (0..canvas.width).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            canvas.get(x, y).is_some_and(|c| {
                let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).abs();
                d(c.0, colour.0) + d(c.1, colour.1) + d(c.2, colour.2) < 60
            })
        })
        .count()
}

#[test]
fn the_home_pictures_show_a_shoulder_roll_going_round_and_the_squeeze_lying_face_down() {
    let catalog = catalog();
    for exercise in &catalog.exercises {
        let (picture, canvas) = tile_picture(&catalog, &exercise.id);
        let arrow_px = pixels_of(&canvas, figure::CIRCLING);
        if exercise.id == "shoulder-rolls" {
            // The shoulder's loop (0.1 torso across, 3 pixels in a tile) is
            // drawn as a round arrow big enough to see.
            assert_eq!(picture.circlings.len(), 1, "{:?}", picture.circlings);
            assert!(arrow_px > 40, "{arrow_px} pixels of the round arrow");
        } else {
            // Nothing else goes round: a leg raised and lowered is no loop.
            assert!(picture.circlings.is_empty(), "{}", exercise.id);
            assert_eq!(arrow_px, 0, "{}", exercise.id);
        }
    }
    // Face down seen from above: along the picture (longer than tall),
    // head on the right, on its mat; not a figure standing with its arms
    // out.
    let (squeeze, _) = tile_picture(&catalog, "scapular-squeeze");
    assert!(squeeze.from_above);
    let x = |l: Landmark| squeeze.pose.points[l.index()].x_px;
    let y = |l: Landmark| squeeze.pose.points[l.index()].y_px;
    assert!(x(Landmark::Nose) > x(Landmark::LeftHip) + 200.0);
    assert!(x(Landmark::LeftHip) > x(Landmark::LeftAnkle) + 200.0);
    assert!((y(Landmark::Nose) - y(Landmark::LeftAnkle)).abs() < 100.0);
    // The arms out across the body, swept a little towards the feet.
    assert!((y(Landmark::LeftWrist) - y(Landmark::RightWrist)).abs() > 400.0);
    assert!(x(Landmark::LeftWrist) < x(Landmark::LeftShoulder));
}
