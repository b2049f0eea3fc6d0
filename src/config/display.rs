//! The display wall's own settings, `display.toml` in the configuration
//! folder: where the hub is, the wall's device key, and how it speaks.

use std::fmt;
use std::path::Path;

use serde::Deserialize;

use super::diagnostic::Source;
use super::{ConfigError, Diagnostic};
use crate::domain::display::voice::DEFAULT_REPEATS;
use crate::tls::TlsFiles;

/// Stands for the WAV file in a speak or play command.
pub const WAV: &str = "{wav}";
/// Stands for the words in the speak command.
pub const TEXT: &str = "{text}";

/// Mandarin from Chinese characters; plain `-v cmn` misreads many of them.
const DEFAULT_SPEAK: [&str; 6] = ["espeak-ng", "-v", "cmn-latn-pinyin", "-w", WAV, TEXT];
const DEFAULT_PLAY: [&str; 3] = ["aplay", "-q", WAV];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DisplayFile {
    display: DisplaySection,
    #[serde(default)]
    voice: VoiceSection,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DisplaySection {
    hub: String,
    key: String,
    fullscreen: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct VoiceSection {
    enabled: Option<bool>,
    repeats: Option<u8>,
    speak: Option<Vec<String>>,
    play: Option<Vec<String>>,
}

/// How the wall speaks its calls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VoiceSettings {
    /// Whether the wall speaks at all; a silent wall only shows.
    pub enabled: bool,
    /// Times each call is said.
    pub repeats: u8,
    /// The program and arguments that write the words to a WAV file, with
    /// [`TEXT`] and [`WAV`] where the words and the file go.
    pub speak: Vec<String>,
    /// The program and arguments that play a WAV file, with [`WAV`] where the
    /// file goes: the chime, then the words.
    pub play: Vec<String>,
}

impl Default for VoiceSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            repeats: DEFAULT_REPEATS,
            speak: DEFAULT_SPEAK.map(String::from).to_vec(),
            play: DEFAULT_PLAY.map(String::from).to_vec(),
        }
    }
}

/// A display wall's settings, checked.
#[derive(Clone)]
pub struct DisplaySettings {
    /// The hub's address, such as `http://127.0.0.1:9463`.
    pub hub: String,
    /// The hall's certificates, for an `https://` hub.
    pub tls: Option<TlsFiles>,
    /// The wall's device key, as the hub's `[[devices]]` hash expects: it
    /// follows the hub with it, so nobody ever logs it in.
    pub key: String,
    /// Full screen, as on the hall's TV; off to try the wall on a desktop.
    pub fullscreen: bool,
    pub voice: VoiceSettings,
}

impl fmt::Debug for DisplaySettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DisplaySettings")
            .field("hub", &self.hub)
            .field("key", &"<redacted>")
            .field("fullscreen", &self.fullscreen)
            .field("voice", &self.voice)
            .finish()
    }
}

impl DisplaySettings {
    /// Reads `display.toml` from the configuration folder.
    ///
    /// # Errors
    /// Every problem found, each with file, field and line.
    pub fn load(dir: &Path) -> Result<Self, ConfigError> {
        let refuse = |errors: Vec<Diagnostic>| ConfigError {
            dir: dir.to_owned(),
            errors,
        };
        let source = Source::read(dir, "display.toml").map_err(|d| refuse(vec![d]))?;
        let file: DisplayFile = source.parse().map_err(|d| refuse(vec![d]))?;
        let mut errors = Vec::new();
        let hub = file.display.hub.trim_end_matches('/').to_owned();
        let tls = super::hub_tls(dir, &hub).unwrap_or_else(|why| {
            errors.push(source.error("display.hub", why));
            None
        });
        if file.display.key.trim().is_empty() {
            errors.push(source.error("display.key", "the display needs its device key"));
        }
        let defaults = VoiceSettings::default();
        let voice = VoiceSettings {
            enabled: file.voice.enabled.unwrap_or(defaults.enabled),
            repeats: file.voice.repeats.unwrap_or(defaults.repeats),
            speak: file.voice.speak.unwrap_or(defaults.speak),
            play: file.voice.play.unwrap_or(defaults.play),
        };
        if !(1..=5).contains(&voice.repeats) {
            errors.push(source.error("voice.repeats", "must be 1 to 5"));
        }
        for (field, command, needs) in [
            ("voice.speak", &voice.speak, &[TEXT, WAV][..]),
            ("voice.play", &voice.play, &[WAV][..]),
        ] {
            if command
                .first()
                .is_none_or(|program| program.trim().is_empty())
            {
                errors.push(source.error(field, "a program to run, then its arguments"));
            }
            for placeholder in needs {
                if !command.iter().any(|arg| arg.contains(placeholder)) {
                    errors
                        .push(source.error(field, format!("no {placeholder} among the arguments")));
                }
            }
        }
        if !errors.is_empty() {
            return Err(refuse(errors));
        }
        Ok(Self {
            hub,
            tls,
            key: file.display.key,
            fullscreen: file.display.fullscreen.unwrap_or(true),
            voice,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<DisplaySettings, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("display.toml"), text).unwrap();
        DisplaySettings::load(dir.path())
    }

    fn problems(text: &str) -> Vec<String> {
        load(text)
            .unwrap_err()
            .errors
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn the_sample_wall_reads_with_espeak_and_aplay() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config");
        let settings = DisplaySettings::load(&dir).unwrap();
        assert_eq!(settings.key, "demo-display");
        assert_eq!(settings.voice, VoiceSettings::default());
        assert!(!format!("{settings:?}").contains("demo-display"));
    }

    #[test]
    fn only_the_hub_and_key_are_required() {
        let settings = load("[display]\nhub = \"http://10.0.0.2:9463/\"\nkey = \"k\"\n").unwrap();
        assert_eq!(settings.hub, "http://10.0.0.2:9463");
        assert!(settings.fullscreen);
        assert_eq!(settings.voice.repeats, 2);
    }

    #[test]
    fn each_problem_names_its_field_and_line() {
        let found = problems(
            "[display]\nhub = \"10.0.0.2\"\nkey = \" \"\n\n[voice]\nrepeats = 9\nspeak = []\nplay = [\"paplay\"]\n",
        );
        assert_eq!(
            found,
            [
                "error: display.toml:2: display.hub: the hub's address starts with http:// or https://",
                "error: display.toml:3: display.key: the display needs its device key",
                "error: display.toml:6: voice.repeats: must be 1 to 5",
                "error: display.toml:7: voice.speak: a program to run, then its arguments",
                "error: display.toml:7: voice.speak: no {text} among the arguments",
                "error: display.toml:7: voice.speak: no {wav} among the arguments",
                "error: display.toml:8: voice.play: no {wav} among the arguments",
            ]
        );
        let unknown = problems("[display]\nhub = \"http://h\"\nkey = \"k\"\nvolume = 3\n");
        assert_eq!(unknown.len(), 1);
        assert!(
            unknown[0].starts_with("error: display.toml:4: display"),
            "{unknown:?}"
        );
    }
}
