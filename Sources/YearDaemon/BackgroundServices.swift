import Foundation
import Logging
import ServiceLifecycle
import UnixSignals
import YearCore
import YearStore

/// Pings the systemd watchdog at half its interval, after checking that the database still answers.
struct WatchdogService: Service {
    let interval: Duration
    let database: YearDatabase
    let logger: Logger

    func run() async throws {
        logger.info("watchdog enabled", metadata: ["interval": "\(interval)"])
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                _ = try await database.auditHead()
                Systemd.notify("WATCHDOG=1")
            } catch {
                logger.error("database does not answer; withholding the watchdog ping", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval / 2) }
        }
    }
}

/// Writes the audit chain's head to the log every `audit_head_interval_seconds`, expires requests past their time,
/// and removes uploads left for an hour; it wakes at least every ten minutes.
struct HousekeepingService: Service {
    let state: DaemonState
    let logger: Logger

    func run() async throws {
        var lastHead = Date.distantPast
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let interval = state.configuration.auditHeadInterval
            let writeHead = Date().timeIntervalSince(lastHead) >= interval
            await tick(writeHead: writeHead)
            if writeHead { lastHead = Date() }
            let sleep = min(interval, 600)
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(Int64(sleep * 1000))) }
        }
        // What the refusal budget counted but has not yet recorded must not be lost with the process.
        await state.recordCountedRefusals(now: Date(), draining: true)
        await state.anchorAuditHead()
    }

    func tick(writeHead: Bool) async {
        state.uploads.expire(olderThan: 3600)
        await state.recordCountedRefusals(now: Date())
        await state.anchorAuditHead()
        do {
            let expired = try await state.database.expireRequests()
            if expired > 0 {
                logger.event(
                    .requestsExpired,
                    state.journal.trn("{count} request expired", "{count} requests expired", expired),
                    EventFields(action: .requestExpire),
                    metadata: ["count": "\(expired)"])
            }
            if writeHead, let head = try await state.database.auditHead() {
                logger.event(
                    .auditHead,
                    state.journal.tr(
                        "audit head {sequence}: {hash}", ["sequence": String(head.sequence), "hash": head.hash]),
                    metadata: ["audit_seq": "\(head.sequence)", "audit_head": "\(head.hash)"])
            }
        } catch {
            logger.error("housekeeping failed", metadata: ["error": "\(error)"])
        }
    }
}

/// Tells systemd the daemon is ready once the service group runs (so that its signal handlers are in place), and
/// that it is stopping as soon as a graceful shutdown begins.
struct ReadinessService: Service {
    let logger: Logger
    /// The journal's language, as the configuration at start gives it.
    let journal: Localizer
    let statusLine: @Sendable () async -> String
    /// Called once READY=1 is sent.
    let onReady: @Sendable () -> Void
    let metadata: Logger.Metadata

    func run() async throws {
        Systemd.notify("READY=1\nSTATUS=\(await statusLine())")
        logger.event(.started, journal.tr("yeard ready"), metadata: metadata)
        onReady()
        try? await gracefulShutdown()
        Systemd.notify("STOPPING=1\nSTATUS=stopping: finishing calls in flight")
        logger.event(.stopping, journal.tr("yeard stopping"))
    }
}

/// Reloads the configuration on SIGHUP: a bad file is refused and the configuration in force stays.
///
/// The signal is trapped before READY=1 (`hangups` is created then), so a SIGHUP that arrives early is queued for
/// this service rather than killing the daemon.
struct ReloadService: Service {
    let hangups: UnixSignalsSequence
    let configurationPath: String?
    let overrides: ConfigurationOverrides
    let state: DaemonState
    let logLevel: LogLevelSetting
    /// Whether the daemon bound the socket itself (else systemd owns its mode and group).
    let ownsSocket: Bool
    let logger: Logger
    let statusLine: @Sendable () async -> String

    func run() async throws {
        for await _ in hangups.cancelOnGracefulShutdown() {
            await reload()
        }
    }

    func reload() async {
        Systemd.notifyReloading()
        defer { Systemd.notify("READY=1") }
        guard let path = configurationPath else {
            logger.notice("SIGHUP: no configuration file to reload (the daemon runs on its defaults)")
            return
        }
        do {
            var configuration = try DaemonConfiguration.load(path: path)
            overrides.apply(to: &configuration)
            let current = state.configuration
            if configuration.stateDirectory != current.stateDirectory || configuration.socketPath != current.socketPath
            {
                logger.warning("state_dir and socket changes take effect at the next restart")
                configuration.stateDirectory = current.stateDirectory
                configuration.socketPath = current.socketPath
            }
            if ownsSocket, configuration.socketGroup != current.socketGroup,
                let group = configuration.socketGroup, PeerIdentity.groupID(group) == nil
            {
                throw DaemonError.unknownGroup(group)
            }
            try await state.database.applyConfiguredSchools(
                configuration.schools, grants: configuration.grantsRecord)
            state.replace(configuration)
            if ownsSocket
                && (configuration.socketMode != current.socketMode || configuration.socketGroup != current.socketGroup)
            {
                do {
                    try ControlServer.secure(
                        configuration.socketPath, mode: configuration.socketMode, group: configuration.socketGroup)
                } catch {
                    logger.error("the socket keeps its mode and group: \(error)")
                }
            }
            logLevel.value = configuration.logLevel
            logger.event(
                .reloaded, state.journal.tr("configuration reloaded from {path}", ["path": path]),
                metadata: [
                    "schools": "\(configuration.schools.count)", "grants": "\(configuration.policy.grants.count)",
                ])
            Systemd.notify("STATUS=\(await statusLine())")
        } catch {
            logger.event(
                .reloadRefused,
                state.journal.tr(
                    "configuration refused, the one in force stays: {error}", ["error": "\(error)"]),
                level: .error,
                metadata: ["path": "\(path)"])
            Systemd.notify("STATUS=reload refused: configuration has errors; \(await statusLine())")
        }
    }
}
