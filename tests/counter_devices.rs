//! Counter devices end to end: a real hub drives an LED window screen and
//! reads a rating keypad over socat pseudo-terminal pairs, the test playing
//! the devices at the other ends. The frames are checked byte for byte
//! against the protocol as the README writes it, not as the code decodes it.

mod common;

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;
use yimen::config::Config;
use yimen::devices::counter::CounterDevicesFile;
use yimen::hub::clock::ManualClock;

use common::TestHub;

const LED_ADDRESS: u8 = 1;
const KEYPAD_ADDRESS: u8 = 2;
/// LED show, key press, rating recorded, rating refused.
const SHOW: u8 = 0x01;
const KEY_PRESS: u8 = 0x10;
const RECORDED: u8 = 0x11;
const REFUSED: u8 = 0x12;
/// How long the hub has to answer a device.
const ANSWER: Duration = Duration::from_secs(10);

/// A frame as the README defines it: `AA 55`, address, function, length
/// (big-endian), payload, XOR of address to payload, `0D 0A`.
fn frame(address: u8, function: u8, payload: &[u8]) -> Vec<u8> {
    let length = u16::try_from(payload.len()).unwrap().to_be_bytes();
    let mut body = vec![address, function, length[0], length[1]];
    body.extend_from_slice(payload);
    let checksum = body.iter().fold(0, |sum, b| sum ^ b);
    let mut bytes = vec![0xAA, 0x55];
    bytes.extend(body);
    bytes.extend([checksum, 0x0D, 0x0A]);
    bytes
}

/// The LED show frame: state byte, then two lines in GB18030.
fn led_frame(state: u8, top: &str, bottom: &str) -> Vec<u8> {
    let mut payload = vec![state];
    payload.extend(
        encoding_rs::GB18030
            .encode(&format!("{top}\n{bottom}"))
            .0
            .iter(),
    );
    frame(LED_ADDRESS, SHOW, &payload)
}

fn key_press(digit: u8) -> Vec<u8> {
    frame(KEYPAD_ADDRESS, KEY_PRESS, &[digit])
}

/// A socat pseudo-terminal pair: the hub opens `hub_end`, the test plays
/// the device on `device_end`. Killing socat unplugs the device.
struct PtyPair {
    socat: Child,
    /// Kept open so socat never writes its log into a closed pipe.
    _log: BufReader<ChildStderr>,
    hub_end: PathBuf,
    device_end: PathBuf,
}

impl PtyPair {
    fn start(dir: &Path, name: &str) -> Self {
        let hub_end = dir.join(format!("{name}-hub"));
        let device_end = dir.join(format!("{name}-device"));
        let end = |path: &Path| format!("pty,raw,echo=0,link={}", path.display());
        let mut socat = Command::new("socat")
            .args(["-d", "-d", &end(&hub_end), &end(&device_end)])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the counter device tests need socat (apt-get install socat)");
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
            hub_end,
            device_end,
        }
    }

    /// Pulls the cable: socat dies and both terminals vanish.
    fn unplug(&mut self) {
        let _ = self.socat.kill();
        let _ = self.socat.wait();
    }

    /// Plugs a new cable in: new terminals behind the same paths.
    fn plug_in(&mut self) {
        let dir = self.hub_end.parent().unwrap().to_owned();
        let name = self.hub_end.file_name().unwrap().to_string_lossy();
        *self = Self::start(&dir, name.trim_end_matches("-hub"));
    }

    fn device(&self) -> Device {
        let port = serialport::new(self.device_end.to_string_lossy(), 9600)
            .timeout(Duration::from_millis(50))
            .open()
            .unwrap();
        Device {
            port,
            pending: Vec::new(),
        }
    }
}

impl Drop for PtyPair {
    fn drop(&mut self) {
        self.unplug();
    }
}

/// The test's side of a device: reads the frames the hub sends.
struct Device {
    port: Box<dyn serialport::SerialPort>,
    pending: Vec<u8>,
}

impl Device {
    /// The next whole frame the hub sent, within `within`.
    fn next_frame(&mut self, within: Duration) -> Option<Vec<u8>> {
        let until = Instant::now() + within;
        tokio::task::block_in_place(|| {
            loop {
                if let Some(frame) = self.split_frame() {
                    return Some(frame);
                }
                if Instant::now() >= until {
                    return None;
                }
                let mut chunk = [0u8; 256];
                match self.port.read(&mut chunk) {
                    Ok(n) => self.pending.extend_from_slice(&chunk[..n]),
                    Err(e) if e.kind() == ErrorKind::TimedOut => {}
                    Err(e) => panic!("reading the device's end: {e}"),
                }
            }
        })
    }

    #[track_caller]
    fn expect_frame(&mut self) -> Vec<u8> {
        self.next_frame(ANSWER)
            .expect("the hub sent the device nothing")
    }

    /// The hub sends nothing but frames, so one starts the buffer.
    fn split_frame(&mut self) -> Option<Vec<u8>> {
        let p = &self.pending;
        if p.len() < 6 {
            return None;
        }
        assert_eq!(p[..2], [0xAA, 0x55], "not a frame: {p:02X?}");
        let total = 9 + usize::from(u16::from_be_bytes([p[4], p[5]]));
        (p.len() >= total).then(|| self.pending.drain(..total).collect())
    }

    fn write(&mut self, bytes: &[u8]) {
        self.port.write_all(bytes).unwrap();
    }
}

/// An LED and a keypad at counter 1, each on its own pair.
struct Counter1 {
    hub: TestHub,
    led: Device,
    keypad: Device,
    led_pair: PtyPair,
    _keypad_pair: PtyPair,
    _dir: tempfile::TempDir,
}

async fn start() -> Counter1 {
    let dir = tempfile::tempdir().unwrap();
    let led_pair = PtyPair::start(dir.path(), "led");
    let keypad_pair = PtyPair::start(dir.path(), "keypad");
    let (led, keypad) = (led_pair.device(), keypad_pair.device());
    let text = format!(
        "reconnect_ms = 100\n[[counters]]\nnumber = 1\n\
         led = {{ path = \"{}\", address = {LED_ADDRESS} }}\n\
         keypad = {{ path = \"{}\", baud = 9600, address = {KEYPAD_ADDRESS} }}\n",
        led_pair.hub_end.display(),
        keypad_pair.hub_end.display(),
    );
    let file: CounterDevicesFile = toml::from_str(&text).unwrap();
    let mut config: Config = common::sample_config();
    let counters: Vec<u32> = config.setup.counters.iter().map(|c| c.number).collect();
    config.counter_devices = file.validate(&counters).unwrap();
    let clock = ManualClock::new(common::monday_morning());
    let hub = TestHub::start_with(config, std::sync::Arc::new(clock)).await;
    let mut counter = Counter1 {
        hub,
        led,
        keypad,
        led_pair,
        _keypad_pair: keypad_pair,
        _dir: dir,
    };
    // Nobody is logged in yet: the LED says so as soon as the hub opens it.
    let closed = led_frame(0x04, "窗口关闭", "请到其他窗口办理");
    assert_eq!(counter.led.expect_frame(), closed);
    counter
}

impl Counter1 {
    /// Logs clerk 1001 in at counter 1, issues a ticket and calls it;
    /// returns the token and the ticket's id.
    async fn call_a_ticket(&mut self) -> (String, String) {
        let token = self.hub.login("1001", Some(1)).await;
        assert_eq!(
            self.led.expect_frame(),
            led_frame(0x00, "1号窗口", "请等候叫号")
        );
        let ticket = self.hub.issue(json!({"queue": "A"})).await;
        self.hub.act_ok(&token, 1, "call-next").await;
        (token, ticket["id"].as_str().unwrap().to_owned())
    }

    /// Serves and finishes the ticket called at counter 1.
    async fn finish(&mut self, token: &str) {
        self.hub.act_ok(token, 1, "start").await;
        self.hub.act_ok(token, 1, "finish").await;
    }

    /// Presses a key and returns the keypad's answer: function and payload.
    fn press(&mut self, digit: u8) -> (u8, Vec<u8>) {
        self.keypad.write(&key_press(digit));
        answer(&self.keypad.expect_frame())
    }

    /// Ratings recorded for a ticket: score and actor, from the database.
    fn ratings(&self, ticket: &str) -> Vec<(u8, String)> {
        let conn = rusqlite::Connection::open(self.hub.db()).unwrap();
        let mut query = conn
            .prepare(
                "SELECT r.score, e.actor FROM ratings r JOIN events e \
                 ON e.kind = 'rated' AND json_extract(e.payload, '$.rating.id') = r.id \
                 WHERE r.ticket = ?1 ORDER BY r.id",
            )
            .unwrap();
        query
            .query_map([ticket], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }
}

/// A keypad answer's function and payload, after checking it is addressed
/// to the keypad.
fn answer(frame: &[u8]) -> (u8, Vec<u8>) {
    assert_eq!(frame[2], KEYPAD_ADDRESS, "{frame:02X?}");
    (frame[3], frame[6..frame.len() - 3].to_vec())
}

fn gb18030(payload: &[u8]) -> String {
    encoding_rs::GB18030.decode(payload).0.into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_led_shows_a_call_what_is_served_and_a_pause() {
    let mut counter = start().await;
    let (token, _) = counter.call_a_ticket().await;
    let call = counter.led.expect_frame();
    let mut expected = vec![0xAA, 0x55, 0x01, 0x01, 0x00, 0x11, 0x01];
    expected.extend(b"A001\n");
    expected.extend([0xC7, 0xEB, 0xB5, 0xBD]); // 请到
    expected.push(b'1');
    expected.extend([0xBA, 0xC5, 0xB4, 0xB0, 0xBF, 0xDA]); // 号窗口
    let checksum = expected[2..].iter().fold(0, |sum, b| sum ^ b);
    expected.extend([checksum, 0x0D, 0x0A]);
    assert_eq!(call, expected, "{call:02X?}");
    assert_eq!(call, led_frame(0x01, "A001", "请到1号窗口"));

    // A recall sends the call again, for the screen to flash it.
    counter.hub.act_ok(&token, 1, "recall").await;
    assert_eq!(counter.led.expect_frame(), call);
    counter.hub.act_ok(&token, 1, "start").await;
    let serving = led_frame(0x02, "A001", "正在办理");
    assert_eq!(counter.led.expect_frame(), serving);
    counter.hub.act_ok(&token, 1, "finish").await;
    let waiting = led_frame(0x00, "1号窗口", "请等候叫号");
    assert_eq!(counter.led.expect_frame(), waiting);

    let (status, body) = counter
        .hub
        .post(
            "/api/v1/counters/1/pause",
            Some(&token),
            json!({"reason": "午间休息"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let paused = led_frame(0x03, "暂停服务", "午间休息");
    assert_eq!(counter.led.expect_frame(), paused);

    // The hub stopping blanks the screen.
    counter.hub.stop().await;
    assert_eq!(counter.led.expect_frame(), frame(LED_ADDRESS, 0x02, &[]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_press_rates_the_ticket_just_finished_once() {
    let mut counter = start().await;
    let (token, ticket) = counter.call_a_ticket().await;
    let (function, payload) = counter.press(b'5');
    assert_eq!(
        (function, payload[0]),
        (REFUSED, 0x01),
        "nothing finished yet"
    );
    assert_eq!(gb18030(&payload[1..]), "暂无可评价的业务");

    counter.finish(&token).await;
    let (function, payload) = counter.press(b'5');
    assert_eq!((function, payload[0]), (RECORDED, b'5'));
    assert_eq!(gb18030(&payload[1..]), "感谢您的评价：非常满意");
    let hall = counter.hub.hall();
    assert!(hall.ticket(&ticket.as_str().into()).unwrap().rated);
    let by_keypad = [(5, "device:1号窗口评价器".to_owned())];
    assert_eq!(counter.ratings(&ticket), by_keypad);

    let (function, payload) = counter.press(b'1');
    assert_eq!((function, payload[0]), (REFUSED, 0x02), "rated already");
    assert_eq!(counter.ratings(&ticket), by_keypad);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbled_input_is_dropped_and_the_next_good_frame_still_works() {
    let mut counter = start().await;
    let (token, first) = counter.call_a_ticket().await;
    counter.finish(&token).await;

    let mut line = b"\x00\xFFATZ\r\n\xAA\x13".to_vec();
    let mut bad_checksum = key_press(b'1');
    bad_checksum[7] ^= 0x5A;
    line.extend(bad_checksum);
    line.extend(frame(9, KEY_PRESS, b"1")); // another device's address
    line.extend(frame(KEYPAD_ADDRESS, KEY_PRESS, b"7")); // no such key
    line.extend(key_press(b'4'));
    counter.keypad.write(&line);
    let (function, payload) = answer(&counter.keypad.expect_frame());
    assert_eq!((function, payload[0]), (RECORDED, b'4'));
    let silence = counter.keypad.next_frame(Duration::from_millis(300));
    assert_eq!(silence, None, "the hub answered garbage");
    assert_eq!(counter.ratings(&first).len(), 1);
    assert_eq!(counter.ratings(&first)[0].0, 4);

    // A frame cut short holds up the next one only until the line is quiet.
    counter.hub.issue(json!({"queue": "A"})).await;
    counter.hub.act_ok(&token, 1, "call-next").await;
    counter.finish(&token).await;
    let mut cut = vec![0xAA, 0x55, KEYPAD_ADDRESS, KEY_PRESS, 0x00, 0x64];
    cut.extend(key_press(b'3'));
    counter.keypad.write(&cut);
    let (function, payload) = answer(&counter.keypad.expect_frame());
    assert_eq!((function, payload[0]), (RECORDED, b'3'));
    assert_eq!(counter.ratings(&first).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_led_unplugged_and_plugged_back_shows_the_current_state() {
    let mut counter = start().await;
    let token = counter.hub.login("1001", Some(1)).await;
    let waiting = led_frame(0x00, "1号窗口", "请等候叫号");
    assert_eq!(counter.led.expect_frame(), waiting);

    counter.led_pair.unplug();
    counter.hub.issue(json!({"queue": "A"})).await;
    counter.hub.act_ok(&token, 1, "call-next").await;

    counter.led_pair.plug_in();
    counter.led = counter.led_pair.device();
    // The hub opens the new terminal within its 100 ms reconnect delay and
    // shows what the counter is doing now; nothing was restarted.
    let call = led_frame(0x01, "A001", "请到1号窗口");
    assert_eq!(counter.led.expect_frame(), call);

    counter.hub.act_ok(&token, 1, "start").await;
    let serving = led_frame(0x02, "A001", "正在办理");
    assert_eq!(counter.led.expect_frame(), serving);
}

#[test]
fn the_sample_hall_has_no_counter_devices() {
    let config = common::sample_config();
    assert!(config.counter_devices.devices.is_empty());
    assert!(common::sample_dir().join("counter_devices.toml").exists());
}

#[test]
fn counter_device_problems_name_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&common::sample_dir(), dir.path());
    std::fs::write(
        dir.path().join("counter_devices.toml"),
        "[[counters]]\nnumber = 1\nled = { path = \"/dev/ttyUSB0\" }\n\n\
         [[counters]]\nnumber = 42\nkeypad = { path = \"/dev/ttyUSB0\", address = 0 }\n",
    )
    .unwrap();
    let errors = Config::load(dir.path(), common::monday_morning().date_naive())
        .unwrap_err()
        .errors;
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "error: counter_devices.toml:6: counters[1].number: no counter 42 in hall.toml",
            "error: counter_devices.toml:7: counters[1].keypad.address: the address is 1–254, not 0",
            "error: counter_devices.toml:7: counters[1].keypad.path: /dev/ttyUSB0 is 1号窗口LED屏 already",
        ]
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
