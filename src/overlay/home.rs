//! The home screen: the guide's routines and exercises as tiles, each
//! with a picture (a frame of its demonstration), how often it is advised
//! and when it was last done; chosen with the arrow keys and Enter or the
//! mouse. The camera is picked here too.

use super::figure::{Picture, draw_picture};
use super::show::SHOW_ME;
use super::{BACKGROUND, Canvas, GOOD, GREY, Layout, PANEL, Rect, Rgb, TextRenderer, WHITE};

/// Tiles per row.
pub const COLUMNS: usize = 7;
pub const TITLE: &str = "posecoach: choose a routine or an exercise";
pub const KEYS: &str = "Arrows: choose   Enter or click: start   C: camera   Q: quit";
const TILE: Rgb = Rgb(36, 40, 48);
const TILE_SELECTED: Rgb = Rgb(52, 60, 74);
/// At most this many figures in a routine's picture.
const ROUTINE_FIGURES: usize = 3;

/// A routine or an exercise on the home screen.
#[derive(Debug, Clone, PartialEq)]
pub struct HomeItem {
    pub routine: bool,
    pub id: String,
    pub title: String,
    /// How often the guide advises it ("1 to 2 times a day").
    pub advised: String,
    /// When it was last done ("Last done today", "Not done yet").
    pub last_done: String,
    /// Where the camera must be ("Camera: side-on, whole body in view").
    pub view_needed: String,
    /// Its picture: the key pose of its demonstration (a routine: of its
    /// first exercises), with the box each fits in.
    pub figures: Vec<Picture>,
}

/// What the home screen shows.
#[derive(Debug, Clone, PartialEq)]
pub struct HomeScreen {
    /// Routines first, then exercises.
    pub items: Vec<HomeItem>,
    pub selected: usize,
    /// The camera that will be used, in words.
    pub camera: String,
}

/// Which way an arrow key moves the choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Left,
    Right,
    Up,
    Down,
}

impl HomeScreen {
    fn routines(&self) -> usize {
        self.items.iter().filter(|i| i.routine).count()
    }

    /// Where tile `index` is: x, y, width, height in pixels. Routines fill
    /// the first rows, exercises start on a row of their own.
    pub fn tile(&self, l: &Layout, index: usize) -> Rect {
        let pad = l.h * 0.018;
        let section_h = f64::from(l.small_px) * 1.7;
        let routines = self.routines();
        let exercises = self.items.len() - routines;
        let routine_rows = routines.div_ceil(COLUMNS);
        let rows = (routine_rows + exercises.div_ceil(COLUMNS)).max(1);
        let top = l.top_bar_px + pad;
        let bottom = l.h - f64::from(l.small_px) * 3.4;
        let sections = if routines > 0 && exercises > 0 {
            2.0
        } else {
            1.0
        };
        let tile_h = ((bottom - top - sections * section_h) / rows as f64 - pad).max(10.0);
        let tile_w = (l.w - pad * (COLUMNS as f64 + 1.0)) / COLUMNS as f64;
        let (row, column, sections_above) = if index < routines {
            (index / COLUMNS, index % COLUMNS, 1.0)
        } else {
            let k = index - routines;
            (routine_rows + k / COLUMNS, k % COLUMNS, sections)
        };
        (
            pad + column as f64 * (tile_w + pad),
            top + sections_above * section_h + row as f64 * (tile_h + pad),
            tile_w,
            tile_h,
        )
    }

    /// The tile under window position (`x`, `y`), if any.
    pub fn tile_at(&self, l: &Layout, (x, y): (f64, f64)) -> Option<usize> {
        (0..self.items.len()).find(|&i| {
            let (tx, ty, tw, th) = self.tile(l, i);
            x >= tx && x < tx + tw && y >= ty && y < ty + th
        })
    }

    /// The tile an arrow key moves to from the selected one: left and
    /// right along the list; up and down to the nearest tile in the next
    /// row that way.
    pub fn moved(&self, l: &Layout, direction: Move) -> usize {
        let n = self.items.len();
        if n == 0 {
            return 0;
        }
        let current = self.selected.min(n - 1);
        match direction {
            Move::Left => current.saturating_sub(1),
            Move::Right => (current + 1).min(n - 1),
            Move::Up | Move::Down => {
                let centre = |i: usize| {
                    let (x, y, w, h) = self.tile(l, i);
                    (x + w / 2.0, y + h / 2.0)
                };
                let (cx, cy) = centre(current);
                let ahead = |y: f64| match direction {
                    Move::Up => y < cy - 1.0,
                    _ => y > cy + 1.0,
                };
                (0..n)
                    .filter(|&i| ahead(centre(i).1))
                    .min_by(|&a, &b| {
                        let key = |i: usize| {
                            let (x, y) = centre(i);
                            ((y - cy).abs(), (x - cx).abs())
                        };
                        let (ka, kb) = (key(a), key(b));
                        ka.0.total_cmp(&kb.0).then(ka.1.total_cmp(&kb.1))
                    })
                    .unwrap_or(current)
            }
        }
    }
}

/// Draws the home screen over the whole canvas.
pub fn draw(canvas: &mut Canvas, text: &mut TextRenderer, l: &Layout, home: &HomeScreen) {
    canvas.clear(BACKGROUND);
    canvas.fill_rect((0, 0, l.w as i64, l.top_bar_px as i64), PANEL, 1.0);
    text.draw(
        canvas,
        (l.h * 0.02, l.top_bar_px * 0.68),
        TITLE,
        l.title_px,
        WHITE,
    );
    let routines = home.routines();
    let section_h = f64::from(l.small_px) * 1.7;
    for (first, label) in [(0, "Routines"), (routines, "Exercises")] {
        if first < home.items.len() && (first > 0 || routines > 0 || label == "Exercises") {
            let (x, y, ..) = home.tile(l, first);
            text.draw(canvas, (x, y - section_h * 0.35), label, l.small_px, GREY);
        }
    }
    let detail_px = (l.small_px * 4 / 5).max(8);
    for (i, item) in home.items.iter().enumerate() {
        let (x, y, w, h) = home.tile(l, i);
        let selected = i == home.selected;
        if selected {
            let border = (l.h * 0.006).max(3.0);
            canvas.fill_rect(
                (
                    (x - border) as i64,
                    (y - border) as i64,
                    (w + 2.0 * border) as i64,
                    (h + 2.0 * border) as i64,
                ),
                SHOW_ME,
                1.0,
            );
        }
        canvas.fill_rect(
            (x as i64, y as i64, w as i64, h as i64),
            if selected { TILE_SELECTED } else { TILE },
            1.0,
        );
        if item.routine {
            canvas.fill_rect((x as i64, y as i64, w as i64, 5), GOOD, 1.0);
        }
        // The picture: the top part of the tile.
        let text_h = f64::from(l.small_px) * 2.5 + f64::from(detail_px) * 2.6;
        let picture_h = (h - text_h).max(h * 0.3);
        let shown = item.figures.len().clamp(1, ROUTINE_FIGURES);
        let each_w = w / shown as f64;
        for (k, picture) in item.figures.iter().take(ROUTINE_FIGURES).enumerate() {
            draw_picture(
                canvas,
                picture,
                (x + k as f64 * each_w, y + 4.0, each_w, picture_h),
            );
        }
        // The name (two lines at most), then the advice and the last time.
        let inner = w - 12.0;
        let mut ty = y + picture_h + f64::from(l.small_px);
        let mut lines = text.wrap(&item.title, l.small_px, inner);
        if lines.len() > 2 {
            lines.truncate(2);
            lines[1].push_str("...");
        }
        for line in &lines {
            text.draw(canvas, (x + 6.0, ty), line, l.small_px, WHITE);
            ty += f64::from(l.small_px) * 1.15;
        }
        ty = y + h - f64::from(detail_px) * 1.85;
        for (line, colour) in [(&item.advised, GREY), (&item.last_done, GREY)] {
            let fitted = fit(text, line, detail_px, inner);
            text.draw(canvas, (x + 6.0, ty), &fitted, detail_px, colour);
            ty += f64::from(detail_px) * 1.25;
        }
    }
    // The camera, where it must be for the one chosen, and the keys.
    let y = l.h - f64::from(l.small_px) * 1.9;
    text.draw(canvas, (l.h * 0.02, y), &home.camera, l.small_px, WHITE);
    if let Some(item) = home.items.get(home.selected) {
        let line = format!("{}: {}", item.title, item.view_needed);
        let room = l.w - text.width(KEYS, l.small_px) - l.h * 0.06;
        let fitted = fit(text, &line, l.small_px, room);
        text.draw(
            canvas,
            (l.h * 0.02, l.h - f64::from(l.small_px) * 0.6),
            &fitted,
            l.small_px,
            SHOW_ME,
        );
    }
    let keys_w = text.width(KEYS, l.small_px);
    text.draw(
        canvas,
        (l.w - keys_w - l.h * 0.02, l.h - f64::from(l.small_px) * 0.6),
        KEYS,
        l.small_px,
        GREY,
    );
}

/// `s` cut to fit `width`, with "..." when cut.
fn fit(text: &mut TextRenderer, s: &str, size: u32, width: f64) -> String {
    if text.width(s, size) <= width {
        return s.to_string();
    }
    let mut out: String = s.to_string();
    while !out.is_empty() && text.width(&format!("{out}..."), size) > width {
        out.pop();
    }
    format!("{}...", out.trim_end())
}
