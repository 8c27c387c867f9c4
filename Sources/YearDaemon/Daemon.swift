import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import UnixSignals
import YearCore
import YearStore

/// Command-line values that override the configuration file (`--state-dir`, `--socket`).
public struct ConfigurationOverrides: Sendable {
    /// The state directory and the socket path, when given on the command line.
    public var stateDirectory: String?, socketPath: String?

    /// Overrides with every field given.
    public init(stateDirectory: String?, socketPath: String?) {
        self.stateDirectory = stateDirectory
        self.socketPath = socketPath
    }

    /// Applies the overrides.
    public func apply(to configuration: inout DaemonConfiguration) {
        if let stateDirectory { configuration.stateDirectory = Self.absolute(stateDirectory) }
        if let socketPath { configuration.socketPath = Self.absolute(socketPath) }
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}

/// The daemon: opens the database, binds the socket, tells systemd it is ready and runs its services until SIGTERM.
public enum Daemon {
    /// The version the daemon reports.
    public static let version = Release.version

    /// Sets up logging: the journal when stderr is connected to it, else stderr; the returned setting is the level
    /// in force, which a reload may change.
    public static func bootstrapLogging(level: Logger.Level) -> LogLevelSetting {
        let journal = Systemd.stderrIsJournal()
        let setting = LogLevelSetting(level)
        LoggingSystem.bootstrap { label in
            var inner: any LogHandler =
                journal ? JournalLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            inner.logLevel = .trace
            return LevelFollowingLogHandler(inner: inner, setting: setting)
        }
        return setting
    }

    /// Runs the daemon with `configuration` until a graceful shutdown.
    public static func run(
        configuration: DaemonConfiguration, configurationPath: String?, overrides: ConfigurationOverrides,
        logLevel: LogLevelSetting, demoYear: Bool = false
    ) async throws {
        MallocArenas.limit(environment: ProcessInfo.processInfo.environment)
        let logger = Logger(label: "yeard")
        try FileManager.default.createDirectory(
            atPath: configuration.stateDirectory, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o750])
        let database = try YearDatabase(path: configuration.databasePath)
        // The guards the migrations wrote (append-only audit log, read-only closed years) must be in place before
        // anything is served: what was dropped or added is put back, and said; a missing table stops yeard here.
        let drift = try await database.guardSchema()
        for problem in drift.problems {
            logger.critical("the database's schema: \(problem)", metadata: ["path": "\(configuration.databasePath)"])
        }
        if !drift.missingTables.isEmpty {
            throw DaemonError.configuration(
                "the database \(configuration.databasePath) is damaged: "
                    + drift.missingTables.map { "\($0) is missing" }.joined(separator: ", ")
                    + "; restore a backup (yeard restore)")
        }
        try await database.applyConfiguredSchools(configuration.schools, grants: configuration.grantsRecord)
        if demoYear { try await Demo.ensureYear(database: database, configuration: configuration, logger: logger) }
        let uploads = try UploadStore(directory: configuration.stateDirectory + "/uploads")
        let state = DaemonState(
            database: database, uploads: uploads, configuration: configuration, version: version, logger: logger)
        state.noteExistingBackups()
        let statusLine: @Sendable () async -> String = { await Self.statusLine(of: state) }
        let dispatcher = Dispatcher(state: state, logger: logger)
        let inherited = Systemd.listeningSocket()
        let server = try await ControlServer.bind(
            state: state, dispatcher: dispatcher, logger: logger, inherited: inherited)
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        // Graceful shutdown visits services in reverse order, each after the one before has stopped: STATUS= and
        // readiness first (STOPPING=1), then the socket (calls in flight answered, idle connections closed at
        // once, whatever background job is still finishing), then the background services, the metrics file last.
        var services: [any Service] = [
            MetricsService(
                changes: state.changes.subscribe(), state: state, file: MetricsFile(database: database, logger: logger)),
            HousekeepingService(state: state, logger: logger),
            ReloadService(
                hangups: hangups, configurationPath: configurationPath, overrides: overrides, state: state,
                logLevel: logLevel, ownsSocket: inherited == nil, logger: logger, statusLine: statusLine),
        ]
        services.append(
            CheckSchedulerService(
                state: state, clock: SystemSchedulerClock(), logger: logger,
                afterRun: { run in
                    let configuration = state.configuration
                    guard let directory = configuration.reportsDirectory else { return }
                    do {
                        try ReportFiles.write(
                            run, to: directory, state.localizer(configuration.language(of: run.school)),
                            zone: configuration.zone(of: run.school), templates: configuration.templates())
                    } catch {
                        logger.error(
                            "cannot write the reports", metadata: ["directory": "\(directory)", "error": "\(error)"])
                    }
                }))
        if let interval = Systemd.watchdogInterval() {
            services.append(WatchdogService(interval: interval, database: database, logger: logger))
        }
        let (ready, readyContinuation) = AsyncStream<Void>.makeStream()
        services.append(
            MaintenanceService(
                state: state, clock: SystemSchedulerClock(), logger: logger,
                ready: { for await _ in ready { break } }))
        services.append(server)
        services.append(
            ReadinessService(
                logger: logger, journal: state.journal, statusLine: statusLine, onReady: { readyContinuation.finish() },
                metadata: [
                    "version": "\(version)", "database": "\(configuration.databasePath)",
                    "schools": "\(configuration.schools.map(\.id).joined(separator: ","))",
                ]))
        if Systemd.isSupervised {
            services.append(
                StatusService(
                    changes: state.changes.subscribe(), statusLine: statusLine, notify: { Systemd.notify($0) }))
        }
        var groupConfiguration = ServiceGroupConfiguration(
            services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        // Calls in flight get this long to finish; then the rest is cancelled (systemd's stop timeout is 30 s).
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(20)
        groupConfiguration.maximumCancellationDuration = .seconds(5)
        let group = ServiceGroup(configuration: groupConfiguration)
        try await group.run()
        try database.close()
        logger.notice("yeard stopped")
    }

    /// The STATUS= line of the daemon: its schools' years and checks (`statusLine(database:zones:detailed:)`) and
    /// the upkeep of its database.
    static func statusLine(of state: DaemonState) async -> String {
        let zones = Dictionary(state.configuration.schools.map { ($0.id, $0.timeZone) }) { first, _ in first }
        let line = await statusLine(database: state.database, zones: zones)
        guard let part = state.maintenance.withLock({ $0.statusPart }) else { return line }
        return line + "; " + part
    }

    /// `school-1: 2026/2027 in_progress, checks 06:00: 3 errors, 12 warnings; school-2: no active year` for
    /// systemd's STATUS= (the time of the last run in the school's time zone, `zones` by school id). Beyond
    /// `detailed` schools, one summary: `1000 schools: 998 in progress, 2 without an active year; checks 06:00:
    /// 3 errors, 12 warnings at 2 schools`.
    static func statusLine(database: YearDatabase, zones: [String: String] = [:], detailed: Int = 5) async -> String {
        do {
            let schools = try await database.configuredSchools().map(\.id)
            let snapshot = try await database.statusSnapshot(of: schools)
            let runs = try await database.lastRunSummaries()
            func time(_ run: CheckRunSummary) -> String {
                WallClock.hourMinute(run.startedAt, in: zones[run.school].flatMap(TimeZone.init(identifier:)) ?? .gmt)
            }
            guard snapshot.schools.count <= detailed else {
                var states: [String: Int] = [:]
                for school in snapshot.schools {
                    let active = school.years.first { $0.state.isActive }
                    states[
                        active.map { $0.state.rawValue.replacingOccurrences(of: "_", with: " ") }
                            ?? "without an active year", default: 0] += 1
                }
                var line =
                    "\(snapshot.schools.count) schools: "
                    + states.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
                let ran = snapshot.schools.compactMap { runs[$0.school] }
                if let latest = ran.max(by: { $0.startedAt < $1.startedAt }) {
                    let errors = ran.map(\.errors).reduce(0, +), warnings = ran.map(\.warnings).reduce(0, +)
                    let flagged = ran.filter { $0.errors + $0.warnings > 0 }.count
                    line +=
                        "; checks \(time(latest)): \(errors) errors, \(warnings) warnings at \(flagged) of "
                        + "\(ran.count) schools"
                }
                return line
            }
            return snapshot.schools.map { school in
                let active = school.years.first { $0.state.isActive }
                let open = school.years.filter { $0.state == .open }.map { "\($0.label) open" }
                var parts = (active.map { ["\($0.label) \($0.state.rawValue)"] } ?? ["no active year"]) + open
                if let run = runs[school.school] {
                    parts.append("checks \(time(run)): \(run.errors) errors, \(run.warnings) warnings")
                }
                return "\(school.school): \(parts.joined(separator: ", "))"
            }.joined(separator: "; ")
        } catch {
            return "status unavailable: \(error)"
        }
    }
}
