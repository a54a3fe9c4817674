//! A kinematic body model: joint angles over time turned into the 33
//! BlazePose landmarks as a camera would see them, from the side or from
//! the front. It draws each exercise's demonstration (`[demo]` in its
//! file), which `exercises check` coaches to prove the file counts, and it
//! performs the exercises in the engine's tests.
//!
//! Side view: every segment direction is an angle in degrees measured from
//! straight down, positive towards the way the person faces (90: pointing
//! forward, 180: up, -90: backward). Front view: measured from straight
//! down, positive away from the body's midline.

use crate::exercise::engine::PoseFrame;
use crate::exercise::model::Side;
use crate::geometry::Point;
use crate::pose::{Landmark, NUM_LANDMARKS};

/// Frames per second of generated motion.
pub const FPS: f64 = 30.0;
/// The image the body model is seen in, width and height in pixels.
pub const MODEL_IMAGE_PX: (f64, f64) = (1280.0, 1000.0);

// Segment lengths in pixels, for a person about 900 px tall.
const TORSO: f64 = 250.0;
/// Lying seen from the head end, a length along the body shows this share
/// of itself.
const FRONT_LYING_TORSO_SHARE: f64 = 0.35;
const NECK: f64 = 75.0;
const NOSE_FROM_EAR: f64 = 35.0;
const UPPER_ARM: f64 = 150.0;
const FOREARM: f64 = 130.0;
const HAND: f64 = 40.0;
const THIGH: f64 = 220.0;
const SHIN: f64 = 210.0;
const FOOT: f64 = 55.0;
const HEEL: f64 = 18.0;
/// Far-side landmarks sit a little behind the near side in the image.
const FAR_SIDE_SHIFT: (f64, f64) = (6.0, -4.0);
const NEAR_VISIBILITY: f32 = 0.99;
/// Far-side visibility as BlazePose (lite, tracking) gives it on real
/// side-on footage: the median over the frames of 13 push-ups, 3 planks, a
/// wall sit, a superman and a bridge (`../shared/data/real`). The far
/// shoulder, hip and head are seen through the body (1.0); the far arm and
/// leg are rated hidden (0.2-0.6) in nearly every frame while still placed
/// where they are. Jitter on those clips is small: 0.1-1.3% of the torso
/// per frame, the far wrist the most.
const FAR_SHOULDER_HIP_HEAD_VISIBILITY: f32 = 1.0;
const FAR_ELBOW_VISIBILITY: f32 = 0.3;
const FAR_HAND_VISIBILITY: f32 = 0.35;
const FAR_KNEE_VISIBILITY: f32 = 0.35;
const FAR_ANKLE_VISIBILITY: f32 = 0.55;
const FAR_FOOT_VISIBILITY: f32 = 0.65;

/// A pose seen from the side.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SidePose {
    pub facing_right: bool,
    /// The side nearer the camera.
    pub near: Side,
    pub hip: (f64, f64),
    pub trunk: f64,
    pub neck: f64,
    /// The direction from ear to nose.
    pub face: f64,
    /// Per side, [left, right].
    pub upper_arm: [f64; 2],
    pub forearm: [f64; 2],
    pub thigh: [f64; 2],
    pub shin: [f64; 2],
    pub foot: [f64; 2],
    /// The shoulders moved forward and up from where the trunk puts them,
    /// in pixels (shoulder rolls).
    pub shoulder_shift: (f64, f64),
}

impl SidePose {
    /// Standing upright, arms down, facing right, left side near.
    pub fn standing() -> SidePose {
        SidePose {
            facing_right: true,
            near: Side::Left,
            hip: (600.0, 500.0),
            trunk: 180.0,
            neck: 180.0,
            face: 90.0,
            upper_arm: [0.0, 0.0],
            forearm: [0.0, 0.0],
            thigh: [0.0, 0.0],
            shin: [0.0, 0.0],
            foot: [90.0, 90.0],
            shoulder_shift: (0.0, 0.0),
        }
    }

    /// Lying face down, head towards image right.
    pub fn prone() -> SidePose {
        SidePose {
            hip: (500.0, 800.0),
            trunk: 90.0,
            neck: 90.0,
            face: 0.0,
            upper_arm: [-90.0, -90.0],
            forearm: [-90.0, -90.0],
            thigh: [-90.0, -90.0],
            shin: [-90.0, -90.0],
            foot: [-175.0, -175.0],
            ..SidePose::standing()
        }
    }

    /// Lying face up, head towards image right.
    pub fn supine() -> SidePose {
        SidePose {
            face: 180.0,
            foot: [175.0, 175.0],
            ..SidePose::prone()
        }
    }

    pub fn lerp(&self, other: &SidePose, f: f64) -> SidePose {
        let l = |a: f64, b: f64| a + (b - a) * f;
        let l2 = |a: [f64; 2], b: [f64; 2]| [l(a[0], b[0]), l(a[1], b[1])];
        SidePose {
            facing_right: other.facing_right,
            near: other.near,
            hip: (l(self.hip.0, other.hip.0), l(self.hip.1, other.hip.1)),
            trunk: l(self.trunk, other.trunk),
            neck: l(self.neck, other.neck),
            face: l(self.face, other.face),
            upper_arm: l2(self.upper_arm, other.upper_arm),
            forearm: l2(self.forearm, other.forearm),
            thigh: l2(self.thigh, other.thigh),
            shin: l2(self.shin, other.shin),
            foot: l2(self.foot, other.foot),
            shoulder_shift: (
                l(self.shoulder_shift.0, other.shoulder_shift.0),
                l(self.shoulder_shift.1, other.shoulder_shift.1),
            ),
        }
    }

    pub fn jittered(&self, rng: &mut Rng, deg: f64) -> SidePose {
        let mut j = |a: f64| a + rng.symmetric(deg);
        let mut p = *self;
        p.trunk = j(p.trunk);
        p.neck = j(p.neck);
        for s in 0..2 {
            p.upper_arm[s] = j(p.upper_arm[s]);
            p.forearm[s] = j(p.forearm[s]);
            p.thigh[s] = j(p.thigh[s]);
            p.shin[s] = j(p.shin[s]);
        }
        p
    }

    pub fn landmarks(&self) -> PoseFrame {
        let f = if self.facing_right { 1.0 } else { -1.0 };
        let dir = |deg: f64, len: f64| -> (f64, f64) {
            let r = deg.to_radians();
            (r.sin() * f * len, r.cos() * len)
        };
        let add = |p: (f64, f64), d: (f64, f64)| (p.0 + d.0, p.1 + d.1);
        let mut points = [Point::default(); NUM_LANDMARKS];
        let mut vis = [NEAR_VISIBILITY; NUM_LANDMARKS];
        let mut set = |l: Landmark, p: (f64, f64), v: f32| {
            points[l.index()] = Point::new(p.0, p.1);
            vis[l.index()] = v;
        };
        let shoulder = add(self.hip, dir(self.trunk, TORSO));
        let shoulder = (
            shoulder.0 + self.shoulder_shift.0 * f,
            shoulder.1 - self.shoulder_shift.1,
        );
        let ear = add(shoulder, dir(self.neck, NECK));
        let nose = add(ear, dir(self.face, NOSE_FROM_EAR));
        let eye = add(ear, dir(self.face, NOSE_FROM_EAR * 0.7));
        let eye = add(eye, dir(self.neck, 8.0));
        let mouth = add(
            add(ear, dir(self.face, NOSE_FROM_EAR * 0.8)),
            dir(self.neck, -12.0),
        );
        set(Landmark::Nose, nose, NEAR_VISIBILITY);
        for side in [Side::Left, Side::Right] {
            let near = side == self.near;
            let shift = if near { (0.0, 0.0) } else { FAR_SIDE_SHIFT };
            let v = |far: f32| if near { NEAR_VISIBILITY } else { far };
            let (trunk_v, elbow_v, hand_v) = (
                v(FAR_SHOULDER_HIP_HEAD_VISIBILITY),
                v(FAR_ELBOW_VISIBILITY),
                v(FAR_HAND_VISIBILITY),
            );
            let (knee_v, ankle_v, foot_v) = (
                v(FAR_KNEE_VISIBILITY),
                v(FAR_ANKLE_VISIBILITY),
                v(FAR_FOOT_VISIBILITY),
            );
            let i = if side == Side::Left { 0 } else { 1 };
            let at = |p: (f64, f64)| (p.0 + shift.0, p.1 + shift.1);
            let pick = |l: Landmark, r: Landmark| if side == Side::Left { l } else { r };
            use Landmark::*;
            let hip = self.hip;
            let sh = shoulder;
            let elbow = add(sh, dir(self.upper_arm[i], UPPER_ARM));
            let wrist = add(elbow, dir(self.forearm[i], FOREARM));
            let hand = add(wrist, dir(self.forearm[i], HAND));
            let knee = add(hip, dir(self.thigh[i], THIGH));
            let ankle = add(knee, dir(self.shin[i], SHIN));
            let toe = add(ankle, dir(self.foot[i], FOOT));
            let heel = add(ankle, dir(self.foot[i] + 180.0, HEEL));
            set(pick(LeftShoulder, RightShoulder), at(sh), trunk_v);
            set(pick(LeftElbow, RightElbow), at(elbow), elbow_v);
            set(pick(LeftWrist, RightWrist), at(wrist), hand_v);
            set(
                pick(LeftPinky, RightPinky),
                at(add(hand, (0.0, 5.0))),
                hand_v,
            );
            set(pick(LeftIndex, RightIndex), at(hand), hand_v);
            set(
                pick(LeftThumb, RightThumb),
                at(add(hand, (0.0, -5.0))),
                hand_v,
            );
            set(pick(LeftHip, RightHip), at(hip), trunk_v);
            set(pick(LeftKnee, RightKnee), at(knee), knee_v);
            set(pick(LeftAnkle, RightAnkle), at(ankle), ankle_v);
            set(pick(LeftHeel, RightHeel), at(heel), foot_v);
            set(pick(LeftFootIndex, RightFootIndex), at(toe), foot_v);
            set(pick(LeftEar, RightEar), at(ear), trunk_v);
            set(pick(LeftEye, RightEye), at(eye), trunk_v);
            set(pick(LeftEyeInner, RightEyeInner), at(eye), trunk_v);
            set(pick(LeftEyeOuter, RightEyeOuter), at(eye), trunk_v);
            set(pick(MouthLeft, MouthRight), at(mouth), trunk_v);
        }
        PoseFrame {
            points,
            visibility: vis,
            image_size_px: MODEL_IMAGE_PX,
            depth_px: None,
        }
    }
}

/// A pose seen from the front (the camera facing the person's chest, or
/// their head when lying prone towards it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FrontPose {
    pub center_x: f64,
    pub shoulder_y: f64,
    pub shoulder_half: f64,
    /// Hips below (positive) the shoulders, in pixels.
    pub hip_drop: f64,
    /// The legs' length in the picture and their direction from the hips:
    /// 1 standing (down, whole), negative lying seen from the head end
    /// (away from the camera: up the picture, shortened).
    pub leg_scale: f64,
    /// Nose offset from the shoulders' midpoint: towards the person's left
    /// (image right) and up.
    pub nose_left: f64,
    pub nose_up: f64,
    /// Arm directions from down, positive away from the body; [left, right].
    pub upper_arm: [f64; 2],
    pub forearm: [f64; 2],
    /// Shoulder lift (shrug), pixels up; [left, right].
    pub shrug: [f64; 2],
}

impl FrontPose {
    pub fn standing() -> FrontPose {
        FrontPose {
            center_x: 640.0,
            shoulder_y: 300.0,
            shoulder_half: 90.0,
            hip_drop: TORSO,
            leg_scale: 1.0,
            nose_left: 0.0,
            nose_up: 110.0,
            upper_arm: [10.0, 10.0],
            forearm: [5.0, 5.0],
            shrug: [0.0, 0.0],
        }
    }

    /// Lying face down, head towards the camera, seen from the floor at
    /// the head end: the hips and legs beyond the shoulders, up the
    /// picture and shortened; arms along the floor by the sides.
    pub fn prone() -> FrontPose {
        FrontPose {
            shoulder_y: 700.0,
            hip_drop: -FRONT_LYING_TORSO_SHARE * TORSO,
            leg_scale: -FRONT_LYING_TORSO_SHARE,
            nose_up: 70.0,
            ..FrontPose::standing()
        }
    }

    /// This pose lying face down, seen from above instead of from the
    /// head end: the whole length of the body along the picture, head to
    /// the right, the arms out across it (a picture, not what a camera on
    /// the floor sees).
    pub fn from_above(&self) -> PoseFrame {
        // Seen from the head end, an arm up the picture points to the
        // feet; with the feet down the picture, it points down.
        let towards_feet = |deg: [f64; 2]| deg.map(|d| 180.0 - d);
        let whole = FrontPose {
            hip_drop: TORSO,
            leg_scale: 1.0,
            upper_arm: towards_feet(self.upper_arm),
            forearm: towards_feet(self.forearm),
            ..*self
        };
        let mut frame = whole.landmarks();
        // Seen from the back, not the front: mirrored, then turned so the
        // head is to the right.
        for p in &mut frame.points {
            let (x, y) = (p.x_px, p.y_px);
            p.x_px = MODEL_IMAGE_PX.0 - y;
            p.y_px = MODEL_IMAGE_PX.1 - x;
        }
        frame
    }

    pub fn lerp(&self, o: &FrontPose, f: f64) -> FrontPose {
        let l = |a: f64, b: f64| a + (b - a) * f;
        let l2 = |a: [f64; 2], b: [f64; 2]| [l(a[0], b[0]), l(a[1], b[1])];
        FrontPose {
            center_x: l(self.center_x, o.center_x),
            shoulder_y: l(self.shoulder_y, o.shoulder_y),
            shoulder_half: l(self.shoulder_half, o.shoulder_half),
            hip_drop: l(self.hip_drop, o.hip_drop),
            leg_scale: l(self.leg_scale, o.leg_scale),
            nose_left: l(self.nose_left, o.nose_left),
            nose_up: l(self.nose_up, o.nose_up),
            upper_arm: l2(self.upper_arm, o.upper_arm),
            forearm: l2(self.forearm, o.forearm),
            shrug: l2(self.shrug, o.shrug),
        }
    }

    pub fn jittered(&self, rng: &mut Rng, deg: f64) -> FrontPose {
        let mut p = *self;
        for s in 0..2 {
            p.upper_arm[s] += rng.symmetric(deg);
            p.forearm[s] += rng.symmetric(deg);
        }
        // A landmark's position jitters by a few pixels.
        p.nose_left += rng.symmetric(deg * 0.6);
        p.nose_up += rng.symmetric(deg * 0.6);
        p
    }

    pub fn landmarks(&self) -> PoseFrame {
        let mut points = [Point::default(); NUM_LANDMARKS];
        let vis = [NEAR_VISIBILITY; NUM_LANDMARKS];
        let mut set = |l: Landmark, p: (f64, f64)| points[l.index()] = Point::new(p.0, p.1);
        use Landmark::*;
        let nose = (
            self.center_x + self.nose_left,
            self.shoulder_y - self.nose_up,
        );
        set(Nose, nose);
        for (i, out) in [(0usize, 1.0), (1, -1.0)] {
            // The person's left is on the image right.
            let pick = |l: Landmark, r: Landmark| if i == 0 { l } else { r };
            let dir = |deg: f64, len: f64| -> (f64, f64) {
                let r = deg.to_radians();
                (r.sin() * out * len, r.cos() * len)
            };
            let add = |p: (f64, f64), d: (f64, f64)| (p.0 + d.0, p.1 + d.1);
            let shoulder = (
                self.center_x + out * self.shoulder_half,
                self.shoulder_y - self.shrug[i],
            );
            let elbow = add(shoulder, dir(self.upper_arm[i], UPPER_ARM));
            let wrist = add(elbow, dir(self.forearm[i], FOREARM));
            let hand = add(wrist, dir(self.forearm[i], HAND));
            let hip = (
                self.center_x + out * self.shoulder_half * 0.7,
                self.shoulder_y + self.hip_drop,
            );
            let knee = (hip.0, hip.1 + THIGH * self.leg_scale);
            let ankle = (hip.0, knee.1 + SHIN * self.leg_scale);
            set(pick(LeftShoulder, RightShoulder), shoulder);
            set(pick(LeftElbow, RightElbow), elbow);
            set(pick(LeftWrist, RightWrist), wrist);
            set(pick(LeftPinky, RightPinky), add(hand, (out * 5.0, 0.0)));
            set(pick(LeftIndex, RightIndex), hand);
            set(pick(LeftThumb, RightThumb), add(hand, (-out * 5.0, 0.0)));
            set(pick(LeftHip, RightHip), hip);
            set(pick(LeftKnee, RightKnee), knee);
            set(pick(LeftAnkle, RightAnkle), ankle);
            set(pick(LeftHeel, RightHeel), (ankle.0, ankle.1 + 10.0));
            set(
                pick(LeftFootIndex, RightFootIndex),
                (ankle.0 + out * 10.0, ankle.1 + 25.0),
            );
            let ear = (
                self.center_x + out * 45.0 + self.nose_left * 0.3,
                nose.1 + 10.0,
            );
            set(pick(LeftEar, RightEar), ear);
            let eye = (nose.0 + out * 22.0, nose.1 - 15.0);
            set(pick(LeftEye, RightEye), eye);
            set(
                pick(LeftEyeInner, RightEyeInner),
                (nose.0 + out * 12.0, nose.1 - 15.0),
            );
            set(
                pick(LeftEyeOuter, RightEyeOuter),
                (nose.0 + out * 32.0, nose.1 - 15.0),
            );
            set(
                pick(MouthLeft, MouthRight),
                (nose.0 + out * 15.0, nose.1 + 25.0),
            );
        }
        PoseFrame {
            points,
            visibility: vis,
            image_size_px: MODEL_IMAGE_PX,
            depth_px: None,
        }
    }
}

/// A deterministic pseudo-random source (xorshift), so tests repeat.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    fn next_f64(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [-amplitude, amplitude].
    pub fn symmetric(&mut self, amplitude: f64) -> f64 {
        (self.next_f64() * 2.0 - 1.0) * amplitude
    }
}

/// Either kind of pose.
pub trait Body: Copy {
    fn lerp(&self, other: &Self, f: f64) -> Self;
    fn jittered(&self, rng: &mut Rng, deg: f64) -> Self;
    fn landmarks(&self) -> PoseFrame;
}

impl Body for SidePose {
    fn lerp(&self, other: &Self, f: f64) -> Self {
        SidePose::lerp(self, other, f)
    }
    fn jittered(&self, rng: &mut Rng, deg: f64) -> Self {
        SidePose::jittered(self, rng, deg)
    }
    fn landmarks(&self) -> PoseFrame {
        SidePose::landmarks(self)
    }
}

impl Body for FrontPose {
    fn lerp(&self, other: &Self, f: f64) -> Self {
        FrontPose::lerp(self, other, f)
    }
    fn jittered(&self, rng: &mut Rng, deg: f64) -> Self {
        FrontPose::jittered(self, rng, deg)
    }
    fn landmarks(&self) -> PoseFrame {
        FrontPose::landmarks(self)
    }
}

/// A performance: poses held and moved between, sampled at [`FPS`].
#[derive(Debug, Clone)]
pub struct Motion<B: Body> {
    pub frames: Vec<B>,
    last: B,
}

impl<B: Body> Motion<B> {
    pub fn start(pose: B) -> Motion<B> {
        Motion {
            frames: vec![pose],
            last: pose,
        }
    }

    /// Stays still for `s` seconds.
    pub fn hold(mut self, s: f64) -> Motion<B> {
        let n = (s * FPS).round() as usize;
        self.frames.extend(std::iter::repeat_n(self.last, n));
        self
    }

    /// Moves smoothly to `pose` over `s` seconds.
    pub fn to(mut self, pose: B, s: f64) -> Motion<B> {
        let n = ((s * FPS).round() as usize).max(1);
        for k in 1..=n {
            self.frames.push(self.last.lerp(&pose, k as f64 / n as f64));
        }
        self.last = pose;
        self
    }

    /// `times` repetitions of: move to `pose`, hold, move back, rest.
    pub fn reps(
        mut self,
        pose: B,
        times: usize,
        move_s: f64,
        hold_s: f64,
        rest_s: f64,
    ) -> Motion<B> {
        let rest = self.last;
        for _ in 0..times {
            self = self
                .to(pose, move_s)
                .hold(hold_s)
                .to(rest, move_s)
                .hold(rest_s);
        }
        self
    }

    pub fn then(mut self, other: Motion<B>) -> Motion<B> {
        if let Some(&last) = other.frames.last() {
            self.last = last;
        }
        self.frames.extend(other.frames);
        self
    }
}
