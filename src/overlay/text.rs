//! Text on the canvas: DejaVu Sans Bold (compiled in, licence beside it).
//! ttf-parser reads each glyph's outline when it is first needed, tiny-skia
//! fills it anti-aliased into a coverage mask, and the masks are cached per
//! size. (fontdue, used before, decoded every glyph of the font up front:
//! 15 MB resident for the few dozen a session shows.)

use std::collections::HashMap;

use tiny_skia::{FillRule, Mask, PathBuilder, Transform};
use ttf_parser::{Face, GlyphId, OutlineBuilder};

use super::canvas::{Canvas, Rgb};

const FONT_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

#[derive(Debug, thiserror::Error)]
#[error("the overlay font cannot be read: {0}")]
pub struct FontError(String);

/// A glyph at one size: where its coverage sits from the pen, in pixels
/// (y up from the baseline, as fonts measure), and how far the pen moves.
#[derive(Debug, Clone, Default)]
struct Glyph {
    advance_px: f32,
    xmin: i32,
    ymin: i32,
    width: usize,
    height: usize,
    /// `width` x `height` coverage, 0-255, top row first.
    coverage: Vec<u8>,
}

pub struct TextRenderer {
    face: Face<'static>,
    glyphs: HashMap<(char, u32), Glyph>,
    /// Every text drawn, with where, when asked for (`record_drawn`): what
    /// a test reads back of a frame, as a person reads the window.
    drawn: Option<Vec<Drawn>>,
}

/// One text drawn: the words, the baseline's start and the size.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawn {
    pub text: String,
    pub at_px: (f64, f64),
    pub size_px: u32,
}

impl std::fmt::Debug for TextRenderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextRenderer")
            .field("cached_glyphs", &self.glyphs.len())
            .finish()
    }
}

/// Turns a glyph's outline (font units, y up) into a tiny-skia path.
struct ToPath(PathBuilder);

impl OutlineBuilder for ToPath {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0.move_to(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.0.line_to(x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.0.quad_to(x1, y1, x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.0.cubic_to(x1, y1, x2, y2, x, y);
    }
    fn close(&mut self) {
        self.0.close();
    }
}

fn rasterize(face: &Face<'_>, c: char, size_px: u32) -> Glyph {
    let id = face
        .glyph_index(c)
        .or_else(|| face.glyph_index('?'))
        .unwrap_or(GlyphId(0));
    let scale = size_px as f32 / f32::from(face.units_per_em().max(1));
    let advance_px = f32::from(face.glyph_hor_advance(id).unwrap_or(0)) * scale;
    let mut outline = ToPath(PathBuilder::new());
    let Some(bounds) = face.outline_glyph(id, &mut outline) else {
        // A space: it only moves the pen.
        return Glyph {
            advance_px,
            ..Glyph::default()
        };
    };
    let xmin = (f32::from(bounds.x_min) * scale).floor() as i32;
    let ymin = (f32::from(bounds.y_min) * scale).floor() as i32;
    let xmax = (f32::from(bounds.x_max) * scale).ceil() as i32;
    let ymax = (f32::from(bounds.y_max) * scale).ceil() as i32;
    let (width, height) = ((xmax - xmin).max(1) as u32, (ymax - ymin).max(1) as u32);
    let (Some(path), Some(mut mask)) = (outline.0.finish(), Mask::new(width, height)) else {
        return Glyph {
            advance_px,
            ..Glyph::default()
        };
    };
    // Font units to the mask's pixels: scaled, y flipped, the box's corner
    // at the origin.
    let to_mask = Transform::from_row(scale, 0.0, 0.0, -scale, -(xmin as f32), ymax as f32);
    mask.fill_path(&path, FillRule::Winding, true, to_mask);
    Glyph {
        advance_px,
        xmin,
        ymin,
        width: width as usize,
        height: height as usize,
        coverage: mask.take(),
    }
}

impl TextRenderer {
    pub fn new() -> Result<TextRenderer, FontError> {
        let face = Face::parse(FONT_TTF, 0).map_err(|e| FontError(e.to_string()))?;
        Ok(TextRenderer {
            face,
            glyphs: HashMap::new(),
            drawn: None,
        })
    }

    /// From now on, keeps every text drawn until `take_drawn`.
    pub fn record_drawn(&mut self) {
        self.drawn.get_or_insert_with(Vec::new);
    }

    /// The texts drawn since recording began or since the last call.
    pub fn take_drawn(&mut self) -> Vec<Drawn> {
        self.drawn.as_mut().map(std::mem::take).unwrap_or_default()
    }

    fn glyph(&mut self, c: char, size_px: u32) -> &Glyph {
        let face = &self.face;
        self.glyphs
            .entry((c, size_px))
            .or_insert_with(|| rasterize(face, c, size_px))
    }

    /// Width in pixels of `text` at `size_px`.
    pub fn width(&mut self, text: &str, size_px: u32) -> f64 {
        text.chars()
            .map(|c| f64::from(self.glyph(c, size_px).advance_px))
            .sum()
    }

    /// Height of capital letters at `size_px` (for centring).
    pub fn cap_height(&mut self, size_px: u32) -> f64 {
        self.glyph('H', size_px).height as f64
    }

    /// Draws `text` with its baseline at `baseline_y` starting at `x`;
    /// returns where it ended.
    pub fn draw(
        &mut self,
        canvas: &mut Canvas,
        (x, baseline_y): (f64, f64),
        text: &str,
        size_px: u32,
        color: Rgb,
    ) -> f64 {
        if let Some(drawn) = self.drawn.as_mut() {
            drawn.push(Drawn {
                text: text.to_string(),
                at_px: (x, baseline_y),
                size_px,
            });
        }
        let mut pen_x = x;
        for c in text.chars() {
            let glyph = self.glyph(c, size_px);
            let left = (pen_x + f64::from(glyph.xmin)).round() as i64;
            let top = (baseline_y - f64::from(glyph.ymin) - glyph.height as f64).round() as i64;
            for gy in 0..glyph.height {
                for gx in 0..glyph.width {
                    let a = glyph.coverage[gy * glyph.width + gx];
                    if a > 0 {
                        canvas.blend_pixel(
                            left + gx as i64,
                            top + gy as i64,
                            color,
                            f32::from(a) / 255.0,
                        );
                    }
                }
            }
            pen_x += f64::from(glyph.advance_px);
        }
        pen_x
    }

    /// Splits `text` into lines no wider than `max_width_px` at `size_px`.
    pub fn wrap(&mut self, text: &str, size_px: u32, max_width_px: f64) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if self.width(&candidate, size_px) > max_width_px && !line.is_empty() {
                lines.push(std::mem::replace(&mut line, word.to_string()));
            } else {
                line = candidate;
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_drawn_inside_its_box_and_wraps() {
        let mut text = TextRenderer::new().unwrap();
        let mut canvas = Canvas::new(300, 60).unwrap();
        let white = Rgb(255, 255, 255);
        let end = text.draw(&mut canvas, (10.0, 40.0), "Hold it", 30, white);
        assert!(end > 80.0 && end < 200.0, "{end}");
        let lit = canvas.window_pixels().iter().filter(|&&p| p != 0).count();
        assert!(lit > 300, "{lit} pixels lit");
        // Nothing below the baseline except descenders (none here).
        assert!((0..300).all(|x| canvas.get(x, 45) == Some(Rgb(0, 0, 0))));
        let lines = text.wrap("Keep your back flat on the floor", 30, 200.0);
        assert!(lines.len() >= 2, "{lines:?}");
        assert_eq!(lines.join(" "), "Keep your back flat on the floor");
    }
}
