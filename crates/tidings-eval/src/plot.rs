//! Line charts as self-contained SVG, for the threshold sweep of `tidings eval`.
//!
//! Hand-written: two small charts do not justify a plotting crate and the font and
//! image dependencies it brings. The files use no scripts, stylesheets, fonts or
//! external references, so browsers, `rsvg-convert` and Inkscape show them alike.

use crate::SweepRow;
use std::fmt::Write as _;

/// One line of a chart.
#[derive(Clone, Debug)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    /// Any SVG colour, e.g. `#1f77b4`.
    pub color: &'static str,
    /// SVG `stroke-dasharray`, e.g. `6 4`; `None` for a solid line.
    pub dash: Option<&'static str>,
    /// Text written beside each point (as long as `points`), or empty for none.
    pub labels: Vec<String>,
}

/// A line chart: axes with ticks, grid and labels, its series, and a legend below.
#[derive(Clone, Debug)]
pub struct Chart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub series: Vec<Series>,
    /// A shaded band from one x value to another (a line when they are equal), with a
    /// caption at its foot (scores crowd the top of a chart).
    pub highlight: Option<(f64, f64, String)>,
    /// Both axes over the same range, so that a curve of two like quantities
    /// (precision against recall) is not stretched one way.
    pub same_scale: bool,
}

/// Escapes text for SVG content and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// A step of 1, 2 or 5 times a power of ten giving about `target` intervals over `span`.
fn nice_step(span: f64, target: f64) -> f64 {
    let raw = span / target;
    let mag = 10f64.powf(raw.log10().floor());
    let n = raw / mag;
    // The slack keeps 0.1 / 5 (2.0000000000000004 units of 0.01) a step of 0.02.
    let unit = if n <= 1.0 + 1e-9 {
        1.0
    } else if n <= 2.0 + 1e-9 {
        2.0
    } else if n <= 5.0 + 1e-9 {
        5.0
    } else {
        10.0
    };
    unit * mag
}

/// An axis: its range, widened to whole ticks, and the ticks.
struct Axis {
    lo: f64,
    hi: f64,
    step: f64,
}

impl Axis {
    fn fit(values: impl Iterator<Item = f64>) -> Axis {
        let (mut lo, mut hi) = values
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            });
        if lo > hi {
            (lo, hi) = (0.0, 1.0);
        }
        // A flat series still needs a range to be drawn in.
        if hi - lo < 1e-9 {
            let pad = (lo.abs() * 0.1).max(0.01);
            (lo, hi) = (lo - pad, hi + pad);
        }
        let step = nice_step(hi - lo, 5.0);
        // The small epsilon keeps a value that is a whole tick (0.9 as 0.9000000001)
        // from opening one more empty interval.
        let lo = ((lo + step * 1e-6) / step).floor() * step;
        let hi = ((hi - step * 1e-6) / step).ceil() * step;
        Axis { lo, hi, step }
    }

    fn ticks(&self) -> Vec<f64> {
        let n = ((self.hi - self.lo) / self.step).round() as usize;
        (0..=n).map(|i| self.lo + i as f64 * self.step).collect()
    }

    /// Tick text with as many decimals as the step needs.
    fn label(&self, v: f64) -> String {
        let decimals = (-self.step.log10().floor()).max(0.0) as usize;
        let decimals = if (self.step * 10f64.powi(decimals as i32)).fract().abs() > 1e-6 {
            decimals + 1
        } else {
            decimals
        };
        format!("{v:.decimals$}")
    }

    /// Position of `v` on a screen interval from `from` (at `lo`) to `to` (at `hi`).
    fn map(&self, v: f64, from: f64, to: f64) -> f64 {
        from + (v - self.lo) / (self.hi - self.lo) * (to - from)
    }
}

/// Rows of the legend, in two columns.
fn legend_rows(chart: &Chart) -> usize {
    chart.series.len().div_ceil(2)
}

const FONT: &str = "font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\"";

const ROW: f64 = 18.0;

/// Draws `chart` into the box with top left corner `(x, y)`, `w` wide and `h` high,
/// keeping `rows` legend rows free at the bottom (the most any chart beside it needs,
/// so that plot areas side by side line up).
fn draw(out: &mut String, chart: &Chart, (x, y, w, h): (f64, f64, f64, f64), rows: usize) {
    const LEFT: f64 = 62.0;
    const RIGHT: f64 = 16.0;
    const TOP: f64 = 28.0;
    let bottom = 52.0 + ROW * rows as f64;
    let (px0, px1) = (x + LEFT, x + w - RIGHT);
    let (py0, py1) = (y + TOP, y + h - bottom);
    let points = || chart.series.iter().flat_map(|s| s.points.iter());
    let marked = chart.highlight.iter().flat_map(|h| [h.0, h.1]);
    let (xa, ya) = if chart.same_scale {
        let both = || points().flat_map(|p| [p.0, p.1]);
        (Axis::fit(both().chain(marked)), Axis::fit(both()))
    } else {
        (
            Axis::fit(points().map(|p| p.0).chain(marked)),
            Axis::fit(points().map(|p| p.1)),
        )
    };
    let sx = |v: f64| xa.map(v, px0, px1);
    let sy = |v: f64| ya.map(v, py1, py0);

    let _ = writeln!(
        out,
        r#"<text x="{:.1}" y="{:.1}" {FONT} font-size="14" font-weight="bold" text-anchor="middle">{}</text>"#,
        (px0 + px1) / 2.0,
        y + 17.0,
        esc(&chart.title)
    );
    if let Some((from, to, caption)) = &chart.highlight {
        // At least a few pixels wide, so that a single threshold shows.
        let (a, b) = (sx(*from) - 3.0, sx(*to) + 3.0);
        // The caption goes right of the band, or left of it where it would leave the plot.
        let (cx, anchor) = if b + 4.0 + 5.6 * caption.chars().count() as f64 <= px1 {
            (b + 4.0, "start")
        } else {
            (a - 4.0, "end")
        };
        let _ = writeln!(
            out,
            r##"<rect x="{a:.1}" y="{py0:.1}" width="{0:.1}" height="{1:.1}" fill="#f2d95c" fill-opacity="0.3"/><text x="{cx:.1}" y="{2:.1}" {FONT} font-size="10" fill="#555" text-anchor="{anchor}">{3}</text>"##,
            b - a,
            py1 - py0,
            py1 - 6.0,
            esc(caption)
        );
    }
    // Grid and ticks.
    for t in xa.ticks() {
        let _ = writeln!(
            out,
            r##"<line x1="{0:.1}" y1="{py0:.1}" x2="{0:.1}" y2="{py1:.1}" stroke="#e4e4e4"/><line x1="{0:.1}" y1="{py1:.1}" x2="{0:.1}" y2="{1:.1}" stroke="#333"/><text x="{0:.1}" y="{2:.1}" {FONT} font-size="11" text-anchor="middle">{3}</text>"##,
            sx(t),
            py1 + 5.0,
            py1 + 18.0,
            xa.label(t)
        );
    }
    for t in ya.ticks() {
        let _ = writeln!(
            out,
            r##"<line x1="{px0:.1}" y1="{0:.1}" x2="{px1:.1}" y2="{0:.1}" stroke="#e4e4e4"/><line x1="{1:.1}" y1="{0:.1}" x2="{px0:.1}" y2="{0:.1}" stroke="#333"/><text x="{2:.1}" y="{3:.1}" {FONT} font-size="11" text-anchor="end">{4}</text>"##,
            sy(t),
            px0 - 5.0,
            px0 - 8.0,
            sy(t) + 4.0,
            ya.label(t)
        );
    }
    let _ = writeln!(
        out,
        r##"<path d="M{px0:.1},{py0:.1} V{py1:.1} H{px1:.1}" fill="none" stroke="#333"/>"##
    );
    // Axis labels.
    let _ = writeln!(
        out,
        r#"<text x="{:.1}" y="{:.1}" {FONT} font-size="12" text-anchor="middle">{}</text>"#,
        (px0 + px1) / 2.0,
        py1 + 36.0,
        esc(&chart.x_label)
    );
    let (lx, ly) = (x + 16.0, (py0 + py1) / 2.0);
    let _ = writeln!(
        out,
        r#"<text x="{lx:.1}" y="{ly:.1}" {FONT} font-size="12" text-anchor="middle" transform="rotate(-90 {lx:.1} {ly:.1})">{}</text>"#,
        esc(&chart.y_label)
    );
    // Boxes of the point labels drawn so far.
    let mut taken: Vec<(f64, f64, f64, f64)> = Vec::new();
    for s in &chart.series {
        let dash = s
            .dash
            .map(|d| format!(r#" stroke-dasharray="{d}""#))
            .unwrap_or_default();
        let pts: Vec<String> = s
            .points
            .iter()
            .filter(|p| p.0.is_finite() && p.1.is_finite())
            .map(|&(a, b)| format!("{:.1},{:.1}", sx(a), sy(b)))
            .collect();
        let _ = writeln!(
            out,
            r#"<g><title>{}</title><polyline points="{}" fill="none" stroke="{}" stroke-width="2"{dash}/>"#,
            esc(&s.name),
            pts.join(" "),
            s.color
        );
        for (i, &(a, b)) in s.points.iter().enumerate() {
            if !(a.is_finite() && b.is_finite()) {
                continue;
            }
            let _ = writeln!(
                out,
                r#"<circle cx="{:.1}" cy="{:.1}" r="2.6" fill="{}"/>"#,
                sx(a),
                sy(b),
                s.color
            );
            let Some(label) = s.labels.get(i).filter(|l| !l.is_empty()) else {
                continue;
            };
            // Beside the point where it overlaps no other label (nor leaves the
            // plot area); a label that fits nowhere is left out, not printed over another.
            let width = 5.6 * label.chars().count() as f64;
            let (cx, cy) = (sx(a), sy(b));
            let spot = [
                (4.0, -5.0),
                (4.0, 12.0),
                (-4.0 - width, -5.0),
                (-4.0 - width, 12.0),
            ]
            .into_iter()
            .map(|(dx, dy)| (cx + dx, cy + dy - 9.0, width, 10.0))
            .find(|&(lx, ly, lw, lh)| {
                lx >= px0
                    && lx + lw <= px1
                    && ly >= py0
                    && ly + lh <= py1
                    && taken.iter().all(|&(tx, ty, tw, th)| {
                        lx + lw <= tx || tx + tw <= lx || ly + lh <= ty || ty + th <= ly
                    })
            });
            if let Some(rect) = spot {
                taken.push(rect);
                let _ = writeln!(
                    out,
                    r#"<text x="{:.1}" y="{:.1}" {FONT} font-size="9" fill="{}">{}</text>"#,
                    rect.0,
                    rect.1 + 9.0,
                    s.color,
                    esc(label)
                );
            }
        }
        out.push_str("</g>\n");
    }
    // Legend: two columns under the axis label.
    let col = (px1 - px0) / 2.0;
    for (i, s) in chart.series.iter().enumerate() {
        let lx = px0 + (i % 2) as f64 * col;
        let ly = py1 + 56.0 + (i / 2) as f64 * ROW;
        let dash = s
            .dash
            .map(|d| format!(r#" stroke-dasharray="{d}""#))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            r#"<line x1="{lx:.1}" y1="{0:.1}" x2="{1:.1}" y2="{0:.1}" stroke="{2}" stroke-width="2"{dash}/><text x="{3:.1}" y="{4:.1}" {FONT} font-size="11">{5}</text>"#,
            ly - 4.0,
            lx + 28.0,
            s.color,
            lx + 34.0,
            ly,
            esc(&s.name)
        );
    }
}

/// Charts side by side under one title and subtitle, as a complete SVG document.
pub fn charts_svg(title: &str, subtitle: &str, charts: &[Chart]) -> String {
    const PANEL_W: f64 = 520.0;
    const PANEL_H: f64 = 420.0;
    const HEAD: f64 = 56.0;
    let rows = charts.iter().map(legend_rows).max().unwrap_or(0);
    let (w, h) = (
        PANEL_W * charts.len().max(1) as f64,
        HEAD + PANEL_H + ROW * rows as f64,
    );
    let mut out = String::new();
    let _ = writeln!(
        out,
        r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">
<rect width="100%" height="100%" fill="white"/>
<text x="{0}" y="24" {FONT} font-size="17" font-weight="bold" text-anchor="middle">{1}</text>
<text x="{0}" y="44" {FONT} font-size="12" fill="#444" text-anchor="middle">{2}</text>"##,
        w / 2.0,
        esc(title),
        esc(subtitle)
    );
    for (i, c) in charts.iter().enumerate() {
        draw(
            &mut out,
            c,
            (i as f64 * PANEL_W, HEAD, PANEL_W, h - HEAD),
            rows,
        );
    }
    out.push_str("</svg>\n");
    out
}

/// Colours of precision, recall, F1 and cross-lingual recall (colour-blind safe).
const BLUE: &str = "#0072b2";
const ORANGE: &str = "#d55e00";
const GREEN: &str = "#009e73";
const PURPLE: &str = "#cc79a7";
const DASH: &str = "7 4";

/// The thresholds marked best (several when they tie): the first, the last, and
/// as text `0.05` or `0.02–0.05`.
fn best_span(rows: &[SweepRow]) -> Option<(f32, f32, String)> {
    let best: Vec<f32> = rows
        .iter()
        .filter(|r| r.best)
        .map(|r| r.threshold)
        .collect();
    let (first, last) = (*best.first()?, *best.last()?);
    let text = if first == last {
        format!("{first}")
    } else {
        format!("{first}–{last}")
    };
    Some((first, last, text))
}

/// Threshold labels for the points of a curve: a run of thresholds that land on one
/// point gets one label, `0.02–0.05`, instead of labels printed over each other.
fn point_labels(rows: &[SweepRow], points: &[(f64, f64)]) -> Vec<String> {
    let mut labels = vec![String::new(); points.len()];
    let mut start = 0;
    for i in 1..=points.len() {
        if i == points.len() || points[i] != points[start] {
            labels[start] = if i - 1 == start {
                rows[start].threshold.to_string()
            } else {
                format!("{}–{}", rows[start].threshold, rows[i - 1].threshold)
            };
            start = i;
        }
    }
    labels
}

/// The threshold sweep as an SVG: precision, recall and F1 (B-cubed solid, pairwise
/// dashed) and cross-lingual pair recall against the threshold, the best B-cubed F1
/// marked; beside it, precision against recall with each point's threshold.
pub fn sweep_svg(corpus: &str, rows: &[SweepRow]) -> String {
    let by_t = |name: &str, color, dash, f: fn(&SweepRow) -> f64| Series {
        name: name.to_owned(),
        points: rows.iter().map(|r| (r.threshold as f64, f(r))).collect(),
        color,
        dash,
        labels: Vec::new(),
    };
    let best = rows.iter().find(|r| r.best);
    let scores = Chart {
        title: "Story scores by threshold".into(),
        x_label: "story threshold (mean pairwise cosine)".into(),
        y_label: "score".into(),
        series: vec![
            by_t("B³ precision", BLUE, None, |r| r.b_cubed.precision),
            by_t("pairwise precision", BLUE, Some(DASH), |r| {
                r.pairwise.precision
            }),
            by_t("B³ recall", ORANGE, None, |r| r.b_cubed.recall),
            by_t("pairwise recall", ORANGE, Some(DASH), |r| r.pairwise.recall),
            by_t("B³ F1", GREEN, None, |r| r.b_cubed.f1),
            by_t("pairwise F1", GREEN, Some(DASH), |r| r.pairwise.f1),
            by_t("cross-lingual pair recall", PURPLE, Some("2 3"), |r| {
                r.cross_lingual.recall
            }),
        ],
        highlight: best_span(rows)
            .map(|(a, b, text)| (a as f64, b as f64, format!("best B³ F1 ({text})"))),
        same_scale: false,
    };
    let pr = |name: &str, color, dash, f: fn(&SweepRow) -> (f64, f64)| {
        let points: Vec<(f64, f64)> = rows.iter().map(f).collect();
        Series {
            name: name.to_owned(),
            labels: point_labels(rows, &points),
            points,
            color,
            dash,
        }
    };
    let curve = Chart {
        title: "Precision against recall (labels: B³ threshold)".into(),
        x_label: "recall".into(),
        y_label: "precision".into(),
        series: vec![
            pr("B³", "#222222", None, |r| {
                (r.b_cubed.recall, r.b_cubed.precision)
            }),
            Series {
                labels: Vec::new(),
                ..pr("pairwise", "#7a7a7a", Some(DASH), |r| {
                    (r.pairwise.recall, r.pairwise.precision)
                })
            },
        ],
        highlight: None,
        same_scale: true,
    };
    let subtitle = match (best, best_span(rows)) {
        (Some(r), Some((_, _, at))) => format!(
            "story level, {} thresholds; best B³ F1 {:.3} at {at} (P {:.3}, R {:.3}; {} stories)",
            rows.len(),
            r.b_cubed.f1,
            r.b_cubed.precision,
            r.b_cubed.recall,
            r.n_stories
        ),
        _ => "no thresholds".to_owned(),
    };
    charts_svg(
        &format!("tidings threshold sweep: {corpus}"),
        &subtitle,
        &[scores, curve],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{PairRecall, Prf};

    /// Checks that tags nest and close, and that no number is NaN or infinite.
    fn check_well_formed(svg: &str) {
        assert!(svg.starts_with("<?xml"), "XML declaration first");
        let mut open: Vec<&str> = Vec::new();
        let mut rest = svg;
        while let Some(i) = rest.find('<') {
            let end = rest[i..].find('>').expect("every tag closes") + i;
            let tag = &rest[i + 1..end];
            assert!(!tag.contains('<'), "no `<` inside a tag: {tag}");
            if tag.starts_with('?') {
            } else if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(open.pop(), Some(name.trim()), "closing tag matches");
            } else if !tag.ends_with('/') {
                open.push(tag.split_whitespace().next().unwrap());
            }
            rest = &rest[end + 1..];
        }
        assert!(open.is_empty(), "unclosed: {open:?}");
        assert!(
            !svg.contains("NaN") && !svg.contains("inf"),
            "finite numbers only"
        );
    }

    fn row(threshold: f32, p: f64, r: f64, best: bool) -> SweepRow {
        SweepRow {
            threshold,
            n_stories: 10,
            pairwise: Prf::new(p - 0.05, r - 0.05),
            b_cubed: Prf::new(p, r),
            cross_lingual: PairRecall::new(100, (r * 90.0) as u64),
            best,
        }
    }

    #[test]
    fn the_sweep_plot_is_well_formed_and_shows_every_series() {
        let rows = [
            row(0.02, 0.80, 0.99, false),
            row(0.05, 0.95, 0.97, true),
            row(0.1, 0.99, 0.90, false),
        ];
        let svg = sweep_svg("news <&> \"test\"", &rows);
        check_well_formed(&svg);
        assert!(svg.contains("news &lt;&amp;&gt; &quot;test&quot;"), "{svg}");
        for name in [
            "B³ precision",
            "B³ recall",
            "B³ F1",
            "pairwise precision",
            "pairwise recall",
            "pairwise F1",
            "cross-lingual pair recall",
        ] {
            assert!(
                svg.contains(&format!("<title>{name}</title>")),
                "series {name}"
            );
        }
        // Seven series against the threshold and two precision-recall curves, each
        // a polyline through every row.
        let lines: Vec<&str> = svg.lines().filter(|l| l.contains("<polyline")).collect();
        assert_eq!(lines.len(), 9);
        for l in lines {
            assert_eq!(
                l.split("points=\"")
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap()
                    .split(' ')
                    .count(),
                rows.len(),
                "{l}"
            );
        }
        assert!(svg.contains("best B³ F1 (0.05)"));
        // A run of thresholds on one point is labelled once.
        let same = [
            row(0.02, 0.9, 0.9, true),
            row(0.03, 0.9, 0.9, true),
            row(0.1, 0.99, 0.5, false),
        ];
        let svg = sweep_svg("ties", &same);
        assert!(
            svg.contains(">0.02–0.03<") && svg.contains("best B³ F1 (0.02–0.03)"),
            "{svg}"
        );
    }

    #[test]
    fn a_single_or_flat_row_still_draws() {
        let svg = sweep_svg("one", &[row(0.05, 1.0, 1.0, true)]);
        check_well_formed(&svg);
        check_well_formed(&sweep_svg("none", &[]));
    }

    #[test]
    fn axes_are_whole_ticks_around_the_data() {
        for (values, lo, hi, step) in [
            (vec![0.02, 0.2], 0.0, 0.2, 0.05),
            (vec![0.62, 0.99], 0.6, 1.0, 0.1),
            (vec![0.9, 1.0], 0.9, 1.0, 0.02),
        ] {
            let a = Axis::fit(values.clone().into_iter());
            assert!(
                (a.lo - lo).abs() < 1e-9
                    && (a.hi - hi).abs() < 1e-9
                    && (a.step - step).abs() < 1e-9,
                "{values:?}: {} {} {}",
                a.lo,
                a.hi,
                a.step
            );
        }
        let a = Axis::fit([0.0, 0.25].into_iter());
        assert_eq!(a.label(0.05), "0.05");
        assert_eq!(a.label(0.0), "0.00");
    }
}
