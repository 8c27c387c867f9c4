import Foundation
import YearCore

/// Finds and reads yeard's compiled message catalogues (`LANG/LC_MESSAGES/yeard.mo`), the files that `msgfmt`
/// makes from `po/LANG.po` and the Debian package installs under `/usr/share/locale`.
public enum Catalogues {
    /// The gettext text domain: the catalogues' file name without `.mo`.
    public static let domain = "yeard"

    /// The directories searched, in order: `$YEARD_LOCALEDIR`, `locale` beside the running binary (where
    /// `scripts/po compile` puts a build's catalogues), `../share/locale` from it (`/usr/bin` -> `/usr/share/locale`,
    /// also under another prefix), and `/usr/share/locale`.
    public static func directories(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        InstalledData.directories(
            variable: "YEARD_LOCALEDIR", besideProgram: "locale", underShare: "locale", environment: environment)
    }

    /// The languages that have a catalogue in any of `directories`.
    public static func available(in directories: [String]) -> Set<String> {
        var languages: Set<String> = []
        for directory in directories {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { continue }
            for name in names where FileManager.default.fileExists(atPath: path(directory, name)) {
                languages.insert(name)
            }
        }
        return languages
    }

    /// The localizer for `language`: its catalogue from the first directory that has one, English when there is
    /// none, and English with a warning when the file found cannot be read as a catalogue.
    public static func localizer(for language: String, in directories: [String]) -> (Localizer, warning: String?) {
        guard language != "en" else { return (.english, nil) }
        for directory in directories {
            let file = path(directory, language)
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            do {
                return (Localizer(language: language, catalogue: try MessageCatalogue(mo: [UInt8](data))), nil)
            } catch {
                let warning = Localizer.english.tr(
                    "the message catalogue {file} cannot be read ({reason}); showing English",
                    ["file": file, "reason": error.description])
                return (.english, warning)
            }
        }
        return (.english, nil)
    }

    private static func path(_ directory: String, _ language: String) -> String {
        "\(directory)/\(language)/LC_MESSAGES/\(domain).mo"
    }
}

/// The machine's installed locales, as glibc knows them.
public enum SystemLocale {
    /// Whether glibc can load the locale `name` (`ru_RU.UTF-8`), i.e. it was generated on this machine.
    public static func isInstalled(_ name: String) -> Bool {
        guard let locale = newlocale(LC_MESSAGES_MASK | LC_CTYPE_MASK, name, nil) else { return false }
        freelocale(locale)
        return true
    }
}
