//! The demo report in a real browser: headless chromium renders index.html; the screenshot
//! must not be blank and the page must make no network request. Skipped (with a message) when
//! /usr/bin/chromium is absent; `.ci/run` installs it so the test runs there.

use std::path::{Path, PathBuf};
use std::process::Command;

const CHROMIUM: &str = "/usr/bin/chromium";

fn qce() -> Command {
    Command::new(env!("CARGO_BIN_EXE_qce"))
}

fn build_demo(dir: &Path, lang: &str) -> PathBuf {
    let out = qce().args(["demo", "--out"]).arg(dir).args(["--lang", lang]).output().unwrap();
    assert!(out.status.success(), "qce demo failed: {}", String::from_utf8_lossy(&out.stderr));
    let index = dir.join("index.html");
    assert!(index.is_file());
    index
}

/// Share of pixels that are not (near) white.
fn ink_share(png_path: &Path) -> f64 {
    let decoder = png::Decoder::new(std::fs::File::open(png_path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let bytes = &buf[..info.buffer_size()];
    let pixels = bytes.chunks(channels);
    let total = pixels.len() as f64;
    let ink = bytes.chunks(channels).filter(|p| p.iter().take(3).any(|&c| c < 200)).count() as f64;
    ink / total
}

fn chromium(args: &[String]) -> std::process::Output {
    Command::new(CHROMIUM)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync", "--metrics-recording-only"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn demo_report_renders_offline_in_chromium() {
    let tmp = tempfile::tempdir().unwrap();
    let index = build_demo(&tmp.path().join("zh"), "zh");
    let html = std::fs::read_to_string(&index).unwrap();
    // Static check: nothing in the page points to the network.
    for pat in ["src=\"http", "href=\"http", "url(http", "src='http", "href='http", "<script", "@import"] {
        assert!(!html.contains(pat), "the page contains {pat}");
    }
    if !Path::new(CHROMIUM).exists() {
        eprintln!("browser test SKIPPED: {CHROMIUM} not installed (apt-get install chromium)");
        return;
    }
    let shot = tmp.path().join("shot.png");
    let netlog = tmp.path().join("net.json");
    let profile = tmp.path().join("profile");
    let abs = index.canonicalize().unwrap();
    let out = chromium(&[
        format!("--user-data-dir={}", profile.display()),
        format!("--screenshot={}", shot.display()),
        format!("--log-net-log={}", netlog.display()),
        "--window-size=1280,2000".into(),
        format!("file://{}", abs.display()),
    ]);
    assert!(shot.is_file(), "no screenshot: {}", String::from_utf8_lossy(&out.stderr));
    let ink = ink_share(&shot);
    assert!(ink > 0.02, "screenshot looks blank ({:.1}% ink)", ink * 100.0);
    let log = std::fs::read_to_string(&netlog).unwrap_or_default();
    let requests = page_requests(&log);
    assert!(requests.is_empty(), "the page made network requests: {requests:?}");
}

/// http(s) URLs that the page itself requested, from a chromium net log. The browser's own
/// background requests (time, update, accounts) run under their own traffic annotations; a
/// page's requests come from Blink's resource loader (traffic annotation 101845102,
/// "blink_resource_loader"). `network_detector_catches_a_page_request` proves the rule.
fn page_requests(netlog: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = netlog[from..].find("\"url\":\"http") {
        let at = from + i;
        from = at + 7;
        let start = netlog[..at].rfind('{').unwrap_or(0);
        let end = netlog[at..].find('}').map(|j| at + j).unwrap_or(netlog.len());
        let obj = &netlog[start..end];
        let url: String = netlog[at + 7..].chars().take_while(|&c| c != '"').collect();
        let blink = obj.contains("\"traffic_annotation\":101845102");
        if blink && !found.contains(&url) {
            found.push(url);
        }
    }
    found
}

#[test]
fn network_detector_catches_a_page_request() {
    if !Path::new(CHROMIUM).exists() {
        eprintln!("browser test SKIPPED: {CHROMIUM} not installed");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let page = tmp.path().join("neg.html");
    std::fs::write(&page, "<html><body><img src=\"http://example.invalid/x.png\">x</body></html>").unwrap();
    let netlog = tmp.path().join("net.json");
    chromium(&[
        format!("--user-data-dir={}", tmp.path().join("p").display()),
        format!("--screenshot={}", tmp.path().join("s.png").display()),
        format!("--log-net-log={}", netlog.display()),
        "--window-size=400,300".into(),
        format!("file://{}", page.canonicalize().unwrap().display()),
    ]);
    let log = std::fs::read_to_string(&netlog).unwrap();
    assert_eq!(page_requests(&log), vec!["http://example.invalid/x.png".to_string()]);
}

#[test]
fn english_report_renders_too() {
    let tmp = tempfile::tempdir().unwrap();
    let index = build_demo(&tmp.path().join("en"), "en");
    let html = std::fs::read_to_string(&index).unwrap();
    assert!(html.contains("Evidence checklist"));
    if !Path::new(CHROMIUM).exists() {
        eprintln!("browser test SKIPPED: {CHROMIUM} not installed");
        return;
    }
    let shot = tmp.path().join("en.png");
    chromium(&[
        format!("--user-data-dir={}", tmp.path().join("p2").display()),
        format!("--screenshot={}", shot.display()),
        "--window-size=1280,1600".into(),
        format!("file://{}", index.canonicalize().unwrap().display()),
    ]);
    assert!(ink_share(&shot) > 0.02);
}

#[test]
fn pdf_is_printed_when_chromium_is_there() {
    if !Path::new(CHROMIUM).exists() {
        eprintln!("pdf test SKIPPED: {CHROMIUM} not installed");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("pdf");
    let out = qce().args(["demo", "--pdf", "--lang", "zh", "--out"]).arg(&dir).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pdf = std::fs::read(dir.join("report.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF"), "not a PDF");
    assert!(pdf.len() > 10_000);
}
