import Foundation
import Logging
import TOMLKit
import YearCore
import YearReports

/// One problem found in a configuration file, with the line it is on when that is known.
public struct ConfigurationIssue: Sendable, Equatable, CustomStringConvertible {
    /// The 1-based line, or nil when the problem is the file as a whole.
    public var line: Int?
    /// What is wrong and what is expected.
    public var message: String

    /// `line 12: ...`.
    public var description: String { line.map { "line \($0): \(message)" } ?? message }
}

/// Every problem of a configuration file (the daemon refuses the file when there is any).
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// The file's name, as given.
    public var source: String
    /// The problems, in file order.
    public var issues: [ConfigurationIssue]

    /// One line per problem, each prefixed by the file's name.
    public var description: String {
        issues.map { "\(source): \($0)" }.joined(separator: "\n")
    }
}

/// The daemon's configuration, read from `yeard.toml`. `config/yeard.toml` documents every key and its default.
public struct DaemonConfiguration: Sendable {
    /// Where the database lives.
    public var stateDirectory = "/var/lib/yeard"
    /// The control socket's path (unused when systemd passes a socket).
    public var socketPath = "/run/yeard/control.sock"
    /// The group that owns the socket (nil: the daemon's group).
    public var socketGroup: String?
    /// The socket's mode.
    public var socketMode: UInt32 = 0o660
    /// How long a request waits for its approval.
    public var requestLifetime: TimeInterval = 72 * 3600
    /// The largest message a client may send, in bytes.
    public var maxMessageBytes = 1 << 20
    /// A connection idle this long is closed.
    public var idleTimeout: TimeInterval = 300
    /// Connections open at once, in total.
    public var maxConnections = 512
    /// Connections open at once from one uid.
    public var maxConnectionsPerUID = 64
    /// What uploads in progress may hold, per uid and in all.
    var uploadLimits = UploadStore.Limits()
    /// The most one part of an imported workbook (`.xlsx`) may unpack to, in bytes: past it the file is refused as a
    /// possible ZIP bomb (`[daemon] workbook_max_part_bytes`; a sheet of a million rows unpacks to a few hundred MB).
    var workbookMaxPartBytes: UInt64 = 200 << 20
    /// How often the audit chain's head is written to the log.
    public var auditHeadInterval: TimeInterval = 3600
    /// The log level.
    public var logLevel: Logger.Level = .info
    /// The schools this instance serves.
    public var schools: [School] = []
    /// Who holds which role.
    public var policy = AccessPolicy(grants: [])
    /// The checks' severities and thresholds (`[checks]`).
    public var checkSettings = CheckSettings()
    /// How many check runs of each school are kept.
    public var checkRunsKept = 60
    /// The language of what the daemon writes by itself for each school (its report files), by school id:
    /// `language` of a `[[school]]`, `en` when absent.
    public var schoolLanguages: [String: String] = [:]
    /// Who signs each school's documents (`director` and `director_title` of a `[[school]]`), by school id.
    public var signatories: [String: Signatory] = [:]
    /// The language of the journal's MESSAGE text (`[daemon] language`); its fields never change with it.
    public var journalLanguage = "en"

    /// The time zone of `school` (UTC for a school the configuration does not name).
    public func zone(of school: String) -> TimeZone {
        schools.first { $0.id == school }.flatMap { TimeZone(identifier: $0.timeZone) } ?? .gmt
    }

    /// The language of `school`'s report files.
    public func language(of school: String) -> String { schoolLanguages[school] ?? "en" }

    /// When each school's checks run by themselves (`checks_schedule` of a `[[school]]`), by school id.
    public var checkSchedules: [String: CronSchedule] = [:]
    /// Where the reports of each scheduled run are written (nil: nowhere).
    public var reportsDirectory: String?
    /// The directory whose templates replace the shipped ones by name (`[checks] templates_dir`).
    public var templatesDirectory = Templates.overrideDirectory

    /// The document templates: the shipped ones, each replaced by its namesake in `templatesDirectory`.
    public func templates() throws -> Templates { try Templates(override: templatesDirectory) }

    /// The Prometheus text-format file for node_exporter's textfile collector (nil: none).
    public var metricsFile: String?
    /// How rollovers number their orders and what they carry over (`[rollover]`); the capacity of new first grades
    /// is `[checks] default_capacity`.
    public var rolloverSettings = RolloverSettings()
    /// Whether an online backup of the database is written before each rollover (`[rollover] backup`).
    public var rolloverBackup = true
    /// How many backups taken before rollovers are kept (`[rollover] backups_kept`).
    public var rolloverBackupsKept = 5
    /// How many backups written on request (`yearctl backup create`) are kept (`[backup] keep`).
    public var backupsKept = 7
    /// When a backup is written by itself (`[backup] schedule`); nil: only on request. Counted with `backupsKept`.
    public var backupSchedule: CronSchedule? = try? CronSchedule("30 2 * * *")
    /// When `PRAGMA integrity_check` and `foreign_key_check` run by themselves (`[backup] integrity_check_schedule`).
    public var integrityCheckSchedule: CronSchedule? = try? CronSchedule("15 3 * * sun")
    /// The time zone the two schedules above are read in (`[backup] time_zone`).
    public var maintenanceTimeZone = "UTC"

    /// The grants as canonical JSON, for the audit log.
    public var grantsRecord: JSONValue {
        .array(
            policy.grants.map { grant in
                var fields: [String: JSONValue] = ["role": .string(grant.role.rawValue)]
                switch grant.subject {
                case .user(let name): fields["user"] = .string(name)
                case .uid(let uid): fields["uid"] = .int(Int64(uid))
                case .group(let name): fields["group"] = .string(name)
                case .gid(let gid): fields["gid"] = .int(Int64(gid))
                }
                fields["school"] = grant.school.map(JSONValue.string) ?? .null
                return .object(fields)
            })
    }

    /// The database file inside the state directory.
    public var databasePath: String { (stateDirectory as NSString).appendingPathComponent("yeard.sqlite") }

    /// Defaults everywhere and no schools.
    public init() {}

    /// Reads and validates the file at `path`.
    public static func load(path: String) throws -> DaemonConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(
                source: path, issues: [ConfigurationIssue(line: nil, message: "cannot read the file: \(error)")])
        }
        return try parse(text, source: path)
    }

    /// Parses and validates TOML text; every problem is reported, not just the first.
    public static func parse(_ text: String, source: String) throws -> DaemonConfiguration {
        if let (line, message) = TableHeaderGuard.problem(in: text) {
            throw ConfigurationError(source: source, issues: [ConfigurationIssue(line: line, message: message)])
        }
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError(
                source: source,
                issues: [ConfigurationIssue(line: error.source.begin.line, message: error.description)])
        }
        var reader = ConfigurationReader(locator: SourceLocator(text: text))
        let configuration = reader.read(root)
        if !reader.issues.isEmpty {
            throw ConfigurationError(
                source: source, issues: reader.issues.sorted { ($0.line ?? 0) < ($1.line ?? 0) })
        }
        return configuration
    }
}

/// Finds the line of a key in TOML text: TOMLKit parses the document but does not expose where values are, so
/// the line numbers of semantic errors come from this scan of headers and `key =` lines.
struct SourceLocator {
    private var lines: [String: Int] = [:]

    init(text: String) {
        var section = ""
        var counts: [String: Int] = [:]
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            let number = offset + 1
            if line.hasPrefix("[[") {
                let name = line.dropFirst(2).prefix { $0 != "]" }.trimmingCharacters(in: .whitespaces)
                let index = counts[name, default: 0]
                counts[name] = index + 1
                section = "\(name)[\(index)]"
                lines[section] = number
            } else if line.hasPrefix("[") {
                section = line.dropFirst().prefix { $0 != "]" }.trimmingCharacters(in: .whitespaces)
                lines[section] = number
            } else if let equals = line.firstIndex(of: "="), !line.hasPrefix("#") {
                let key = line[..<equals].trimmingCharacters(in: .whitespaces).trimmingCharacters(
                    in: CharacterSet(charactersIn: "\"'"))
                lines[section.isEmpty ? key : "\(section).\(key)"] = number
            }
        }
    }

    /// The line of `path` (`school[1].id`), else of its section, else nil.
    func line(_ path: String) -> Int? {
        if let line = lines[path] { return line }
        guard let dot = path.lastIndex(of: ".") else { return nil }
        return line(String(path[..<dot]))
    }
}

/// Walks the parsed document, collecting values and problems.
struct ConfigurationReader {
    let locator: SourceLocator
    var issues: [ConfigurationIssue] = []

    mutating func issue(_ path: String, _ message: String) {
        issues.append(ConfigurationIssue(line: locator.line(path), message: message))
    }

    mutating func read(_ root: TOMLTable) -> DaemonConfiguration {
        var configuration = DaemonConfiguration()
        checkKeys(root, allowed: ["daemon", "school", "grant", "checks", "rollover", "backup"], path: "")
        if let value = root["daemon"] {
            if let daemon = value.table {
                readDaemon(daemon, into: &configuration)
            } else {
                issue("daemon", "[daemon] must be a table")
            }
        }
        var seen: Set<String> = []
        for (index, table) in tables(root, "school").enumerated() {
            if let id = table["id"]?.string, !seen.insert(id).inserted {
                issue("school[\(index)].id", "the school id '\(id)' is used twice")
                continue
            }
            if let school = readSchool(table, path: "school[\(index)]") {
                configuration.schools.append(school)
                if let language = language(table, "school[\(index)]") {
                    configuration.schoolLanguages[school.id] = language
                }
                if let name = string(table, "director", "school[\(index)]") {
                    let title = string(table, "director_title", "school[\(index)]")
                    if let problem = Signatory.problem(name: name, title: title) {
                        issue("school[\(index)].director", problem)
                    } else {
                        configuration.signatories[school.id] = Signatory(title: title, name: name)
                    }
                } else if table["director_title"] != nil {
                    issue("school[\(index)].director_title", "'director_title' needs the 'director' it titles")
                }
                if let text = string(table, "checks_schedule", "school[\(index)]") {
                    do {
                        configuration.checkSchedules[school.id] = try CronSchedule(text)
                    } catch {
                        issue("school[\(index)].checks_schedule", "'checks_schedule': \(error)")
                    }
                }
            }
        }
        if configuration.schools.isEmpty {
            issues.append(ConfigurationIssue(line: nil, message: "no [[school]] is configured; add at least one"))
        }
        if let value = root["checks"] {
            if let checks = value.table {
                readChecks(checks, into: &configuration)
            } else {
                issue("checks", "[checks] must be a table")
            }
        }
        if let value = root["rollover"] {
            if let rollover = value.table {
                readRollover(rollover, into: &configuration)
            } else {
                issue("rollover", "[rollover] must be a table")
            }
        }
        if let value = root["backup"] {
            if let backup = value.table {
                checkKeys(
                    backup, allowed: ["keep", "schedule", "integrity_check_schedule", "time_zone"], path: "backup")
                if let keep = int(backup, "keep", "backup", in: 1...1000) { configuration.backupsKept = keep }
                for (key, keyPath) in [
                    ("schedule", \DaemonConfiguration.backupSchedule),
                    ("integrity_check_schedule", \DaemonConfiguration.integrityCheckSchedule),
                ] {
                    guard let text = string(backup, key, "backup") else { continue }
                    // "" turns the schedule off.
                    do {
                        configuration[keyPath: keyPath] = text.isEmpty ? nil : try CronSchedule(text)
                    } catch {
                        issue("backup.\(key)", "'\(key)': \(error)")
                    }
                }
                if let zone = string(backup, "time_zone", "backup") {
                    if TimeZone(identifier: zone) == nil {
                        issue("backup.time_zone", "unknown time zone '\(zone)'")
                    } else {
                        configuration.maintenanceTimeZone = zone
                    }
                }
            } else {
                issue("backup", "[backup] must be a table")
            }
        }
        configuration.rolloverSettings.firstGradeCapacity = configuration.checkSettings.defaultCapacity
        let schoolIDs = Set(configuration.schools.map(\.id))
        for (index, table) in tables(root, "grant").enumerated() {
            if let grant = readGrant(table, path: "grant[\(index)]", schools: schoolIDs) {
                configuration.policy.grants.append(grant)
            }
        }
        return configuration
    }

    mutating func tables(_ root: TOMLTable, _ key: String) -> [TOMLTable] {
        guard let value = root[key] else { return [] }
        guard let array = value.array else {
            issue(key, "'\(key)' must be an array of tables, written [[\(key)]]")
            return []
        }
        return array.enumerated().compactMap { index, element in
            guard let table = element.table else {
                issue("\(key)[\(index)]", "each [[\(key)]] must be a table")
                return nil
            }
            return table
        }
    }

    mutating func checkKeys(_ table: TOMLTable, allowed: Set<String>, path: String) {
        for key in table.keys where !allowed.contains(key) {
            let full = path.isEmpty ? key : "\(path).\(key)"
            issue(
                full,
                "unknown key '\(key)'\(path.isEmpty ? "" : " in [\(path)]"); known keys: "
                    + allowed.sorted().joined(separator: ", "))
        }
    }

    mutating func string(_ table: TOMLTable, _ key: String, _ path: String) -> String? {
        guard let value = table[key] else { return nil }
        guard let text = value.string else {
            issue("\(path).\(key)", "'\(key)' must be a string")
            return nil
        }
        return text
    }

    mutating func int(_ table: TOMLTable, _ key: String, _ path: String, in range: ClosedRange<Int>) -> Int? {
        guard let value = table[key] else { return nil }
        guard let number = value.int else {
            issue("\(path).\(key)", "'\(key)' must be an integer")
            return nil
        }
        guard range.contains(number) else {
            issue(
                "\(path).\(key)", "'\(key)' must be between \(range.lowerBound) and \(range.upperBound), got \(number)")
            return nil
        }
        return number
    }

    mutating func bool(_ table: TOMLTable, _ key: String, _ path: String) -> Bool? {
        guard let value = table[key] else { return nil }
        guard let flag = value.bool else {
            issue("\(path).\(key)", "'\(key)' must be true or false")
            return nil
        }
        return flag
    }

    /// The table's `language`: a language code, as names a catalogue's directory (`en`, `ru`, `pt_BR`).
    mutating func language(_ table: TOMLTable, _ path: String) -> String? {
        guard let language = string(table, "language", path) else { return nil }
        guard language.range(of: "^[a-z]{2,3}(_[A-Z]{2})?$", options: .regularExpression) != nil else {
            issue("\(path).language", "'language' is a language code such as \"ru\" or \"en\", got '\(language)'")
            return nil
        }
        return language
    }

    mutating func readDaemon(_ table: TOMLTable, into configuration: inout DaemonConfiguration) {
        let path = "daemon"
        checkKeys(
            table,
            allowed: [
                "state_dir", "socket", "socket_group", "socket_mode", "request_lifetime_hours", "max_message_bytes",
                "idle_timeout_seconds", "max_connections", "max_connections_per_uid", "audit_head_interval_seconds",
                "log_level", "metrics_file", "upload_max_bytes_per_uid", "upload_max_bytes", "max_uploads_per_uid",
                "language", "workbook_max_part_bytes",
            ], path: path)
        if let language = language(table, path) { configuration.journalLanguage = language }
        if let value = string(table, "state_dir", path) {
            if value.hasPrefix("/") {
                configuration.stateDirectory = value
            } else {
                issue("daemon.state_dir", "'state_dir' must be an absolute path")
            }
        }
        if let value = string(table, "socket", path) {
            if value.hasPrefix("/") && value.utf8.count < 108 {
                configuration.socketPath = value
            } else {
                issue("daemon.socket", "'socket' must be an absolute path shorter than 108 bytes")
            }
        }
        if let value = string(table, "socket_group", path) { configuration.socketGroup = value.isEmpty ? nil : value }
        if let value = string(table, "socket_mode", path) {
            if let mode = UInt32(value, radix: 8), mode <= 0o777 {
                configuration.socketMode = mode
            } else {
                issue("daemon.socket_mode", "'socket_mode' must be an octal mode such as \"0660\"")
            }
        }
        if let hours = int(table, "request_lifetime_hours", path, in: 1...(24 * 90)) {
            configuration.requestLifetime = TimeInterval(hours) * 3600
        }
        if let bytes = int(table, "max_message_bytes", path, in: 1024...(64 << 20)) {
            configuration.maxMessageBytes = bytes
        }
        if let bytes = int(table, "upload_max_bytes_per_uid", path, in: (1 << 20)...(1 << 40)) {
            configuration.uploadLimits.bytesPerUID = Int64(bytes)
        }
        if let bytes = int(table, "upload_max_bytes", path, in: (1 << 20)...(1 << 42)) {
            configuration.uploadLimits.bytesTotal = Int64(bytes)
        }
        if let bytes = int(table, "workbook_max_part_bytes", path, in: (1 << 20)...(16 << 30)) {
            configuration.workbookMaxPartBytes = UInt64(bytes)
        }
        if let count = int(table, "max_uploads_per_uid", path, in: 1...1024) {
            configuration.uploadLimits.uploadsPerUID = count
        }
        if let seconds = int(table, "idle_timeout_seconds", path, in: 1...86400) {
            configuration.idleTimeout = TimeInterval(seconds)
        }
        if let count = int(table, "max_connections", path, in: 1...65536) { configuration.maxConnections = count }
        if let count = int(table, "max_connections_per_uid", path, in: 1...65536) {
            configuration.maxConnectionsPerUID = count
        }
        if let seconds = int(table, "audit_head_interval_seconds", path, in: 1...604800) {
            configuration.auditHeadInterval = TimeInterval(seconds)
        }
        if let value = string(table, "metrics_file", path) {
            if value.hasPrefix("/") && value.hasSuffix(".prom") {
                configuration.metricsFile = value
            } else {
                issue(
                    "daemon.metrics_file",
                    "'metrics_file' must be an absolute path ending in .prom (node_exporter reads only those)")
            }
        }
        if let level = string(table, "log_level", path) {
            if let parsed = Logger.Level(rawValue: level) {
                configuration.logLevel = parsed
            } else {
                issue(
                    "daemon.log_level",
                    "'log_level' must be one of trace, debug, info, notice, warning, error, critical")
            }
        }
    }

    mutating func readSchool(_ table: TOMLTable, path: String) -> School? {
        checkKeys(
            table,
            allowed: [
                "id", "name", "time_zone", "first_grade", "last_grade", "graduating_grades", "default_start",
                "default_end", "start_skips_sunday", "checks_schedule", "grade_end", "language", "director",
                "director_title",
            ], path: path)
        let before = issues.count
        let id = string(table, "id", path)
        if id == nil && table["id"] == nil { issue(path, "a [[school]] needs an 'id'") }
        if let id, !School.isValidID(id) {
            issue("\(path).id", "a school id is 1-64 letters, digits, '-' or '_', got '\(id)'")
        }
        let name = string(table, "name", path) ?? id ?? ""
        let zone = string(table, "time_zone", path) ?? "UTC"
        if TimeZone(identifier: zone) == nil { issue("\(path).time_zone", "unknown time zone '\(zone)'") }
        let first = int(table, "first_grade", path, in: 0...12) ?? 1
        let last = int(table, "last_grade", path, in: 0...12) ?? 11
        if first > last { issue("\(path).last_grade", "'last_grade' (\(last)) is below 'first_grade' (\(first))") }
        var graduating = [9, 11].filter { (first...max(first, last)).contains($0) }
        if let value = table["graduating_grades"] {
            if let array = value.array, array.allSatisfy({ $0.int != nil }) {
                graduating = array.compactMap(\.int)
                for grade in graduating where !(first...max(first, last)).contains(grade) {
                    issue("\(path).graduating_grades", "graduating grade \(grade) is outside \(first)...\(last)")
                }
            } else {
                issue("\(path).graduating_grades", "'graduating_grades' must be an array of integers")
            }
        }
        let start = monthDay(table, "default_start", path) ?? MonthDay("09-01")
        let end = monthDay(table, "default_end", path) ?? MonthDay("05-31")
        let skips = bool(table, "start_skips_sunday", path) ?? true
        // grade_end = { 9 = "06-30", 11 = "06-30" }: the grades that end on their own day (after the state exams).
        var gradeEnds: [Int: MonthDay] = [:]
        if let value = table["grade_end"] {
            if let ends = value.table {
                for key in ends.keys.sorted() {
                    let keyPath = "\(path).grade_end.\(key)"
                    guard let grade = Int(key), (first...max(first, last)).contains(grade) else {
                        issue(keyPath, "'\(key)' is not a grade of the school (\(first)...\(last))")
                        continue
                    }
                    guard let text = ends[key]?.string, let day = MonthDay(text) else {
                        issue(keyPath, "grade \(grade)'s last day must be a month and day as MM-DD, e.g. \"06-30\"")
                        continue
                    }
                    gradeEnds[grade] = day
                }
            } else {
                issue("\(path).grade_end", "'grade_end' must be a table of grade = \"MM-DD\", e.g. { 9 = \"06-30\" }")
            }
        }
        guard issues.count == before, let id, let start, let end else { return nil }
        return School(
            id: id, name: name, timeZone: zone, firstGrade: first, lastGrade: last, graduatingGrades: graduating,
            defaultStart: start, defaultEnd: end, startSkipsSunday: skips, gradeEnds: gradeEnds)
    }

    mutating func readChecks(_ table: TOMLTable, into configuration: inout DaemonConfiguration) {
        let path = "checks"
        checkKeys(
            table,
            allowed: [
                "keep_runs", "default_capacity", "max_teacher_periods", "age_offset_min", "age_offset_max",
                "adult_age", "severity", "reports_dir", "templates_dir",
            ], path: path)
        if let value = string(table, "templates_dir", path) {
            if value.hasPrefix("/") {
                configuration.templatesDirectory = value
            } else {
                issue("checks.templates_dir", "'templates_dir' must be an absolute path")
            }
        }
        if let value = string(table, "reports_dir", path) {
            if value.hasPrefix("/") {
                configuration.reportsDirectory = value
            } else {
                issue("checks.reports_dir", "'reports_dir' must be an absolute path")
            }
        }
        var settings = CheckSettings()
        if let count = int(table, "keep_runs", path, in: 2...10000) { configuration.checkRunsKept = count }
        if let value = int(table, "default_capacity", path, in: 1...100) { settings.defaultCapacity = value }
        if let value = int(table, "max_teacher_periods", path, in: 1...84) { settings.maxTeacherPeriods = value }
        if let value = int(table, "age_offset_min", path, in: 0...10) { settings.ageOffsetMin = value }
        if let value = int(table, "age_offset_max", path, in: 0...15) { settings.ageOffsetMax = value }
        if let value = int(table, "adult_age", path, in: 14...21) { settings.adultAge = value }
        if settings.ageOffsetMax < settings.ageOffsetMin {
            issue("checks.age_offset_max", "'age_offset_max' is below 'age_offset_min'")
        }
        if let value = table["severity"] {
            if let severities = value.table {
                for key in severities.keys.sorted() {
                    let keyPath = "checks.severity.\(key)"
                    guard CheckCatalogue.byID[key] != nil else {
                        issue(keyPath, "no check '\(key)' in the catalogue; 'yearctl checks list' lists them")
                        continue
                    }
                    guard let text = severities[key]?.string, let severity = Severity(rawValue: text) else {
                        issue(keyPath, "the severity of '\(key)' must be \"error\" or \"warning\"")
                        continue
                    }
                    settings.severities[key] = severity
                }
            } else {
                issue("checks.severity", "[checks.severity] must be a table of check id = \"error\" or \"warning\"")
            }
        }
        configuration.checkSettings = settings
    }

    mutating func readRollover(_ table: TOMLTable, into configuration: inout DaemonConfiguration) {
        let path = "rollover"
        checkKeys(table, allowed: ["order_number", "personal_file", "backup", "backups_kept", "carry"], path: path)
        if let rule = string(table, "personal_file", path) {
            if let problem = RolloverSettings.personalFileProblem(rule) {
                issue("rollover.personal_file", "'personal_file': \(problem)")
            } else {
                configuration.rolloverSettings.personalFile = rule
            }
        }
        if let rule = string(table, "order_number", path) {
            if let problem = RolloverSettings.orderNumberProblem(rule) {
                issue("rollover.order_number", "'order_number': \(problem)")
            } else {
                configuration.rolloverSettings.orderNumber = rule
            }
        }
        if let value = bool(table, "backup", path) { configuration.rolloverBackup = value }
        if let value = int(table, "backups_kept", path, in: 1...1000) { configuration.rolloverBackupsKept = value }
        guard let value = table["carry"] else { return }
        guard let carry = value.table else {
            issue("rollover.carry", "[rollover.carry] must be a table of switches = true or false")
            return
        }
        let names = Set(CarryOver().named.map(\.0))
        checkKeys(carry, allowed: names, path: "rollover.carry")
        var switches = configuration.rolloverSettings.carry
        if let on = bool(carry, "curriculum", "rollover.carry") { switches.curriculum = on }
        if let on = bool(carry, "class_teachers", "rollover.carry") { switches.classTeachers = on }
        if let on = bool(carry, "assignments", "rollover.carry") { switches.assignments = on }
        if let on = bool(carry, "profiles", "rollover.carry") { switches.profiles = on }
        if let on = bool(carry, "capacity", "rollover.carry") { switches.capacity = on }
        configuration.rolloverSettings.carry = switches
    }

    mutating func monthDay(_ table: TOMLTable, _ key: String, _ path: String) -> MonthDay? {
        guard let text = string(table, key, path) else { return nil }
        guard let value = MonthDay(text) else {
            issue("\(path).\(key)", "'\(key)' must be a month and day as MM-DD, got '\(text)'")
            return nil
        }
        return value
    }

    mutating func readGrant(_ table: TOMLTable, path: String, schools: Set<String>) -> RoleGrant? {
        checkKeys(table, allowed: ["role", "user", "uid", "group", "gid", "school"], path: path)
        let before = issues.count
        let roleText = string(table, "role", path)
        let role = roleText.flatMap(Role.init(rawValue:))
        if role == nil {
            issue(
                "\(path).role",
                "a [[grant]] needs a 'role': one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var subjects: [RoleGrant.Subject] = []
        if let user = string(table, "user", path) { subjects.append(.user(user)) }
        if let uid = int(table, "uid", path, in: 0...Int(UInt32.max - 1)) { subjects.append(.uid(UInt32(uid))) }
        if let group = string(table, "group", path) { subjects.append(.group(group)) }
        if let gid = int(table, "gid", path, in: 0...Int(UInt32.max - 1)) { subjects.append(.gid(UInt32(gid))) }
        if subjects.count != 1 {
            issue(path, "a [[grant]] names exactly one of 'user', 'uid', 'group' or 'gid'")
        }
        let school = string(table, "school", path)
        if let school, !schools.contains(school) {
            issue("\(path).school", "no [[school]] has the id '\(school)'")
        }
        guard issues.count == before, let role, let subject = subjects.first else { return nil }
        return RoleGrant(role: role, subject: subject, school: school)
    }
}
