import Foundation
import Logging
import YearCore
import YearGenerator
import YearStore

/// `yeard --demo DIR`: a configuration, a school and a year to try yeard on one machine.
public enum Demo {
    /// The demo school's id.
    public static let schoolID = "demo-school"

    /// Writes `DIR/yeard.toml` unless it exists, and returns its path.
    ///
    /// The user who runs the demo is the admin (and the secretary and an auditor). The coordinator must be a different person:
    /// root when the demo runs as an ordinary user (`sudo yearctl ...`), else the user `nobody`
    /// (`runuser -u nobody -- yearctl ...`). The socket is 0666 so that the second user can connect; connecting
    /// grants nothing by itself, the roles come only from the grants below.
    public static func prepare(directory: String) throws -> String {
        let root = ConfigurationOverrides.absolute(directory)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let path = root + "/yeard.toml"
        if FileManager.default.fileExists(atPath: path) { return path }
        let uid = getuid()
        let me = PeerIdentity.userName(uid) ?? String(uid)
        let coordinator = uid == 0 ? "nobody" : "root"
        let approver = uid == 0 ? "runuser -u nobody -- $(command -v yearctl)" : "sudo $(command -v yearctl)"
        let text = """
            # yeard demo configuration, written by `yeard --demo`. Edit it and send SIGHUP to reload.
            # Try the two-person approval on one machine:
            #   export YEARD_SOCKET=\(root)/control.sock
            #   yearctl year list                              # as \(me), the admin
            #   yearctl year start 1 --reason "lessons begin"  # files request 1
            #   \(approver) --socket $YEARD_SOCKET request approve 1
            #   yearctl audit verify
            # The school's registry (about 1,000 students) was generated into registry/ and loaded:
            #   yearctl movement --from 2026-09-01 --to 2027-05-31
            #   yearctl export students > students.csv; yearctl import students students.csv --dry-run

            [daemon]
            state_dir = "\(root)"
            socket = "\(root)/control.sock"
            socket_mode = "0666"
            log_level = "info"

            [[school]]
            id = "\(schoolID)"
            name = "Demo School No. 1"
            time_zone = "Europe/Moscow"
            language = "ru"
            first_grade = 1
            last_grade = 11
            graduating_grades = [9, 11]
            default_start = "09-01"
            default_end = "05-31"
            grade_end = { 9 = "06-30", 11 = "06-30" }

            [[grant]]
            role = "admin"
            user = "\(me)"

            [[grant]]
            role = "auditor"
            user = "\(me)"

            [[grant]]
            role = "secretary"
            user = "\(me)"

            [[grant]]
            role = "coordinator"
            user = "\(coordinator)"

            """
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Creates the current academic year at the demo school when the school has no year yet, and loads a generated
    /// registry of about 1,000 students (`yeard-gen --size school --seed 1`) into it when the school has none. The
    /// CSV files stay in `DIR/registry` to look at and to try `yearctl import` and `export` on.
    static func ensureYear(database: YearDatabase, configuration: DaemonConfiguration, logger: Logger) async throws {
        guard configuration.schools.contains(where: { $0.id == schoolID }) else { return }
        let now = Calendar(identifier: .gregorian).dateComponents(in: TimeZone.gmt, from: Date())
        let startYear = (now.month ?? 9) >= 7 ? (now.year ?? 2026) : (now.year ?? 2026) - 1
        var year = try await database.years(of: [schoolID]).first { $0.label.startYear == startYear }
        if try await database.years(of: [schoolID]).isEmpty {
            year = try await database.createYear(
                school: schoolID, label: YearLabel(startYear: startYear), startDate: nil, endDate: nil,
                caller: .daemon)
            logger.notice("demo year created", metadata: ["year": "\(startYear)/\(startYear + 1)"])
        }
        guard let year,
            try await database.exportRegistry(kind: .staff, school: schoolID, year: nil, after: nil, limit: 1).csv
                .split(separator: "\n").count <= 1
        else { return }
        let directory = configuration.stateDirectory + "/registry"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let files = RegistryGenerator(seed: 1, startYear: startYear).school(0)
        for kind in RegistryGenerator.loadOrder {
            let text = files[kind] ?? ""
            let path = "\(directory)/\(kind.rawValue).csv"
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            let outcome = try await database.importRegistry(
                ImportRequest(
                    kind: kind, school: schoolID, year: kind.isYearScoped ? year : nil, path: path,
                    fileName: "\(kind.rawValue).csv", sha256: Digest.sha256Hex(text), dryRun: false),
                caller: .daemon)
            if outcome.problemCount > 0 {
                logger.error(
                    "demo registry refused",
                    metadata: ["kind": "\(kind.rawValue)", "problems": "\(outcome.problems.prefix(3))"])
            } else {
                logger.notice(
                    "demo registry loaded", metadata: ["kind": "\(kind.rawValue)", "rows": "\(outcome.rows)"])
            }
        }
    }
}
