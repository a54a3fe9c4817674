//! An exercise in plain words: what `posecoach exercises check` says a file
//! will do, so that its author can see it before anyone exercises with it.

use super::model::*;

/// A number as a person reads it: whole numbers without a point.
fn num(v: f64) -> String {
    if (v - v.round()).abs() < 0.005 {
        format!("{:.0}", v.round())
    } else {
        format!("{v:.2}")
    }
}

fn range(r: Range) -> String {
    format!("{} to {}", num(r.min), num(r.max))
}

fn comparison(c: &Comparison) -> String {
    match c {
        Comparison::Above(v) => format!("above {}", num(*v)),
        Comparison::Below(v) => format!("below {}", num(*v)),
        Comparison::Inside(r) => format!("from {}", range(*r)),
        Comparison::Outside(r) => format!("outside {}", range(*r)),
    }
}

fn seconds(s: f64) -> String {
    format!("{} s", num(s))
}

/// The exercise, line by line: view and posture, measurements, positions,
/// what counts, the hold, form checks, reach checks, cues, safety limits
/// and what the history follows.
pub fn describe(e: &Exercise) -> Vec<String> {
    let measurement = |i: usize| {
        e.measurements
            .get(i)
            .map_or("?".to_string(), |m| m.name.clone())
    };
    let phase = |i: usize| e.phases.get(i).map_or("?".to_string(), |p| p.name.clone());
    let phases = |ids: &[usize]| ids.iter().map(|&p| phase(p)).collect::<Vec<_>>();
    let during = |ids: &[usize]| {
        if ids.is_empty() {
            "once started".to_string()
        } else {
            format!("in {}", phases(ids).join(" or "))
        }
    };
    let mut lines = Vec::new();
    let view = match e.view {
        View::Side => "side-on to the camera",
        View::Front => "facing the camera",
        View::Any => "from any side",
    };
    let posture = match e.posture {
        Posture::Standing => "standing",
        Posture::Prone => "lying on the stomach",
        Posture::Supine => "lying on the back",
        Posture::Inverted => "on an inversion table",
    };
    lines.push(format!("{}: seen {view}, {posture}.", e.name));
    match e.sides {
        SideMode::None => {}
        SideMode::Each => lines.push("Each side gets its own repetitions, in any order.".into()),
        SideMode::Alternating => lines.push("The sides take turns.".into()),
        SideMode::Only(side) => lines.push(format!("The {} side only.", side.name())),
    }
    let names: Vec<String> = e
        .measurements
        .iter()
        .map(|m| format!("{} ({})", m.name, m.unit))
        .collect();
    lines.push(format!("Measures: {}.", names.join(", ")));
    for p in &e.phases {
        let conditions: Vec<String> = p
            .conditions
            .iter()
            .map(|c| {
                let mut text = format!("{} {}", measurement(c.measurement), range(c.enter));
                if c.exit != c.enter {
                    text.push_str(&format!(" (kept until outside {})", range(c.exit)));
                }
                text
            })
            .collect();
        lines.push(format!(
            "Position '{}': {}.",
            p.name,
            conditions.join(" and ")
        ));
    }
    let per_set = e.reps.per_set;
    let sets = e.reps.sets;
    let sided = if matches!(e.sides, SideMode::Each | SideMode::Alternating) {
        " per side"
    } else {
        ""
    };
    match &e.reps.counting {
        Counting::Sequence(seq) => {
            let mut text = format!(
                "Counts a repetition for {}: {per_set}{sided} a set, {sets} set(s)",
                phases(seq).join(", then ")
            );
            if e.reps.min_rep_s > 0.0 {
                text.push_str(&format!(
                    "; faster than {} does not count",
                    seconds(e.reps.min_rep_s)
                ));
            }
            if e.reps.max_rep_s > 0.0 {
                text.push_str(&format!(
                    "; slower than {} does not count",
                    seconds(e.reps.max_rep_s)
                ));
            }
            lines.push(format!("{text}."));
            for skip in &e.reps.skippable {
                lines.push(format!(
                    "A repetition without '{}' still counts, with \"{}\".",
                    phase(seq[skip.stage]),
                    skip.cue
                ));
            }
            if e.reps.pass_start_s > 0.0 {
                lines.push(format!(
                    "Passing through '{}' for less than {} in the middle of a repetition does not end it.",
                    phase(seq[0]),
                    seconds(e.reps.pass_start_s)
                ));
            }
        }
        Counting::Circles {
            measurement: m,
            per_direction,
            directions,
            during,
            ..
        } => {
            let ways: Vec<&str> = directions.iter().map(|d| d.name()).collect();
            let mut text = format!(
                "Counts circles of {}: {per_direction} {} a set, {sets} set(s); a circle faster than {} does not count",
                measurement(*m),
                ways.join(", then "),
                seconds(e.reps.min_rep_s)
            );
            if e.reps.max_rep_s > 0.0 {
                text.push_str(&format!(
                    ", nor one slower than {}",
                    seconds(e.reps.max_rep_s)
                ));
            }
            if !during.is_empty() {
                text.push_str(&format!(
                    "; circles count only in {}",
                    phases(during).join(" or ")
                ));
            }
            lines.push(format!("{text}."));
        }
        Counting::Holds => lines.push(format!(
            "Counts holds: {per_set}{sided} a set, {sets} set(s)."
        )),
    }
    if let Some(h) = &e.hold {
        let mut text = format!(
            "Hold: in '{}' for {}, in form; a break under {} is forgiven",
            phase(h.phase),
            seconds(h.target_s),
            seconds(h.grace_s)
        );
        if let Counting::Sequence(seq) = &e.reps.counting
            && seq.contains(&h.phase)
        {
            text.push_str("; a repetition counts only with it");
        }
        lines.push(format!("{text}."));
    }
    for f in &e.form {
        let mut text = format!(
            "Form: {} {} {} (still acceptable {} beyond; the score is 100 inside, 50 at that edge, 0 at twice it)",
            measurement(f.measurement),
            range(f.target),
            during(&f.during),
            num(f.tolerance)
        );
        if let Some(cue) = &f.cue_below {
            text.push_str(&format!("; too low: \"{cue}\""));
        }
        if let Some(cue) = &f.cue_above {
            text.push_str(&format!("; too high: \"{cue}\""));
        }
        lines.push(format!("{text}."));
    }
    for r in &e.reach {
        let end = match r.at {
            Extreme::Lowest => "lowest",
            Extreme::Highest => "highest",
        };
        let missed = if r.refuse {
            "does not count"
        } else {
            "counts with a score under 50"
        };
        lines.push(format!(
            "Reach: each repetition's {end} {} should be {}; missed by up to {} it counts with a lower score, by more it {missed} (\"{}\").",
            measurement(r.measurement),
            range(r.target),
            num(r.tolerance),
            r.cue_short
        ));
    }
    for c in &e.cues {
        lines.push(format!(
            "Says \"{}\" when {} is {} for {} {}, at most every {}.",
            c.message,
            measurement(c.measurement),
            comparison(&c.when),
            seconds(c.after_s),
            during(&c.during),
            seconds(c.cooldown_s)
        ));
    }
    for s in &e.safety {
        lines.push(format!(
            "Stops when {} is {} for {}: \"{}\".",
            measurement(s.measurement),
            comparison(&s.when),
            seconds(s.for_s),
            s.reason
        ));
    }
    if let Some(p) = &e.progress {
        let range = match p.range {
            Some(Follow::Measurement {
                measurement: m,
                better,
            }) => format!(
                "the best {} held for half a second ({} is better)",
                measurement(m),
                better.name()
            ),
            Some(Follow::Closest {
                measurement: m,
                target,
            }) => format!(
                "how close {} came to {}, held for half a second",
                measurement(m),
                num(target)
            ),
            Some(Follow::HoldTime) => "the longest hold".to_string(),
            None => "no range of motion".to_string(),
        };
        lines.push(format!(
            "History: {range}; advised {}.",
            p.frequency.describe()
        ));
    }
    if !e.params.is_empty() {
        let params: Vec<String> = e
            .params
            .iter()
            .map(|(k, v)| match e.param_ranges.get(k) {
                Some([low, high]) => format!("{k} = {} ({} to {})", num(*v), num(*low), num(*high)),
                None => format!("{k} = {}", num(*v)),
            })
            .collect();
        lines.push(format!(
            "Parameters (change with --param NAME=VALUE): {}.",
            params.join(", ")
        ));
    }
    lines
}
