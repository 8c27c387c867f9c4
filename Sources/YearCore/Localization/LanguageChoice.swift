/// Which language a command-line program speaks: `--lang` if given, else the caller's locale as gettext reads it
/// (`LC_ALL`, then `LC_MESSAGES`, then `LANG`, with `LANGUAGE`'s list first when the locale is not C), else English.
public struct LanguageChoice: Sendable, Equatable {
    /// The chosen language's code (`en`, `ru`).
    public var language: String
    /// A sentence for stderr when the choice fell back to English against the caller's wish.
    public var warning: String?

    /// A choice with every field given.
    public init(language: String, warning: String? = nil) {
        self.language = language
        self.warning = warning
    }

    /// `--lang` named a language with no catalogue.
    public struct UnknownLanguage: Error, Equatable, Sendable {
        /// The language asked for.
        public var requested: String
        /// The languages that can be chosen, English first.
        public var available: [String]

        /// An error with every field given.
        public init(requested: String, available: [String]) {
            self.requested = requested
            self.available = available
        }

        /// The usage error's sentence.
        public func message(_ l: Localizer) -> String {
            l.tr(
                "unknown language '{requested}' for --lang; the languages installed are: {available}",
                ["requested": requested, "available": available.joined(separator: ", ")])
        }
    }

    /// The language for `flag` (the `--lang` value) or the environment.
    ///
    /// - Parameters:
    ///   - available: the languages that have a catalogue (English needs none).
    ///   - isInstalled: whether a locale name (`ru_RU.UTF-8`) is installed on the machine (glibc's `newlocale`).
    public static func choose(
        flag: String?, environment: [String: String], available: Set<String>, isInstalled: (String) -> Bool
    ) throws(UnknownLanguage) -> LanguageChoice {
        if let flag {
            // A catalogue's directory may name a region (`pt_BR`): the flag matches it in any case.
            if flag.lowercased() == "en" { return LanguageChoice(language: "en") }
            guard let code = available.first(where: { $0.lowercased() == flag.lowercased() }) else {
                throw UnknownLanguage(requested: flag, available: ["en"] + available.subtracting(["en"]).sorted())
            }
            return LanguageChoice(language: code)
        }
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
        guard let locale, !isPlainC(locale) else { return LanguageChoice(language: "en") }
        guard isInstalled(locale) else {
            let warning = Localizer.english.tr(
                "the locale {locale} is not installed on this machine, so yearctl speaks English; install it ('dpkg-reconfigure locales') or choose a language with --lang",
                ["locale": locale])
            return LanguageChoice(language: "en", warning: warning)
        }
        let preferred = (environment["LANGUAGE"] ?? "").split(separator: ":").map(String.init) + [locale]
        for name in preferred {
            let base = String(name.prefix { $0 != "." && $0 != "@" })
            let language = String(base.prefix { $0 != "_" })
            for code in [base, language] where code == "en" || available.contains(code) {
                return LanguageChoice(language: code)
            }
        }
        return LanguageChoice(language: "en")
    }

    /// Whether a locale name is C or POSIX, in which gettext translates nothing.
    private static func isPlainC(_ locale: String) -> Bool {
        locale == "C" || locale == "POSIX" || locale.hasPrefix("C.")
    }
}
