import Foundation
import Logging
import Synchronization
import YearCore
import YearLocale
import YearProtocol
import YearStore

/// What every request shares: the database, the configuration in force (replaced whole on reload), the start time.
final class DaemonState: Sendable {
    let database: YearDatabase
    /// Files being uploaded for import.
    let uploads: UploadStore
    let started: Date
    let version: String
    /// Where handlers write the journal's events (`JournalEvent`).
    let logger: Logger
    private let current: Mutex<DaemonConfiguration>
    /// Where the changes that the STATUS= line and the metrics file show are published.
    let changes = ChangeFeed()
    /// The installed message catalogues, by language, read once at start (`Catalogues`); English needs none.
    let localizers: [String: Localizer]

    init(
        database: YearDatabase, uploads: UploadStore, configuration: DaemonConfiguration, version: String,
        started: Date = Date(), logger: Logger = Logger(label: "yeard"),
        localeDirectories: [String] = Catalogues.directories()
    ) {
        var localizers: [String: Localizer] = [:]
        for language in Catalogues.available(in: localeDirectories) {
            let (localizer, warning) = Catalogues.localizer(for: language, in: localeDirectories)
            if let warning { logger.warning("\(warning)") }
            if localizer.language == language { localizers[language] = localizer }
        }
        self.localizers = localizers
        self.database = database
        self.uploads = uploads
        self.started = started
        self.version = version
        self.logger = logger
        current = Mutex(configuration)
        warnOfMissingLanguages(configuration)
    }

    /// The localizer of `language` (a caller's, or a school's for its report files): English when it is nil, `en`
    /// or has no catalogue installed.
    func localizer(_ language: String?) -> Localizer {
        language.flatMap { localizers[$0] } ?? .english
    }

    /// Called after a transition was executed and committed.
    func transitioned() { changes.publish(.transition) }

    /// The sequence of the audit head last written to the head file (`AuditHeadFile`); the lock also orders the
    /// writes, so that the file only moves forward.
    private let anchoredHead = Mutex<Int64>(-1)
    /// Whether the database was found not to reach the head file's row: said once, then the file is left alone.
    private let cutFound = Mutex(false)

    /// The head file of the state directory.
    var auditHeadFile: AuditHeadFile { AuditHeadFile(stateDirectory: configuration.stateDirectory) }

    /// Writes the audit chain's head to the head file when it moved (after every mutating or refused call, at
    /// housekeeping and at shutdown). A failure is logged: the chain itself is in the database.
    func anchorAuditHead() async {
        guard !cutFound.withLock({ $0 }), let head = try? await database.auditHead() else { return }
        let file = auditHeadFile
        let recorded = file.read()
        if let recorded, anchoredHead.withLock({ $0 }) < 0 {
            // The first time since start-up: the database must still hold the row the file names. A log whose tail
            // was cut (and perhaps written again) is reported, and the file keeps its evidence.
            let hash = try? await database.auditHash(at: recorded.sequence)
            guard hash == recorded.hash else {
                guard
                    !cutFound.withLock({ found in
                        defer { found = true }; return found
                    })
                else { return }
                logger.critical(
                    "the audit log does not reach the row the head file records: it was cut; run yearctl audit verify",
                    metadata: [
                        "path": "\(file.path)", "recorded_seq": "\(recorded.sequence)",
                        "database_seq": "\(head.sequence)",
                    ])
                return
            }
        }
        anchoredHead.withLock { anchored in
            guard head.sequence > anchored else { return }
            var content = recorded ?? AuditHeadFile.Content(sequence: head.sequence, hash: head.hash)
            // Never behind what the file already says: a file ahead of the database is the evidence of a cut.
            guard head.sequence >= content.sequence else { return }
            content.sequence = head.sequence
            content.hash = head.hash
            do {
                try file.write(content)
                anchored = head.sequence
            } catch {
                logger.error(
                    "cannot write the audit head file", metadata: ["path": "\(file.path)", "error": "\(error)"])
            }
        }
    }

    /// The records of the chain outside the database that `Audit.Verify` holds it against: the head file, and the
    /// head of the newest backup (not one taken before the last `yeard restore`, which went back past it).
    func auditAnchors() -> [AuditChain.Anchor] {
        var anchors: [AuditChain.Anchor] = []
        let file = auditHeadFile
        let content = file.read()
        if let content {
            anchors.append(.init(sequence: content.sequence, hash: content.hash, source: "the head file \(file.path)"))
        }
        let backups = backupsOnDisk().compactMap { backup in backup.modified.map { (backup, $0) } }
            .filter { _, modified in content?.restoredAt.map { modified > $0 } ?? true }
        if let (newest, _) = backups.max(by: { $0.1 < $1.1 }),
            let head = YearDatabase.auditHead(ofFile: newest.path)
        {
            anchors.append(.init(sequence: head.sequence, hash: head.hash, source: "the backup \(newest.path)"))
        }
        return anchors
    }

    /// How many refusals of each caller get an audit row of their own (the rest are counted in one).
    let refusals = Mutex(RefusalBudget())

    /// Records the counts of the refusal windows that have ended by `now` (all of them when `draining`, at
    /// shutdown), one audit row each.
    func recordCountedRefusals(now: Date, draining: Bool = false) async {
        let summaries = refusals.withLock { draining ? $0.drain(at: now) : $0.due(at: now) }
        await recordCountedRefusals(summaries, now: now)
    }

    /// Records `summaries`, one audit row each; a failure is logged (the refusals it counted were already refused).
    func recordCountedRefusals(_ summaries: [RefusalBudget.Summary], now: Date) async {
        for summary in summaries {
            do {
                try await database.recordCountedRefusals(summary, now: now)
            } catch {
                logger.error(
                    "could not audit counted refusals",
                    metadata: ["uid": "\(summary.uid)", "count": "\(summary.count)", "error": "\(error)"])
            }
        }
    }

    /// What the database's upkeep last found and did (`MaintenanceService`, backups).
    let maintenance = Mutex(MaintenanceStatus())

    /// `STATE_DIR/backups`.
    var backupDirectory: String {
        (configuration.stateDirectory as NSString).appendingPathComponent("backups")
    }

    /// Runs `body` on a thread of its own (a backup, or a prune waiting for one, may take as long as a region's copy;
    /// the few cooperative threads serve the socket), telling it through `isCancelled` once the calling task is
    /// cancelled (a graceful shutdown).
    static func onOwnThread<T: Sendable>(
        _ body: @escaping @Sendable (_ isCancelled: @escaping @Sendable () -> Bool) throws -> T
    ) async throws -> T {
        let cancelled = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                Thread { continuation.resume(with: Result { try body { cancelled.isSet } }) }.start()
            }
        } onCancel: {
            cancelled.set()
        }
    }

    /// Set when the task that started a thread is cancelled, read by the thread: a reference to share, as a `Mutex`
    /// cannot be captured by the escaping closures of both.
    private final class CancellationFlag: Sendable {
        private let value = Mutex(false)
        var isSet: Bool { value.withLock { $0 } }
        func set() { value.withLock { $0 = true } }
    }

    /// Writes a verified backup named `name` into the backups directory, then keeps only the newest `prune.keep`
    /// of those named `prune.prefix...`. A failure (not a cancellation) is written to the journal
    /// (`backup-failed`) and shows in the STATUS line and the metrics file until a backup succeeds.
    func writeBackup(name: String, prune: (prefix: String, keep: Int)? = nil) async throws -> BackupFile {
        let database = database
        let directory = backupDirectory
        let file: BackupFile
        do {
            file = try await Self.onOwnThread { isCancelled in
                try database.backup(into: directory, name: name, prune: prune, isCancelled: isCancelled)
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            maintenance.withLock { $0.backupFailure = (Date(), "\(error)") }
            logger.event(
                .backupFailed,
                journal.tr("backup into {directory} failed: {error}", ["directory": directory, "error": "\(error)"]),
                level: .error,
                EventFields(action: .backupCreate), metadata: ["name": "\(name)"])
            maintained()
            throw error
        }
        maintenance.withLock {
            $0.backup = file
            $0.backupAt = Date()
            $0.backupFailure = nil
        }
        maintained()
        return file
    }

    /// Keeps the newest `keep` backups named `prefix...`, on a thread of its own (it waits for a backup running).
    func pruneBackups(prefix: String, keep: Int) async throws {
        let database = database
        let directory = backupDirectory
        try await Self.onOwnThread { _ in try database.pruneBackups(in: directory, prefix: prefix, keep: keep) }
    }

    /// A backup file in the backups directory: its path, size and time (nil when the file cannot be read).
    struct StoredBackup {
        let path: String, bytes: Int64, modified: Date?
    }

    /// The backups in the backups directory (`*.sqlite`), as the file system describes them.
    func backupsOnDisk() -> [StoredBackup] {
        let directory = backupDirectory
        let manager = FileManager.default
        let names = ((try? manager.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".sqlite") }
        return names.map { Self.storedBackup(at: (directory as NSString).appendingPathComponent($0)) }
    }

    /// The backup file at `path`, as the file system describes it.
    static func storedBackup(at path: String) -> StoredBackup {
        let attributes = (try? FileManager.default.attributesOfItem(atPath: path)) ?? [:]
        return StoredBackup(
            path: path, bytes: (attributes[.size] as? NSNumber)?.int64Value ?? 0,
            modified: attributes[.modificationDate] as? Date)
    }

    /// Takes the newest backup already in the backups directory as the last one (at start-up: the metrics file
    /// must not lose the last backup's time with every restart).
    func noteExistingBackups() {
        let dated = backupsOnDisk().compactMap { file in file.modified.map { (file, $0) } }
        guard let (newest, at) = dated.max(by: { $0.1 < $1.1 }) else { return }
        maintenance.withLock {
            if $0.backupAt == nil {
                $0.backup = BackupFile(path: newest.path, bytes: newest.bytes, seconds: 0)
                $0.backupAt = at
            }
        }
    }

    /// Gives back what a job that read the whole database left behind: SQLite's caches (`YearDatabase.releaseMemory`)
    /// and the memory malloc holds free since (`malloc_trim`, which returns free pages inside the arenas too).
    /// Called after the upkeep jobs and a scheduled run of checks; on a thread of its own, as it waits for the
    /// accesses in progress.
    func releaseMemory() async {
        let database = database
        _ = try? await Self.onOwnThread { _ in
            database.releaseMemory()
            MallocArenas.trim()
        }
    }

    /// Called after an integrity check or a backup (the STATUS line and the metrics file show them).
    func maintained() { changes.publish(.maintenance) }

    /// A backup of the rotation of `[backup] keep` (on request or scheduled), audited as `backup.create` by
    /// `caller` and written to the journal.
    func backUp(by caller: Caller, role: String, now: Date) async throws -> BackupFile {
        let file = try await writeBackup(
            name: "yeard-\(StoredTime.fileStamp(now))", prune: ("yeard-", configuration.backupsKept))
        try await database.recordBackup(file, caller: caller, role: role, now: now)
        logger.event(
            .backupCreated, journal.tr("backup written: {path}", ["path": file.path]),
            EventFields(action: .backupCreate, uid: caller == .daemon ? nil : caller.uid),
            metadata: ["path": "\(file.path)", "bytes": "\(file.bytes)", "seconds": "\(file.seconds)"])
        return file
    }

    /// The encoded schools of the last Status replies, by the snapshot and names they were made from.
    private let statusFragments = Mutex<[[String]: (snapshot: [SchoolSnapshot], json: Data)]>([:])

    /// The encoded schools' part of a Status reply for `snapshot` (named `names`): made by `encode` when the
    /// snapshot or a name changed since the last call, else the bytes made then.
    func statusFragment(for snapshot: [SchoolSnapshot], names: [String], encode: () throws -> Data) rethrows -> Data {
        let key = zip(snapshot.map(\.school), names).map { "\($0)\u{0}\($1)" }
        if let cached = statusFragments.withLock({ $0[key] }), cached.snapshot == snapshot {
            return cached.json
        }
        let json = try encode()
        statusFragments.withLock { fragments in
            if fragments.count >= 64 { fragments.removeAll() }
            fragments[key] = (snapshot, json)
        }
        return json
    }

    /// The last run of checks of each school, for the status line.
    private let lastRuns = Mutex<[String: CheckRun]>([:])

    /// Called after a run of checks was stored (`caller` is nil for a scheduled run): writes its journal event.
    func checked(_ run: CheckRun, by caller: Caller?) {
        lastRuns.withLock { runs in
            if (runs[run.school]?.id ?? 0) < run.id { runs[run.school] = run }
        }
        logger.event(
            .checkRunFinished,
            journal.tr(
                "checks of {year} at {school} finished ({cause}): {errors} errors, {warnings} warnings",
                [
                    "year": run.year.label.description, "school": run.school, "cause": run.cause.rawValue,
                    "errors": String(run.count(.error)), "warnings": String(run.count(.warning)),
                ]),
            EventFields(school: run.school, year: "\(run.year.label)", action: .checksRun, uid: caller?.uid),
            metadata: [
                "run": "\(run.id)", "cause": "\(run.cause.rawValue)", "errors": "\(run.count(.error))",
                "warnings": "\(run.count(.warning))",
                "duration_ms": "\(Int(run.finishedAt.timeIntervalSince(run.startedAt) * 1000))",
            ])
        changes.publish(.checks)
    }

    /// The last run of checks of each school this daemon made or saw.
    var lastCheckRuns: [String: CheckRun] { lastRuns.withLock { $0 } }

    /// The configuration in force.
    var configuration: DaemonConfiguration { current.withLock { $0 } }

    /// The grants in force.
    var policy: AccessPolicy { configuration.policy }

    /// Whether the call's visible schools are all the configured ones (instance-wide values may be shown).
    func seesEverySchool(_ context: CallContext) -> Bool {
        Set(configuration.schools.map(\.id)).isSubset(of: context.visibleSchools)
    }

    /// Puts a new, already validated configuration in force.
    func replace(_ configuration: DaemonConfiguration) {
        current.withLock { $0 = configuration }
        warnOfMissingLanguages(configuration)
    }

    /// The journal's language (`[daemon] language`), English when its catalogue is not installed.
    var journal: Localizer { localizer(configuration.journalLanguage) }

    /// Logs each school whose `language` has no catalogue installed: its report files are written in English.
    func warnOfMissingLanguages(_ configuration: DaemonConfiguration) {
        if configuration.journalLanguage != "en" && localizers[configuration.journalLanguage] == nil {
            logger.warning(
                "no message catalogue for the journal's language is installed; the journal is in English",
                metadata: ["language": "\(configuration.journalLanguage)"])
        }
        for (school, language) in configuration.schoolLanguages.sorted(by: { $0.key < $1.key })
        where language != "en" && localizers[language] == nil {
            logger.warning(
                "no message catalogue for the school's language is installed; its report files are in English",
                metadata: ["school": "\(school)", "language": "\(language)"])
        }
    }

    /// Resolves the school a call concerns and checks that `caller` holds one of the method's roles there.
    ///
    /// Roles come only from the grants: uid 0 holds nothing it was not granted.
    /// `context.school` is set as soon as the school is known, so that a refusal is audited against it.
    func authorize(_ spec: MethodSpec, parameters: any Sendable, context: inout CallContext) async throws {
        let configuration = self.configuration
        let policy = configuration.policy
        let all = configuration.schools.map(\.id)
        let caller = context.caller
        func require(_ school: String) throws {
            context.school = school
            guard !policy.roles(of: caller, at: school).isDisjoint(with: spec.roles) else {
                throw YearError.permissionDenied(method: spec.fullName, required: spec.roles.sorted(), school: school)
            }
            context.visibleSchools = [school]
        }
        // A year or a request named by id belongs to a school the caller did not name: where they hold no role at
        // all, the refusal must not tell them that the id exists, nor whose it is (it reads as an unknown id).
        func requireOwning(_ school: String, unknown: YearError) throws {
            guard !policy.roles(of: caller, at: school).isEmpty else {
                context.school = school
                context.concealedDenial = true
                throw unknown
            }
            try require(school)
        }
        func requireAnywhere() throws {
            context.visibleSchools = policy.schools(of: caller, holding: spec.roles, among: all)
            if context.visibleSchools.isEmpty {
                throw YearError.permissionDenied(method: spec.fullName, required: spec.roles.sorted(), school: nil)
            }
        }
        switch spec.scope {
        case .service:
            return
        case .allVisible:
            try requireAnywhere()
        case .everySchool:
            context.visibleSchools = policy.schools(of: caller, holding: spec.roles, among: all)
            guard context.visibleSchools.count == all.count else {
                throw YearError.permissionDenied(method: spec.fullName, required: spec.roles.sorted(), school: "*")
            }
        case .school(let required, let named):
            if let school = named(parameters) {
                guard all.contains(school) else { throw YearError.schoolNotFound(school: school) }
                try require(school)
            } else if required {
                guard all.count == 1, let only = all.first else {
                    let yours = policy.schools(of: caller, holding: spec.roles, among: all)
                    throw YearError.invalid(
                        "school", yours.isEmpty ? "name-school" : "name-your-school",
                        ["count": String(all.count), "schools": yours.joined(separator: ", ")])
                }
                try require(only)
            } else {
                try requireAnywhere()
            }
        case .year(let named):
            guard let id = named(parameters) else {
                throw YearError.internalFailure(reason: "\(spec.fullName)'s year id was not decoded")
            }
            guard let year = try await database.year(id: id) else { throw YearError.yearNotFound(id: id) }
            guard all.contains(year.school) else { throw YearError.schoolNotFound(school: year.school) }
            try requireOwning(year.school, unknown: .yearNotFound(id: id))
        case .request(let named):
            guard let id = named(parameters) else {
                throw YearError.internalFailure(reason: "\(spec.fullName)'s request id was not decoded")
            }
            guard let request = try await database.request(id: id) else { throw YearError.requestNotFound(id: id) }
            guard all.contains(request.payload.school) else {
                throw YearError.schoolNotFound(school: request.payload.school)
            }
            try requireOwning(request.payload.school, unknown: .requestNotFound(id: id))
        }
        try Self.authorizeAccess(spec, parameters: parameters, policy: policy, context: &context)
    }

    /// The rest of the method table's permission: a registry kind's writer role, a teacher's own assignments, a
    /// class teacher's own class. Runs once the scope has named the school, with the grants the scope was checked
    /// against (a reload in between cannot mix two configurations).
    static func authorizeAccess(
        _ spec: MethodSpec, parameters: any Sendable, policy: AccessPolicy, context: inout CallContext
    ) throws {
        if case .roles = spec.access { return }
        // An access rule is about one school: where the scope lets the school be omitted, it is the caller's only
        // one, else they must name it; a scope that names none at all cannot carry one (fail closed).
        if context.school == nil, case .school(required: false, _) = spec.scope {
            guard context.visibleSchools.count == 1 else {
                throw YearError.invalid(
                    "school", "name-your-school",
                    [
                        "count": String(context.visibleSchools.count),
                        "schools": context.visibleSchools.joined(separator: ", "),
                    ])
            }
            context.school = context.visibleSchools[0]
        }
        guard let school = context.school else {
            throw YearError.internalFailure(reason: "\(spec.fullName) has an access rule but its scope names no school")
        }
        let roles = policy.roles(of: context.caller, at: school)
        switch spec.access {
        case .roles:
            return
        case .kindWriter(let named):
            guard let kind = named(parameters) else {
                throw YearError.internalFailure(reason: "\(spec.fullName)'s kind was not decoded")
            }
            let denial = YearError.permissionDenied(method: spec.fullName, required: [kind.writerRole], school: school)
            guard roles.contains(kind.writerRole) else { throw denial }
            if kind == .grades {
                // A teacher records grades only for their own assignments: the member of staff whose login is the
                // caller's user name, as the kernel identified it.
                let denial = YearError.permissionDenied(method: spec.fullName, required: [.teacher], school: school)
                context.ownership = OwnershipCheck(.ownAssignments, login: context.caller.userName, denial: denial)
            }
        case .roleOrClassTeacher(let role, let student):
            guard !roles.contains(role) else { return }
            guard let student = student(parameters) else {
                throw YearError.internalFailure(reason: "\(spec.fullName)'s student was not decoded")
            }
            let denial = YearError.permissionDenied(method: spec.fullName, required: [role], school: school)
            context.ownership = OwnershipCheck(
                .classTeacher(student: student), login: context.caller.userName, denial: denial)
        case .rolesOrTeacherOfClass(let allowed, let named):
            guard roles.isDisjoint(with: allowed) else { return }
            let denial = YearError.permissionDenied(
                method: spec.fullName, required: allowed.sorted { $0.rawValue < $1.rawValue }, school: school)
            // A teacher reads only a class they lead, which they must name (the store checks it in its read).
            guard roles.contains(.teacher), let text = named(parameters) else { throw denial }
            let name = RegistryValues.className(text)?.name ?? text
            context.ownership = OwnershipCheck(.leadsClass(name), login: context.caller.userName, denial: denial)
        }
    }
}
