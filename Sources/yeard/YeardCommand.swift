import ArgumentParser
import Foundation
import YearCore
import YearDaemon
import YearProtocol

/// `yeard`: the academic-year lifecycle daemon.
@main
struct YeardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "yeard",
        abstract: "The academic-year lifecycle daemon: year states, two-person approvals, audit, Varlink socket.",
        discussion: """
            Runs in the foreground (systemd Type=notify). Try it:  yeard --demo ./demo
            Then, in another terminal:  yearctl --socket ./demo/control.sock status
            """,
        version: Daemon.version)

    @Option(name: .long, help: "The configuration file.")
    var config: String?

    @Option(name: .customLong("state-dir"), help: "Where the database lives (overrides the configuration).")
    var stateDir: String?

    @Option(name: .long, help: "The control socket's path (overrides the configuration).")
    var socket: String?

    @Option(name: .customLong("check-config"), help: "Validate FILE, print each error with its line, and exit.")
    var checkConfig: String?

    @Option(
        name: .long,
        help: "Create DIR with a demo configuration, school and year where missing, and run there.")
    var demo: String?

    @Flag(name: .customLong("print-protocol"), help: "Print the protocol reference (docs/protocol.md) and exit.")
    var printProtocol = false
    @Flag(name: .customLong("print-checks"), help: "Print the check catalogue (docs/checks.md) and exit.")
    var printChecks = false

    func run() async throws {
        if printProtocol {
            print(YeardAPI.markdownReference(), terminator: "")
            return
        }
        if printChecks {
            print(CheckCatalogue.markdownReference(), terminator: "")
            return
        }
        if let checkConfig {
            do {
                let parsed = try DaemonConfiguration.load(path: checkConfig)
                print(
                    "\(checkConfig): OK (\(parsed.schools.count) school(s), \(parsed.policy.grants.count) grant(s))")
                return
            } catch let error as ConfigurationError {
                FileHandle.standardError.write(Data((error.description + "\n").utf8))
                throw ExitCode(1)
            }
        }
        if demo != nil && config != nil {
            throw ValidationError("--demo writes and uses its own configuration; drop --config")
        }
        guard let path = try demo.map(Demo.prepare(directory:)) ?? config else {
            FileHandle.standardError.write(
                Data("yeard: no --config given; try 'yeard --demo ./demo' or see config/yeard.toml\n".utf8))
            throw ExitCode(2)
        }
        var configuration: DaemonConfiguration
        do {
            configuration = try DaemonConfiguration.load(path: path)
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data((error.description + "\nyeard: not started\n").utf8))
            throw ExitCode(1)
        }
        let overrides = ConfigurationOverrides(stateDirectory: stateDir, socketPath: socket)
        overrides.apply(to: &configuration)
        let logLevel = Daemon.bootstrapLogging(level: configuration.logLevel)
        do {
            try await Daemon.run(
                configuration: configuration, configurationPath: path, overrides: overrides, logLevel: logLevel,
                demoYear: demo != nil)
        } catch {
            FileHandle.standardError.write(Data("yeard: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
