//! The evidence report as one self-contained HTML page: inline CSS, charts embedded as SVG
//! data (no network, no script), A4 print styles, organised as the PDCA cycle of
//! DB1407/T 45—2022 and closing with the table A.1 evidence checklist.
//!
//! Every text that comes from a data file or the project file goes through [`esc`].

use crate::evidence::compare::{mean_p, num_at, Change, Comparison};
use crate::evidence::compare_text::{fixed, index_text, mean_diff_ci, p_text, p_cell, pct_text, ppm_text};
use crate::evidence::report::{Report, Section};
use crate::i18n::Lang;
use serde_json::Value;
use std::fmt::Write as _;
use std::path::Path;

/// HTML-escape text (element content and quoted attribute values).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escaped text with line breaks kept as paragraphs.
fn paras(s: &str) -> String {
    s.split("\n\n").map(|p| p.trim()).filter(|p| !p.is_empty()).map(|p| format!("<p>{}</p>", esc(p).replace('\n', ""))).collect()
}

/// Base64 (RFC 4648, with padding) for embedding charts as data URIs.
pub fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

const CSS: &str = r#"
:root{--ink:#1f2933;--mute:#52606d;--line:#d9e2ec;--soft:#f5f7fa;--brand:#1d4e89;--ok:#1e7b4a;--okbg:#e3f4ea;--bad:#b42318;--badbg:#fde8e6;--warn:#9a6700;--warnbg:#fff4d6;--info:#2c5282;--infobg:#e6f0fa}
*{box-sizing:border-box}
body{margin:0;background:#eef1f5;color:var(--ink);font:14px/1.6 "Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei","Microsoft YaHei","PingFang SC","Helvetica Neue",Arial,sans-serif}
.page{max-width:1000px;margin:24px auto;background:#fff;padding:40px 48px;box-shadow:0 1px 4px rgba(0,0,0,.08)}
header.top{border-bottom:3px solid var(--brand);padding-bottom:14px;margin-bottom:20px}
.kicker{color:var(--brand);font-weight:600;letter-spacing:.08em;font-size:12px;text-transform:uppercase}
h1{font-size:26px;margin:4px 0 8px;line-height:1.3}
.meta{display:flex;flex-wrap:wrap;gap:6px 22px;color:var(--mute);font-size:13px}
.meta b{color:var(--ink);font-weight:600}
h2{font-size:19px;color:var(--brand);margin:30px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h2 .tag{display:inline-block;background:var(--brand);color:#fff;border-radius:4px;font-size:12px;padding:1px 8px;margin-right:8px;vertical-align:3px}
h3{font-size:15px;margin:18px 0 6px}
p{margin:6px 0}
.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:12px;margin:16px 0 8px}
.card{border:1px solid var(--line);border-radius:8px;padding:12px 14px;background:var(--soft)}
.card .label{font-size:12px;color:var(--mute)}
.card .big{font-size:24px;font-weight:700;line-height:1.25;margin:2px 0}
.card .sub{font-size:12px;color:var(--mute)}
.card.ok{background:var(--okbg);border-color:#a8d5b9}.card.ok .big{color:var(--ok)}
.card.bad{background:var(--badbg);border-color:#f3b7b0}.card.bad .big{color:var(--bad)}
.verdict{border-left:4px solid var(--brand);background:var(--infobg);padding:10px 14px;border-radius:0 6px 6px 0;margin:10px 0}
.verdict p{margin:3px 0}
table{border-collapse:collapse;width:100%;margin:8px 0 12px;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:var(--soft);font-weight:600;color:#323f4b}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.yes{color:var(--ok);font-weight:700}.no{color:var(--bad);font-weight:700}
.fig{margin:10px 0 16px;text-align:center;page-break-inside:avoid}
.fig img{max-width:100%;max-height:560px;border:1px solid var(--line);border-radius:4px}
.fig .cap{font-size:12px;color:var(--mute);margin-top:4px}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:14px}
.chk{border-radius:6px;padding:8px 12px;margin:8px 0;border:1px solid}
.chk.fail{background:var(--badbg);border-color:#f3b7b0}.chk.warn{background:var(--warnbg);border-color:#f0d58c}.chk.info{background:var(--infobg);border-color:#b6cde8}
.chk .t{font-weight:600}.chk .m,.chk .a{font-size:13px;margin:2px 0}
.mono{font-family:"DejaVu Sans Mono",Consolas,monospace;font-size:11px;word-break:break-all;color:var(--mute)}
.cmd{font-family:"DejaVu Sans Mono",Consolas,monospace;font-size:12px;background:var(--soft);padding:4px 8px;border-radius:4px;color:#323f4b;word-break:break-all}
.muted{color:var(--mute)}
.err{color:var(--bad)}
footer{margin-top:30px;border-top:1px solid var(--line);padding-top:8px;color:var(--mute);font-size:12px}
ol.measures{padding-left:20px}ol.measures li{margin:6px 0}
@page{size:A4;margin:14mm 12mm}
@media print{body{background:#fff}.page{box-shadow:none;margin:0;max-width:none;padding:0}h2{page-break-after:avoid}.cards{grid-template-columns:repeat(4,1fr)}table,.chk,.verdict{page-break-inside:avoid}}
"#;

/// The report page. `out` is the report folder (charts are read from it and embedded).
pub fn report_page(r: &Report, out: &Path, lang: Lang) -> String {
    let p = &r.project;
    let mut h = String::new();
    let title = esc(&p.info.name);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title><style>{CSS}</style></head><body><div class=\"page\">",
        lang.t("zh-CN", "en")
    );
    header(&mut h, r, lang);
    cards(&mut h, r, lang);
    plan(&mut h, r, out, lang);
    doing(&mut h, r, lang);
    check(&mut h, r, out, lang);
    act(&mut h, r, lang);
    checklist(&mut h, r, lang);
    let _ = writeln!(
        h,
        "<footer>{} {} · {} · {}</footer></div></body></html>",
        lang.t("由", "Made by"),
        esc(&r.generator),
        lang.t("全部数字见同目录 report.json；图表文件见 charts/", "every number is in report.json next to this page; chart files in charts/"),
        lang.t("统计方法依据 DB1407/T 45—2022 第 4.3 条", "statistics applied per DB1407/T 45—2022 §4.3")
    );
    h
}

fn header(h: &mut String, r: &Report, lang: Lang) {
    let i = &r.project.info;
    let _ = write!(h, "<header class=\"top\"><div class=\"kicker\">{}</div><h1>{}</h1><div class=\"meta\">", lang.t("质量攻关项目 · 统计证据报告", "Quality breakthrough project · statistical evidence"), esc(&i.name));
    let colon = lang.t("：", ": ");
    let mut item = |k: &str, v: String| {
        let _ = write!(h, "<span>{k}{colon}<b>{v}</b></span>");
    };
    item(lang.t("企业", "Enterprise"), esc(&i.enterprise));
    item(lang.t("主题", "Theme"), esc(i.theme.label(lang)));
    if let (Some(s), Some(e)) = (&i.start, &i.end) {
        item(lang.t("周期", "Period"), format!("{} — {}", esc(s), esc(e)));
    }
    if let Some(l) = &i.leader {
        item(lang.t("负责人", "Leader"), esc(l));
    }
    if !i.team.is_empty() {
        item(lang.t("团队", "Team"), esc(&i.team.join("、")));
    }
    h.push_str("</div></header>");
}

fn first_comparison(r: &Report) -> Option<&Comparison> {
    r.sections.iter().find_map(|s| s.comparison.as_ref())
}

/// A goal figure for people: 2 decimals below 10, 1 below 100, none above; with its unit.
pub fn goal_value(x: f64, unit: &str) -> String {
    let v = if x.abs() >= 100.0 { format!("{x:.0}") } else if x.abs() >= 10.0 { format!("{x:.1}") } else { format!("{x:.2}") };
    format!("{v}{}", if unit.is_empty() { String::new() } else { format!(" {}", esc(unit)) })
}

fn cards(h: &mut String, r: &Report, lang: Lang) {
    let g = &r.goal;
    h.push_str("<div class=\"cards\">");
    let (cls, big) = match g.met {
        Some(true) => ("ok", lang.t("✓ 目标达成", "✓ Target met")),
        Some(false) => ("bad", lang.t("✗ 未达成", "✗ Not met")),
        None => ("", lang.t("— 未判定", "— Not judged")),
    };
    let op = match g.direction {
        crate::evidence::project::Direction::Higher => "≥",
        crate::evidence::project::Direction::Lower => "≤",
        crate::evidence::project::Direction::Target => "→",
    };
    let sub = match g.achieved {
        Some(a) => format!("{} {} {} {}", esc(&g.metric), goal_value(a, &g.unit), op, goal_value(g.target, &g.unit)),
        None => esc(&g.metric),
    };
    let _ = write!(h, "<div class=\"card {cls}\"><div class=\"label\">{}</div><div class=\"big\">{big}</div><div class=\"sub\">{sub}</div></div>", lang.t("目标", "Goal"));
    let imp = g.improvement_percent.map(|p| pct_text(Some(p))).unwrap_or_else(|| "—".into());
    let from_to = match (g.baseline_measured.or(g.baseline), g.achieved) {
        (Some(b), Some(a)) => format!("{} → {}", goal_value(b, &g.unit), goal_value(a, &g.unit)),
        _ => String::new(),
    };
    let _ = write!(h, "<div class=\"card\"><div class=\"label\">{}</div><div class=\"big\">{imp}</div><div class=\"sub\">{from_to}</div></div>", lang.t("改进幅度", "Improvement"));
    let c = first_comparison(r);
    let cpk = c.and_then(|c| c.cpk.as_ref()).map(|k| format!("{} → {}", index_text(k.before), index_text(k.after)));
    let ppk = c.and_then(|c| c.ppk.as_ref()).map(|k| format!("Ppk {} → {}", index_text(k.before), index_text(k.after)));
    let _ = write!(
        h,
        "<div class=\"card\"><div class=\"label\">Cpk {}</div><div class=\"big\">{}</div><div class=\"sub\">{}</div></div>",
        lang.t("改进前 → 改进后", "before → after"),
        cpk.unwrap_or_else(|| "—".into()),
        ppk.unwrap_or_default()
    );
    let ppm = c.and_then(|c| c.ppm_expected.as_ref()).map(|k| format!("{} → {}", ppm_text(k.before), ppm_text(k.after)));
    let sig = c.map(|c| {
        let mp = mean_p(c).map(p_text).unwrap_or_else(|| "—".into());
        let sp = c.bonett.as_ref().map(|b| p_text(b.p_value)).unwrap_or_else(|| "—".into());
        format!("{} {mp} · {} {sp}", lang.t("均值", "mean"), lang.t("标准差", "sd"))
    });
    let _ = write!(
        h,
        "<div class=\"card\"><div class=\"label\">{}</div><div class=\"big\">{}</div><div class=\"sub\">{}</div></div>",
        lang.t("预期不合格品率 PPM", "Expected PPM"),
        ppm.unwrap_or_else(|| "—".into()),
        sig.unwrap_or_default()
    );
    h.push_str("</div>");
    if let Some(c) = c {
        h.push_str("<div class=\"verdict\">");
        for l in &c.verdict_lines {
            let _ = write!(h, "<p>{}</p>", esc(l));
        }
        h.push_str("</div>");
    }
}

fn section_head(h: &mut String, tag: &str, title: &str) {
    let _ = write!(h, "<h2><span class=\"tag\">{}</span>{}</h2>", esc(tag), esc(title));
}

fn plan(h: &mut String, r: &Report, out: &Path, lang: Lang) {
    let i = &r.project.info;
    section_head(h, "P", lang.t("计划：现状调查与目标设定", "Plan: current situation and goal"));
    if let Some(b) = &i.background {
        let _ = write!(h, "<h3>{}</h3>{}", lang.t("现状调查", "Current situation"), paras(b));
    }
    if let Some(c) = first_comparison(r) {
        if let Some(s) = c.stages.first() {
            let _ = write!(h, "<h3>{}（{}）</h3><table><tr>", lang.t("基线数据", "Baseline figures"), esc(&s.name));
            let cap = |k: &str| s.capability.as_ref().and_then(|v| num_at(v, &[k]));
            let d = c.decimals + 1;
            let cells: Vec<(&str, String)> = vec![
                ("N", s.n.to_string()),
                (lang.t("均值", "Mean"), s.describe.mean.map(|x| fixed(x, d)).unwrap_or_default()),
                (lang.t("标准差", "StDev"), s.describe.sd.map(|x| fixed(x, d + 1)).unwrap_or_default()),
                (lang.t("最小值", "Min"), s.describe.min.map(|x| fixed(x, c.decimals)).unwrap_or_default()),
                (lang.t("最大值", "Max"), s.describe.max.map(|x| fixed(x, c.decimals)).unwrap_or_default()),
                ("Cpk", cap("cpk").map(index_text).unwrap_or_else(|| "—".into())),
                ("Ppk", cap("ppk").map(index_text).unwrap_or_else(|| "—".into())),
                ("PPM", s.capability.as_ref().and_then(|v| num_at(v, &["ppm", "expected_overall", "total"])).map(ppm_text).unwrap_or_else(|| "—".into())),
            ];
            for (k, _) in &cells {
                let _ = write!(h, "<th class=\"n\">{}</th>", esc(k));
            }
            h.push_str("</tr><tr>");
            for (_, v) in &cells {
                let _ = write!(h, "<td class=\"n\">{}</td>", esc(v));
            }
            h.push_str("</tr></table>");
        }
    }
    for s in r.sections.iter().filter(|s| s.section == "plan") {
        section_body(h, s, out, lang);
    }
    if let Some(c) = &i.causes {
        let _ = write!(h, "<h3>{}</h3>{}", lang.t("原因分析", "Causes"), paras(c));
    }
    let g = &r.project.goal;
    let _ = write!(h, "<h3>{}</h3><table><tr><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th>{}</th></tr>", lang.t("目标设定", "Goal"), lang.t("指标", "Metric"), lang.t("基线", "Baseline"), lang.t("目标", "Target"), lang.t("方向", "Direction"));
    let dir = match g.direction {
        crate::evidence::project::Direction::Higher => lang.t("越大越好", "higher is better"),
        crate::evidence::project::Direction::Lower => lang.t("越小越好", "lower is better"),
        crate::evidence::project::Direction::Target => lang.t("望目", "on target"),
    };
    let _ = write!(
        h,
        "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr></table>",
        esc(&g.metric),
        g.baseline.map(|b| goal_value(b, &g.unit)).unwrap_or_else(|| "—".into()),
        goal_value(g.target, &g.unit),
        dir
    );
}

fn doing(h: &mut String, r: &Report, lang: Lang) {
    section_head(h, "D", lang.t("执行：改进措施", "Do: measures taken"));
    if r.project.measures.is_empty() {
        let _ = write!(h, "<p class=\"muted\">{}</p>", lang.t("项目文件未列出措施。", "The project file lists no measures."));
        return;
    }
    let _ = write!(h, "<table><tr><th>#</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>", lang.t("措施", "Measure"), lang.t("内容", "Detail"), lang.t("负责人", "Owner"), lang.t("日期", "Date"));
    for (i, m) in r.project.measures.iter().enumerate() {
        let o = |x: &Option<String>| x.as_deref().map(esc).unwrap_or_default();
        let _ = write!(h, "<tr><td>{}</td><td><b>{}</b></td><td>{}</td><td>{}</td><td style=\"white-space:nowrap\">{}</td></tr>", i + 1, esc(&m.title), o(&m.detail), o(&m.owner), o(&m.date));
    }
    h.push_str("</table>");
}

fn check(h: &mut String, r: &Report, out: &Path, lang: Lang) {
    section_head(h, "C", lang.t("检查：效果检查", "Check: effect of the measures"));
    let mut any = false;
    for s in r.sections.iter().filter(|s| s.section == "check") {
        section_body(h, s, out, lang);
        any = true;
    }
    if !any {
        let _ = write!(h, "<p class=\"muted\">{}</p>", lang.t("项目文件未列出效果检查分析。", "The project file lists no check analysis."));
    }
}

fn act(h: &mut String, r: &Report, lang: Lang) {
    section_head(h, "A", lang.t("处置：标准化与巩固", "Act: standardisation"));
    let st = &r.project.standardisation;
    match &st.text {
        Some(t) => h.push_str(&paras(t)),
        None => {
            let _ = write!(h, "<p class=\"muted\">{}</p>", lang.t("项目文件未给出标准化内容。", "The project file gives no standardisation text."));
        }
    }
    if !st.documents.is_empty() {
        let _ = write!(h, "<p><b>{}</b></p><ul>", lang.t("纳入的标准与文件：", "Documents issued or revised:"));
        for d in &st.documents {
            let _ = write!(h, "<li>{}</li>", esc(d));
        }
        h.push_str("</ul>");
    }
    if !r.project.economics.is_empty() {
        let _ = write!(h, "<h3>{}</h3><table><tr><th>{}</th><th class=\"n\">{}</th><th>{}</th><th>{}</th></tr>", lang.t("经济效益", "Economic effect"), lang.t("项目", "Item"), lang.t("数值", "Value"), lang.t("单位", "Unit"), lang.t("说明", "Note"));
        for e in &r.project.economics {
            let _ = write!(
                h,
                "<tr><td>{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td></tr>",
                esc(&e.item),
                esc(&format!("{}", e.value)),
                esc(e.unit.as_deref().unwrap_or("")),
                esc(e.note.as_deref().unwrap_or(""))
            );
        }
        h.push_str("</table>");
    }
}

fn checklist(h: &mut String, r: &Report, lang: Lang) {
    section_head(h, "A.1", lang.t("证据清单（DB1407/T 45 表 A.1）", "Evidence checklist (DB1407/T 45 table A.1)"));
    let _ = write!(h, "<h3>{}</h3>", lang.t("技术手段：运用的统计方法", "Technical means: statistical methods applied"));
    if r.methods.is_empty() {
        let _ = write!(h, "<p class=\"muted\">{}</p>", lang.t("无。", "None."));
    } else {
        let _ = write!(h, "<table><tr><th>{}</th><th>{}</th><th>{}</th></tr>", lang.t("方法", "Method"), lang.t("位置", "Where"), lang.t("结果", "Result"));
        for m in &r.methods {
            let _ = write!(h, "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", esc(&m.method), esc(&m.place), esc(&m.finding));
        }
        h.push_str("</table>");
    }
    let g = &r.goal;
    let _ = write!(h, "<h3>{}</h3><table>", lang.t("目标：完成情况与改善幅度", "Goal: achievement and size of improvement"));
    let met = match g.met {
        Some(true) => format!("<span class=\"yes\">✓ {}</span>", lang.t("达成", "met")),
        Some(false) => format!("<span class=\"no\">✗ {}</span>", lang.t("未达成", "not met")),
        None => lang.t("未判定", "not judged").to_string(),
    };
    let row = |h: &mut String, k: &str, v: String| {
        let _ = write!(h, "<tr><th style=\"width:32%\">{}</th><td>{}</td></tr>", k, v);
    };
    row(h, lang.t("指标", "Metric"), esc(&g.metric));
    row(h, lang.t("目标值", "Target"), goal_value(g.target, &g.unit));
    row(h, lang.t("项目声称的基线", "Baseline claimed"), g.baseline.map(|b| goal_value(b, &g.unit)).unwrap_or_else(|| "—".into()));
    row(h, lang.t("数据实测的基线", "Baseline measured"), g.baseline_measured.map(|b| goal_value(b, &g.unit)).unwrap_or_else(|| "—".into()));
    row(h, lang.t("改进后实测值", "Achieved"), g.achieved.map(|b| goal_value(b, &g.unit)).unwrap_or_else(|| "—".into()));
    row(h, lang.t("是否达成", "Target met"), met);
    row(
        h,
        lang.t("改善幅度", "Improvement"),
        match (g.improvement, g.improvement_percent) {
            (Some(d), p) => format!("{} ({})", esc(&fixed(d, 3)), pct_text(p)),
            _ => "—".into(),
        },
    );
    row(h, lang.t("数据来源", "Source"), esc(&g.source));
    h.push_str("</table>");
    if g.baseline_differs {
        let _ = write!(
            h,
            "<div class=\"chk warn\"><div class=\"t\">{}</div><div class=\"m\">{}</div></div>",
            lang.t("声称的基线与数据实测值相差超过 5%", "The claimed baseline differs from the measured one by more than 5%"),
            lang.t("请核对基线数据的来源与统计口径。", "Check where the claimed baseline comes from and how it was computed.")
        );
    }
    let _ = write!(h, "<h3>{}</h3><table><tr><th>{}</th><th>SHA-256</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th>{}</th></tr>", lang.t("印证材料：输入数据", "Supporting evidence: input data"), lang.t("文件", "File"), lang.t("行数", "Rows"), lang.t("使用", "Used"), lang.t("剔除及原因", "Excluded and why"));
    for f in &r.inputs {
        let excluded = if let Some(e) = &f.error {
            format!("<span class=\"err\">{}</span>", esc(e))
        } else if f.excluded.is_empty() {
            lang.t("无", "none").to_string()
        } else {
            let list: Vec<String> = f.excluded.iter().take(12).map(|x| format!("{}（{}{}）", esc(&x.cell), esc(&x.reason), if x.text.is_empty() { String::new() } else { format!(" “{}”", esc(&x.text)) })).collect();
            format!("{}{}", list.join("；"), if f.excluded.len() > 12 { "…" } else { "" })
        };
        let sheet = f.sheet.as_deref().map(|s| format!(" <span class=\"muted\">[{}]</span>", esc(s))).unwrap_or_default();
        let desc = f.description.as_deref().map(|s| format!("<div class=\"muted\" style=\"font-size:12px\">{}</div>", esc(s))).unwrap_or_default();
        let _ = write!(
            h,
            "<tr><td><b>{}</b>{sheet}{desc}</td><td class=\"mono\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{excluded}</td></tr>",
            esc(&f.file),
            esc(&f.sha256),
            f.rows,
            f.rows_used
        );
    }
    h.push_str("</table>");
    let _ = write!(h, "<h3>{}</h3>", lang.t("数据审核提示", "Data audit flags"));
    for a in &r.audits {
        match (&a.result, &a.error) {
            (Some(v), _) => audit_flags(h, &a.data, v, lang),
            (None, Some(e)) => {
                let _ = write!(h, "<p class=\"muted\">{}{}{}</p>", esc(&a.data), lang.t("：", ": "), esc(e));
            }
            _ => {}
        }
    }
}

/// Text of a field that is either a string or a `{"en": ..., "zh": ...}` object.
fn lang_text(v: Option<&Value>, lang: Lang) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(m)) => m.get(lang.t("zh", "en")).or_else(|| m.get("en")).and_then(Value::as_str).unwrap_or_default().to_string(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn audit_flags(h: &mut String, data: &str, v: &Value, lang: Lang) {
    let flags = v.get("flags").and_then(Value::as_array).cloned().unwrap_or_default();
    let checks = v.get("checks").and_then(Value::as_array).cloned().unwrap_or_default();
    if flags.is_empty() {
        let _ = write!(h, "<p>{}{}<span class=\"yes\">✓ {}</span> ({} {})</p>", esc(data), lang.t("：", ": "), lang.t("未发现需要询问的数据特征", "no pattern that deserves a question"), checks.len(), lang.t("项检查", "checks run"));
    }
    for f in &flags {
        let title = [lang_text(f.get("title"), lang), lang_text(f.get("check"), lang)].into_iter().find(|x| !x.is_empty()).unwrap_or_default();
        let stage = f.get("stage").and_then(Value::as_str).map(|s| format!(" · {}", esc(s))).unwrap_or_default();
        let _ = write!(
            h,
            "<div class=\"chk warn\"><div class=\"t\">{}{}{}{stage}</div><div class=\"m\">{}</div><div class=\"a\">{}{}</div></div>",
            esc(data),
            lang.t("：", ": "),
            esc(&title),
            esc(&lang_text(f.get("explanation"), lang)),
            lang.t("需询问：", "Question: "),
            esc(&lang_text(f.get("question"), lang))
        );
    }
    if checks.is_empty() {
        return;
    }
    let _ = write!(h, "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>", lang.t("检查", "Check"), lang.t("阶段", "Stage"), lang.t("结果", "Result"), lang.t("说明", "Note"));
    for c in &checks {
        let status = match c.get("status").and_then(Value::as_str).unwrap_or_default() {
            "pass" => format!("<span class=\"yes\">{}</span>", lang.t("通过", "pass")),
            "flag" => format!("<span class=\"no\">{}</span>", lang.t("提示", "flag")),
            "not_applicable" => format!("<span class=\"muted\">{}</span>", lang.t("不适用", "n/a")),
            "not_enough_data" => format!("<span class=\"muted\">{}</span>", lang.t("数据不足", "too few data")),
            other => esc(other),
        };
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{status}</td><td class=\"muted\">{}</td></tr>",
            esc(&lang_text(c.get("title"), lang)),
            esc(c.get("stage").and_then(Value::as_str).unwrap_or(lang.t("全部", "all"))),
            esc(&lang_text(c.get("note"), lang))
        );
    }
    h.push_str("</table>");
}

fn figure(h: &mut String, out: &Path, rel: &str, caption: &str) {
    let Ok(bytes) = std::fs::read(out.join(rel)) else { return };
    let _ = write!(
        h,
        "<div class=\"fig\"><img alt=\"{}\" src=\"data:image/svg+xml;base64,{}\"><div class=\"cap\">{}</div></div>",
        esc(caption),
        base64(&bytes),
        esc(caption)
    );
}

fn section_body(h: &mut String, s: &Section, out: &Path, lang: Lang) {
    let _ = write!(h, "<h3>{} {}{}{}</h3>", lang.t("分析", "Analysis"), s.number, lang.t("：", ": "), esc(&s.title));
    if let Some(e) = &s.error {
        let _ = write!(
            h,
            "<div class=\"chk warn\"><div class=\"t\">{}</div><div class=\"m\">{}</div></div>",
            lang.t("该分析未能完成", "This analysis could not run"),
            esc(e)
        );
        return;
    }
    if let Some(c) = &s.comparison {
        comparison(h, c, lang);
    } else if let Some(v) = &s.result {
        match s.kind.as_str() {
            "pareto" => pareto_table(h, v, lang),
            "test" => test_table(h, v, lang),
            "capability" => capability_table(h, v, lang),
            "chart" => chart_table(h, v, lang),
            _ => {}
        }
    }
    for c in &s.charts {
        figure(h, out, &c.svg, &c.caption);
    }
    if let Some(c) = &s.comparison {
        for k in &c.checks {
            let _ = write!(
                h,
                "<div class=\"chk {}\"><div class=\"t\">{}</div><div class=\"m\">{}</div><div class=\"a\">{}{}</div></div>",
                esc(&k.severity),
                esc(&k.title),
                esc(&k.meaning),
                lang.t("建议：", "To do: "),
                esc(&k.action)
            );
        }
    }
    if !s.command.is_empty() {
        let _ = write!(h, "<p class=\"muted\" style=\"font-size:12px\">{} <span class=\"cmd\">{}</span></p>", lang.t("复现命令：", "Reproduce:"), esc(&s.command));
    }
}

fn ci_text(v: Option<&Value>, key: &str) -> String {
    let Some(arr) = v.and_then(|c| c.get("ci")).and_then(|c| c.get(key)).and_then(Value::as_array) else { return String::new() };
    match (arr.first().and_then(Value::as_f64), arr.get(1).and_then(Value::as_f64)) {
        (Some(a), Some(b)) => format!("<br><span class=\"muted\">[{}, {}]</span>", index_text(a), index_text(b)),
        _ => String::new(),
    }
}

fn comparison(h: &mut String, c: &Comparison, lang: Lang) {
    let d = c.decimals + 1;
    let o = |x: Option<f64>, d: usize| x.map(|v| fixed(v, d)).unwrap_or_else(|| "—".into());
    let _ = write!(
        h,
        "<table><tr><th>{}</th><th class=\"n\">N</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">LCL</th><th class=\"n\">UCL</th><th class=\"n\">{}</th><th class=\"n\">AD p</th><th class=\"n\">Cpk</th><th class=\"n\">Ppk</th><th class=\"n\">{}</th></tr>",
        lang.t("阶段", "Stage"),
        lang.t("均值", "Mean"),
        lang.t("标准差", "StDev"),
        lang.t("中心线", "Center"),
        lang.t("判异点", "Signals"),
        lang.t("预期 PPM", "Exp. PPM")
    );
    for s in &c.stages {
        let cap = |k: &str| s.capability.as_ref().and_then(|v| num_at(v, &[k]));
        let signals = match s.stable {
            None => "—".to_string(),
            Some(true) => "<span class=\"yes\">0</span>".to_string(),
            Some(false) => format!("<span class=\"no\">{}</span>", s.violations.location.len() + s.violations.dispersion.len()),
        };
        let _ = write!(
            h,
            "<tr><td><b>{}</b></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{signals}</td><td class=\"n\">{}</td><td class=\"n\">{}{}</td><td class=\"n\">{}{}</td><td class=\"n\">{}</td></tr>",
            esc(&s.name),
            s.n,
            o(s.describe.mean, d),
            o(s.describe.sd, d + 1),
            o(s.chart.center, d),
            o(s.chart.lcl, d),
            o(s.chart.ucl, d),
            s.normality.as_ref().and_then(|v| num_at(v, &["p_value"])).map(|p| format!("{p:.3}")).unwrap_or_else(|| "—".into()),
            cap("cpk").map(index_text).unwrap_or_else(|| "—".into()),
            ci_text(s.capability.as_ref(), "cpk"),
            cap("ppk").map(index_text).unwrap_or_else(|| "—".into()),
            ci_text(s.capability.as_ref(), "ppk"),
            s.capability.as_ref().and_then(|v| num_at(v, &["ppm", "expected_overall", "total"])).map(ppm_text).unwrap_or_else(|| "—".into()),
        );
    }
    h.push_str("</table>");
    let _ = write!(
        h,
        "<table><tr><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th>{}</th><th class=\"n\">p</th><th>{}</th></tr>",
        lang.t("变化", "Change"),
        esc(&c.before),
        esc(&c.after),
        lang.t("变化", "Change"),
        lang.t("检验", "Test"),
        lang.t("区间", "Interval")
    );
    let better = |ch: &Change| match ch.better {
        Some(true) => " <span class=\"yes\">✓</span>",
        Some(false) => " <span class=\"no\">✗</span>",
        None => "",
    };
    let mp = mean_p(c).map(p_cell).unwrap_or_else(|| "—".into());
    let what = if c.mean_method == "mann-whitney" { lang.t("位置偏移", "shift") } else { lang.t("差值", "diff.") };
    let mci = mean_diff_ci(c).map(|[a, b]| format!("{what} [{}, {}]", fixed(a, d), fixed(b, d))).unwrap_or_default();
    let method = if c.mean_method == "mann-whitney" { "Mann–Whitney" } else { "Welch t" };
    let _ = write!(
        h,
        "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}{}</td><td>{method}</td><td class=\"n\">{mp}</td><td>{mci}</td></tr>",
        lang.t("均值", "Mean"),
        fixed(c.mean.before, d),
        fixed(c.mean.after, d),
        pct_text(c.mean.percent),
        better(&c.mean)
    );
    let (bp, bci) = match &c.bonett {
        Some(b) => (p_cell(b.p_value), format!("σ{}/σ{} [{}, {}]", lang.t("后", "a"), lang.t("前", "b"), fixed(1.0 / b.ci[1], 3), fixed(1.0 / b.ci[0], 3))),
        None => ("—".into(), String::new()),
    };
    let lev = c.levene.as_ref().and_then(|l| num_at(l, &["p_value"])).map(|p| format!("; Levene p = {}", p_cell(p))).unwrap_or_default();
    let _ = write!(
        h,
        "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}{}</td><td>Bonett{lev}</td><td class=\"n\">{bp}</td><td>{bci}</td></tr>",
        lang.t("标准差", "StDev"),
        fixed(c.sd.before, d + 1),
        fixed(c.sd.after, d + 1),
        pct_text(c.sd.percent),
        better(&c.sd)
    );
    for (name, ch) in [("Cpk", &c.cpk), ("Ppk", &c.ppk)] {
        if let Some(k) = ch {
            let _ = write!(h, "<tr><td>{name}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}{}</td><td></td><td></td><td></td></tr>", index_text(k.before), index_text(k.after), pct_text(k.percent), better(k));
        }
    }
    if let Some(k) = &c.ppm_expected {
        let _ = write!(h, "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}{}</td><td></td><td></td><td></td></tr>", lang.t("预期 PPM", "Expected PPM"), ppm_text(k.before), ppm_text(k.after), pct_text(k.percent), better(k));
    }
    h.push_str("</table>");
    if let Some(hst) = &c.historical {
        let _ = write!(
            h,
            "<p>{}</p>",
            esc(&match lang {
                Lang::Zh => format!("历史控制限：按{}的控制限（{}—{}）判断，{}的 {} 个点中有 {} 个（{:.0}%）落在限外。", hst.limits_from, o(hst.lcl, d), o(hst.ucl, d), c.after, hst.after_points, hst.after_outside, hst.after_outside_percent),
                Lang::En => format!("Historical limits: against the {} limits ({} to {}), {} of {} {} points ({:.0}%) fall outside.", hst.limits_from, o(hst.lcl, d), o(hst.ucl, d), hst.after_outside, hst.after_points, c.after, hst.after_outside_percent),
            })
        );
    }
}

fn pareto_rows(h: &mut String, cats: &[Value], lang: Lang) {
    let _ = write!(h, "<table><tr><th>{}</th><th class=\"n\">{}</th><th class=\"n\">%</th><th class=\"n\">{}</th></tr>", lang.t("类别", "Category"), lang.t("数量", "Count"), lang.t("累计 %", "Cum. %"));
    for c in cats {
        let name = c.get("name").and_then(Value::as_str).unwrap_or_default();
        let f = |k: &str, d: usize| c.get(k).and_then(Value::as_f64).map(|x| fixed(x, d)).unwrap_or_default();
        let _ = write!(h, "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>", esc(name), f("count", 0), f("percent", 1), f("cumulative_percent", 1));
    }
    h.push_str("</table>");
}

fn pareto_table(h: &mut String, v: &Value, lang: Lang) {
    if let Some(stages) = v.get("stages").and_then(Value::as_array) {
        h.push_str("<div class=\"grid2\">");
        for s in stages {
            let _ = write!(
                h,
                "<div><b>{}</b> <span class=\"muted\">{} {}</span>",
                esc(s.get("name").and_then(Value::as_str).unwrap_or_default()),
                lang.t("合计", "total"),
                s.get("total").and_then(Value::as_f64).map(|x| fixed(x, 0)).unwrap_or_default()
            );
            pareto_rows(h, s.get("categories").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default(), lang);
            h.push_str("</div>");
        }
        h.push_str("</div>");
    } else if let Some(c) = v.get("categories").and_then(Value::as_array) {
        pareto_rows(h, c, lang);
    }
}

fn capability_table(h: &mut String, v: &Value, lang: Lang) {
    let Some(stages) = v.get("stages").and_then(Value::as_array) else { return };
    let _ = write!(
        h,
        "<table><tr><th>{}</th><th class=\"n\">N</th><th class=\"n\">{}</th><th class=\"n\">Cp</th><th class=\"n\">Cpk</th><th class=\"n\">Pp</th><th class=\"n\">Ppk</th><th class=\"n\">{}</th></tr>",
        lang.t("阶段", "Stage"),
        lang.t("均值", "Mean"),
        lang.t("预期 PPM", "Exp. PPM")
    );
    for st in stages {
        let f = |k: &str| num_at(st, &[k]).map(index_text).unwrap_or_else(|| "—".into());
        let _ = write!(
            h,
            "<tr><td><b>{}</b></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}{}</td><td class=\"n\">{}</td><td class=\"n\">{}{}</td><td class=\"n\">{}</td></tr>",
            esc(st.get("name").and_then(Value::as_str).unwrap_or_default()),
            num_at(st, &["n"]).map(|n| format!("{n}")).unwrap_or_default(),
            num_at(st, &["mean"]).map(|m| crate::render::fmt_num(Some(m))).unwrap_or_default(),
            f("cp"),
            f("cpk"),
            ci_text(Some(st), "cpk"),
            f("pp"),
            f("ppk"),
            ci_text(Some(st), "ppk"),
            num_at(st, &["ppm", "expected_overall", "total"]).map(ppm_text).unwrap_or_else(|| "—".into())
        );
    }
    h.push_str("</table>");
}

fn chart_table(h: &mut String, v: &Value, lang: Lang) {
    let Some(stages) = v.get("stages").and_then(Value::as_array) else { return };
    let violations = v.get("violations").and_then(Value::as_array).map(Vec::len).unwrap_or(0);
    let _ = write!(h, "<table><tr><th>{}</th><th class=\"n\">{}</th><th class=\"n\">LCL</th><th class=\"n\">UCL</th></tr>", lang.t("阶段", "Stage"), lang.t("中心线", "Center"));
    for st in stages {
        let f = |k: &str| num_at(st, &[k]).map(|x| crate::render::fmt_num(Some(x))).unwrap_or_else(|| "—".into());
        let _ = write!(h, "<tr><td><b>{}</b></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>", esc(st.get("name").and_then(Value::as_str).unwrap_or_default()), f("center"), f("lcl"), f("ucl"));
    }
    let _ = write!(h, "</table><p>{}{violations}</p>", lang.t("判异信号数：", "Signals: "));
}

fn test_table(h: &mut String, v: &Value, lang: Lang) {
    let s = |k: &str| v.get(k).map(|x| match x {
        Value::String(s) => s.clone(),
        Value::Null => "—".into(),
        Value::Number(n) => n.as_f64().map(|f| crate::render::fmt_num(Some(f))).unwrap_or_default(),
        other => other.to_string(),
    }).unwrap_or_default();
    let _ = write!(
        h,
        "<table><tr><th>{}</th><th class=\"n\">{}</th><th class=\"n\">p</th><th class=\"n\">{}</th><th>{}</th></tr><tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr></table>",
        lang.t("方法", "Method"),
        lang.t("统计量", "Statistic"),
        lang.t("估计", "Estimate"),
        lang.t("结论", "Conclusion"),
        esc(&s("method")),
        esc(&s("statistic")),
        esc(&s("p_value")),
        esc(&s("estimate")),
        esc(&s("conclusion"))
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(esc("<script>alert('x')</script> & \"q\""), "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
    }

    #[test]
    fn base64_rfc4648_vectors() {
        for (i, o) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")] {
            assert_eq!(base64(i.as_bytes()), o);
        }
    }
}
