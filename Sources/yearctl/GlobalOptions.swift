import ArgumentParser
import Foundation
import YearCore

/// The options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The control socket (default: $YEARD_SOCKET, else /run/yeard/control.sock).")
    var socket: String?

    @Option(name: .long, help: "The school, when the instance serves more than one.")
    var school: String?

    @Flag(name: .long, help: "Print the daemon's reply as JSON (the same in every language).")
    var json = false

    @Option(
        name: .long,
        help: "The language of what yearctl prints, en or ru (default: the locale's: LC_ALL, LC_MESSAGES, LANG).")
    var lang: String?

    /// Refuses an unknown `--lang` before anything is sent.
    func validate() throws { _ = try Speech.localizer(flag: lang) }

    /// The language yearctl speaks: `--lang`, else the caller's locale, else English.
    var l: Localizer { (try? Speech.localizer(flag: lang)) ?? .english }

    /// The socket path in force.
    var socketPath: String {
        socket ?? ProcessInfo.processInfo.environment["YEARD_SOCKET"] ?? "/run/yeard/control.sock"
    }
}
