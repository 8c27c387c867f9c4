import ArgumentParser
import Foundation

/// The options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The control socket (default: $YEARD_SOCKET, else /run/yeard/control.sock).")
    var socket: String?

    @Option(name: .long, help: "The school, when the instance serves more than one.")
    var school: String?

    @Flag(name: .long, help: "Print the daemon's reply as JSON.")
    var json = false

    /// The socket path in force.
    var socketPath: String {
        socket ?? ProcessInfo.processInfo.environment["YEARD_SOCKET"] ?? "/run/yeard/control.sock"
    }
}
