//! The HTML report as a browser lays it out: headless Chromium at 1280
//! pixels, with no network. The page forbids scripts, so a copy of it in a
//! temporary directory gets a measuring script (and a policy that lets that
//! one script run); the script writes what it measured into the page, which
//! Chromium dumps, and the test reads it back.
//!
//! Chromium must be installed (`apt-get install -y chromium`; .ci/run does).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::Case;

/// The policy every report carries.
const POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/// Measures the page where it is drawn and writes one line a finding into
/// `<pre id="measure">`:
/// - `page SCROLL CLIENT`: the page's width, and the viewport's;
/// - `table I SCROLL BOX OVERFLOW`: each table's width, its box's, and
///   whether the box scrolls;
/// - `broken SELECTOR "WORD"`: a word of a header, a one-word cell (one
///   neither text nor address), a date or a badge that a line break cut (its
///   characters lie on two lines);
/// - `checked N`: how many such elements there were;
/// - `legend I LEFT TOP RIGHT BOTTOM WIDTH HEIGHT`: a chart legend's box and
///   the chart's viewBox;
/// - `clipped I "TEXT"`: a text of a chart outside its viewBox;
/// - `svg I WIDTH BOX`: a chart's drawn width and its box's.
const MEASURE: &str = r#"
(function () {
  const root = document.documentElement;
  const lines = [`page ${root.scrollWidth} ${root.clientWidth}`];
  document.querySelectorAll('table').forEach((table, i) => {
    const box = table.parentElement;
    lines.push(`table ${i} ${table.scrollWidth} ${box.clientWidth} ${getComputedStyle(box).overflowX}`);
  });
  const range = document.createRange();
  const cut = (element) => {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const words = /\S+/g;
      for (let m = words.exec(node.data); m; m = words.exec(node.data)) {
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set();
        for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top));
        if (tops.size > 1) return m[0];
      }
    }
    return null;
  };
  const whole = document.querySelectorAll('th, td:not(.text):not(.address), .date, .word');
  whole.forEach((element) => {
    const word = cut(element);
    if (word !== null) lines.push(`broken ${element.tagName.toLowerCase()}.${element.className.replace(/ /g, '.')} ${JSON.stringify(word)}`);
  });
  lines.push(`checked ${whole.length}`);
  document.querySelectorAll('svg').forEach((svg, i) => {
    const view = svg.viewBox.baseVal;
    const inside = (b) => b.x >= view.x && b.y >= view.y && b.x + b.width <= view.x + view.width && b.y + b.height <= view.y + view.height;
    const legend = svg.querySelector('.legend');
    if (legend) {
      const b = legend.getBBox();
      lines.push(`legend ${i} ${b.x} ${b.y} ${b.x + b.width} ${b.y + b.height} ${view.width} ${view.height}`);
    }
    svg.querySelectorAll('text').forEach((text) => {
      if (!inside(text.getBBox())) lines.push(`clipped ${i} ${JSON.stringify(text.textContent)}`);
    });
    lines.push(`svg ${i} ${svg.getBoundingClientRect().width} ${svg.parentElement.clientWidth}`);
  });
  const pre = document.createElement('pre');
  pre.id = 'measure';
  pre.textContent = lines.join('\n');
  document.body.appendChild(pre);
})();
"#;

fn chromium() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "Chromium is not installed, and this test lays the HTML report out in it. \
                 Install it (Debian: `apt-get update && apt-get install -y chromium`; .ci/run does) and run the tests again."
            )
        })
}

/// What the measuring script found.
#[derive(Debug)]
struct Layout {
    lines: Vec<String>,
}

impl Layout {
    fn all(&self, kind: &str) -> Vec<Vec<&str>> {
        self.lines
            .iter()
            .filter_map(|l| l.strip_prefix(kind).and_then(|rest| rest.strip_prefix(' ')))
            .map(|rest| rest.split(' ').collect())
            .collect()
    }

    fn number(&self, kind: &str, field: usize) -> f64 {
        self.all(kind)[0][field].parse().unwrap()
    }
}

/// Lays the page out in Chromium and measures it.
fn measure(page: &Path) -> Layout {
    let html = std::fs::read_to_string(page).unwrap();
    assert!(
        html.contains(&format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{POLICY}\">")),
        "the report keeps its Content-Security-Policy"
    );
    for outside in ["<script", " src=", "<link", "@import", "url("] {
        assert!(!html.contains(outside), "the report is self-contained, yet has {outside:?}");
    }
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("measured.html");
    let measured = html
        .replace(POLICY, &format!("{POLICY}; script-src 'unsafe-inline'"))
        .replace("</body>", &format!("<script>{MEASURE}</script>\n</body>"));
    std::fs::write(&copy, measured).unwrap();
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", dir.path().join("profile").display()))
        .args(["--window-size=1280,900", "--virtual-time-budget=2000", "--dump-dom"])
        .arg(format!("file://{}", copy.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    // Read the page as it comes, or chromium blocks on a full pipe.
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut dom = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut dom).map(|_| dom)
    });
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(120) {
            child.kill().unwrap();
            panic!("chromium did not finish within two minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let dom = reader.join().unwrap().unwrap();
    let dom = String::from_utf8_lossy(&dom);
    let start = dom
        .find("<pre id=\"measure\">")
        .unwrap_or_else(|| panic!("the measuring script wrote nothing; chromium printed:\n{dom}"))
        + "<pre id=\"measure\">".len();
    let end = start + dom[start..].find("</pre>").unwrap();
    let text = dom[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    Layout {
        lines: text.lines().map(str::to_string).collect(),
    }
}

/// Everything the report promises at 1280 pixels.
fn assert_reads_well(layout: &Layout, what: &str) {
    let (scroll, client) = (layout.number("page", 0), layout.number("page", 1));
    assert!(
        scroll <= client,
        "{what}: the page is {scroll} px wide in a {client} px window\n{layout:#?}"
    );
    for table in layout.all("table") {
        let (width, box_width): (f64, f64) = (table[1].parse().unwrap(), table[2].parse().unwrap());
        assert!(
            width <= box_width || table[3] == "auto",
            "{what}: table {} is {width} px in a {box_width} px box that does not scroll",
            table[0]
        );
        assert!(box_width <= client, "{what}: table {}'s box is wider than the window", table[0]);
    }
    let broken = layout.all("broken");
    assert!(broken.is_empty(), "{what}: words cut across lines: {broken:?}");
    assert!(
        layout.number("checked", 0) > 10.0,
        "{what}: headers and one-word cells were checked"
    );

    let legends = layout.all("legend");
    assert_eq!(legends.len(), 1, "{what}: one legend, on the first chart\n{layout:#?}");
    let legend: Vec<f64> = legends[0].iter().map(|n| n.parse().unwrap()).collect();
    let (left, top, right, bottom, width, height) = (legend[1], legend[2], legend[3], legend[4], legend[5], legend[6]);
    assert!(
        left >= 0.0 && top >= 0.0 && right <= width && bottom <= height,
        "{what}: the legend ({left}, {top})–({right}, {bottom}) lies outside the chart (0, 0)–({width}, {height})"
    );
    let clipped = layout.all("clipped");
    assert!(clipped.is_empty(), "{what}: chart text outside the chart: {clipped:?}");
    for svg in layout.all("svg") {
        let (drawn, available): (f64, f64) = (svg[1].parse().unwrap(), svg[2].parse().unwrap());
        assert!(
            drawn >= 0.95 * available && drawn > 1000.0,
            "{what}: chart {} is {drawn} px in {available} px: it uses the full width",
            svg[0]
        );
    }
}

fn report(case: &Case) -> PathBuf {
    case.ok(&["report", "claims", "--format", "html", "--output", "report.html"]);
    case.path("report.html")
}

#[test]
fn the_shipped_case_reads_well_at_1280_pixels() {
    let case = Case::seeded();
    let layout = measure(&report(&case));
    assert_reads_well(&layout, "the shipped case");
    // It fits: no table of it needs to scroll.
    for table in layout.all("table") {
        let (width, box_width): (f64, f64) = (table[1].parse().unwrap(), table[2].parse().unwrap());
        assert!(
            width <= box_width,
            "the shipped case: table {} scrolls ({width} px in {box_width})",
            table[0]
        );
    }
    // A close-up of each stretch where statements crowd: Vostok-2018 and the
    // air patrol of July 2019.
    assert_eq!(layout.all("svg").len(), 3, "{layout:#?}");
}

#[test]
fn a_case_of_long_words_reads_well_at_1280_pixels() {
    let case = Case::new();
    let source = "a-source-slug-of-sixty-characters-without-a-single-space-000";
    let claim = "a-claim-slug-of-sixty-characters-without-a-single-space-0000";
    let party = "party-code-of-sixty-characters-without-any-space-at-all-0000";
    assert!([source, claim, party].iter().all(|s| s.len() == 60));
    let title = format!(
        "{}Supercalifragilisticexpialidociouslylongwordwithoutanybreakopportunityatall",
        "A very long title of a source ".repeat(12)
    );
    let url = format!("https://example.org/{}", "a".repeat(150));
    let quote = "A long quote with many words in it ".repeat(10);
    case.ok(&[
        "party",
        "add",
        party,
        "--name",
        "A party whose name is long enough to wrap across several lines of any narrow column",
        "--kind",
        "organisation",
    ]);
    case.ok(&[
        "source",
        "add",
        &title,
        "--slug",
        source,
        "--kind",
        "official-statement",
        "--publisher",
        "A publisher with a long name",
        "--published",
        "2019-07-23",
        "--url",
        &url,
        "--reliability",
        "B",
    ]);
    case.ok(&[
        "claim",
        "add",
        &"A claim whose text is long ".repeat(12),
        "--slug",
        claim,
        "--topic",
        "a-topic-with-a-long-name-of-forty-chars",
        "--figure",
        "300000",
        "--unit",
        "servicemen",
    ]);
    for args in [
        &[
            claim,
            party,
            "affirms",
            "--quote",
            &quote,
            "--date",
            "2019-07-23",
            "--figure",
            "300000",
            "--unit",
            "servicemen",
        ][..],
        &[
            claim,
            "RU",
            "denies",
            "--quote",
            "No.",
            "--date",
            "2019-07",
            "--figure",
            "50000",
            "--unit",
            "servicemen",
        ],
        &[claim, "CN", "disputes", "--summary", "Disputes it", "--date", "2019"],
    ] {
        case.ok(&[&["statement", "add"][..], args, &["--source", source]].concat());
    }
    case.ok(&[
        "evidence",
        "add",
        claim,
        source,
        "supports",
        "--excerpt",
        &"An excerpt that goes on and on ".repeat(10),
        "--locator",
        "page 12, paragraph 3",
        "--credibility",
        "2",
    ]);
    case.ok(&[
        "mark",
        claim,
        "disputed",
        "--reason",
        &"A reason that explains at length ".repeat(8),
    ]);
    let layout = measure(&report(&case));
    assert_reads_well(&layout, "long words");
}

/// A case larger than a page shows in full (400 claims, 1,200 statements):
/// its summary, its folded sections and its counted timeline read well too.
#[test]
fn a_large_case_reads_well_at_1280_pixels() {
    let case = Case::corpus(400);
    let layout = measure(&report(&case));
    assert_reads_well(&layout, "a large case");
    // No close-up: the corpus's dates spread evenly over 35 years.
    assert_eq!(layout.all("svg").len(), 1, "{layout:#?}");
}
