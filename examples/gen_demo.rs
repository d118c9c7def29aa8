//! Generates the bundled demo project's data (fixtures/demo/): a crankshaft main-journal grinding
//! record of a Chinese machining plant, before and after an improvement project.
//!
//! Run: `cargo run --example gen_demo` (writes fixtures/demo/曲轴磨削记录.xlsx and 缺陷记录.csv).
//! The data are simulated with a fixed seed, so the files are reproducible byte for byte
//! (apart from the xlsx creation timestamp, which is fixed too).
//!
//! Process: journal diameter Φ50 ± 0.015 mm (LSL 49.985, USL 50.015), inductive gauge resolution
//! 0.0001 mm, subgroups of 5 consecutive parts, 3 subgroups a shift.
//! - 改进前 (before): mean 50.0055, σ 0.0033 → Cpk ≈ 0.8 (off-centre, wide).
//! - 改进后 (after):  mean 50.0010, σ 0.0029 → Cpk ≈ 1.6.

use rust_xlsxwriter::{Format, FormatAlign, Workbook};

/// A small deterministic generator (SplitMix64) with Box–Muller normals.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        let (u1, u2) = (self.uniform(), self.uniform());
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
}

struct Row {
    serial: String,
    date: String,
    shift: &'static str,
    sample: usize,
    diameter: f64,
    stage: &'static str,
    operator: &'static str,
}

#[allow(clippy::too_many_arguments)]
fn stage_rows(rng: &mut Rng, stage: &'static str, month: u32, first_day: u32, mean: f64, sd: f64, subgroups: usize, first_sample: usize) -> Vec<Row> {
    let shifts = ["早班", "中班", "晚班"];
    let operators = ["王师傅", "李师傅", "张师傅"];
    let mut rows = Vec::new();
    for g in 0..subgroups {
        let day = first_day + (g / 3) as u32;
        let shift_index = g % 3;
        // A small shift-to-shift offset keeps the data realistic (between-subgroup variation).
        let offset = rng.normal() * sd * 0.25;
        for k in 0..5 {
            let x = mean + offset + rng.normal() * sd * 0.97;
            rows.push(Row {
                serial: format!("QZ{month:02}{day:02}-{}{:02}", shift_index + 1, k + 1),
                date: format!("2025-{month:02}-{day:02}"),
                shift: shifts[shift_index],
                sample: first_sample + g,
                diameter: (x * 10000.0).round() / 10000.0,
                stage,
                operator: operators[shift_index],
            });
        }
    }
    rows
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
    std::fs::create_dir_all(&dir)?;
    let seed = std::env::var("QCE_DEMO_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(20250301u64);
    let mut rng = Rng(seed);
    let mut rows = stage_rows(&mut rng, "改进前", 3, 3, 50.0055, 0.0033, 25, 1);
    rows.extend(stage_rows(&mut rng, "改进后", 6, 2, 50.0010, 0.0029, 25, 26));

    let mut wb = Workbook::new();
    let title = Format::new().set_bold().set_font_size(16).set_align(FormatAlign::Center);
    let head = Format::new().set_bold().set_background_color(0xD9E1F2).set_border(rust_xlsxwriter::FormatBorder::Thin);
    let num = Format::new().set_num_format("0.0000");
    let ws = wb.add_worksheet();
    ws.set_name("磨削记录")?;
    ws.merge_range(0, 0, 0, 6, "XX机械有限公司 曲轴磨削尺寸记录表", &title)?;
    ws.write_string(1, 0, "零件：曲轴主轴颈 Φ50±0.015 mm　设备：MK8260 数控曲轴磨床　量具：电感测微仪（分辨率 0.0001 mm）")?;
    ws.write_string(2, 0, "记录：质检科　每班抽取 3 组，每组连续 5 件")?;
    let headers = ["日期", "班次", "样本号", "件号", "直径", "阶段", "操作者"];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(3, c as u16, *h, &head)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = 4 + i as u32;
        ws.write_string(row, 0, &r.date)?;
        ws.write_string(row, 1, r.shift)?;
        ws.write_number(row, 2, r.sample as f64)?;
        ws.write_string(row, 3, &r.serial)?;
        ws.write_number_with_format(row, 4, r.diameter, &num)?;
        ws.write_string(row, 5, r.stage)?;
        ws.write_string(row, 6, r.operator)?;
    }
    ws.set_column_width(0, 12)?;
    ws.set_column_width(3, 12)?;
    ws.set_column_width(4, 10)?;
    wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&rust_xlsxwriter::ExcelDateTime::from_ymd(2025, 7, 1)?));
    wb.save(dir.join("曲轴磨削记录.xlsx"))?;

    // The same measurements as CSV (for tools that do not read xlsx, and for tests).
    let mut csv = String::from("日期,班次,样本号,件号,直径,阶段,操作者\n");
    for r in &rows {
        csv.push_str(&format!("{},{},{},{},{:.4},{},{}\n", r.date, r.shift, r.sample, r.serial, r.diameter, r.stage, r.operator));
    }
    std::fs::write(dir.join("曲轴磨削记录.csv"), csv)?;

    // Defect log: one row per defect type, month and stage (counts from the inspection records).
    let defects_before = [("尺寸超差", 46), ("圆度超差", 17), ("表面划伤", 9), ("烧伤", 6), ("毛刺", 4), ("其他", 3)];
    let defects_after = [("尺寸超差", 7), ("圆度超差", 6), ("表面划伤", 5), ("烧伤", 2), ("毛刺", 2), ("其他", 1)];
    let mut log = String::from("月份,缺陷类型,数量,阶段\n");
    for (month, stage, list) in [("2025-03", "改进前", &defects_before), ("2025-06", "改进后", &defects_after)] {
        for (kind, n) in list.iter() {
            log.push_str(&format!("{month},{kind},{n},{stage}\n"));
        }
    }
    std::fs::write(dir.join("缺陷记录.csv"), log)?;
    println!("wrote {} measurements to {}", rows.len(), dir.display());
    Ok(())
}
