//! The wall's voice: a thread that takes calls' words from the screen and
//! speaks them in order through a [`Speaker`], each after a chime and as many
//! times as the hall says, one at a time (the order is
//! [`VoiceQueue`]'s). The real speaker runs configured commands: one writes
//! the words to a WAV file, another plays it.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc::{Receiver, Sender, channel};

use crate::config::display::{TEXT, VoiceSettings, WAV};
use crate::domain::display::voice::{DEFAULT_BACKLOG, VoiceQueue};

/// Something that makes the hall hear: the chime, and words. Each call
/// returns when the sound has finished, so nothing overlaps.
pub trait Speaker: Send {
    fn chime(&mut self);
    fn say(&mut self, words: &str);
}

/// The voice thread's door: calls' words go in, the thread speaks them.
pub struct Announcer {
    words: Sender<String>,
}

impl Announcer {
    /// Starts the voice thread, speaking each call `repeats` times.
    ///
    /// # Errors
    /// The thread cannot be started.
    pub fn start(speaker: impl Speaker + 'static, repeats: u8) -> std::io::Result<Self> {
        let (words, arriving) = channel();
        let queue = VoiceQueue::new(repeats, DEFAULT_BACKLOG);
        std::thread::Builder::new()
            .name("voice".into())
            .spawn(move || speak_all(&arriving, speaker, queue))?;
        Ok(Self { words })
    }

    /// Queues a call's words behind any still being spoken.
    pub fn announce(&self, words: String) {
        if self.words.send(words).is_err() {
            tracing::warn!("the voice thread has stopped");
        }
    }
}

/// Speaks until the announcer is dropped and everything queued is said.
fn speak_all(arriving: &Receiver<String>, mut speaker: impl Speaker, mut queue: VoiceQueue) {
    fn take(queue: &mut VoiceQueue, words: String) {
        if let Some(dropped) = queue.push(words) {
            tracing::info!(%dropped, "too many calls waiting to be spoken: the oldest is skipped");
        }
    }
    loop {
        if queue.is_idle() {
            match arriving.recv() {
                Ok(words) => take(&mut queue, words),
                Err(_) => return,
            }
        }
        while let Ok(words) = arriving.try_recv() {
            take(&mut queue, words);
        }
        if let Some(utterance) = queue.begin() {
            if utterance.chime {
                speaker.chime();
            }
            speaker.say(&utterance.text);
            queue.done();
        }
    }
}

/// The speaker of a real hall: the configured commands, and a chime made
/// here. When speech fails it says so once and the chime goes on alone;
/// when it works again it says that too.
pub struct CommandSpeaker {
    settings: VoiceSettings,
    /// Holds the chime and the words' WAV files.
    dir: tempfile::TempDir,
    chime: PathBuf,
    /// The last speech worked (or none was tried yet).
    speech_ok: bool,
    /// The last playing worked (or none was tried yet).
    player_ok: bool,
}

impl CommandSpeaker {
    /// # Errors
    /// The chime cannot be written to a temporary folder.
    pub fn new(settings: VoiceSettings) -> std::io::Result<Self> {
        let dir = tempfile::Builder::new().prefix("yimen-voice").tempdir()?;
        let chime = dir.path().join("chime.wav");
        std::fs::write(&chime, chime_wav())?;
        Ok(Self {
            settings,
            dir,
            chime,
            speech_ok: true,
            player_ok: true,
        })
    }

    /// Writes the words to `wav` with the speak command.
    ///
    /// # Errors
    /// The command is missing, fails, or writes nothing.
    pub fn render(&self, words: &str, wav: &Path) -> Result<(), String> {
        run(&self.settings.speak, words, wav)?;
        match std::fs::metadata(wav) {
            Ok(m) if m.len() > 44 => Ok(()),
            _ => Err(format!("{} wrote no sound", self.settings.speak[0])),
        }
    }

    fn play(&mut self, wav: &Path) {
        let played = run(&self.settings.play, "", wav);
        match (&played, self.player_ok) {
            (Err(e), true) => tracing::warn!(error = %e, "cannot play sound: the wall is silent"),
            (Ok(()), false) => tracing::info!("sound plays again"),
            _ => {}
        }
        self.player_ok = played.is_ok();
    }
}

impl Speaker for CommandSpeaker {
    fn chime(&mut self) {
        let chime = self.chime.clone();
        self.play(&chime);
    }

    fn say(&mut self, words: &str) {
        let wav = self.dir.path().join("words.wav");
        let rendered = self.render(words, &wav);
        match (&rendered, self.speech_ok) {
            (Err(e), true) => {
                tracing::warn!(error = %e, "no speech available: calls get the chime alone");
            }
            (Ok(()), false) => tracing::info!("speech works again"),
            _ => {}
        }
        self.speech_ok = rendered.is_ok();
        if self.speech_ok {
            self.play(&wav);
        }
    }
}

/// Runs a configured command with the words and the file put in, and waits.
fn run(command: &[String], words: &str, wav: &Path) -> Result<(), String> {
    let wav = wav.to_string_lossy();
    let fill = |arg: &String| arg.replace(WAV, &wav).replace(TEXT, words);
    let (program, args) = command.split_first().ok_or("no command")?;
    let status = Command::new(program)
        .args(args.iter().map(fill))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| match e.kind() {
            ErrorKind::NotFound => format!("{program} is not installed"),
            _ => format!("{program}: {e}"),
        })?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{program} failed ({status})"))
    }
}

/// Samples per second of the chime.
const RATE: u32 = 22_050;

/// A two-note chime (ding-dong) as a 16-bit mono WAV file: what the hall
/// hears before each call, and all it hears when speech is unavailable.
pub fn chime_wav() -> Vec<u8> {
    let mut samples = Vec::new();
    for (frequency, seconds) in [(659.25_f32, 0.45_f32), (523.25, 0.8)] {
        let count = (RATE as f32 * seconds) as usize;
        samples.extend((0..count).map(|i| {
            let t = i as f32 / RATE as f32;
            let decay = (-3.5 * t / seconds).exp();
            let attack = (t / 0.01).min(1.0);
            let tone = (std::f32::consts::TAU * frequency * t).sin()
                + 0.3 * (std::f32::consts::TAU * 2.0 * frequency * t).sin();
            (tone / 1.3 * attack * decay * 0.6 * f32::from(i16::MAX)) as i16
        }));
    }
    wav(&samples)
}

/// A mono 16-bit PCM WAV file of these samples.
fn wav(samples: &[i16]) -> Vec<u8> {
    let data = u32::try_from(samples.len() * 2).unwrap_or(u32::MAX);
    let mut out = Vec::with_capacity(44 + samples.len() * 2);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16_u32.to_le_bytes());
    out.extend_from_slice(&1_u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1_u16.to_le_bytes()); // mono
    out.extend_from_slice(&RATE.to_le_bytes());
    out.extend_from_slice(&(RATE * 2).to_le_bytes());
    out.extend_from_slice(&2_u16.to_le_bytes());
    out.extend_from_slice(&16_u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data.to_le_bytes());
    for s in samples {
        out.extend_from_slice(&s.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    use super::*;
    use crate::domain::display::voice::announcement;

    /// The loudest sample of a 16-bit PCM WAV file's data chunk.
    fn peak(bytes: &[u8]) -> i32 {
        assert_eq!(&bytes[..4], b"RIFF");
        assert_eq!(&bytes[8..12], b"WAVE");
        let mut at = 12;
        while at + 8 <= bytes.len() {
            let id = &bytes[at..at + 4];
            let size = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().unwrap()) as usize;
            let body = &bytes[at + 8..bytes.len().min(at + 8 + size)];
            if id == b"fmt " {
                assert_eq!(
                    u16::from_le_bytes([body[14], body[15]]),
                    16,
                    "16-bit samples"
                );
            }
            if id == b"data" {
                return body
                    .chunks_exact(2)
                    .map(|s| i32::from(i16::from_le_bytes([s[0], s[1]])).abs())
                    .max()
                    .unwrap_or(0);
            }
            at += 8 + size + size % 2;
        }
        panic!("no data chunk");
    }

    /// What the fake speaker did, in order, with the time each sound
    /// started and ended.
    #[derive(Clone, Default)]
    struct Heard(Arc<Mutex<Vec<(String, Instant, Instant)>>>);

    impl Heard {
        fn sounds(&self) -> Vec<String> {
            self.0
                .lock()
                .unwrap()
                .iter()
                .map(|(s, ..)| s.clone())
                .collect()
        }
    }

    impl Speaker for Heard {
        fn chime(&mut self) {
            self.say("chime");
        }

        fn say(&mut self, words: &str) {
            let start = Instant::now();
            std::thread::sleep(Duration::from_millis(5));
            self.0
                .lock()
                .unwrap()
                .push((words.to_owned(), start, Instant::now()));
        }
    }

    #[test]
    fn calls_are_spoken_in_order_twice_each_never_over_each_other() {
        let heard = Heard::default();
        let announcer = Announcer::start(heard.clone(), 2).unwrap();
        let first = announcement("A001".parse().unwrap(), 1, false);
        let second = announcement("B002".parse().unwrap(), 6, true);
        announcer.announce(first.clone());
        announcer.announce(second.clone());
        let start = Instant::now();
        while heard.sounds().len() < 6 {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "{:?}",
                heard.sounds()
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        let chime = "chime".to_owned();
        assert_eq!(
            heard.sounds(),
            [
                chime.clone(),
                first.clone(),
                first,
                chime,
                second.clone(),
                second
            ]
        );
        let sounds = heard.0.lock().unwrap();
        for pair in sounds.windows(2) {
            assert!(
                pair[0].2 <= pair[1].1,
                "{} began before {} ended",
                pair[1].0,
                pair[0].0
            );
        }
    }

    #[test]
    fn the_chime_is_a_wav_that_is_heard() {
        let chime = chime_wav();
        assert!(peak(&chime) > 10_000);
        assert_eq!(
            chime.len(),
            44 + 2 * ((RATE as f32 * 0.45) as usize + (RATE as f32 * 0.8) as usize)
        );
    }

    /// Where espeak-ng is installed (as in CI), the default command writes
    /// the announcement as sound, not silence.
    #[test]
    fn espeak_speaks_an_announcement_aloud() {
        let speaker = CommandSpeaker::new(VoiceSettings::default()).unwrap();
        let wav = speaker.dir.path().join("call.wav");
        let words = announcement("A001".parse().unwrap(), 3, false);
        match speaker.render(&words, &wav) {
            Ok(()) => {
                let bytes = std::fs::read(&wav).unwrap();
                assert!(
                    bytes.len() > 22_050,
                    "at least half a second: {} bytes",
                    bytes.len()
                );
                assert!(peak(&bytes) > 3_000, "not silent: peak {}", peak(&bytes));
            }
            Err(e) if e.contains("not installed") => eprintln!("skipped: {e}"),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn without_speech_the_chime_still_plays() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("played");
        let settings = VoiceSettings {
            speak: vec!["yimen-no-such-speech".into(), TEXT.into(), WAV.into()],
            play: vec![
                "sh".into(),
                "-c".into(),
                format!("echo {WAV} >> {}", log.display()),
            ],
            ..VoiceSettings::default()
        };
        let mut speaker = CommandSpeaker::new(settings).unwrap();
        speaker.chime();
        speaker.say("请 A 0 0 1 号 到 1 号窗口 办理");
        speaker.chime();
        speaker.say("请 A 0 0 2 号 到 1 号窗口 办理");
        assert!(!speaker.speech_ok);
        let played = std::fs::read_to_string(&log).unwrap();
        let played: Vec<&str> = played.lines().collect();
        assert_eq!(played.len(), 2, "{played:?}");
        assert!(played.iter().all(|p| p.ends_with("chime.wav")));
    }
}
