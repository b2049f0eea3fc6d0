//! The ticket printer, end to end: a ticket's bytes captured through the
//! in-memory sink, a real serial port on a socat pseudo-terminal pair, a TCP
//! socket and a file, decoded back by `common::escpos` and read for meaning.

mod common;

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, ChildStderr, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use common::escpos::{self, Align, Line, Op};
use yimen::devices::printer::{
    self, MemoryPrinter, OfflineCause, PaperWidth, PrinterError, PrinterSettings, PrinterStatus,
    TicketPrinter, TicketSlip, print_ticket, ticket_bytes,
};

const STATUS_URL: &str = "http://192.168.1.10:8080/api/v1/tickets/t7Kq2mX9pL4vN8rB";

fn slip() -> TicketSlip {
    TicketSlip {
        hall_name: "云湖经济技术开发区政务服务中心".to_owned(),
        number: "A001".to_owned(),
        queue_name: "企业开办".to_owned(),
        service_name: Some("企业设立登记".to_owned()),
        appointment_at: None,
        ahead: 3,
        estimated_wait_minutes: 36,
        issued_at: "2026-03-02 10:00".to_owned(),
        status_url: STATUS_URL.to_owned(),
        notice: vec![
            "过号请重新取号，请留意叫号".to_owned(),
            "本中心实行“只进一扇门”：前台综合受理、后台分类审批、统一窗口出件。".to_owned(),
        ],
    }
}

fn decode(bytes: &[u8]) -> Vec<Op> {
    escpos::decode(bytes).unwrap_or_else(|e| panic!("not ESC/POS the tests know: {e}"))
}

fn texts(ops: &[Op]) -> Vec<String> {
    escpos::lines(ops)
        .into_iter()
        .map(|line| line.text)
        .collect()
}

fn line<'a>(lines: &'a [Line], text: &str) -> &'a Line {
    let found = lines.iter().find(|line| line.text == text);
    found.unwrap_or_else(|| panic!("no line “{text}” in {lines:#?}"))
}

/// Columns a printed line takes: two per Chinese character, times the width.
fn columns(line: &Line) -> usize {
    let chars: usize = line
        .text
        .chars()
        .map(|c| if c.is_ascii() { 1 } else { 2 })
        .sum();
    chars * usize::from(line.size.0)
}

/// What every printed ticket must say, whatever carried it.
fn assert_is_the_ticket(ops: &[Op]) {
    let lines = escpos::lines(ops);
    let texts = texts(ops);
    for expected in [
        "云湖经济技术开发区政务服务中心",
        "A001",
        "企业开办",
        "办理事项：企业设立登记",
        "前面还有 3 人",
        "预计等候约 36 分钟",
        "取号时间：2026-03-02 10:00",
        "扫码查看排队进度",
        "过号请重新取号，请留意叫号",
    ] {
        assert!(
            texts.iter().any(|t| t == expected),
            "no “{expected}” in {texts:#?}"
        );
    }
    let number = line(&lines, "A001");
    assert_eq!((number.size, number.align), ((8, 8), Align::Center));
    assert_eq!(escpos::qr_payloads(ops), [STATUS_URL]);
    assert_eq!(ops.last(), Some(&Op::Cut { partial: false }));
}

#[test]
fn the_ticket_reads_back_from_gb18030() {
    let mut printer = MemoryPrinter::new(PaperWidth::Mm80);
    let status = print_ticket(&mut printer, &slip()).unwrap();
    assert_eq!(status, PrinterStatus::READY);

    let bytes = printer.printed();
    assert_is_the_ticket(&decode(&bytes));
    let (gb18030, _, _) = encoding_rs::GB18030.encode("企业设立登记");
    let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(contains(&gb18030), "企业设立登记 is not in GB18030");
    assert!(
        !contains("企业设立登记".as_bytes()),
        "企业设立登记 went out as UTF-8"
    );
}

#[test]
fn chinese_mode_is_on_before_any_chinese_text() {
    let ops = decode(&ticket_bytes(&slip(), PaperWidth::Mm80).unwrap());
    assert_eq!(ops[..2], [Op::Init, Op::ChineseMode(true)]);
    assert!(
        !ops.iter().any(|op| matches!(op, Op::Unencoded(_))),
        "{ops:#?}"
    );
    let first_chinese = ops
        .iter()
        .position(|op| matches!(op, Op::Text(t) if !t.is_ascii()));
    assert!(first_chinese.is_some_and(|i| i > 1));
}

#[test]
fn the_number_is_at_the_largest_size_and_nothing_else_is() {
    let lines = escpos::lines(&decode(&ticket_bytes(&slip(), PaperWidth::Mm58).unwrap()));
    let large: Vec<&str> = lines
        .iter()
        .filter(|l| l.size == (8, 8))
        .map(|l| l.text.as_str())
        .collect();
    assert_eq!(large, ["A001"]);
    assert_eq!(line(&lines, "企业开办").size, (1, 1));
}

#[test]
fn the_qr_code_opens_the_ticket_and_the_paper_is_cut() {
    let ops = decode(&ticket_bytes(&slip(), PaperWidth::Mm80).unwrap());
    let at = |wanted: Op| ops.iter().position(|op| *op == wanted);
    let model = at(Op::QrModel(50)).expect("QR model 2");
    let store = at(Op::QrStore(STATUS_URL.to_owned())).unwrap();
    let print = at(Op::QrPrint).unwrap();
    assert!(model < store && store < print);
    let cut = at(Op::Cut { partial: false }).unwrap();
    assert_eq!(cut, ops.len() - 1, "the cut comes last");
    assert!(
        matches!(ops[cut - 1], Op::Feed(n) if n >= 2),
        "paper fed past the cutter"
    );
}

#[test]
fn paper_width_sets_the_line_length_and_the_qr_size() {
    let mut long = slip();
    long.notice.push(
        "请携带营业执照、法定代表人身份证原件及复印件，委托他人办理的请携带授权委托书。".to_owned(),
    );
    for (paper, width, qr) in [(PaperWidth::Mm58, 32, 6), (PaperWidth::Mm80, 48, 8)] {
        let ops = decode(&ticket_bytes(&long, paper).unwrap());
        let lines = escpos::lines(&ops);
        let rule = lines.iter().find(|l| l.text.starts_with("---")).unwrap();
        assert_eq!(rule.text, "-".repeat(width));
        assert!(ops.contains(&Op::QrSize(qr)), "{paper:?}");
        for line in &lines {
            assert!(columns(line) <= width, "{paper:?}: {line:?} is too wide");
        }
        let notice = notice_text(&lines);
        assert!(
            notice.contains("委托他人办理的请携带授权委托书。"),
            "{notice}"
        );
    }
}

fn notice_text(lines: &[Line]) -> String {
    let after_qr = lines
        .iter()
        .skip_while(|l| l.text != "扫码查看排队进度")
        .skip(1);
    after_qr.map(|l| l.text.as_str()).collect()
}

#[test]
fn an_appointment_ticket_shows_its_booked_time_large_under_the_queue() {
    let booked = TicketSlip {
        appointment_at: Some("09:00".to_owned()),
        ..slip()
    };
    for paper in [PaperWidth::Mm58, PaperWidth::Mm80] {
        let bytes = ticket_bytes(&booked, paper).unwrap();
        let ops = decode(&bytes);
        assert_is_the_ticket(&ops);
        let lines = escpos::lines(&ops);
        let at = line(&lines, "预约 09:00");
        assert_eq!((at.size, at.align), ((2, 2), Align::Center), "{paper:?}");
        let position = |text: &str| lines.iter().position(|l| l.text == text).unwrap();
        assert!(position("企业开办") < position("预约 09:00"));
        assert!(position("预约 09:00") < position("前面还有 3 人"));
        let (gb18030, _, _) = encoding_rs::GB18030.encode("预约 09:00");
        assert!(bytes.windows(gb18030.len()).any(|w| *w == *gb18030));
    }
    let walk_in = texts(&decode(&ticket_bytes(&slip(), PaperWidth::Mm80).unwrap()));
    assert!(!walk_in.iter().any(|t| t.contains("预约")), "{walk_in:#?}");
}

#[test]
fn nobody_ahead_reads_as_such() {
    let first = TicketSlip {
        ahead: 0,
        estimated_wait_minutes: 0,
        ..slip()
    };
    let texts = texts(&decode(&ticket_bytes(&first, PaperWidth::Mm80).unwrap()));
    assert!(
        texts.iter().any(|t| t == "前面没有人等候，请留意叫号"),
        "{texts:#?}"
    );
    assert!(
        !texts.iter().any(|t| t.starts_with("预计等候")),
        "{texts:#?}"
    );
}

#[test]
fn a_printer_that_cannot_print_gets_nothing_and_says_why() {
    let kiosk_side = MemoryPrinter::new(PaperWidth::Mm80);
    let mut printer: Box<dyn TicketPrinter + Send> = Box::new(kiosk_side.clone());
    let paper_out = PrinterStatus {
        offline: true,
        paper_out: true,
        ..PrinterStatus::READY
    };
    let cover_open = PrinterStatus {
        offline: true,
        cover_open: true,
        ..PrinterStatus::READY
    };

    kiosk_side.answer(paper_out);
    let refused = print_ticket(printer.as_mut(), &slip()).unwrap_err();
    assert!(matches!(refused, PrinterError::PaperOut));
    assert_eq!(refused.to_string(), "打印机缺纸");

    kiosk_side.answer(cover_open);
    let refused = print_ticket(printer.as_mut(), &slip()).unwrap_err();
    assert!(matches!(refused, PrinterError::CoverOpen));

    kiosk_side.fall_silent();
    let refused = print_ticket(printer.as_mut(), &slip()).unwrap_err();
    assert!(matches!(
        refused,
        PrinterError::Offline(OfflineCause::NoAnswer)
    ));
    assert_eq!(refused.to_string(), "打印机无响应");
    assert!(kiosk_side.printed().is_empty());

    let near_end = PrinterStatus {
        paper_near_end: true,
        ..PrinterStatus::READY
    };
    kiosk_side.answer(near_end);
    assert_eq!(print_ticket(printer.as_mut(), &slip()).unwrap(), near_end);
    assert_is_the_ticket(&decode(&kiosk_side.printed()));
}

// ---- real connections ----

/// Answers to `DLE EOT` 1, 2 and 4: printer, offline cause, paper sensor.
type Answers = Option<[u8; 3]>;
const READY: Answers = Some([0x12, 0x12, 0x12]);
/// Offline; stopped by paper end; near end and end.
const PAPER_OUT: Answers = Some([0x1A, 0x32, 0x7E]);
const SILENT: Answers = None;

/// Opens a printer from a `[printer]` section's body.
fn open(toml_text: &str) -> Box<dyn TicketPrinter + Send> {
    let settings: PrinterSettings = toml::from_str(toml_text).unwrap();
    let setup = settings.validate().unwrap();
    printer::open(&setup).unwrap()
}

/// The printer's end of a line, in a thread: keeps what it receives and
/// answers status queries, until a cut has come, the line closes, or it is
/// told to stop and the line has gone quiet.
struct FakePrinter {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<Vec<u8>>,
}

impl FakePrinter {
    /// `line` must have a short read timeout.
    fn start(line: impl Read + Write + Send + 'static, answers: Answers) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let thread = thread::spawn(move || serve(line, answers, &stopped));
        Self { stop, thread }
    }

    /// Everything received, once the ticket has been cut.
    fn received(self) -> Vec<u8> {
        self.thread.join().unwrap()
    }

    /// Everything received, once nothing more is coming.
    fn stop(self) -> Vec<u8> {
        self.stop.store(true, Ordering::Relaxed);
        self.received()
    }
}

fn serve(mut line: impl Read + Write, answers: Answers, stop: &AtomicBool) -> Vec<u8> {
    let deadline = Instant::now() + Duration::from_secs(10);
    let (mut received, mut answered) = (Vec::new(), 0);
    let mut chunk = [0u8; 1024];
    while Instant::now() < deadline {
        match line.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => {
                received.extend_from_slice(&chunk[..n]);
                let queries: Vec<u8> = received
                    .windows(3)
                    .filter(|w| w[..2] == [0x10, 0x04])
                    .map(|w| w[2])
                    .collect();
                for n in &queries[answered..] {
                    if let Some([printer, offline_cause, paper]) = answers {
                        let answer = match n {
                            1 => printer,
                            2 => offline_cause,
                            _ => paper,
                        };
                        line.write_all(&[answer]).unwrap();
                    }
                }
                answered = queries.len();
                let ops = escpos::decode(&received).unwrap_or_default();
                if ops.contains(&Op::Cut { partial: false }) {
                    break;
                }
            }
            Err(e) if matches!(e.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock) => {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    received
}

fn status_queries() -> Vec<Op> {
    vec![Op::StatusQuery(1), Op::StatusQuery(2), Op::StatusQuery(4)]
}

/// A socat pseudo-terminal pair: the kiosk opens one end as its serial
/// printer, the test's fake printer the other. socat is killed on drop.
struct PtyPair {
    socat: Child,
    /// Kept open so socat never writes its log into a closed pipe.
    _log: BufReader<ChildStderr>,
    dir: tempfile::TempDir,
}

impl PtyPair {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let end = |name: &str| format!("pty,raw,echo=0,link={}", dir.path().join(name).display());
        let mut socat = Command::new("socat")
            .args(["-d", "-d", &end("kiosk"), &end("printer")])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the serial printer tests need socat (apt-get install socat)");
        let mut log = BufReader::new(socat.stderr.take().unwrap());
        let mut seen = String::new();
        while !seen.contains("starting data transfer loop") {
            if log.read_line(&mut seen).unwrap() == 0 {
                let _ = socat.wait();
                panic!("socat stopped before linking the terminals:\n{seen}");
            }
        }
        Self {
            socat,
            _log: log,
            dir,
        }
    }

    fn kiosk_end(&self) -> PathBuf {
        self.dir.path().join("kiosk")
    }

    fn printer_end(&self) -> Box<dyn serialport::SerialPort> {
        let path = self.dir.path().join("printer");
        serialport::new(path.to_string_lossy(), 9600)
            .timeout(Duration::from_millis(20))
            .open()
            .unwrap()
    }

    fn serial_settings(&self, timeout_ms: u64) -> String {
        format!(
            "driver = \"serial\"\npath = \"{}\"\nbaud = 9600\ntimeout_ms = {timeout_ms}\n",
            self.kiosk_end().display()
        )
    }
}

impl Drop for PtyPair {
    fn drop(&mut self) {
        let _ = self.socat.kill();
        let _ = self.socat.wait();
    }
}

#[test]
fn serial_printer_on_a_pty_answers_ready_and_gets_the_ticket() {
    let pair = PtyPair::start();
    let fake = FakePrinter::start(pair.printer_end(), READY);
    let mut kiosk = open(&pair.serial_settings(500));
    assert_eq!(
        kiosk.name(),
        format!("serial {}", pair.kiosk_end().display())
    );

    assert_eq!(
        print_ticket(kiosk.as_mut(), &slip()).unwrap(),
        PrinterStatus::READY
    );
    let ops = decode(&fake.received());
    assert_eq!(ops[..3], status_queries());
    assert_eq!(
        ops[3..],
        decode(&ticket_bytes(&slip(), PaperWidth::Mm80).unwrap())
    );
    assert_is_the_ticket(&ops);
}

#[test]
fn serial_printer_out_of_paper_gets_no_ticket() {
    let pair = PtyPair::start();
    let fake = FakePrinter::start(pair.printer_end(), PAPER_OUT);
    let mut kiosk = open(&pair.serial_settings(500));

    let refused = print_ticket(kiosk.as_mut(), &slip()).unwrap_err();
    assert!(matches!(refused, PrinterError::PaperOut), "{refused:?}");
    assert_eq!(decode(&fake.stop()), status_queries());
}

#[test]
fn serial_printer_that_never_answers_is_offline_within_the_timeout() {
    let pair = PtyPair::start();
    let fake = FakePrinter::start(pair.printer_end(), SILENT);
    let mut kiosk = open(&pair.serial_settings(300));

    let asked = Instant::now();
    let refused = print_ticket(kiosk.as_mut(), &slip()).unwrap_err();
    let waited = asked.elapsed();
    assert!(
        matches!(refused, PrinterError::Offline(OfflineCause::NoAnswer)),
        "{refused:?}"
    );
    assert!(
        waited < Duration::from_millis(300 + 700),
        "waited {waited:?}"
    );
    assert_eq!(decode(&fake.stop()), [Op::StatusQuery(1)]);
}

/// A printer on 127.0.0.1, with the kiosk connected to it.
fn network_printer(
    answers: Answers,
    timeout_ms: u64,
) -> (Box<dyn TicketPrinter + Send>, FakePrinter) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let kiosk = open(&format!(
        "driver = \"network\"\naddress = \"{address}\"\npaper_width_mm = 58\ntimeout_ms = {timeout_ms}\n"
    ));
    let (line, _) = listener.accept().unwrap();
    line.set_read_timeout(Some(Duration::from_millis(20)))
        .unwrap();
    (kiosk, FakePrinter::start(line, answers))
}

#[test]
fn network_printer_answers_ready_and_gets_the_ticket() {
    let (mut kiosk, fake) = network_printer(READY, 500);
    assert_eq!(kiosk.paper(), PaperWidth::Mm58);

    assert_eq!(
        print_ticket(kiosk.as_mut(), &slip()).unwrap(),
        PrinterStatus::READY
    );
    let ops = decode(&fake.received());
    assert_eq!(ops[..3], status_queries());
    assert_eq!(
        ops[3..],
        decode(&ticket_bytes(&slip(), PaperWidth::Mm58).unwrap())
    );
    assert_is_the_ticket(&ops);
}

#[test]
fn network_printer_that_never_answers_is_offline_within_the_timeout() {
    let (mut kiosk, fake) = network_printer(SILENT, 300);

    let asked = Instant::now();
    let refused = print_ticket(kiosk.as_mut(), &slip()).unwrap_err();
    let waited = asked.elapsed();
    assert!(
        matches!(refused, PrinterError::Offline(OfflineCause::NoAnswer)),
        "{refused:?}"
    );
    assert!(
        waited < Duration::from_millis(300 + 700),
        "waited {waited:?}"
    );
    drop(kiosk);
    assert_eq!(decode(&fake.received()), [Op::StatusQuery(1)]);
}

#[test]
fn network_printer_connects_again_after_the_printer_hung_up() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let mut kiosk = open(&format!("driver = \"network\"\naddress = \"{address}\"\n"));
    // The printer drops the idle connection; the next one it serves.
    drop(listener.accept().unwrap());
    let printer = thread::spawn(move || {
        let (line, _) = listener.accept().unwrap();
        line.set_read_timeout(Some(Duration::from_millis(20)))
            .unwrap();
        serve(line, READY, &AtomicBool::new(false))
    });

    assert_eq!(
        print_ticket(kiosk.as_mut(), &slip()).unwrap(),
        PrinterStatus::READY
    );
    let ops = decode(&printer.join().unwrap());
    assert_eq!(ops[..3], status_queries());
    assert_is_the_ticket(&ops);
}

#[test]
fn file_printer_appends_each_ticket() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tickets.bin");
    let mut kiosk = open(&format!(
        "driver = \"file\"\npath = \"{}\"\n",
        path.display()
    ));

    let second = TicketSlip {
        number: "A002".to_owned(),
        ahead: 4,
        ..slip()
    };
    print_ticket(kiosk.as_mut(), &slip()).unwrap();
    print_ticket(kiosk.as_mut(), &second).unwrap();

    let written = std::fs::read(&path).unwrap();
    let first_len = ticket_bytes(&slip(), PaperWidth::Mm80).unwrap().len();
    assert_is_the_ticket(&decode(&written[..first_len]));
    let ops = decode(&written);
    let numbers: Vec<String> = texts(&ops)
        .into_iter()
        .filter(|t| t.starts_with("A00"))
        .collect();
    assert_eq!(numbers, ["A001", "A002"]);
    assert_eq!(
        ops.iter().filter(|op| matches!(op, Op::Cut { .. })).count(),
        2
    );
}
