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
        // The environment's language first: the usage error about --lang speaks it.
        let environment = ProcessInfo.processInfo.environment
        let ambient = try LanguageChoice.choose(
            flag: nil, environment: environment, available: available, isInstalled: SystemLocale.isInstalled)
        let (ambientLocalizer, ambientWarning) = Catalogues.localizer(for: ambient.language, in: directories)
        let chosen: Localizer
        var warnings = [ambientWarning].compactMap { $0 }
        if let flag {
            do {
                let choice = try LanguageChoice.choose(
                    flag: flag, environment: environment, available: available, isInstalled: SystemLocale.isInstalled)
                let (localizer, warning) = Catalogues.localizer(for: choice.language, in: directories)
                chosen = localizer
                warnings = [warning].compactMap { $0 }
            } catch {
                throw ValidationError(error.message(ambientLocalizer))
            }
        } else {
            chosen = ambientLocalizer
            warnings += [ambient.warning].compactMap { $0 }
        }
        let first = resolved.withLock { cache -> Bool in
            defer { cache[key] = chosen }
            return cache.isEmpty
        }
        if first {
            for warning in warnings { printError("yearctl: " + warning) }
        }
        return chosen
    }
}
