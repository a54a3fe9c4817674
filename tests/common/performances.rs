//! Performances of every shipped exercise by the body model: the correct
//! movements the behaviour tests vary, and the golden sessions record.

use super::*;

pub fn wall_down() -> SidePose {
    SidePose {
        thigh: [35.0, 35.0],
        shin: [-10.0, -10.0],
        ..SidePose::standing()
    }
}

pub fn prone_rest() -> SidePose {
    SidePose {
        upper_arm: [0.0, 0.0],
        forearm: [90.0, 90.0],
        ..SidePose::prone()
    }
}

pub fn on_elbows() -> SidePose {
    SidePose {
        trunk: 115.0,
        neck: 115.0,
        upper_arm: [0.0, 0.0],
        forearm: [90.0, 90.0],
        ..SidePose::prone()
    }
}

pub fn pressed_up() -> SidePose {
    SidePose {
        trunk: 135.0,
        neck: 135.0,
        upper_arm: [15.0, 15.0],
        forearm: [15.0, 15.0],
        ..SidePose::prone()
    }
}

pub fn press_up_reps(times: usize, top: SidePose, hold_s: f64) -> Motion<SidePose> {
    let mut m = Motion::start(prone_rest()).hold(1.0);
    for _ in 0..times {
        m = m
            .to(on_elbows(), 1.5)
            .hold(1.0)
            .to(top, 1.5)
            .hold(hold_s)
            .to(on_elbows(), 1.5)
            .to(prone_rest(), 1.5)
            .hold(1.0);
    }
    m
}

pub fn bridge_rest() -> SidePose {
    SidePose {
        thigh: [-110.0, -110.0],
        shin: [-95.0, -95.0],
        ..SidePose::supine()
    }
}

pub fn bridge_up(legs: f64) -> SidePose {
    SidePose {
        trunk: 70.0,
        neck: 90.0,
        thigh: [legs, legs],
        shin: [legs, legs],
        ..SidePose::supine()
    }
}

/// On the back, knees bent to 90 degrees, feet flat on the floor.
pub fn floor_bridge_rest() -> SidePose {
    SidePose {
        thigh: [-135.0, -135.0],
        shin: [-45.0, -45.0],
        ..SidePose::supine()
    }
}

/// Hips up `lift_deg` from lying, shoulders, hips and knees in a line, the
/// feet still on the floor.
pub fn floor_bridge_up(lift_deg: f64) -> SidePose {
    SidePose {
        trunk: 90.0 - lift_deg,
        neck: 90.0,
        thigh: [-90.0 - lift_deg, -90.0 - lift_deg],
        shin: [-20.0, -20.0],
        ..SidePose::supine()
    }
}

pub fn leg_on_chair(raised: Side) -> SidePose {
    let (up, down) = if raised == Side::Left { (0, 1) } else { (1, 0) };
    let mut p = SidePose::standing();
    p.thigh[up] = 90.0;
    p.shin[up] = 90.0;
    p.foot[up] = 170.0;
    p.thigh[down] = 0.0;
    p.shin[down] = 0.0;
    p
}

pub fn stretching(raised: Side, raised_knee_bend: f64) -> SidePose {
    let mut p = leg_on_chair(raised);
    let (up, down) = if raised == Side::Left { (0, 1) } else { (1, 0) };
    p.thigh[down] = 20.0;
    p.shin[down] = -15.0;
    p.thigh[up] = 90.0 + raised_knee_bend / 2.0;
    p.shin[up] = 90.0 - raised_knee_bend / 2.0;
    p
}

pub fn hamstring_side(raised: Side, times: usize, hold_s: f64, knee_bend: f64) -> Motion<SidePose> {
    Motion::start(SidePose::standing())
        .hold(1.0)
        .to(leg_on_chair(raised), 2.0)
        .hold(1.0)
        .reps(stretching(raised, knee_bend), times, 1.5, hold_s, 1.0)
        .to(SidePose::standing(), 2.0)
        .hold(1.0)
}

pub fn leg_up(base: SidePose, side: Side, lift: f64, knee_bend: f64) -> SidePose {
    let mut p = base;
    let i = if side == Side::Left { 0 } else { 1 };
    p.thigh[i] = base.thigh[i] + lift + knee_bend / 2.0;
    p.shin[i] = base.shin[i] + lift - knee_bend / 2.0;
    p
}

pub fn alternating(
    base: SidePose,
    sides: &[Side],
    lift: f64,
    hold_s: f64,
    knee_bend: f64,
) -> Motion<SidePose> {
    let mut m = Motion::start(base).hold(1.0);
    for &side in sides {
        m = m
            .to(leg_up(base, side, lift, knee_bend), 1.5)
            .hold(hold_s)
            .to(base, 1.5)
            .hold(1.0);
    }
    m
}

pub const TEN_ALTERNATING: [Side; 10] = [
    Side::Left,
    Side::Right,
    Side::Left,
    Side::Right,
    Side::Left,
    Side::Right,
    Side::Left,
    Side::Right,
    Side::Left,
    Side::Right,
];

pub fn hands_on_back(lean_back: f64) -> SidePose {
    SidePose {
        trunk: 180.0 + lean_back,
        neck: 180.0 + lean_back,
        upper_arm: [-40.0 + lean_back, -40.0 + lean_back],
        forearm: [30.0 + lean_back, 30.0 + lean_back],
        ..SidePose::standing()
    }
}

pub fn in_doorway(lean: f64) -> SidePose {
    SidePose {
        trunk: 180.0 - lean,
        neck: 180.0 - lean,
        thigh: [-lean, -lean],
        shin: [-lean, -lean],
        upper_arm: [-95.0, -95.0],
        forearm: [-95.0, -95.0],
        ..SidePose::standing()
    }
}

pub fn inverted(angle: f64) -> SidePose {
    SidePose {
        trunk: 180.0 + angle,
        neck: 180.0 + angle,
        upper_arm: [angle, angle],
        forearm: [angle, angle],
        thigh: [angle, angle],
        shin: [angle, angle],
        ..SidePose::standing()
    }
}

pub fn rolls(forward: usize, backward: usize, seconds_per_circle: f64) -> Motion<SidePose> {
    let base = SidePose::standing();
    // Circles start and end with the shoulders back.
    let mut m = Motion::start(SidePose {
        shoulder_shift: (-20.0, 0.0),
        ..base
    })
    .hold(1.0);
    let n = (seconds_per_circle * FPS) as usize;
    // Forward for a person facing right: back, up, forward, down.
    for (count, sign) in [(forward, 1.0), (backward, -1.0)] {
        for _ in 0..count {
            for k in 1..=n {
                let a = std::f64::consts::PI - sign * k as f64 / n as f64 * std::f64::consts::TAU;
                let shift = (20.0 * a.cos(), 20.0 * a.sin());
                m.frames.push(SidePose {
                    shoulder_shift: shift,
                    ..base
                });
            }
        }
    }
    m
}

pub fn neck(chin_up_px: f64, nose_left_px: f64) -> FrontPose {
    FrontPose {
        nose_up: chin_up_px,
        nose_left: nose_left_px,
        ..FrontPose::standing()
    }
}

/// Chin down, then left, across to the right, and back up: `s` seconds a stage.
pub fn neck_sequence(times: usize, s: f64, chin_down_px: f64) -> Motion<FrontPose> {
    let mut m = Motion::start(neck(110.0, 0.0)).hold(1.0);
    for _ in 0..times {
        m = m
            .to(neck(chin_down_px, 0.0), s)
            .hold(0.5)
            .to(neck(chin_down_px + 5.0, 30.0), s)
            .hold(0.5)
            .to(neck(chin_down_px + 5.0, -30.0), s)
            .hold(0.5)
            .to(neck(110.0, 0.0), s)
            .hold(1.0);
    }
    m
}

pub fn arms_out(lift_deg: f64, spread_deg: f64) -> FrontPose {
    FrontPose {
        upper_arm: [spread_deg + lift_deg, spread_deg + lift_deg],
        forearm: [spread_deg + lift_deg * 1.3, spread_deg + lift_deg * 1.3],
        ..FrontPose::prone()
    }
}

/// As `arms_out`, standing facing the camera (a person clapping overhead
/// moves the same way).
pub fn arms_out_standing(lift_deg: f64, spread_deg: f64) -> FrontPose {
    FrontPose {
        upper_arm: [spread_deg + lift_deg, spread_deg + lift_deg],
        forearm: [spread_deg + lift_deg * 1.3, spread_deg + lift_deg * 1.3],
        ..FrontPose::standing()
    }
}
