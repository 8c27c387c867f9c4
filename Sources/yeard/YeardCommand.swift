import ArgumentParser
import Foundation
import YearCore
import YearDaemon
import YearProtocol
import YearStore

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
        version: Daemon.version, subcommands: [Restore.self])

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

/// `yeard restore FILE`: puts a backup in place of the database, with the daemon stopped.
struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replace the database by a backup (stop yeard first); the current database is kept beside it.",
        discussion: """
            The backup must pass integrity_check and foreign_key_check and come from this yeard or an older one.
            The database it replaces is kept as yeard.sqlite.before-restore-STAMP in the state directory.
            """)

    @Argument(help: "The backup file (see 'yearctl backup list').") var file: String
    /// `--config` and `--state-dir` are yeard's own (`yeard restore FILE --config C` or `yeard --config C restore FILE`).
    @ParentCommand var yeard: YeardCommand

    func run() throws {
        var configuration = DaemonConfiguration()
        if let config = yeard.config {
            do {
                configuration = try DaemonConfiguration.load(path: config)
            } catch let error as ConfigurationError {
                FileHandle.standardError.write(Data((error.description + "\nyeard: nothing restored\n").utf8))
                throw ExitCode(1)
            }
        }
        ConfigurationOverrides(stateDirectory: yeard.stateDir, socketPath: yeard.socket).apply(to: &configuration)
        // A process with the database open (a running yeard) would go on writing into the file it has open:
        // refuse. Asked of the database's own lock, not the socket, which systemd may hold and would start yeard on.
        if YearDatabase.inUse(path: configuration.databasePath) {
            FileHandle.standardError.write(
                Data(
                    ("yeard: the database \(configuration.databasePath) is open in another process (yeard is "
                        + "running?): stop it first (systemctl stop yeard), then restore; nothing restored\n").utf8))
            throw ExitCode(1)
        }
        do {
            let outcome = try YearDatabase.restore(
                from: (file as NSString).standardizingPath, to: configuration.databasePath)
            // The audit chain goes back to the backup's head on purpose: the head file says so, so that the rows
            // after it (and the backups taken before this moment) are not taken for a cut.
            let headFile = AuditHeadFile(stateDirectory: configuration.stateDirectory)
            do {
                if let head = YearDatabase.auditHead(ofFile: configuration.databasePath) {
                    try headFile.write(.init(sequence: head.sequence, hash: head.hash, restoredAt: Date()))
                } else if FileManager.default.fileExists(atPath: headFile.path) {
                    try FileManager.default.removeItem(atPath: headFile.path)
                }
            } catch {
                FileHandle.standardError.write(
                    Data(
                        ("yeard: the audit head file \(headFile.path) could not be updated (\(error)); remove it, "
                            + "or audit verify will take the restore for a cut\n").utf8))
            }
            print(
                "Restored \(file) into \(configuration.databasePath) (\(outcome.migrations.count) migrations); "
                    + (outcome.keptPrevious.map { "the previous database is kept as \($0)" } ?? "there was none"))
        } catch let error as YearError {
            FileHandle.standardError.write(Data("yeard: \(error.description)\n".utf8))
            throw ExitCode(1)
        } catch let error as RestoreFailure {
            FileHandle.standardError.write(Data("yeard: \(error.description)\n".utf8))
            throw ExitCode(1)
        } catch {
            FileHandle.standardError.write(Data("yeard: the restore failed: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
