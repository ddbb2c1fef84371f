//! Writes a synthetic case for benchmarks: N claims, 5N sources, 3N
//! statements from the parties of the Liancourt Rocks dispute and from
//! analysts, and 2N evidence links, as CSV files with the importer's headers.
//! Text is in English, Russian, Chinese, Japanese and Korean, with word
//! frequencies that fall off as in real text (Zipf), and lengths like those
//! of real titles, quotes and notes. The same N always gives the same files.
//!
//!     cargo run --release --example gen_corpus -- 200000 /tmp/corpus
//!     crosscheck init
//!     for f in parties sources claims statements evidence; do
//!         crosscheck import /tmp/corpus/$f.csv --into $f
//!     done

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// A small, fast, seedable generator (SplitMix64): the corpus must be the
/// same on every machine, and no dependency is needed for that.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in 0..n.
    fn below(&mut self, n: usize) -> usize {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64 * n as f64) as usize
    }

    fn range(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn uuid(&mut self) -> String {
        let (a, b) = (self.next(), self.next());
        let hex = format!("{a:016x}{b:016x}");
        // Version 4, RFC 4122 variant.
        format!(
            "{}-{}-4{}-{:x}{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[13..16],
            8 + (b >> 62),
            &hex[17..20],
            &hex[20..32]
        )
    }

    fn date(&mut self) -> String {
        match self.below(10) {
            0 => format!("{}", self.range(1990, 2024)),
            1 => format!("{}-{:02}", self.range(1990, 2024), self.range(1, 12)),
            _ => format!("{}-{:02}-{:02}", self.range(1990, 2024), self.range(1, 12), self.range(1, 28)),
        }
    }
}

/// Words of one language, most frequent first, drawn with Zipf's law.
struct Words {
    words: Vec<&'static str>,
    cumulative: Vec<f64>,
}

impl Words {
    fn new(text: &'static str) -> Words {
        let words: Vec<&str> = text.split_whitespace().collect();
        let mut total = 0.0;
        let cumulative = (1..=words.len())
            .map(|rank| {
                total += 1.0 / rank as f64;
                total
            })
            .collect();
        Words { words, cumulative }
    }

    fn draw(&self, rng: &mut Rng) -> &'static str {
        let total = *self.cumulative.last().unwrap();
        let x = (rng.next() >> 11) as f64 / (1u64 << 53) as f64 * total;
        let i = self.cumulative.partition_point(|c| *c < x);
        self.words[i.min(self.words.len() - 1)]
    }
}

const ENGLISH: &str = "the of and to in a on for that is with by as was said from at military joint Russia China \
    exercise forces air defence ministry statement report drills troops border cooperation Japan Korea patrol \
    airspace bombers defense official government navy aircraft warships strategic region security sea missile \
    foreign army president spokesman analysts command units equipment largest since Soviet collapse agreement \
    treaty alliance white paper islands territory claim denied confirmed according sources estimated number \
    servicemen participation Mongolia Vostok-2018 east Pacific fleet command staff exercises capabilities \
    interception scrambled fighters warning shots flares rounds identification zone KADIZ JADIZ violation \
    protest embassy summoned ambassador apology incident route flight early-warning A-50 Tu-95MS H-6K escort \
    Sea of Japan East Sea Liancourt Rocks Dokdo Takeshima Kuril Islands G20 Osaka map summit leaders meeting \
    declaration partnership coordination era new comprehensive SCO bloc charter members observers Beijing Moscow \
    Tokyo Seoul Ulaanbaatar Washington Pentagon Kremlin Xinhua TASS Kyodo Yonhap NHK RIA Interfax Reuters \
    analysis satellite imagery independent estimate figures exaggerated inflated credible doubtful consistent \
    contradict official accounts disputed versions timeline minutes hours kilometres nautical miles altitude \
    radar tracked recorded released video footage photographs transcript briefing press conference remarks \
    deputy minister chief general colonel commander headquarters district brigade division regiment battalion";

const RUSSIAN: &str = "и в на с по что не о для от как учения Минобороны России совместные войска Китая \
    военные армии сотрудничество Восток-2018 заявил представитель министерства обороны патрулирование \
    воздушное пространство Японского моря бомбардировщики самолёты Ту-95МС нарушение границы Республики Корея \
    Японии протест посольство стратегическое партнёрство военнослужащих техники крупнейшие после распада \
    СССР участие Монголии соглашение правительство распоряжение маршрут полёта истребители предупредительные \
    выстрелы ракеты флот Тихоокеанского округа командование штаб оценки аналитиков численность заявления \
    официальные данные источники опровергли подтвердили Курильские острова карта саммит Осака лидеры \
    встреча декларация ШОС блок устав государства члены наблюдатели Пекин Москва Токио Сеул";

const CHINESE: &str = "的 中国 俄罗斯 联合 演习 军事 合作 空军 巡航 日本海 国防部 白皮书 战略 伙伴 关系 \
    发言人 表示 飞机 轰炸机 领空 韩国 日本 抗议 部队 东方-2018 蒙古 参加 规模 最大 苏联 解体 以来 协定 \
    政府 新时代 全面 协作 上海合作组织 不是 军事同盟 边界 四千 公里 防空识别区 预警机 航线 国际 法律 \
    规定 外交部 声明 记者会 回应 报道 新华社 环球时报 人民日报 分析 专家 认为 数据 官方 公布 独岛 竹岛";

const JAPANESE: &str = "は の が を に と で 竹島 領空 侵犯 防衛省 抗議 自衛隊 緊急発進 ロシア 中国 爆撃機 \
    日本海 韓国 警告射撃 外務省 大使館 申し入れ 統合幕僚監部 発表 早期警戒機 共同 飛行 島根県 固有 \
    領土 北方領土 千島列島 地図 大阪 サミット 首脳 会談 演習 ボストーク 兵員 装備 最大 規模 政府 見解 \
    報道 共同通信 NHK 読売新聞 朝日新聞 分析 専門家 推計 公式 数字 確認 否定 した している された";

const KOREAN: &str = "독도 영공 침범 러시아 중국 군용기 합동참모본부 경고사격 방공식별구역 국방부 외교부 항의 \
    대사관 초치 조기경보기 폭격기 동해 일본 영토 주장 대응 전투기 긴급 출격 플레어 기관포 사과 부인 \
    확인 발표 연합뉴스 조선일보 한겨레 분석 전문가 추정 공식 입장 정부 대통령 청와대 군 당국 비행 \
    경로 시간 공동 훈련 전략 협력 보스토크 규모 최대";

const KOREAN_PARTICLES: &[&str] = &["", "", "", "는", "은", "가", "이", "를", "을", "의", "에", "에서", "도"];

#[derive(Clone, Copy, PartialEq)]
enum Language {
    English,
    Russian,
    Chinese,
    Japanese,
    Korean,
}

impl Language {
    fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Russian => "ru",
            Language::Chinese => "zh",
            Language::Japanese => "ja",
            Language::Korean => "ko",
        }
    }
}

struct Writer {
    rng: Rng,
    english: Words,
    russian: Words,
    chinese: Words,
    japanese: Words,
    korean: Words,
}

impl Writer {
    /// Half the text is English; the rest Russian, Chinese, Japanese, Korean.
    fn language(&mut self) -> Language {
        match self.rng.below(20) {
            0..=9 => Language::English,
            10..=13 => Language::Russian,
            14..=15 => Language::Chinese,
            16..=17 => Language::Japanese,
            _ => Language::Korean,
        }
    }

    /// Text of about `chars` characters (CJK counts double, as it reads).
    fn text(&mut self, language: Language, chars: usize) -> String {
        let mut out = String::with_capacity(chars * 3);
        let mut width = 0;
        let mut sentence_start = true;
        while width < chars {
            let (word, space) = match language {
                Language::English => (self.english.draw(&mut self.rng).to_string(), " "),
                Language::Russian => (self.russian.draw(&mut self.rng).to_string(), " "),
                Language::Chinese => (self.chinese.draw(&mut self.rng).to_string(), ""),
                Language::Japanese => (self.japanese.draw(&mut self.rng).to_string(), ""),
                Language::Korean => {
                    let word = self.korean.draw(&mut self.rng);
                    (format!("{word}{}", self.rng.pick(KOREAN_PARTICLES)), " ")
                }
            };
            if !out.is_empty() {
                out.push_str(space);
            }
            if sentence_start && space == " " {
                let mut chars = word.chars();
                if let Some(first) = chars.next() {
                    out.extend(first.to_uppercase());
                    out.push_str(chars.as_str());
                }
            } else {
                out.push_str(&word);
            }
            width += word
                .chars()
                .map(|c| if c.is_ascii() || space == " " { 1 } else { 2 })
                .sum::<usize>()
                + space.len();
            sentence_start = self.rng.chance(8);
            if sentence_start {
                out.push_str(if space.is_empty() { "。" } else { "." });
            } else if self.rng.chance(6) {
                out.push_str(if space.is_empty() { "、" } else { "," });
            }
        }
        if out.ends_with([',', '、']) {
            out.pop();
        }
        if !out.ends_with(['.', '。']) {
            out.push_str(if language == Language::Chinese || language == Language::Japanese {
                "。"
            } else {
                "."
            });
        }
        out
    }
}

const PUBLISHERS: &[&str] = &[
    "TASS",
    "RIA Novosti",
    "Interfax",
    "Министерство обороны Российской Федерации",
    "Коммерсантъ",
    "Xinhua",
    "新华社",
    "环球时报",
    "中华人民共和国国防部",
    "Kyodo News",
    "防衛省",
    "NHK",
    "Yonhap",
    "연합뉴스",
    "합동참모본부",
    "Reuters",
    "Associated Press",
    "The Diplomat",
    "War on the Rocks",
    "IISS",
    "SIPRI",
    "CSIS",
    "Carnegie Moscow Center",
    "Jamestown Foundation",
];

const SOURCE_KINDS: &[&str] = &[
    "news-report",
    "news-report",
    "news-report",
    "official-statement",
    "official-statement",
    "analysis",
    "white-paper",
    "legal-act",
    "dataset",
    "reference",
    "opinion",
    "other",
];
const TOPICS: &[&str] = &[
    "vostok-2018",
    "air-patrol-2019",
    "airspace",
    "white-paper-2019",
    "sco",
    "g20-osaka",
    "kurils",
    "border",
    "naval-drills",
    "arms-sales",
    "missile-defence",
    "space",
];
const STANCES: &[&str] = &["affirms", "affirms", "denies", "disputes", "qualifies"];
const RELATIONS: &[&str] = &["supports", "supports", "refutes", "context"];
/// Parties: the states in the dispute (built into every case) and analysts
/// written to parties.csv.
const STATES: &[(&str, Language)] = &[
    ("RU", Language::Russian),
    ("CN", Language::Chinese),
    ("JP", Language::Japanese),
    ("KR", Language::Korean),
    ("US", Language::English),
    ("MN", Language::English),
];
const ANALYSTS: usize = 40;

fn csv_writer(dir: &Path, name: &str, headers: &[&str]) -> std::io::Result<csv::Writer<BufWriter<File>>> {
    let mut w = csv::Writer::from_writer(BufWriter::with_capacity(1 << 20, File::create(dir.join(name))?));
    w.write_record(headers)?;
    Ok(w)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(n), Some(dir)) = (
        args.get(1).and_then(|n| n.replace(['_', ','], "").parse::<usize>().ok()),
        args.get(2),
    ) else {
        eprintln!("usage: gen_corpus N OUT_DIR   (N claims, 5N sources, 3N statements, 2N evidence)");
        std::process::exit(2);
    };
    generate(n, Path::new(dir))?;
    writeln!(
        std::io::stderr().lock(),
        "wrote {ANALYSTS} parties, {} sources, {n} claims, {} statements, {} evidence to {dir}",
        5 * n,
        3 * n,
        2 * n
    )?;
    Ok(())
}

/// Writes the five CSV files for N claims into `dir`.
pub fn generate(n: usize, dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir)?;
    let mut w = Writer {
        rng: Rng(0x5EED_0000 ^ n as u64),
        english: Words::new(ENGLISH),
        russian: Words::new(RUSSIAN),
        chinese: Words::new(CHINESE),
        japanese: Words::new(JAPANESE),
        korean: Words::new(KOREAN),
    };

    let mut parties = csv_writer(dir, "parties.csv", &["uuid", "code", "name", "kind", "parent", "notes"])?;
    for i in 1..=ANALYSTS {
        let kind = if i % 4 == 0 { "organisation" } else { "analyst" };
        let notes = w.text(Language::English, 60);
        parties.write_record([&w.rng.uuid(), &format!("analyst-{i}"), &format!("Analyst {i}"), kind, "", &notes])?;
    }
    parties.flush()?;

    let sources_n = 5 * n;
    let mut source_uuids = Vec::with_capacity(sources_n);
    let mut sources = csv_writer(
        dir,
        "sources.csv",
        &[
            "uuid",
            "slug",
            "title",
            "publisher",
            "url",
            "copy_url",
            "published",
            "language",
            "kind",
            "reliability",
            "notes",
        ],
    )?;
    for i in 1..=sources_n {
        let uuid = w.rng.uuid();
        let language = w.language();
        let title_len = w.rng.range(30, 140);
        let title = w.text(language, title_len);
        let publisher = w.rng.pick(PUBLISHERS);
        let url = if w.rng.chance(70) {
            format!("https://news.example.org/{}/{i}", language.code())
        } else {
            String::new()
        };
        let copy_url = if w.rng.chance(10) {
            format!("https://archive.example.net/{i}")
        } else {
            String::new()
        };
        let slug = if w.rng.chance(10) { format!("source-{i}") } else { String::new() };
        let notes = if w.rng.chance(40) {
            let len = w.rng.range(40, 400);
            let notes_language = if w.rng.chance(70) { Language::English } else { language };
            w.text(notes_language, len)
        } else {
            String::new()
        };
        let reliability = ["A", "B", "C", "D", "E", "F"][w.rng.below(6)];
        let published = w.rng.date();
        let kind = w.rng.pick(SOURCE_KINDS);
        sources.write_record([
            uuid.as_str(),
            &slug,
            &title,
            publisher,
            &url,
            &copy_url,
            &published,
            language.code(),
            kind,
            reliability,
            &notes,
        ])?;
        source_uuids.push(uuid);
    }
    sources.flush()?;

    let mut claim_uuids = Vec::with_capacity(n);
    let mut claims = csv_writer(
        dir,
        "claims.csv",
        &[
            "uuid",
            "slug",
            "text",
            "topic",
            "claimed_on",
            "appeared_in",
            "figure",
            "unit",
            "status",
            "reason",
            "status_by",
            "status_at",
        ],
    )?;
    for i in 1..=n {
        let uuid = w.rng.uuid();
        let language = if w.rng.chance(80) { Language::English } else { w.language() };
        let len = w.rng.range(60, 260);
        let text = w.text(language, len);
        let (figure, unit) = if w.rng.chance(30) {
            let low = w.rng.range(1, 300) * 1000;
            if w.rng.chance(50) {
                (low.to_string(), "servicemen")
            } else {
                (format!("{low}..{}", low + w.rng.range(1, 100) * 1000), "km")
            }
        } else {
            (String::new(), "")
        };
        let (status, reason) = match w.rng.below(10) {
            0 => ("supported", w.text(Language::English, 80)),
            1 => ("refuted", w.text(Language::English, 80)),
            2 => ("disputed", w.text(Language::English, 80)),
            _ => ("unverified", String::new()),
        };
        let topic = w.rng.pick(TOPICS);
        let claimed_on = w.rng.date();
        let appeared_in = format!("Article {}", w.rng.below(5000));
        let slug = format!("claim-{i}");
        claims.write_record([
            uuid.as_str(),
            &slug,
            &text,
            topic,
            &claimed_on,
            &appeared_in,
            &figure,
            unit,
            status,
            &reason,
            "",
            "",
        ])?;
        claim_uuids.push(uuid);
    }
    claims.flush()?;

    let mut statements = csv_writer(
        dir,
        "statements.csv",
        &[
            "uuid", "claim", "party", "stance", "said_on", "speaker", "quote", "summary", "source", "figure", "unit", "notes",
        ],
    )?;
    for i in 0..3 * n {
        let claim = &claim_uuids[i / 3];
        let (party, language) = if w.rng.chance(80) {
            let (code, language) = STATES[w.rng.below(STATES.len())];
            (code.to_string(), language)
        } else {
            (format!("analyst-{}", w.rng.range(1, ANALYSTS)), Language::English)
        };
        let quote_len = w.rng.range(40, 300);
        let quote = w.text(language, quote_len);
        let summary = if w.rng.chance(50) {
            w.text(Language::English, 120)
        } else {
            String::new()
        };
        let source = &source_uuids[w.rng.below(source_uuids.len())];
        let uuid = w.rng.uuid();
        let stance = w.rng.pick(STANCES);
        let said_on = w.rng.date();
        let speaker = format!("Spokesperson {}", w.rng.below(300));
        statements.write_record([
            uuid.as_str(),
            claim,
            &party,
            stance,
            &said_on,
            &speaker,
            &quote,
            &summary,
            source,
            "",
            "",
            "",
        ])?;
    }
    statements.flush()?;

    let mut evidence = csv_writer(
        dir,
        "evidence.csv",
        &["uuid", "claim", "source", "relation", "excerpt", "locator", "credibility", "notes"],
    )?;
    for i in 0..2 * n {
        let claim = &claim_uuids[i / 2];
        let source = &source_uuids[w.rng.below(source_uuids.len())];
        let language = w.language();
        let len = w.rng.range(40, 250);
        let excerpt = w.text(language, len);
        let uuid = w.rng.uuid();
        let relation = w.rng.pick(RELATIONS);
        let locator = format!("p. {}", w.rng.range(1, 200));
        let credibility = w.rng.range(1, 6).to_string();
        evidence.write_record([uuid.as_str(), claim, source, relation, &excerpt, &locator, &credibility, ""])?;
    }
    evidence.flush()?;

    Ok(())
}
