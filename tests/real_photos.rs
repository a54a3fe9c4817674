//! The shipped exercises on real people: the start (`0.jpg`) and end
//! (`1.jpg`) photos of the guide's exercises in
//! `../shared/data/real/seed/free_exercise_db_photos`, through the pose
//! model, then the engine. The photos are not ours to redistribute, so
//! these tests are `#[ignore]`d and run by `make test-real` (and CI).
//!
//! A photo is one moment; a performance is made from two real poses by
//! moving every landmark in a straight line from one to the other at the
//! guide's pace, with the jitter BlazePose shows on real side-on video
//! (`REAL_JITTER_*`). The person, their proportions, the model's
//! placement of hidden limbs and its visibility scores are real.

// Tests fail by panicking with the value.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/shared.rs"]
mod shared;

use common::{Body, Conditions, Motion, Outcome, Rng, exercise, run};
use posecoach::exercise::engine::{Feedback, PoseFrame};
use posecoach::exercise::file::load_exercise;
use posecoach::geometry::Point;
use posecoach::pose::{
    BlazePose, BlazePoseConfig, Landmark, ModelVariant, NUM_LANDMARKS, PoseEstimator, TrackingMode,
};
use posecoach::source::load_image;
use shared::shared;

/// Per-frame jitter of real side-on video (BlazePose lite, tracking, the
/// clips of `../shared/data/real`), as a share of the torso: 0.0-0.4% on
/// the side near the camera, 0.1-1.3% on the far side.
const REAL_JITTER_NEAR: f64 = 0.004;
const REAL_JITTER_FAR: f64 = 0.013;
/// A landmark rated below this is taken as on the far side, for jitter.
const FAR_VISIBILITY: f32 = 0.5;

/// One real pose: landmarks in pixels with the model's visibility.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Real {
    points: [Point; NUM_LANDMARKS],
    visibility: [f32; NUM_LANDMARKS],
    image_size_px: (f64, f64),
}

impl Real {
    fn torso_px(&self) -> f64 {
        let p = |l: Landmark| self.points[l.index()];
        p(Landmark::LeftShoulder)
            .midpoint(p(Landmark::RightShoulder))
            .distance(p(Landmark::LeftHip).midpoint(p(Landmark::RightHip)))
    }

    /// The leg of `side` (knee, ankle, heel, toes) turned about its hip
    /// until it lies along the other leg: the raised leg lowered to the
    /// floor, everything else as photographed.
    fn leg_lowered(&self, hip: Landmark, leg: [Landmark; 4], other_ankle: Landmark) -> Real {
        let centre = self.points[hip.index()];
        let angle = |p: Point| (p.y_px - centre.y_px).atan2(p.x_px - centre.x_px);
        let turn = angle(self.points[other_ankle.index()]) - angle(self.points[leg[1].index()]);
        let (sin, cos) = turn.sin_cos();
        let mut lowered = *self;
        for l in leg {
            let p = self.points[l.index()];
            let (dx, dy) = (p.x_px - centre.x_px, p.y_px - centre.y_px);
            lowered.points[l.index()] = Point::new(
                centre.x_px + dx * cos - dy * sin,
                centre.y_px + dx * sin + dy * cos,
            );
        }
        lowered
    }
}

impl Body for Real {
    fn lerp(&self, other: &Self, f: f64) -> Self {
        let mut out = *self;
        for i in 0..NUM_LANDMARKS {
            let (a, b) = (self.points[i], other.points[i]);
            out.points[i] = Point::new(
                a.x_px + (b.x_px - a.x_px) * f,
                a.y_px + (b.y_px - a.y_px) * f,
            );
            out.visibility[i] =
                self.visibility[i] + (other.visibility[i] - self.visibility[i]) * f as f32;
        }
        out
    }

    /// Real jitter, whatever the degrees asked for.
    fn jittered(&self, rng: &mut Rng, _deg: f64) -> Self {
        let torso = self.torso_px();
        let mut out = *self;
        for i in 0..NUM_LANDMARKS {
            let share = if self.visibility[i] < FAR_VISIBILITY {
                REAL_JITTER_FAR
            } else {
                REAL_JITTER_NEAR
            };
            out.points[i].x_px += rng.symmetric(share * torso);
            out.points[i].y_px += rng.symmetric(share * torso);
        }
        out
    }

    fn landmarks(&self) -> PoseFrame {
        PoseFrame {
            points: self.points,
            visibility: self.visibility,
            image_size_px: self.image_size_px,
            depth_px: None,
        }
    }
}

/// The pose in `NAME/I.jpg`, found by the full model as `posecoach pose`
/// finds it in a photo.
fn photo(name: &str, i: u32) -> Real {
    let path = shared(&format!(
        "data/real/seed/free_exercise_db_photos/{name}/{i}.jpg"
    ));
    let image = load_image(&path).unwrap();
    let mut model = BlazePose::new(&BlazePoseConfig::new(
        ModelVariant::Full,
        TrackingMode::StaticImages,
    ))
    .unwrap();
    let pose = model
        .estimate(&image, 0.0)
        .unwrap()
        .unwrap_or_else(|| panic!("nobody found in {}", path.display()));
    let frame = PoseFrame::from_pose(&pose, image.width(), image.height());
    Real {
        points: frame.points,
        visibility: frame.visibility,
        image_size_px: frame.image_size_px,
    }
}

fn real_jitter() -> Conditions {
    Conditions {
        jitter_deg: 1.0,
        ..Conditions::default()
    }
}

/// What the coach shows after seeing one photo for two seconds, and the
/// cues it said.
fn still(id: &str, pose: &Real) -> (Feedback, Vec<String>) {
    let out = run(
        &exercise(id),
        &Motion::start(*pose).hold(2.0),
        &real_jitter(),
    );
    (out.feedback.last().cloned().unwrap(), out.cues())
}

/// `times` repetitions from the start photo to the end photo and back.
fn between(start: Real, end: Real, times: usize, hold_s: f64) -> Motion<Real> {
    Motion::start(start)
        .hold(2.0)
        .reps(end, times, 1.5, hold_s, 1.5)
}

/// An exercise's second instruction: what it says once the person is in
/// the start position.
fn next(id: &str) -> String {
    exercise(id).instructions[1].clone()
}

fn fixture(id: &str) -> posecoach::exercise::Exercise {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("fixtures/exercises/real/{id}.toml"));
    load_exercise(&path, &Default::default()).unwrap()
}

fn summary(out: &Outcome) -> String {
    format!(
        "{} reps, holds {:?}, cues {:?}",
        out.reps(),
        out.holds(),
        out.cues()
    )
}

const FLOOR_BRIDGES: [&str; 3] = [
    "Butt_Lift_Bridge",
    "Pelvic_Tilt_Into_Bridge",
    "Single_Leg_Glute_Bridge",
];

#[test]
#[ignore = "reads ../shared (make test-real)"]
fn floor_bridges_of_three_people_count_and_the_ball_bridge_asks_for_the_ball() {
    for name in FLOOR_BRIDGES {
        let (down, up) = (photo(name, 0), photo(name, 1));
        // Lying on the back is the bridge's posture: no "lie on your back",
        // only what to do next.
        let (fb, cues) = still("ball-bridge", &down);
        assert_eq!(fb.phase.as_deref(), Some("down"), "{name}: {cues:?}");
        assert_eq!(cues, [next("ball-bridge")], "{name}");
        let (fb, _) = still("ball-bridge", &up);
        assert_eq!(fb.phase.as_deref(), Some("up"), "{name}");

        let motion = between(down, up, 3, 5.5);
        let floor = run(&fixture("glute-bridge"), &motion, &real_jitter());
        assert_eq!(floor.reps(), 3, "{name}: {}", summary(&floor));
        // The shipped floor bridge counts them too.
        let floor = run(&exercise("floor-bridge"), &motion, &real_jitter());
        assert_eq!(floor.reps(), 3, "{name}: {}", summary(&floor));
        // The guide's bridge has the heels on a ball: with the feet on the
        // floor it says so, and does not count the lift as its own.
        let ball = run(&exercise("ball-bridge"), &motion, &real_jitter());
        assert!(
            ball.said("Keep your heels on top of the ball"),
            "{name}: {}",
            summary(&ball)
        );
        assert_eq!(ball.reps(), 0, "{name}: {}", summary(&ball));
        assert!(!ball.said("Lie on your back"), "{name}: {}", summary(&ball));
    }
}

/// The two supine hamstring stretches: a man on his back raises his near
/// leg, knee bent (0.jpg), then straight up (1.jpg).
const LEG_UP: [&str; 2] = ["Leg-Up_Hamstring_Stretch", "Hamstring_Stretch"];

#[test]
#[ignore = "reads ../shared (make test-real)"]
fn the_supine_leg_raise_judges_a_real_raised_leg() {
    for name in LEG_UP {
        let (bent, straight) = (photo(name, 0), photo(name, 1));
        let (fb, cues) = still("supine-leg-raise", &bent);
        assert_eq!(fb.phase.as_deref(), Some("up"), "{name}: {cues:?}");
        assert!(
            cues.iter().any(|c| c == "Keep the raised knee straight"),
            "{name}: {cues:?}"
        );
        let (fb, cues) = still("supine-leg-raise", &straight);
        assert_eq!(fb.phase.as_deref(), Some("up"), "{name}: {cues:?}");
        // Nothing about the leg: at most, first seen with it up, where to
        // start from.
        let start = &exercise("supine-leg-raise").instructions[0];
        assert!(cues.iter().all(|c| c == start), "{name}: {cues:?}");
        assert_eq!(fb.side.map(|s| s.name()), Some("left"), "{name}");

        // One raise of his left leg from the floor, held 10 s: counted
        // once, on the left, in form.
        let down = straight.leg_lowered(
            Landmark::LeftHip,
            [
                Landmark::LeftKnee,
                Landmark::LeftAnkle,
                Landmark::LeftHeel,
                Landmark::LeftFootIndex,
            ],
            Landmark::RightAnkle,
        );
        let motion = between(down, straight, 1, 11.0).hold(1.0);
        let out = run(&exercise("supine-leg-raise"), &motion, &real_jitter());
        assert_eq!(out.reps(), 1, "{name}: {}", summary(&out));
        assert_eq!(out.rep_sides(), ["left"], "{name}");
        assert_eq!(out.holds().len(), 1, "{name}: {}", summary(&out));
        assert!(out.holds()[0] >= 9.5, "{name}: {}", summary(&out));
        assert!(
            !out.said("Keep the raised knee straight"),
            "{name}: {}",
            summary(&out)
        );
    }
}

#[test]
#[ignore = "reads ../shared (make test-real)"]
fn the_press_up_starts_on_real_people_lying_face_down() {
    for name in ["Lower_Back_Curl", "Superman"] {
        let (fb, cues) = still("back-extension", &photo(name, 0));
        assert!(fb.tracking, "{name}");
        assert_eq!(fb.phase.as_deref(), Some("down"), "{name}: {cues:?}");
        // In position: told what comes next, nothing else.
        assert_eq!(cues, [next("back-extension")], "{name}");
    }
}

#[test]
#[ignore = "reads ../shared (make test-real)"]
fn the_standing_back_bend_checks_where_the_hands_are() {
    // Side-on, standing: arms hanging (0.jpg), then hands on the small of
    // the back (1.jpg).
    let ex = exercise("standing-back-bend");
    let out = run(
        &ex,
        &Motion::start(photo("Elbows_Back", 0)).hold(5.0),
        &real_jitter(),
    );
    let fb = out.feedback.last().unwrap();
    assert_eq!(fb.phase.as_deref(), Some("upright"), "{:?}", out.cues());
    assert_eq!(
        out.cues(),
        [
            next("standing-back-bend").as_str(),
            "Press your hands on the small of your back"
        ]
    );
    let (fb, cues) = still("standing-back-bend", &photo("Elbows_Back", 1));
    assert_eq!(fb.phase.as_deref(), Some("upright"), "{cues:?}");
    assert_eq!(cues, [next("standing-back-bend")]);
}

#[test]
#[ignore = "reads ../shared (make test-real)"]
fn each_exercise_asks_for_the_view_it_needs() {
    // Facing the camera, head level: the neck stretch's start.
    let (fb, cues) = still("neck-stretch", &photo("Side_Neck_Stretch", 0));
    assert!(fb.tracking);
    assert_eq!(fb.phase.as_deref(), Some("neutral"), "{cues:?}");
    // Seen side-on, the neck stretch (done facing the camera) asks to face
    // it; seen from the front, the press-up (judged side-on) asks to turn,
    // and shoulder rolls (judged either way) are followed.
    for i in 0..2 {
        let (fb, cues) = still("neck-stretch", &photo("Chin_To_Chest_Stretch", i));
        assert!(!fb.tracking);
        assert_eq!(cues, ["Face the camera"]);
        let (fb, cues) = still("back-extension", &photo("Shoulder_Circles", i));
        assert!(!fb.tracking);
        assert_eq!(cues, ["Turn side-on to the camera"]);
        let (fb, cues) = still("shoulder-rolls", &photo("Shoulder_Circles", i));
        assert!(fb.tracking, "{cues:?}");
    }
}

#[test]
#[ignore = "reads ../shared (make test-real)"]
fn a_photo_seen_still_counts_nothing() {
    // Every shipped exercise on every photo held still for 6 s: a position
    // is not a repetition.
    let names = [
        "Butt_Lift_Bridge",
        "Chin_To_Chest_Stretch",
        "Elbows_Back",
        "Hamstring_Stretch",
        "Leg-Up_Hamstring_Stretch",
        "Lower_Back_Curl",
        "One_Arm_Against_Wall",
        "Pelvic_Tilt_Into_Bridge",
        "Physioball_Hip_Bridge",
        "Shoulder_Circles",
        "Side_Neck_Stretch",
        "Single_Leg_Glute_Bridge",
        "Superman",
    ];
    let catalog = posecoach::exercise::catalog::Catalog::load(
        &[std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("exercises")],
        &Default::default(),
    );
    assert_eq!(catalog.exercises.len(), 13);
    for name in names {
        for i in 0..2 {
            let pose = photo(name, i);
            for ex in &catalog.exercises {
                let motion = Motion::start(pose).hold(6.0);
                let out = run(ex, &motion, &real_jitter());
                assert_eq!(out.reps(), 0, "{name}/{i} {}: {}", ex.id, summary(&out));
            }
        }
    }
}
