//! Compiles the Slint UI (ui/*.slint) when the `gui` feature is on, with
//! debug info so that tests can find elements by their accessible labels.

fn main() {
    #[cfg(feature = "gui")]
    {
        let config = slint_build::CompilerConfiguration::new()
            .with_debug_info(true)
            .with_bundled_translations("ui/translations");
        slint_build::compile_with_config("ui/app.slint", config).expect("the UI compiles");
    }
}
