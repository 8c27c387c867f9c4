import ArgumentParser
import Foundation
import Synchronization
import YearCore
import YearLocale

/// The language yearctl speaks in this process: `--lang`, else the caller's locale (`LanguageChoice`), from the
/// catalogues `msgfmt` compiled (`Catalogues`). Resolved once per `--lang` value: the catalogue is read and a
/// fallback warning printed once, however many times a command asks.
enum Speech {
    // A process-wide cache of an immutable answer (the environment and the installed files do not change while
    // yearctl runs), behind a Mutex.
    private static let resolved = Mutex<[String: Localizer]>([:])

    /// The localizer for `flag` (the `--lang` value) or the environment; an unknown `--lang` is a usage error
    /// listing the languages installed.
    static func localizer(flag: String?) throws -> Localizer {
        let key = flag ?? ""
        if let known = resolved.withLock({ $0[key] }) { return known }
        let directories = Catalogues.directories()
        let available = Catalogues.available(in: directories)
        let environment = ProcessInfo.processInfo.environment
        func choice(_ flag: String?) throws(LanguageChoice.UnknownLanguage) -> LanguageChoice {
            try LanguageChoice.choose(
                flag: flag, environment: environment, available: available, isInstalled: SystemLocale.isInstalled)
        }
        let chosen: LanguageChoice
        do {
            chosen = try choice(flag)
        } catch {
            // The usage error about --lang speaks the environment's language (never itself an unknown one).
            let ambient = (try? choice(nil)) ?? LanguageChoice(language: "en")
            throw ValidationError(error.message(Catalogues.localizer(for: ambient.language, in: directories).0))
        }
        let (localizer, catalogueWarning) = Catalogues.localizer(for: chosen.language, in: directories)
        let warnings = [catalogueWarning, chosen.warning].compactMap { $0 }
        let first = resolved.withLock { cache -> Bool in
            defer { cache[key] = localizer }
            return cache.isEmpty
        }
        if first {
            for warning in warnings { printError("yearctl: " + warning) }
        }
        return localizer
    }
}
