//! Where the measured values' labels go: as near as possible to what they
//! name, but off the skeleton and off each other, so no label hides a bone
//! or another label.

/// A label's box in window pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LabelBox {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl LabelBox {
    /// The box as whole pixels (x, y, width, height), for filling.
    pub fn pixels(&self) -> (i64, i64, i64, i64) {
        (self.x as i64, self.y as i64, self.w as i64, self.h as i64)
    }

    fn moved(self, dx: f64, dy: f64) -> LabelBox {
        LabelBox {
            x: self.x + dx,
            y: self.y + dy,
            ..self
        }
    }

    fn overlaps(&self, other: &LabelBox) -> bool {
        self.x < other.x + other.w
            && other.x < self.x + self.w
            && self.y < other.y + other.h
            && other.y < self.y + self.h
    }

    fn contains(&self, (x, y): (f64, f64), margin: f64) -> bool {
        x >= self.x - margin
            && x <= self.x + self.w + margin
            && y >= self.y - margin
            && y <= self.y + self.h + margin
    }

    fn crosses(&self, (a, b): ((f64, f64), (f64, f64)), margin: f64) -> bool {
        let steps = ((b.0 - a.0).hypot(b.1 - a.1) / SEGMENT_SAMPLE_PX)
            .ceil()
            .max(1.0) as usize;
        (0..=steps).any(|i| {
            let t = i as f64 / steps as f64;
            self.contains((a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t), margin)
        })
    }
}

/// Bones are tested this often along their length.
const SEGMENT_SAMPLE_PX: f64 = 3.0;
/// How many rings of positions around the wanted one are tried.
const RINGS: usize = 3;

/// Places labels one after another, each avoiding the bones and the labels
/// already placed, inside the picture.
#[derive(Debug)]
pub struct LabelPlacer {
    bones: Vec<((f64, f64), (f64, f64))>,
    /// Half a bone's drawn width: how close a label may come to its line.
    margin_px: f64,
    bounds: LabelBox,
    placed: Vec<LabelBox>,
}

impl LabelPlacer {
    pub fn new(bones: Vec<((f64, f64), (f64, f64))>, margin_px: f64, bounds: LabelBox) -> Self {
        LabelPlacer {
            bones,
            margin_px,
            bounds,
            placed: Vec::new(),
        }
    }

    /// A box that is there already (it is avoided, and stays where it is).
    pub fn keep(&mut self, fixed: LabelBox) {
        self.placed.push(fixed);
    }

    /// Where a label that would like to be at `wanted` goes: the nearest of
    /// the positions tried that hides nothing, or the one hiding least.
    pub fn place(&mut self, wanted: LabelBox) -> LabelBox {
        let (step_x, step_y) = (wanted.w * 0.6 + 4.0, wanted.h + 4.0);
        let mut best = (usize::MAX, wanted);
        'rings: for ring in 0..=RINGS {
            let r = ring as f64;
            for (dx, dy) in ring_offsets(ring) {
                let candidate = wanted.moved(dx * r * step_x, dy * r * step_y);
                let hidden = self.hidden_by(&candidate);
                if hidden < best.0 {
                    best = (hidden, candidate);
                }
                if hidden == 0 {
                    break 'rings;
                }
            }
        }
        self.placed.push(best.1);
        best.1
    }

    /// How many bones and labels `candidate` would cover (leaving the
    /// picture counts as many).
    fn hidden_by(&self, candidate: &LabelBox) -> usize {
        let b = &self.bounds;
        if candidate.x < b.x
            || candidate.y < b.y
            || candidate.x + candidate.w > b.x + b.w
            || candidate.y + candidate.h > b.y + b.h
        {
            return self.bones.len() + self.placed.len() + 1;
        }
        let bones = self
            .bones
            .iter()
            .filter(|&&bone| candidate.crosses(bone, self.margin_px))
            .count();
        let labels = self.placed.iter().filter(|p| candidate.overlaps(p)).count();
        bones + labels
    }
}

/// The directions tried on a ring: up and down first (labels read best
/// level with what they name), then the sides and the corners.
fn ring_offsets(ring: usize) -> &'static [(f64, f64)] {
    const CENTRE: [(f64, f64); 1] = [(0.0, 0.0)];
    const AROUND: [(f64, f64); 8] = [
        (0.0, -1.0),
        (0.0, 1.0),
        (1.0, 0.0),
        (-1.0, 0.0),
        (1.0, -1.0),
        (-1.0, -1.0),
        (1.0, 1.0),
        (-1.0, 1.0),
    ];
    if ring == 0 { &CENTRE } else { &AROUND }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PICTURE: LabelBox = LabelBox {
        x: 0.0,
        y: 0.0,
        w: 400.0,
        h: 400.0,
    };

    fn label(x: f64, y: f64) -> LabelBox {
        LabelBox {
            x,
            y,
            w: 60.0,
            h: 20.0,
        }
    }

    #[test]
    fn a_free_spot_is_kept() {
        let mut placer = LabelPlacer::new(vec![((0.0, 0.0), (0.0, 400.0))], 3.0, PICTURE);
        assert_eq!(placer.place(label(100.0, 100.0)), label(100.0, 100.0));
    }

    #[test]
    fn a_label_on_a_bone_moves_off_it() {
        let bone = ((130.0, 0.0), (130.0, 400.0));
        let mut placer = LabelPlacer::new(vec![bone], 3.0, PICTURE);
        let placed = placer.place(label(100.0, 100.0));
        assert_ne!(placed, label(100.0, 100.0));
        assert!(!placed.crosses(bone, 3.0), "{placed:?}");
        assert!(
            (placed.x - 100.0).abs() < 120.0,
            "it stays near: {placed:?}"
        );
    }

    #[test]
    fn labels_do_not_cover_each_other_or_leave_the_picture() {
        let mut placer = LabelPlacer::new(vec![], 3.0, PICTURE);
        let first = placer.place(label(100.0, 0.0));
        let second = placer.place(label(110.0, 5.0));
        assert!(!first.overlaps(&second), "{first:?} {second:?}");
        assert!(second.y >= 0.0, "{second:?}");
        let kept = label(300.0, 300.0);
        placer.keep(kept);
        assert!(!placer.place(label(310.0, 310.0)).overlaps(&kept));
    }
}
