//! `[demo]`: an exercise's demonstration as written, checked into a
//! [`Demo`]: key poses of the body model (each from a built-in pose or an
//! earlier one, with the directions that differ), then parts of steps.

use serde::Deserialize;

use super::{Checker, MAX_ABS_DEG, Num};
use crate::exercise::body::{FPS, FrontPose, SidePose};
use crate::exercise::demo::{Demo, DemoPart, DemoStep, Figure, Prop};
use crate::exercise::model::{Side, View};

/// Seconds the start pose is held when the file does not say.
const DEFAULT_LEAD_IN_S: f64 = 1.0;
/// Longest demonstration: ten minutes covers a full set of the guide's
/// longest exercise (one-minute inversions) several times over.
const MAX_DEMO_S: f64 = 600.0;
/// An offset in the body model's picture (1280x1000 px) beyond this is off
/// the picture.
const MAX_ABS_PX: f64 = 500.0;

/// The built-in poses of a side view, and of a front view.
const SIDE_BASES: [&str; 3] = ["standing", "prone", "supine"];
const FRONT_BASES: [&str; 2] = ["standing", "prone"];

#[derive(Debug, Deserialize)]
pub(super) struct DemoFile {
    start: String,
    lead_in_s: Option<Num>,
    #[serde(default)]
    pose: Vec<PoseFile>,
    #[serde(default)]
    part: Vec<PartFile>,
    /// What the guide says to use, drawn with the figure.
    #[serde(default)]
    props: Vec<String>,
}

/// One value for both sides, or [left, right].
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum PerSide {
    Both(Num),
    Each([Num; 2]),
}

#[derive(Debug, Deserialize)]
struct PoseFile {
    name: String,
    from: String,
    // Both views.
    upper_arm_deg: Option<PerSide>,
    forearm_deg: Option<PerSide>,
    // Side view.
    near: Option<String>,
    trunk_deg: Option<Num>,
    neck_deg: Option<Num>,
    face_deg: Option<Num>,
    thigh_deg: Option<PerSide>,
    shin_deg: Option<PerSide>,
    foot_deg: Option<PerSide>,
    shoulders_px: Option<[Num; 2]>,
    // Front view.
    chin_up_px: Option<Num>,
    nose_left_px: Option<Num>,
    shrug_px: Option<PerSide>,
}

#[derive(Debug, Deserialize)]
struct PartFile {
    #[serde(default = "one")]
    repeat: u32,
    steps: Vec<StepFile>,
    mistake: Option<String>,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Deserialize)]
struct StepFile {
    to: String,
    move_s: Num,
    #[serde(default)]
    hold_s: Option<Num>,
}

impl Checker<'_> {
    fn bounded(&mut self, place: &str, n: &Num, limit: f64) -> f64 {
        let v = self.num(place, n);
        if v.abs() > limit {
            self.problem(
                place,
                format!("{} is beyond +-{limit}", crate::quote::number(v)),
            );
        }
        v
    }

    fn per_side(&mut self, place: &str, given: &PerSide, limit: f64) -> [f64; 2] {
        match given {
            PerSide::Both(n) => {
                let v = self.bounded(place, n, limit);
                [v, v]
            }
            PerSide::Each([l, r]) => [
                self.bounded(&format!("{place}[0]"), l, limit),
                self.bounded(&format!("{place}[1]"), r, limit),
            ],
        }
    }

    fn demo_seconds(&mut self, place: &str, n: &Num) -> f64 {
        let v = self.num(place, n);
        if !(0.0..=MAX_DEMO_S).contains(&v) {
            self.problem(
                place,
                format!(
                    "{} s is not within 0-{MAX_DEMO_S} s",
                    crate::quote::number(v)
                ),
            );
            return 0.0;
        }
        v
    }
}

/// The most key poses a demonstration may name.
const MAX_DEMO_POSES: usize = 200;

/// Checks `[demo]` for an exercise seen in `view`; problems go to `c`.
pub(super) fn check(c: &mut Checker, view: View, file: &DemoFile) -> Option<Demo> {
    let front = view == View::Front;
    // By name: a lookup per pose and per step, not a search (60k poses
    // took 21-27 s).
    let mut named: std::collections::HashMap<String, Figure> = std::collections::HashMap::new();
    if file.pose.len() > MAX_DEMO_POSES {
        c.problem(
            "demo.pose",
            format!(
                "{} key poses; a demonstration has at most {MAX_DEMO_POSES}",
                file.pose.len()
            ),
        );
        return None;
    }
    let base = |name: &str| -> Option<Figure> {
        match (front, name) {
            (false, "standing") => Some(Figure::Side(SidePose::standing())),
            (false, "prone") => Some(Figure::Side(SidePose::prone())),
            (false, "supine") => Some(Figure::Side(SidePose::supine())),
            (true, "standing") => Some(Figure::Front(FrontPose::standing())),
            (true, "prone") => Some(Figure::Front(FrontPose::prone())),
            _ => None,
        }
    };
    let bases: &[&str] = if front { &FRONT_BASES } else { &SIDE_BASES };
    for (i, p) in file.pose.iter().enumerate() {
        let place = format!("demo.pose[{i}]");
        c.not_empty(&format!("{place}.name"), &p.name);
        if base(&p.name).is_some() || named.contains_key(&p.name) {
            c.problem(
                format!("{place}.name"),
                format!(
                    "'{}' is named twice (built-in poses: {})",
                    p.name,
                    bases.join(", ")
                ),
            );
        }
        let from = base(&p.from).or_else(|| named.get(&p.from).copied());
        let Some(from) = from.or_else(|| {
            c.problem(
                format!("{place}.from"),
                format!(
                    "unknown pose '{}': use {} or a pose named before",
                    p.from,
                    bases.join(", ")
                ),
            );
            // Still named, so that the steps going to it are not also wrong.
            base(bases[0])
        }) else {
            continue;
        };
        let figure = match from {
            Figure::Side(s) => Figure::Side(side_pose(c, &place, p, s)),
            Figure::Front(f) => Figure::Front(front_pose(c, &place, p, f)),
        };
        named.entry(p.name.clone()).or_insert(figure);
    }
    let find = |c: &mut Checker, place: &str, name: &str| -> Option<Figure> {
        let found = base(name).or_else(|| named.get(name).copied());
        if found.is_none() {
            c.problem(place, format!("unknown pose '{name}'"));
        }
        found
    };
    let start = find(c, "demo.start", &file.start);
    let lead_in_s = c.seconds(
        "demo.lead_in_s",
        file.lead_in_s.as_ref(),
        DEFAULT_LEAD_IN_S,
        false,
    );
    if file.part.is_empty() {
        c.problem(
            "demo.part",
            "missing: a demonstration needs at least one [[demo.part]]",
        );
    }
    let mut parts = Vec::new();
    let mut total_s = lead_in_s;
    for (i, part) in file.part.iter().enumerate() {
        let place = format!("demo.part[{i}]");
        if part.steps.is_empty() {
            c.problem(format!("{place}.steps"), "must not be empty");
        }
        if part.repeat == 0 {
            c.problem(format!("{place}.repeat"), "must be at least 1");
        }
        if let Some(m) = &part.mistake {
            c.not_empty(&format!("{place}.mistake"), m);
        }
        let mut steps = Vec::new();
        for (j, s) in part.steps.iter().enumerate() {
            let place = format!("{place}.steps[{j}]");
            let to = find(c, &format!("{place}.to"), &s.to);
            let move_s = c.demo_seconds(&format!("{place}.move_s"), &s.move_s);
            let hold_s = s
                .hold_s
                .as_ref()
                .map_or(0.0, |h| c.demo_seconds(&format!("{place}.hold_s"), h));
            // A move takes at least one frame, however short it is said to
            // be: a part repeated 4 billion times with no move time is not 0 s.
            total_s += (move_s.max(1.0 / FPS) + hold_s) * f64::from(part.repeat);
            if let Some(to) = to {
                steps.push(DemoStep {
                    pose: s.to.clone(),
                    to,
                    move_s,
                    hold_s,
                });
            }
        }
        parts.push(DemoPart {
            repeat: part.repeat,
            steps,
            mistake: part.mistake.clone(),
        });
    }
    if total_s > MAX_DEMO_S {
        c.problem(
            "demo",
            format!("lasts {total_s:.0} s: at most {MAX_DEMO_S:.0} s"),
        );
    }
    let mut props = Vec::new();
    for (i, name) in file.props.iter().enumerate() {
        match Prop::from_name(name) {
            Some(prop) if !props.contains(&prop) => props.push(prop),
            Some(_) => c.problem(format!("demo.props[{i}]"), format!("'{name}' twice")),
            None => c.problem(
                format!("demo.props[{i}]"),
                format!("unknown prop '{name}': use {}", Prop::NAMES.join(", ")),
            ),
        }
    }
    Some(Demo {
        start: start?,
        lead_in_s,
        parts,
        props,
    })
}

fn side_pose(c: &mut Checker, place: &str, p: &PoseFile, from: SidePose) -> SidePose {
    for (key, given) in [
        ("chin_up_px", p.chin_up_px.is_some()),
        ("nose_left_px", p.nose_left_px.is_some()),
        ("shrug_px", p.shrug_px.is_some()),
    ] {
        if given {
            c.problem(format!("{place}.{key}"), "only for a front view");
        }
    }
    let mut s = from;
    let deg = |c: &mut Checker, key: &str, n: &Option<Num>, v: &mut f64| {
        if let Some(n) = n {
            *v = c.bounded(&format!("{place}.{key}"), n, MAX_ABS_DEG);
        }
    };
    deg(c, "trunk_deg", &p.trunk_deg, &mut s.trunk);
    deg(c, "neck_deg", &p.neck_deg, &mut s.neck);
    deg(c, "face_deg", &p.face_deg, &mut s.face);
    let sides = |c: &mut Checker, key: &str, n: &Option<PerSide>, v: &mut [f64; 2]| {
        if let Some(n) = n {
            *v = c.per_side(&format!("{place}.{key}"), n, MAX_ABS_DEG);
        }
    };
    sides(c, "upper_arm_deg", &p.upper_arm_deg, &mut s.upper_arm);
    sides(c, "forearm_deg", &p.forearm_deg, &mut s.forearm);
    sides(c, "thigh_deg", &p.thigh_deg, &mut s.thigh);
    sides(c, "shin_deg", &p.shin_deg, &mut s.shin);
    sides(c, "foot_deg", &p.foot_deg, &mut s.foot);
    if let Some([forward, up]) = &p.shoulders_px {
        let key = format!("{place}.shoulders_px");
        s.shoulder_shift = (
            c.bounded(&key, forward, MAX_ABS_PX),
            c.bounded(&key, up, MAX_ABS_PX),
        );
    }
    if let Some(near) = &p.near {
        match near.as_str() {
            "left" => s.near = Side::Left,
            "right" => s.near = Side::Right,
            other => c.problem(
                format!("{place}.near"),
                format!("unknown side '{other}': use left or right"),
            ),
        }
    }
    s
}

fn front_pose(c: &mut Checker, place: &str, p: &PoseFile, from: FrontPose) -> FrontPose {
    for (key, given) in [
        ("near", p.near.is_some()),
        ("trunk_deg", p.trunk_deg.is_some()),
        ("neck_deg", p.neck_deg.is_some()),
        ("face_deg", p.face_deg.is_some()),
        ("thigh_deg", p.thigh_deg.is_some()),
        ("shin_deg", p.shin_deg.is_some()),
        ("foot_deg", p.foot_deg.is_some()),
        ("shoulders_px", p.shoulders_px.is_some()),
    ] {
        if given {
            c.problem(format!("{place}.{key}"), "only for a side view");
        }
    }
    let mut f = from;
    if let Some(n) = &p.upper_arm_deg {
        f.upper_arm = c.per_side(&format!("{place}.upper_arm_deg"), n, MAX_ABS_DEG);
    }
    if let Some(n) = &p.forearm_deg {
        f.forearm = c.per_side(&format!("{place}.forearm_deg"), n, MAX_ABS_DEG);
    }
    if let Some(n) = &p.shrug_px {
        f.shrug = c.per_side(&format!("{place}.shrug_px"), n, MAX_ABS_PX);
    }
    if let Some(n) = &p.chin_up_px {
        f.nose_up = c.bounded(&format!("{place}.chin_up_px"), n, MAX_ABS_PX);
    }
    if let Some(n) = &p.nose_left_px {
        f.nose_left = c.bounded(&format!("{place}.nose_left_px"), n, MAX_ABS_PX);
    }
    f
}
